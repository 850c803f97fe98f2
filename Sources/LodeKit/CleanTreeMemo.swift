import Basics
import ObjectStore

/// Remembers, for each tracked directory, the fingerprint of a scan
/// (`DirectoryScan.fingerprint`: every file's path and stat) that status
/// found identical to the directory's tree. A later status whose scan has
/// the same fingerprint knows the directory is clean without looking up or
/// comparing a single file. Only scans whose files all changed before the
/// scan began are recorded, so a file rewritten within the same clock tick
/// can never keep its stat (the stat index's rule). Kept in
/// `.lode/cache/clean-trees`; losing or damaging it only costs a full compare.
struct CleanTreeMemo {
  static let header = "lode-clean-trees 1"
  static let capacity = 64
  let path: String

  /// The fingerprint recorded for the directory at `dataPath` holding tree `id`.
  func fingerprint(of dataPath: String, tree id: ObjectID) -> String? {
    read().first { $0.dataPath == dataPath && $0.tree == id.hex }?.fingerprint
  }

  /// Records that the directory at `dataPath` matched tree `id` when its scan had `fingerprint`.
  func recordClean(_ dataPath: String, tree id: ObjectID, fingerprint: String) {
    let line = Line(tree: id.hex, fingerprint: fingerprint, dataPath: dataPath)
    let lines = [line] + read().filter { $0.dataPath != dataPath }.prefix(Self.capacity - 1)
    let text = ([Self.header] + lines.map { "\($0.tree) \($0.fingerprint) \($0.dataPath)" }).joined(separator: "\n")
    writeMemo(text + "\n", to: path)
  }

  private struct Line {
    let tree: String
    let fingerprint: String
    let dataPath: String
  }

  private func read() -> [Line] {
    guard let bytes = try? FileIO.readFileIfPresent(path) else { return [] }
    let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
    guard lines.first == Substring(Self.header) else { return [] }
    return lines.dropFirst().compactMap { line in
      let fields = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
      guard fields.count == 3, fields[0].utf8.count == 64, fields[1].utf8.count == 64 else { return nil }
      return Line(tree: String(fields[0]), fingerprint: String(fields[1]), dataPath: String(fields[2]))
    }
  }
}
