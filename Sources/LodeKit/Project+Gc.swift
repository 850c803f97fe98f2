import Basics
import ObjectStore
import Remotes

/// What `lode gc` removed (or, with `--dry-run`, would remove).
public struct GcResult: Sendable {
  /// The remote cleaned, or nil for the local cache.
  public var remote: String?
  public var removed: [ObjectID] = []
  /// Bytes freed (as stored); unknown (0) for remotes.
  public var bytes: Int64 = 0
  /// Objects kept because something in scope uses them.
  public var kept = 0
  public var dryRun = false
}

extension Project {
  /// Removes the cache's (or a remote's) objects that nothing in `scope`
  /// uses. The workspace's pointers are always in scope. For a remote,
  /// `confirm(count)` must agree unless `force`.
  public func gc(
    _ scope: DataScope, remote name: String?, dryRun: Bool, force: Bool, confirm: (Int) -> Bool
  ) throws -> GcResult {
    let lock = try lock(for: "gc")
    defer { withExtendedLifetime(lock) {} }
    var scope = scope
    scope.workspace = true
    scope.paths = []
    var result = GcResult(dryRun: dryRun)
    if let name {
      let (remoteName, remote) = try openRemote(name)
      try remote.checkAccess(write: !dryRun)
      result.remote = remoteName
      var live = try liveObjects(scope, treesFrom: remote)
      let parsed = try remote.list(prefix: "objects").compactMap { name in ObjectName.parse(name).map { (name, $0) } }
      for (name, (id, codec)) in parsed where codec == .chunked && live.contains(id) {
        live.formUnion(try remoteChunks(id, name: name, remote: remote))
      }
      let stored = parsed.map { ($0.0, $0.1.0) }
      let dead = stored.filter { !live.contains($0.1) }
      result.kept = stored.count - dead.count
      result.removed = dead.map(\.1).sorted()
      if dryRun || dead.isEmpty { return result }
      guard force || confirm(dead.count) else { throw LodeKitError.gcNotConfirmed(remote: remoteName) }
      // Chunk lists go before the chunks they name, so an interrupted gc never
      // leaves a list whose chunks are gone (the reverse of publishing).
      for phase in [true, false] {
        let batch = dead.filter { $0.0.hasSuffix(Codec.chunked.suffix) == phase }
        try parallelForEach(batch.count, workers: defaultTransferJobs) { try remote.delete(batch[$0].0) }
      }
      return result
    }
    var live = try liveObjects(scope, treesFrom: nil)
    if !dryRun { cache.removeLeftoverTempFiles(everywhere: true) }
    let stored = try cache.allObjects()
    // A chunk lives while a live chunked file uses it.
    for object in stored where object.codec == .chunked && live.contains(object.id) {
      live.formUnion(try ChunkList(readingFile: object.path).entries.map(\.id))
    }
    // Chunk lists first: a killed gc may leave unused chunks, never a list without its chunks.
    let dead = stored.filter { !live.contains($0.id) }.sorted { ($0.codec == .chunked) && $1.codec != .chunked }
    result.kept = stored.count - dead.count
    result.removed = dead.map(\.id).sorted()
    for object in dead {
      result.bytes += (try FileStat.of(object.path))?.size ?? 0
      if !dryRun { try FileIO.removeFile(object.path) }
    }
    return result
  }

  /// The chunks that the chunk list `name` on `remote` names, read from the
  /// remote itself (a local list of the same file may cut it differently),
  /// plus those of the cache's list of that file, if any: both are kept.
  private func remoteChunks(_ id: ObjectID, name: String, remote: Remote) throws -> [ObjectID] {
    var bytes: [UInt8] = []
    try remote.get(name) {
      bytes.append(contentsOf: $0)
      if bytes.count > ChunkList.maximumEncodedSize {
        throw ObjectStoreError.badChunkList(path: remote.location + "/" + name, detail: "the list is too large")
      }
    }
    let listed = try ChunkList(parsing: bytes, source: remote.location + "/" + name).entries.map(\.id)
    return listed + ((try? cache.chunkList(of: id))??.entries.map(\.id) ?? [])
  }

  /// Every object the outs in `scope` use: files, trees and the trees'
  /// files. A tree the cache lacks is fetched from `remote` when given;
  /// otherwise (or if the remote lacks it too) gc stops: it cannot know
  /// which objects that directory needs, so it must not delete any.
  func liveObjects(_ scope: DataScope, treesFrom remote: Remote?) throws -> Set<ObjectID> {
    var live = Set<ObjectID>()
    for out in try outs(in: scope) {
      live.insert(out.id)
      guard out.kind == .dir else { continue }
      if !cache.contains(out.id), let remote {
        let index = try RemoteIndex(remote: remote, ids: [out.id], workers: 1)
        if let codec = index.codecs[out.id] {
          let name = ObjectName.of(out.id, codec: codec)
          let pending = try cache.receive(out.id, codec: codec, source: remote.location + "/" + name) { sink in
            try remote.get(name, into: sink)
          }
          try cache.publish([pending])
        }
      }
      guard let tree = try cachedTree(out.id) else { throw LodeKitError.unknownTree(path: out.label) }
      for entry in tree.entries { live.insert(entry.id) }
    }
    return live
  }
}
