import Basics

/// Publishes objects in batches on a thread of its own while more are
/// still being written, so flushing and renaming overlap the reading and
/// hashing instead of all waiting for the end (adding 20,000 small files
/// cold: the flush and the renames were 0.45 s after the last write).
///
/// Each batch is published as by `ObjectCache.publish`: its objects' data
/// is flushed before any of them is renamed into place, and the renames
/// are flushed after. A batch starts once `batchBytes` or `batchCount` of
/// objects are waiting.
///
/// For a writer that holds the repository lock and wrote only objects the
/// cache lacked (as `lode add` does): an object is then already in the
/// cache only if an earlier batch published it (two files with the same
/// content), so the publisher asks its own record instead of listing the
/// cache for every batch, which would make adding n files cost n².
///
/// Objects published before a later failure stay in the cache: they are
/// whole and durable, and `lode gc` removes what no pointer names.
public final class BatchPublisher: @unchecked Sendable {
  private let cache: ObjectCache
  private let batchBytes: Int64
  private let batchCount: Int
  private let worker = SerialWorker()
  private let state = Locked<State>(State())
  /// What earlier batches published (objects and chunks); only the worker
  /// thread and then `finish` touch it, one after the other.
  private var published = Set<ObjectID>()

  private struct State {
    var waiting: [PendingObject] = []
    var waitingBytes: Int64 = 0
    var error: Error?
  }

  public init(cache: ObjectCache, batchBytes: Int64 = 64 << 20, batchCount: Int = 4096) {
    self.cache = cache
    self.batchBytes = batchBytes
    self.batchCount = batchCount
  }

  /// Queues `object` (a no-op for one the cache already had); may start a batch.
  public func add(_ object: PendingObject) {
    guard object.isNew else { return }
    let batch: [PendingObject]? = state.withLock { state in
      state.waiting.append(object)
      state.waitingBytes += object.size
      guard state.waiting.count >= batchCount || state.waitingBytes >= batchBytes else { return nil }
      defer {
        state.waiting = []
        state.waitingBytes = 0
      }
      return state.waiting
    }
    if let batch { worker.submit { self.publish(batch) } }
  }

  /// Throws the failure of a batch already published, if any: writers call
  /// it between objects to stop early instead of writing the rest for nothing.
  public func check() throws {
    if let error = state.withLock({ $0.error }) { throw error }
  }

  /// Publishes what is still waiting, once the batches before it are
  /// done, and throws the first failure. Call once, after the last `add`.
  public func finish() throws {
    worker.finish()
    let (rest, error) = state.withLock { state in
      defer { state.waiting = [] }
      return (state.waiting, state.error)
    }
    if let error {
      cache.discard(rest)
      throw error
    }
    do { try publishNow(rest) } catch {
      cache.discard(rest)
      throw error
    }
  }

  /// Stops after the batch in progress and deletes the temp files of
  /// everything not yet published. Call once, instead of `finish`.
  public func abandon() {
    state.withLock { $0.error = $0.error ?? CancellationError() }
    worker.finish()
    cache.discard(
      state.withLock { state in
        defer { state.waiting = [] }
        return state.waiting
      })
  }

  private func publish(_ batch: [PendingObject]) {
    if state.withLock({ $0.error != nil }) {
      cache.discard(batch)
      return
    }
    do { try publishNow(batch) } catch {
      cache.discard(batch)
      state.withLock { $0.error = $0.error ?? error }
    }
  }

  private func publishNow(_ batch: [PendingObject]) throws {
    let earlier = published
    try cache.publish(batch) { $0.intersection(earlier) }
    published.formUnion(batch.map(\.id))
    published.formUnion(batch.flatMap(\.chunks).map(\.id))
  }
}

private struct CancellationError: Error {}
