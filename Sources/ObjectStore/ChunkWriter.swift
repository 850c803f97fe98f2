import Basics
import Dispatch

/// Hands the chunks of one file to threads that hash and store them, so
/// that reading and cutting the file (on the caller's thread) overlaps
/// hashing (one thread, chunk after chunk in file order) and storing (two
/// threads, taking chunks in turn). Where the CPU has the SHA instructions,
/// the hashing thread hashes the whole file and each chunk side by side
/// (`StreamAndPieceHasher`, about 0.7 of hashing twice) and hands each chunk
/// on with its id; elsewhere it hashes the whole file and the storing
/// threads hash their chunks. A few chunk-sized buffers circulate, each
/// going back once its hashing and storing are done; memory stays at
/// `slotCount` chunks whatever the file size.
final class ChunkWriter: @unchecked Sendable {
  static let slotCount = 6
  static let storerCount = 2

  /// How the whole file's id and its chunks' ids are computed.
  private enum Hashing {
    /// Both on the hashing thread, side by side.
    case paired(StreamAndPieceHasher)
    /// The whole file on the hashing thread, each chunk by its storer.
    case separate(SHA256)
  }

  private let cache: ObjectCache
  private let slots: [UnsafeMutableRawBufferPointer]
  private let freeSlots = DispatchSemaphore(value: ChunkWriter.slotCount)
  private let freeIndices = Locked(Array(0..<ChunkWriter.slotCount))
  /// Hashes chunk after chunk in file order. Finished before the storers:
  /// when paired, it is what submits their work.
  private let hasher = SerialWorker()
  private let storers = (0..<ChunkWriter.storerCount).map { _ in SerialWorker() }
  private let hashing: Hashing =
    StreamAndPieceHasher.isSupported ? .paired(StreamAndPieceHasher()) : .separate(SHA256())
  /// How many jobs of each slot's chunk are still running.
  private let pending = Locked([Int](repeating: 0, count: ChunkWriter.slotCount))
  private var current: Int?
  private var held = 0
  private var count = 0
  private var finished = false
  private let results = Locked(Results())

  /// What the storing threads found, gathered under a lock.
  private struct Results {
    var entries: [(index: Int, entry: ChunkList.Entry)] = []
    var fresh: [PendingObject] = []
    var seen = Set<ObjectID>()
    var failure: Error?
  }

  init(cache: ObjectCache) {
    self.cache = cache
    slots = (0..<Self.slotCount).map { _ in
      UnsafeMutableRawBufferPointer.allocate(byteCount: cache.policy.chunkSizes.maximum, alignment: 64)
    }
  }

  deinit {
    if !finished { for worker in [hasher] + storers { worker.finish() } }
    if current != nil { freeSlots.signal() }  // the semaphore must be back at its start value
    for slot in slots { slot.deallocate() }
  }

  /// Adds `bytes` to the current chunk (the chunker keeps it within the maximum).
  func append(_ bytes: UnsafeRawBufferPointer) {
    if bytes.isEmpty { return }
    let slot: Int
    if let current {
      slot = current
    } else {
      freeSlots.wait()
      slot = freeIndices.withLock { $0.removeLast() }
      current = slot
    }
    UnsafeMutableRawBufferPointer(rebasing: slots[slot][held..<(held + bytes.count)]).copyMemory(from: bytes)
    held += bytes.count
  }

  /// Ends the current chunk (if it has bytes) and queues it for storing.
  func endChunk() {
    guard let slot = current else { return }
    let length = held
    let index = count
    current = nil
    held = 0
    count += 1
    let storer = storers[index % storers.count]
    switch hashing {
    case .paired(let both):
      pending.withLock { $0[slot] = 1 }
      hasher.submit {
        let id = ObjectID(trusted: both.next(self.content(of: slot, length: length)))
        storer.submit {
          self.store(slot: slot, length: length, index: index, id: id)
          self.release(slot)
        }
      }
    case .separate(let whole):
      pending.withLock { $0[slot] = 2 }
      hasher.submit {
        whole.update(self.content(of: slot, length: length))
        self.release(slot)
      }
      storer.submit {
        self.store(slot: slot, length: length, index: index, id: nil)
        self.release(slot)
      }
    }
  }

  private func content(of slot: Int, length: Int) -> UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(rebasing: slots[slot][0..<length])
  }

  /// Marks one job of `slot`'s chunk done; the last to finish hands the
  /// slot back.
  private func release(_ slot: Int) {
    let free = pending.withLock { pending -> Bool in
      pending[slot] -= 1
      return pending[slot] == 0
    }
    if free {
      freeIndices.withLock { $0.append(slot) }
      freeSlots.signal()
    }
  }

  /// Waits for every chunk to be hashed and stored; returns the whole
  /// file's id, the list's entries in file order, and the chunks that are
  /// new to the cache (to publish before the list).
  func finish() throws -> (id: ObjectID, entries: [ChunkList.Entry], fresh: [PendingObject]) {
    if let slot = current {
      // A chunk left unfinished (the read failed): its slot goes back unused.
      current = nil
      held = 0
      freeIndices.withLock { $0.append(slot) }
      freeSlots.signal()
    }
    if !finished {
      finished = true
      for worker in [hasher] + storers { worker.finish() }
    }
    let id: ObjectID
    switch hashing {
    case .paired(let both): id = ObjectID(trusted: both.finalizeHex())
    case .separate(let whole): id = ObjectID(trusted: whole.finalizeHex())
    }
    return try results.withLock { results in
      if let failure = results.failure {
        cache.discard(results.fresh)
        results.fresh = []
        throw failure
      }
      return (id, results.entries.sorted { $0.index < $1.index }.map(\.entry), results.fresh)
    }
  }

  /// Stores one chunk; `known` is its id when the hashing thread computed it.
  private func store(slot: Int, length: Int, index: Int, id known: ObjectID?) {
    let content = content(of: slot, length: length)
    let id = known ?? ObjectID.of(content)
    let isFirst = results.withLock { results -> Bool in
      results.entries.append((index, ChunkList.Entry(id: id, size: Int64(length))))
      return results.failure == nil && results.seen.insert(id).inserted
    }
    guard isFirst, !cache.contains(id) else { return }
    do {
      let stored = try cache.contexts.with { context in
        try cache.storeNew(
          content, id: id, source: nil, codecOverride: nil, context: context, probeSize: ObjectCache.chunkProbeSize)
      }
      results.withLock { $0.fresh.append(stored) }
    } catch {
      results.withLock { if $0.failure == nil { $0.failure = error } }
    }
  }
}
