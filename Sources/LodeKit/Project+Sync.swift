import Basics
import ObjectStore
import Pipeline
import Remotes

/// What a push or fetch moved.
public struct TransferResult: Sendable {
  /// The remote's name.
  public var remote: String
  /// Objects sent or received, and their bytes as stored (compressed).
  public var transferred = 0
  public var transferredBytes: Int64 = 0
  /// Objects the other side already had.
  public var skipped = 0
  /// Tracked paths whose objects are missing at the source (the local
  /// cache for a push, the remote for a fetch).
  public var missing: [String] = []
  /// Objects that arrived damaged and were refused, with the reason.
  public var corrupt: [String] = []
  /// The objects received (for a fetch), each verified against its id on arrival.
  var received = Set<ObjectID>()

  /// Counts the chunk lists `checked` published and refused.
  mutating func add(_ checked: Project.ListsChecked) {
    transferred += checked.published.count
    received.formUnion(checked.published)
    corrupt += checked.corrupt
  }
}

/// The default number of parallel transfers: I/O-bound, so more than the cores.
public let defaultTransferJobs = ProcessorCount.value * 2

extension Project {
  /// Uploads every object in `scope` that the remote lacks: files first,
  /// then the trees that list them, so a tree on the remote is never
  /// ahead of its files. Objects travel exactly as stored in the cache.
  public func push(_ scope: DataScope, remote name: String?, jobs: Int?) throws -> TransferResult {
    let lock = try lock(for: "push")
    defer { withExtendedLifetime(lock) {} }
    let (remoteName, remote) = try openRemote(name)
    try remote.checkAccess(write: true)
    var result = TransferResult(remote: remoteName)
    var files: [ObjectID: String] = [:]
    var trees: [ObjectID: String] = [:]
    for out in try outs(in: scope) {
      switch out.kind {
      case .file: files[out.id] = files[out.id] ?? out.label
      case .dir:
        guard let tree = try cachedTree(out.id) else {
          result.missing.append(out.label)
          continue
        }
        trees[out.id] = out.label
        for entry in tree.entries where files[entry.id] == nil { files[entry.id] = out.label }
      }
    }
    let workers = jobs ?? defaultTransferJobs
    let index = try RemoteIndex(remote: remote, ids: Array(files.keys) + Array(trees.keys), workers: workers)
    // The chunks of chunked files the remote lacks go first of all, so a
    // chunk list on the remote is never ahead of its chunks; a list whose
    // chunks cannot all be sent is not sent either.
    let (chunks, withheld) = try chunksToPush(files: files, remoteHas: index, remote: remote, workers: workers)
    for (group, groupIndex) in [(chunks.wanted, chunks.index), (files, index), (trees, index)] {
      var sendable: [(ObjectID, CachedLocation)] = []
      for (id, label) in group {
        let location = cache.locate(id)
        if groupIndex.contains(id) {
          result.skipped += 1
        } else if let location, !withheld.contains(id) {
          sendable.append((id, CachedLocation(path: location.path, codec: location.codec)))
        } else if !result.missing.contains(label) {
          result.missing.append(label)
        }
      }
      let sent = try upload(sendable, to: remote, workers: workers)
      result.transferred += sendable.count
      result.transferredBytes += sent
    }
    if scope.runCache { try pushRunCache(to: remote) }
    result.missing.sort()
    return result
  }

  /// The chunks to push (chunk id → path label) for the chunked files the
  /// remote lacks, which of them the remote has as bytes (a chunk list in a
  /// chunk's place does not count), and the chunked files whose lists must
  /// be withheld because a chunk is neither on the remote nor in the cache.
  private func chunksToPush(
    files: [ObjectID: String], remoteHas index: RemoteIndex, remote: Remote, workers: Int
  ) throws -> (chunks: (wanted: [ObjectID: String], index: RemoteIndex), withheld: Set<ObjectID>) {
    var wanted: [ObjectID: String] = [:]
    var lists: [ObjectID: ChunkList] = [:]
    for (id, label) in files where !index.contains(id) {
      guard cache.locate(id)?.codec == .chunked, let list = try cache.chunkList(of: id) else { continue }
      lists[id] = list
      for entry in list.entries where wanted[entry.id] == nil { wanted[entry.id] = label }
    }
    var chunkIndex = try RemoteIndex(remote: remote, ids: Array(wanted.keys), workers: workers)
    chunkIndex.removeAll { $0 == .chunked }
    var withheld = Set<ObjectID>()
    for (id, list) in lists {
      let complete = list.entries.allSatisfy { entry in
        chunkIndex.contains(entry.id) || cache.locate(entry.id).map { $0.codec != .chunked } == true
      }
      if !complete { withheld.insert(id) }
    }
    return ((wanted, chunkIndex), withheld)
  }

  /// Uploads the run-cache entries the remote lacks (after their outs, so an
  /// entry on the remote never names objects that are not there yet).
  private func pushRunCache(to remote: Remote) throws {
    let runs = RunCache(directory: runCacheDirectory)
    let present = Set(try remote.list(prefix: RunCache.remotePrefix))
    for key in try runs.keys() where !present.contains(RunCache.remoteName(key)) {
      try remote.put(RunCache.remoteName(key), fromFile: runs.path(of: key))
    }
  }

  /// Downloads the run-cache entries the cache lacks; each must parse before it is kept.
  private func fetchRunCache(from remote: Remote) throws {
    let runs = RunCache(directory: runCacheDirectory)
    let local = Set(try runs.keys())
    for name in try remote.list(prefix: RunCache.remotePrefix) {
      let key = Path.basename(name)
      guard key.count == 64, key.allSatisfy(\.isHexDigit), !local.contains(key) else { continue }
      var bytes: [UInt8] = []
      try remote.get(name) { bytes.append(contentsOf: $0) }
      let lock = try Lockfile(parsing: String(decoding: bytes, as: UTF8.self), file: "\(remote.location)/\(name)")
      guard let entry = lock.stages["run"] else { continue }
      try runs.record(key, entry: entry)
    }
  }

  private func upload(_ objects: [(ObjectID, CachedLocation)], to remote: Remote, workers: Int) throws -> Int64 {
    let progress = Progress("pushing", totalItems: objects.count)
    defer { progress.finish() }
    let bytes = Locked<Int64>(0)
    let uploads = objects.map { Upload(name: ObjectName.of($0.0, codec: $0.1.codec), path: $0.1.path) }
    try remote.putAll(uploads, workers: workers) { size in
      bytes.withLock { $0 += size }
      progress.advance(bytes: size)
    }
    return bytes.withLock { $0 }
  }

  /// Downloads every object in `scope` that the cache lacks, verifying each
  /// against its id before it enters the cache. Trees come first, then the
  /// files they list. Missing and damaged objects are reported in the
  /// result, after everything else was fetched.
  public func fetch(_ scope: DataScope, remote name: String?, jobs: Int?) throws -> TransferResult {
    let lock = try lock(for: "fetch")
    defer { withExtendedLifetime(lock) {} }
    return try fetchLocked(scope, remote: name, jobs: jobs)
  }

  /// `fetch` for a caller that holds the lock.
  private func fetchLocked(_ scope: DataScope, remote name: String?, jobs: Int?) throws -> TransferResult {
    let (remoteName, remote) = try openRemote(name)
    try remote.checkAccess(write: false)
    var result = TransferResult(remote: remoteName)
    let workers = jobs ?? defaultTransferJobs
    if scope.runCache { try fetchRunCache(from: remote) }
    let outs = try outs(in: scope)
    var first: [ObjectID: String] = [:]
    for out in outs { first[out.id] = first[out.id] ?? out.label }
    let lists = try download(first, deferringLists: true, from: remote, workers: workers, into: &result)
    var second: [ObjectID: String] = [:]
    for out in outs where out.kind == .dir {
      guard let tree = try cachedTree(out.id) else { continue }
      for entry in tree.entries where second[entry.id] == nil { second[entry.id] = out.label }
    }
    // The chunk lists (their chunks are in) are checked on a thread of their
    // own while the trees' files download: reassembling a big file to hash
    // it is one core's work for a while.
    let cache = self.cache
    let listing = remote.location
    let checked = Locked<Result<ListsChecked, Error>?>(nil)
    let checker = SerialWorker()
    checker.submit { checked.withLock { $0 = Result { try Self.checkAndPublish(lists, in: cache, from: listing) } } }
    do {
      try download(second, from: remote, workers: workers, into: &result)
    } catch {
      checker.finish()
      throw error
    }
    checker.finish()
    result.add(try checked.withLock { $0! }.get())
    result.missing = Array(Set(result.missing)).sorted()
    return result
  }

  /// What `checkAndPublish` did with received chunk lists.
  struct ListsChecked {
    var published: [ObjectID] = []
    var corrupt: [String] = []
  }

  /// Publishes each received chunk list (its chunks already in the cache)
  /// whose chunks reassemble to its id; the others are discarded (a missing
  /// chunk was already reported missing, a damaged list as corrupt).
  static func checkAndPublish(_ lists: [PendingObject], in cache: ObjectCache, from location: String) throws
    -> ListsChecked
  {
    var outcome = ListsChecked()
    var verified: [PendingObject] = []
    for list in lists {
      let source = location + "/" + ObjectName.of(list.id, codec: .chunked)
      do {
        verified.append(try cache.verifyReceived(list, source: source))
      } catch let error as ObjectStoreError {
        cache.discard([list])
        if case .missingChunk = error { continue }  // already reported as missing
        outcome.corrupt.append(error.message)
      }
    }
    do { try cache.publish(verified) } catch {
      cache.discard(verified)
      throw error
    }
    outcome.published = verified.map(\.id)
    return outcome
  }

  /// Downloads `wanted` (id → the tracked path it belongs to). Chunks
  /// (`chunks`) must be byte streams: a chunk list in their place is refused.
  /// Chunk lists are published once their chunks reassemble to their ids;
  /// with `deferringLists` their chunks are downloaded but the lists are
  /// returned unchecked, for `checkAndPublish`.
  @discardableResult
  private func download(
    _ wanted: [ObjectID: String], chunks: Bool = false, deferringLists: Bool = false, from remote: Remote,
    workers: Int, into result: inout TransferResult
  ) throws -> [PendingObject] {
    let cache = self.cache
    let absent = wanted.keys.filter { !cache.contains($0) }
    result.skipped += wanted.count - absent.count
    let index = try RemoteIndex(remote: remote, ids: absent, workers: workers)
    var available = absent.filter(index.contains)
    if chunks {
      for id in available where index.codecs[id] == .chunked {
        result.corrupt.append("refused: chunk \(id) on \(remote.location) is a chunk list, not bytes")
      }
      available.removeAll { index.codecs[$0] == .chunked }
    }
    for id in absent where !index.contains(id) { result.missing.append(wanted[id]!) }
    let progress = Progress("fetching", totalItems: available.count)
    defer { progress.finish() }
    let received = Locked((pending: [PendingObject](), bytes: Int64(0), corrupt: [String]()))
    do {
      try receiveAll(available, index: index, from: remote, workers: workers, into: received, progress: progress)
    } catch {
      cache.discard(received.withLock { $0.pending })
      throw error
    }
    let (pending, bytes, corrupt) = received.withLock { ($0.pending, $0.bytes, $0.corrupt) }
    let lists = pending.filter { $0.awaitingChunks != nil }
    let ready = pending.filter { $0.awaitingChunks == nil }
    do { try cache.publish(ready) } catch {
      cache.discard(pending)
      throw error
    }
    result.transferred += ready.count
    result.received.formUnion(ready.map(\.id))
    result.transferredBytes += bytes
    result.corrupt += corrupt.sorted()
    if lists.isEmpty { return [] }
    try downloadChunks(of: lists, labels: wanted, from: remote, workers: workers, into: &result)
    if deferringLists { return lists }
    result.add(try Self.checkAndPublish(lists, in: cache, from: remote.location))
    return []
  }

  /// Fetches the chunks that received chunk lists name (the lists are
  /// discarded if that fails).
  private func downloadChunks(
    of lists: [PendingObject], labels: [ObjectID: String], from remote: Remote, workers: Int,
    into result: inout TransferResult
  ) throws {
    var chunks: [ObjectID: String] = [:]
    for list in lists {
      for entry in list.awaitingChunks!.entries where chunks[entry.id] == nil { chunks[entry.id] = labels[list.id] }
    }
    do { try download(chunks, chunks: true, from: remote, workers: workers, into: &result) } catch {
      cache.discard(lists)
      throw error
    }
  }

  private func receiveAll(
    _ available: [ObjectID], index: RemoteIndex, from remote: Remote, workers: Int,
    into received: Locked<(pending: [PendingObject], bytes: Int64, corrupt: [String])>, progress: Progress
  ) throws {
    let cache = self.cache
    try parallelForEach(available.count, workers: workers) { position in
      let id = available[position]
      let codec = index.codecs[id]!
      let name = ObjectName.of(id, codec: codec)
      var size: Int64 = 0
      do {
        let pending = try cache.receive(id, codec: codec, source: remote.location + "/" + name) { sink in
          try remote.get(name) { bytes in
            size += Int64(bytes.count)
            try sink(bytes)
          }
        }
        received.withLock {
          $0.pending.append(pending)
          $0.bytes += size
        }
        progress.advance(bytes: size)
      } catch let error as ObjectStoreError {
        received.withLock { $0.corrupt.append(error.message) }
      }
    }
  }

  /// Fetches, then checks out the workspace's tracked paths in scope.
  public func pull(_ scope: DataScope, remote name: String?, jobs: Int?, force: Bool) throws
    -> (TransferResult, CheckoutResult)
  {
    // One lock for both: what was fetched is what is checked out. Objects
    // this fetch received were verified against their ids as they arrived;
    // checking them out copies those same bytes without hashing them again.
    let lock = try lock(for: "pull")
    defer { withExtendedLifetime(lock) {} }
    let fetched = try fetchLocked(scope, remote: name, jobs: jobs)
    defer { statIndex.save() }
    let checkedOut = try apply(try selectTracked(scope.paths), force: force, verified: fetched.received)
    return (fetched, checkedOut)
  }
}

/// Where an object sits in the local cache.
struct CachedLocation: Sendable {
  let path: String
  let codec: Codec
}
