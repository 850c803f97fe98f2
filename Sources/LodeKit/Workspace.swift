import Basics
import ObjectStore

/// The thread-safe part of a project that parallel workers use: the work
/// tree, the cache and the stat index (never the git handle).
struct Workspace: Sendable {
  let root: String
  let cache: ObjectCache
  let statIndex: StatIndex

  /// A file's tree entry, and the object write that produced it (nil when
  /// the stat index and cache made reading it unnecessary).
  struct StoredFile: Sendable {
    var entry: TreeEntry
    var pending: PendingObject?
    var key: String
    var verifiedAt: Int64

    func remember(in index: StatIndex) {
      if let source = pending?.source { index.record(key, stat: source, id: entry.id, verifiedAt: verifiedAt) }
    }
  }

  /// Stores the file at repository path `key` unless the stat index already
  /// knows its id and the cache holds it. Does not publish.
  /// `holdings` (a snapshot of the cache's ids) replaces lookups in the cache.
  /// `lookedUp`: the caller already asked `knownID` with `knownStat`, and
  /// this was the answer.
  func storeFile(
    key: String, relative: String? = nil, knownStat: FileStat? = nil, holdings: Set<ObjectID>? = nil,
    lookedUp: ObjectID?? = nil
  ) throws -> StoredFile {
    let path = try RelativePath(validating: relative ?? Path.basename(key))
    let absolutePath = root + "/" + key
    guard let stat = try knownStat ?? FileStat.of(absolutePath) else { throw LodeKitError.noSuchPath(path: key) }
    if let id = lookedUp ?? knownID(key: key, stat: stat, holdings: holdings) {
      return StoredFile(
        entry: TreeEntry(path: path, id: id, size: stat.size, executable: stat.isExecutable), pending: nil,
        key: key, verifiedAt: 0)
    }
    let verifiedAt = coarseNowAfter(stat.mtimeNanoseconds)
    let pending = try cache.write(file: absolutePath, holdings: holdings)
    statIndex.noteHashed(key)
    let source = pending.source ?? stat
    return StoredFile(
      entry: TreeEntry(path: path, id: pending.id, size: pending.size, executable: source.isExecutable),
      pending: pending, key: key, verifiedAt: verifiedAt)
  }
}

extension Workspace {
  /// The id of the file at `key` when `storeFile` need not read it: the
  /// stat index vouches for it and the cache holds that object.
  func knownID(key: String, stat: FileStat, holdings: Set<ObjectID>?) -> ObjectID? {
    guard let id = statIndex.id(for: key, stat: stat), holdings?.contains(id) ?? cache.contains(id) else { return nil }
    return id
  }

  /// The id of the workspace file at repository path `key` with `stat`:
  /// from the stat index when the file is unchanged, else by reading it
  /// (and remembering the answer).
  func currentID(key: String, stat: FileStat) throws -> ObjectID {
    if let id = statIndex.id(for: key, stat: stat) { return id }
    let verifiedAt = coarseNowAfter(stat.mtimeNanoseconds)
    let hashed = try cache.hash(file: root + "/" + key)
    statIndex.noteHashed(key)
    statIndex.record(key, stat: hashed.stat, id: hashed.id, verifiedAt: verifiedAt)
    return hashed.id
  }

  /// The ids of many workspace files, hashed on all cores where needed.
  func currentIDs(keys: [String], stats: [FileStat]) throws -> [ObjectID] {
    // Known files first, in one pass; only the rest are read, on all cores.
    let known = statIndex.ids(for: keys, stats: stats)
    let unknown = known.indices.filter { known[$0] == nil }
    if unknown.isEmpty { return known.map { $0! } }
    let ids = Locked(known)
    try parallelForEach(unknown.count) { position in
      let index = unknown[position]
      let id = try currentID(key: keys[index], stat: stats[index])
      ids.withLock { $0[index] = id }
    }
    return ids.withLock { $0.map { $0! } }
  }

  /// The tree listing of the tracked directory at `dataPath` as it is in the
  /// workspace, with each file's id.
  func currentTree(dataPath: String) throws -> Tree {
    let files = try WorkspaceScan.files(in: root + "/" + dataPath, displayPrefix: dataPath)
    let ids = try currentIDs(keys: files.map { Path.join(dataPath, $0.path) }, stats: files.map(\.stat))
    return Tree(
      entries: try zip(files, ids).map { file, id in
        TreeEntry(
          path: try RelativePath(validating: file.path), id: id, size: file.stat.size,
          executable: file.stat.isExecutable)
      })
  }
}
