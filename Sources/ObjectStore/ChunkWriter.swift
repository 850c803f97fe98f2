import Basics
import Dispatch

/// Hands the chunks of one file, in order, to a thread that hashes and
/// stores them, so that cutting and hashing the whole file (on the caller's
/// thread) overlaps hashing and storing its chunks. A few chunk-sized
/// buffers circulate between the two; memory stays at `slotCount` chunks.
final class ChunkWriter: @unchecked Sendable {
  static let slotCount = 3

  private let cache: ObjectCache
  private let slots: [UnsafeMutableRawBufferPointer]
  private let freeSlots = DispatchSemaphore(value: ChunkWriter.slotCount)
  private let freeIndices = Locked(Array(0..<ChunkWriter.slotCount))
  private let worker = SerialWorker()
  private var current: Int?
  private var held = 0
  private var finished = false
  // Touched only by the worker thread until `finish` joined it.
  private var entries: [ChunkList.Entry] = []
  private var fresh: [PendingObject] = []
  private var seen = Set<ObjectID>()
  private var failure: Error?

  init(cache: ObjectCache) {
    self.cache = cache
    slots = (0..<Self.slotCount).map { _ in
      UnsafeMutableRawBufferPointer.allocate(byteCount: cache.policy.chunkSizes.maximum, alignment: 64)
    }
  }

  deinit {
    if !finished { worker.finish() }
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
    current = nil
    held = 0
    worker.submit { self.store(slot: slot, length: length) }
  }

  /// Waits for every chunk to be stored; returns the list's entries and the
  /// chunks that are new to the cache (to publish before the list).
  func finish() throws -> (entries: [ChunkList.Entry], fresh: [PendingObject]) {
    if let slot = current {
      // A chunk left unfinished (the read failed): its slot goes back unused.
      current = nil
      held = 0
      freeIndices.withLock { $0.append(slot) }
      freeSlots.signal()
    }
    if !finished {
      finished = true
      worker.finish()
    }
    if let failure {
      cache.discard(fresh)
      fresh = []
      throw failure
    }
    return (entries, fresh)
  }

  private func store(slot: Int, length: Int) {
    defer {
      freeIndices.withLock { $0.append(slot) }
      freeSlots.signal()
    }
    if failure != nil { return }
    let content = UnsafeRawBufferPointer(rebasing: slots[slot][0..<length])
    let id = ObjectID.of(content)
    entries.append(ChunkList.Entry(id: id, size: Int64(length)))
    guard seen.insert(id).inserted, !cache.contains(id) else { return }
    do {
      let stored = try cache.contexts.with { context in
        try cache.storeNew(content, id: id, source: nil, codecOverride: nil, context: context)
      }
      fresh.append(stored)
    } catch {
      failure = error
    }
  }
}
