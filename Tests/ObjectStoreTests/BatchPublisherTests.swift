import Basics
import Testing

@testable import ObjectStore

@Suite struct BatchPublisherTests {
  /// Writes `count` distinct small objects to temp files, not yet published.
  private func pendingObjects(_ count: Int, in temp: TempCache, cache: ObjectCache) throws -> [PendingObject] {
    try (0..<count).map { index in
      try cache.write(file: try temp.file("input-\(index)", noise(3000 + index, seed: UInt64(index) + 7)))
    }
  }

  /// A cache with `count` distinct objects written and queued on a
  /// publisher that starts a batch every `batchCount`; `prepare` runs
  /// before they are queued. The temp cache lives as long as the result.
  private func queued(_ count: Int, batchCount: Int, prepare: ([PendingObject]) -> Void = { _ in }) throws
    -> (temp: TempCache, cache: ObjectCache, objects: [PendingObject], publisher: BatchPublisher)
  {
    let temp = TempCache()
    let cache = ObjectCache(root: temp.root + "/cache")
    let objects = try pendingObjects(count, in: temp, cache: cache)
    prepare(objects)
    let publisher = BatchPublisher(cache: cache, batchBytes: 1 << 30, batchCount: batchCount)
    for object in objects { publisher.add(object) }
    return (temp, cache, objects, publisher)
  }

  /// Temp files anywhere under the cache.
  private func tempFiles(in cache: ObjectCache) throws -> [String] {
    func walk(_ folder: String) throws -> [String] {
      try (FileIO.listDirectory(folder) ?? []).flatMap { entry -> [String] in
        let path = folder + "/" + entry.name
        if entry.name.hasPrefix(TempFile.prefix) { return [path] }
        return try FileStat.of(path)?.kind == .directory ? walk(path) : []
      }
    }
    return try walk(cache.root)
  }

  @Test func everyObjectIsPublishedOnceFinished() throws {
    let (temp, cache, objects, publisher) = try queued(10, batchCount: 3)
    defer { withExtendedLifetime(temp) {} }
    try publisher.finish()
    for (index, object) in objects.enumerated() {
      #expect(try cache.read(object.id) == noise(3000 + index, seed: UInt64(index) + 7))
    }
    #expect(try tempFiles(in: cache).isEmpty)
  }

  @Test func batchesArePublishedBeforeFinish() throws {
    let (temp, cache, objects, publisher) = try queued(5, batchCount: 4)
    defer { withExtendedLifetime(temp) {} }
    // The first four make a batch of their own; the fifth waits for finish.
    var waited = 0
    while !objects.prefix(4).allSatisfy({ cache.contains($0.id) }) && waited < 10_000 {
      usleep(1000)
      waited += 1
    }
    #expect(objects.prefix(4).allSatisfy { cache.contains($0.id) })
    #expect(!cache.contains(objects[4].id))
    try publisher.finish()
    #expect(cache.contains(objects[4].id))
  }

  @Test func abandoningLeavesWholeObjectsOrNothing() throws {
    let (temp, cache, objects, publisher) = try queued(7, batchCount: 3)
    defer { withExtendedLifetime(temp) {} }
    publisher.abandon()
    // Batches that ran are published whole; the rest left no temp file.
    for object in objects where cache.contains(object.id) {
      #expect(throws: Never.self) { try cache.read(object.id) }
    }
    #expect(!cache.contains(objects[6].id), "an object no batch took was published")
    #expect(try tempFiles(in: cache).isEmpty)
  }

  @Test func aFailedBatchFailsFinishAndDiscardsTheRest() throws {
    // The second object's temp file goes: its batch will fail.
    let (temp, cache, objects, publisher) = try queued(6, batchCount: 3) { unlink($0[1].tempPath!) }
    defer { withExtendedLifetime(temp) {} }
    #expect(throws: (any Error).self) { try publisher.finish() }
    #expect(!objects[3...].contains { cache.contains($0.id) }, "a batch after the failure was published")
    #expect(try tempFiles(in: cache).isEmpty)
  }

  @Test func aContentPublishedByAnEarlierBatchIsKeptAndTheLaterCopyDropped() throws {
    let temp = TempCache()
    let cache = ObjectCache(root: temp.root + "/cache")
    let input = try temp.file("input", noise(4000, seed: 3))
    let first = try cache.write(file: input)
    let second = try cache.write(file: input)  // written before the first was published
    #expect(first.isNew && second.isNew && first.id == second.id)
    let firstInode = try #require(try FileStat.of(first.tempPath!)).inode
    let publisher = BatchPublisher(cache: cache, batchBytes: 1 << 30, batchCount: 1)
    publisher.add(first)
    publisher.add(second)
    try publisher.finish()
    let object = try #require(cache.locate(first.id))
    #expect(try FileStat.of(object.path)!.inode == firstInode, "the published object was replaced")
    #expect(try tempFiles(in: cache).isEmpty)
  }

  @Test func objectsTheCacheHadAreNotQueued() throws {
    let temp = TempCache()
    let cache = ObjectCache(root: temp.root + "/cache")
    let input = try temp.file("input", noise(5000))
    try cache.publish([try cache.write(file: input)])
    let again = try cache.write(file: input)
    #expect(!again.isNew)
    let publisher = BatchPublisher(cache: cache, batchBytes: 1 << 30, batchCount: 1)
    publisher.add(again)
    try publisher.finish()
    #expect(try cache.read(again.id) == noise(5000))
  }
}
