import Basics
import ObjectStore

/// A file that differs between two states of the tracked data.
public struct DiffEntry: Sendable, Equatable {
  public enum Change: String, Sendable { case added, deleted, modified }
  public let path: String
  public let change: Change
  public let oldSize: Int64?
  public let newSize: Int64?
}

extension Project {
  /// The tracked files (per file inside directories) added, deleted or
  /// modified from revision `old` (default HEAD) to revision `new`, or to
  /// the workspace's data when `new` is nil.
  public func diff(from old: String?, to new: String?) throws -> [DiffEntry] {
    let before = try trackedFiles(at: try git.commit(for: old ?? "HEAD"))
    let after = try new.map { try trackedFiles(at: try git.commit(for: $0)) } ?? workspaceFiles()
    var entries: [DiffEntry] = []
    for (path, file) in after {
      if let previous = before[path] {
        if previous.id != file.id {
          entries.append(DiffEntry(path: path, change: .modified, oldSize: previous.size, newSize: file.size))
        }
      } else {
        entries.append(DiffEntry(path: path, change: .added, oldSize: nil, newSize: file.size))
      }
    }
    for (path, file) in before where after[path] == nil {
      entries.append(DiffEntry(path: path, change: .deleted, oldSize: file.size, newSize: nil))
    }
    return entries.sorted { $0.path < $1.path }
  }

  /// Every tracked file at `commit`, directories expanded through their trees.
  private func trackedFiles(at commit: String) throws -> [String: (id: ObjectID, size: Int64)] {
    var files: [String: (id: ObjectID, size: Int64)] = [:]
    for file in try git.files(at: commit, where: { $0.hasSuffix(Pointer.suffix) }) {
      let label = "\(file.path)@\(commit.prefix(7))"
      let pointer = try Pointer(parsing: String(decoding: try git.blob(file.blob), as: UTF8.self), file: label)
      let folder = Path.parent(of: file.path)
      for out in pointer.outs {
        let dataPath = Path.join(folder, out.path.string)
        switch out.kind {
        case .file: files[dataPath] = (out.id, out.size)
        case .dir:
          guard let tree = try cachedTree(out.id) else {
            throw LodeKitError.unknownTree(path: dataPath + "@\(commit.prefix(7))")
          }
          for entry in tree.entries { files[Path.join(dataPath, entry.path.string)] = (entry.id, entry.size) }
        }
      }
    }
    return files
  }

  /// Every tracked file as it is in the workspace now (missing data is absent).
  private func workspaceFiles() throws -> [String: (id: ObjectID, size: Int64)] {
    var files: [String: (id: ObjectID, size: Int64)] = [:]
    for tracked in try selectTracked([]) {
      guard let stat = try FileStat.of(absolute(tracked.dataPath)) else { continue }
      switch (tracked.out.kind, stat.kind) {
      case (.file, .regular):
        files[tracked.dataPath] = (try workspace.currentID(key: tracked.dataPath, stat: stat), stat.size)
      case (.dir, .directory):
        for entry in try workspace.currentTree(dataPath: tracked.dataPath).entries {
          files[Path.join(tracked.dataPath, entry.path.string)] = (entry.id, entry.size)
        }
      default:
        continue
      }
    }
    statIndex.save()
    return files
  }
}
