import Basics
import ObjectStore
import Pipeline

/// Remembers the outs of every (cmd, deps, params) combination that ran, so
/// the same inputs never run twice: `.lode/cache/runs/<2 hex>/<key>`, each a
/// lockfile with one stage named `run`. The key is the SHA-256 of the
/// canonical inputs (docs/pipelines.md).
struct RunCache {
  let directory: String

  /// The key of a run's inputs.
  static func key(command: String, deps: [LockedPath], params: [String: [String: Value]], outs: [StageOutput])
    -> String
  {
    var text = "lode-run 1\ncmd \(command.utf8.count)\n\(command)\n"
    for dep in deps.sorted(by: { $0.path < $1.path }) { text += "dep \(dep.id.hex) \(dep.path)\n" }
    for file in params.keys.sorted() {
      for (key, value) in params[file]!.sorted(by: { $0.key < $1.key }) {
        text += "param \(file) \(key) \(value.canonical)\n"
      }
    }
    for out in outs.sorted(by: { $0.path < $1.path }) { text += "out \(out.cache) \(out.path)\n" }
    return SHA256.hex(of: Array(text.utf8))
  }

  func path(of key: String) -> String { directory + "/" + key.prefix(2) + "/" + key }

  /// Where run-cache entries live on a remote.
  static let remotePrefix = "runs"

  /// The remote name of entry `key`.
  static func remoteName(_ key: String) -> String { remotePrefix + "/" + key.prefix(2) + "/" + key }

  /// The outs recorded for `key`, if that run happened.
  func outs(for key: String) -> [LockedPath]? {
    guard let bytes = try? FileIO.readFileIfPresent(path(of: key)),
      let lock = try? Lockfile(parsing: String(decoding: bytes, as: UTF8.self), file: "run-cache \(key.prefix(12))")
    else { return nil }
    return lock.stages["run"]?.outs
  }

  /// Records the outs of a run, atomically.
  func record(_ key: String, entry: LockEntry) throws {
    let target = path(of: key)
    try FileIO.makeDirectories(Path.parent(of: target))
    try AtomicFile.write(Lockfile(stages: ["run": entry]).rendered(), to: target)
  }

  /// Every key recorded.
  func keys() throws -> [String] {
    var keys: [String] = []
    for (fanout, _) in try FileIO.listDirectory(directory) ?? [] where fanout.count == 2 {
      for (name, _) in try FileIO.listDirectory(directory + "/" + fanout) ?? [] where name.count == 64 {
        keys.append(name)
      }
    }
    return keys.sorted()
  }
}
