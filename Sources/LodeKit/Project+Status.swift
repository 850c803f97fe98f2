import Basics
import ObjectStore

/// A file inside a tracked directory that differs from the pointer.
public struct FileChange: Sendable, Equatable {
  public enum Kind: String, Sendable { case added, removed, modified }
  /// The path relative to the repository root.
  public let path: String
  public let kind: Kind
}

/// How a tracked path's workspace content compares with its pointer.
public struct PathStatus: Sendable {
  public enum State: String, Sendable {
    case clean, modified, missing
  }
  public let dataPath: String
  public let pointerPath: String
  public let kind: PointerOut.Kind
  public let state: State
  /// Whether the cache holds every object the pointer names (checkout needs them).
  public let inCache: Bool
  /// For a modified directory, the files that differ (empty when the tree is not in the cache).
  public let changes: [FileChange]
}

extension Project {
  /// Compares every tracked path (or those named) with the workspace. Files
  /// whose stat matches the stat index are not read.
  public func status(_ userPaths: [String]) throws -> [PathStatus] {
    let tracked = try selectTracked(userPaths)
    defer { statIndex.save() }
    return try tracked.map { path in
      switch path.out.kind {
      case .file: return try fileStatus(path)
      case .dir: return try directoryStatus(path)
      }
    }
  }

  private func fileStatus(_ path: TrackedPath) throws -> PathStatus {
    let inCache = cache.contains(path.out.id)
    let state: PathStatus.State
    if let stat = try FileStat.of(absolute(path.dataPath)), stat.kind == .regular {
      let id = try workspace.currentID(key: path.dataPath, stat: stat)
      state = id == path.out.id && stat.isExecutable == path.out.executable ? .clean : .modified
    } else {
      state = try FileStat.of(absolute(path.dataPath)) == nil ? .missing : .modified
    }
    return PathStatus(
      dataPath: path.dataPath, pointerPath: path.pointerPath, kind: .file, state: state, inCache: inCache,
      changes: [])
  }

  private func directoryStatus(_ path: TrackedPath) throws -> PathStatus {
    func result(_ state: PathStatus.State, inCache: Bool, _ changes: [FileChange] = []) -> PathStatus {
      PathStatus(
        dataPath: path.dataPath, pointerPath: path.pointerPath, kind: .dir, state: state, inCache: inCache,
        changes: changes)
    }
    let stat = try FileStat.of(absolute(path.dataPath))
    let memo = CleanTreeMemo(path: cache.root + "/clean-trees")
    if stat?.kind == .directory, let known = memo.fingerprint(of: path.dataPath, tree: path.out.id),
      cache.contains(path.out.id)
    {
      let scan = try WorkspaceScan.scan(in: absolute(path.dataPath), displayPrefix: path.dataPath, collect: false)
      if scan.fingerprint == known {
        return result(.clean, inCache: try treeComplete(id: path.out.id) { try cachedTree(path.out.id) })
      }
    }
    guard let tree = try cachedTree(path.out.id) else {
      guard stat?.kind == .directory else { return result(stat == nil ? .missing : .modified, inCache: false) }
      let current = try workspace.currentTree(dataPath: path.dataPath)
      return result(ObjectID.of(current.encoded()) == path.out.id ? .clean : .modified, inCache: false)
    }
    let inCache = try treeComplete(id: path.out.id) { tree }
    guard let stat else { return result(.missing, inCache: inCache) }
    guard stat.kind == .directory else { return result(.modified, inCache: inCache) }
    let scanStart = coarseNowNanoseconds()
    let comparison = try compare(tree, dataPath: path.dataPath)
    if comparison.changes.isEmpty && comparison.settled <= scanStart {
      memo.recordClean(path.dataPath, tree: path.out.id, fingerprint: comparison.fingerprint)
    }
    let changes = comparison.changes
    return result(changes.isEmpty ? .clean : .modified, inCache: inCache, changes)
  }

  /// The verified tree object `id`, or nil when the cache lacks it.
  func cachedTree(_ id: ObjectID) throws -> Tree? {
    guard cache.contains(id) else { return nil }
    return try Tree(decoding: try cache.read(id), id: id)
  }

  /// Whether the cache holds every object of tree `id` (read with `tree` when
  /// needed), from the presence memo when the cache has not changed since
  /// it was last checked.
  private func treeComplete(id: ObjectID, _ tree: () throws -> Tree?) throws -> Bool {
    let memo = PresenceMemo(path: cache.root + "/present")
    let before = cache.holdingsFingerprint()
    if let before, memo.knowsComplete(id, fingerprint: before) { return true }
    guard let tree = try tree() else { return false }
    let complete = missingObjects(tree.entries.map(\.id)).isEmpty
    if complete, let before, cache.holdingsFingerprint() == before { memo.recordComplete(id, fingerprint: before) }
    return complete
  }

  /// The ids among `ids` that the cache lacks.
  func missingObjects(_ ids: [ObjectID]) -> [ObjectID] {
    let wanted = Set(ids)
    return Array(wanted.subtracting(cache.present(wanted)))
  }

  /// The differences between `tree` and the workspace directory at `dataPath`,
  /// plus the workspace files with their ids (for checkout's plan).
  func compare(_ tree: Tree, dataPath: String, removeLeftovers: Bool = false) throws -> DirectoryComparison {
    let scan = try WorkspaceScan.scan(
      in: absolute(dataPath), displayPrefix: dataPath, removeLeftovers: removeLeftovers)
    let files = scan.files
    let ids = try workspace.currentIDs(keys: files.map { Path.join(dataPath, $0.path) }, stats: files.map(\.stat))
    var wanted: [String: TreeEntry] = [:]
    for entry in tree.entries { wanted[entry.path.string] = entry }
    var changes: [FileChange] = []
    var present: [String: (id: ObjectID, stat: FileStat)] = [:]
    for (file, id) in zip(files, ids) {
      present[file.path] = (id, file.stat)
      let full = Path.join(dataPath, file.path)
      if let entry = wanted[file.path] {
        if entry.id != id || entry.executable != file.stat.isExecutable {
          changes.append(FileChange(path: full, kind: .modified))
        }
      } else {
        changes.append(FileChange(path: full, kind: .added))
      }
    }
    for entry in tree.entries where present[entry.path.string] == nil {
      changes.append(FileChange(path: Path.join(dataPath, entry.path.string), kind: .removed))
    }
    changes.sort { $0.path < $1.path }
    return DirectoryComparison(
      changes: changes, present: present, fingerprint: scan.fingerprint, settled: scan.settled)
  }
}

/// A tracked directory's workspace compared with its tree.
struct DirectoryComparison {
  let changes: [FileChange]
  /// Workspace files (relative to the directory) with their ids and stats.
  let present: [String: (id: ObjectID, stat: FileStat)]
  /// The workspace scan's fingerprint and settling time (`DirectoryScan`).
  let fingerprint: String
  let settled: Int64
}
