/// Asks the kernel to read small files into the page cache a little ahead
/// of the workers that will read them, in the order given.
///
/// Many small files read cold are bound by the disk's latency: each worker
/// waits for one file at a time. `POSIX_FADV_WILLNEED` starts a file's read
/// without waiting for it, so the disk queue stays full, and files next to
/// each other on disk (in inode order) are read as larger, merged requests.
///
/// The workers do the advising: each one, as it starts a position
/// (`claimed(_:)`), advises up to `step` files not yet advised, until the
/// advice runs `lead` bytes ahead of the claims. (A thread of its own could
/// not keep up: starting a read costs tens of microseconds of CPU.) Files of
/// `smallLimit` bytes or more are left to the kernel's own read-ahead, which
/// serves a file read from start to end well.
public final class ReadAhead: @unchecked Sendable {
  private let paths: [String]
  /// `ends[i]`: the bytes of the small files among `0...i`.
  private let ends: [Int64]
  private let small: [Bool]
  private let lead: Int64
  private let step: Int
  private let advised = Locked(0)

  /// For `files` in the order the workers will take them.
  public init(
    _ files: [(path: String, size: Int64)], lead: Int64 = 64 << 20, step: Int = 4, smallLimit: Int64 = 1 << 20
  ) {
    paths = files.map(\.path)
    small = files.map { $0.size < smallLimit }
    var total: Int64 = 0
    ends = files.map { file in
      if file.size < smallLimit { total += file.size }
      return total
    }
    self.lead = lead
    self.step = step
  }

  /// A worker is about to read the file at `position`: advises what comes next.
  public func claimed(_ position: Int) {
    guard position < paths.count else { return }
    let range = advised.withLock { next -> Range<Int> in
      let start = max(next, position)
      var end = start
      while end < paths.count, end < start + step, ends[end] - ends[position] <= lead { end += 1 }
      next = max(next, end)
      return start..<end
    }
    for index in range where small[index] { FileIO.adviseWillNeed(paths[index]) }
  }
}
