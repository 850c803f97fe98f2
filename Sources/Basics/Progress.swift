/// A one-line progress display on stderr, drawn only when stderr is a
/// terminal (nothing at all when piped), redrawn at most ten times a second.
/// Safe to advance from many threads.
public final class Progress: @unchecked Sendable {
  private struct State {
    var items = 0
    var bytes: Int64 = 0
    var lastDraw = 0.0
    var drawn = false
  }

  private let label: String
  private let totalItems: Int
  private let enabled: Bool
  private let start = monotonicSeconds()
  private let state = Locked(State())

  /// A display for `totalItems` items; disabled when stderr is not a terminal.
  public init(_ label: String, totalItems: Int) {
    self.label = label
    self.totalItems = totalItems
    self.enabled = isatty(2) == 1 && getenv("LODE_NO_PROGRESS") == nil
  }

  /// Records `items` finished items carrying `bytes` bytes.
  public func advance(items: Int = 1, bytes: Int64 = 0) {
    guard enabled else { return }
    state.withLock { s in
      s.items += items
      s.bytes += bytes
      let now = monotonicSeconds()
      if now - s.lastDraw >= 0.1 {
        s.lastDraw = now
        s.drawn = true
        draw(s, elapsed: now - start)
      }
    }
  }

  /// Clears the line if anything was drawn.
  public func finish() {
    guard enabled else { return }
    state.withLock { s in
      if s.drawn { writeStderr("\r\u{1B}[K") }
    }
  }

  private func draw(_ s: State, elapsed: Double) {
    let rate = elapsed > 0 ? Double(s.bytes) / elapsed : 0
    let line =
      "\r\u{1B}[K\(label) \(s.items)/\(totalItems) files, \(formatBytes(s.bytes)) at \(formatBytes(Int64(rate)))/s"
    writeStderr(line)
  }
}

/// Writes `text` to stderr unbuffered.
public func writeStderr(_ text: String) {
  var bytes = Array(text.utf8)
  _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}

/// `1536` → `1.5 KiB`: binary units, one decimal.
public func formatBytes(_ count: Int64) -> String {
  let units = ["B", "KiB", "MiB", "GiB", "TiB"]
  var value = Double(count)
  var unit = 0
  while value >= 1024 && unit < units.count - 1 {
    value /= 1024
    unit += 1
  }
  return unit == 0 ? "\(count) B" : "\(value.formatted(decimals: 1)) \(units[unit])"
}

/// `count` and `noun`, plural unless the count is one: `1 file`, `3 files`.
public func counted(_ count: Int, _ noun: String) -> String {
  "\(count) \(noun)\(count == 1 ? "" : "s")"
}
