import Basics
import ObjectStore

/// Remembers which tracked trees had every object in the cache, keyed by the
/// cache's holdings fingerprint (`ObjectCache.holdingsFingerprint`), so a
/// status of an unchanged directory skips listing the cache. Any object
/// added or deleted since changes the fingerprint and voids the memo. Kept
/// in `.lode/cache/present`; losing or damaging it only costs a re-check.
struct PresenceMemo {
  static let header = "lode-present 1"
  static let capacity = 64
  let path: String

  /// Whether every object of tree `id` is known to be in the cache.
  func knowsComplete(_ id: ObjectID, fingerprint: String) -> Bool {
    guard let (stored, trees) = read(), stored == fingerprint else { return false }
    return trees.contains(id.hex)
  }

  /// Records that tree `id` had every object while the cache had `fingerprint`.
  func recordComplete(_ id: ObjectID, fingerprint: String) {
    var trees: [String] = []
    if let (stored, known) = read(), stored == fingerprint { trees = known.filter { $0 != id.hex } }
    trees = Array(([id.hex] + trees).prefix(Self.capacity))
    let text = ([Self.header, fingerprint] + trees).joined(separator: "\n") + "\n"
    writeMemo(text, to: path)
  }

  private func read() -> (String, [String])? {
    guard let bytes = try? FileIO.readFileIfPresent(path) else { return nil }
    let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
    guard lines.count >= 2, lines[0] == Self.header else { return nil }
    return (lines[1], Array(lines.dropFirst(2)))
  }
}

/// Replaces the memo file `path` in the cache folder with `text`. A memo is
/// a hint: written atomically but not flushed, through the cache's tmp/,
/// which the next locked command clears if this one dies; failing to write
/// it only costs work later.
func writeMemo(_ text: String, to path: String) {
  let folder = Path.parent(of: path) + "/tmp"
  try? FileIO.makeDirectories(folder)
  try? AtomicFile.write(text, to: path, durable: false, temporaryFolder: folder)
}
