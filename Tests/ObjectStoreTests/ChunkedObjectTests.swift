import Basics
import Testing

@testable import ObjectStore

/// A cache that chunks files of 100 kB and more into 2–32 KiB chunks.
func chunkingCache(_ temp: TempCache, name: String = "cache") -> ObjectCache {
  var policy = CompressionPolicy.standard
  policy.chunkingThreshold = 100_000
  policy.chunkSizes = smallChunks
  return ObjectCache(root: temp.root + "/" + name, policy: policy)
}

@Suite struct ChunkedObjectTests {
  @Test func aLargeFileIsStoredAsChunksUnderItsOwnID() throws {
    let temp = TempCache()
    let cache = chunkingCache(temp)
    let bytes = noise(400_000) + text(300_000)
    let pending = try cache.write(file: try temp.file("big", bytes))
    try cache.publish([pending])
    #expect(pending.id.hex == SHA256.hex(of: bytes))
    #expect(pending.codec == .chunked && pending.chunks.count > 10)
    #expect(cache.locate(pending.id)?.codec == .chunked)
    #expect(try cache.read(pending.id) == bytes)
    let list = try #require(try cache.chunkList(of: pending.id))
    #expect(list.size == Int64(bytes.count))
    // Each chunk is an ordinary object, compressed on its own when it shrinks.
    let codecs = Set(list.entries.compactMap { cache.locate($0.id)?.codec })
    #expect(codecs == [.none, .zstd])
    let small = try cache.write(file: try temp.file("small", noise(99_999)))
    #expect(small.codec == .none && small.chunks.isEmpty)
  }

  @Test func anAppendedVersionStoresOnlyItsNewChunks() throws {
    let temp = TempCache()
    let cache = chunkingCache(temp)
    let first = noise(1_000_000, seed: 2)
    let original = try cache.write(file: try temp.file("v1", first))
    try cache.publish([original])
    let second = try cache.write(file: try temp.file("v2", first + noise(10_000, seed: 3)))
    try cache.publish([second])
    let newBytes = second.chunks.reduce(0) { $0 + $1.size }
    #expect(newBytes < 10_000 + 2 * Int64(smallChunks.maximum), "\(newBytes) new bytes")
    #expect(try cache.read(second.id) == first + noise(10_000, seed: 3))
    #expect(try cache.read(original.id) == first)
  }

  @Test func aDamagedChunkIsNamedAndNothingIsWritten() throws {
    let temp = TempCache()
    let cache = chunkingCache(temp)
    let pending = try cache.write(file: try temp.file("big", noise(300_000)))
    try cache.publish([pending])
    let chunk = try #require(try cache.chunkList(of: pending.id)?.entries[3])
    let chunkPath = try #require(cache.locate(chunk.id)).path
    chmod(chunkPath, 0o644)
    var damaged = try FileIO.readFile(chunkPath)
    damaged[100] ^= 0xFF
    try AtomicFile.write(damaged, to: chunkPath)
    let target = temp.root + "/out"
    #expect(throws: ObjectStoreError.self) { try cache.export(pending.id, to: target, executable: false) }
    #expect(try FileStat.of(target) == nil)
    do {
      try cache.verify(CachedObject(id: pending.id, codec: .chunked, path: cache.locate(pending.id)!.path))
      Issue.record("a damaged chunk passed verification")
    } catch ObjectStoreError.corrupt(let id, let path, _) {
      #expect(id == chunk.id && path == chunkPath)
    }
    unlink(chunkPath)
    #expect(throws: ObjectStoreError.missingChunk(pending.id, chunk: chunk.id)) { _ = try cache.read(pending.id) }
  }

  @Test func aReceivedChunkListIsPublishedOnlyOnceItsChunksReassembleToItsID() throws {
    let temp = TempCache()
    let source = chunkingCache(temp, name: "source")
    let bytes = noise(300_000, seed: 9)
    let written = try source.write(file: try temp.file("big", bytes))
    try source.publish([written])
    let list = try FileIO.readFile(source.locate(written.id)!.path)
    let cache = chunkingCache(temp)
    func receiveList(_ content: [UInt8], as id: ObjectID) throws -> PendingObject {
      try cache.receive(id, codec: .chunked, source: "remote") { sink in try content.withUnsafeBytes { try sink($0) } }
    }
    let pending = try receiveList(list, as: written.id)
    #expect(pending.awaitingChunks?.entries.count == written.chunks.count)
    #expect(throws: ObjectStoreError.self) { try cache.publish([pending]) }
    #expect(throws: ObjectStoreError.self) { _ = try cache.verifyReceived(pending, source: "remote") }
    for entry in pending.awaitingChunks!.entries {
      let chunk = try cache.receive(entry.id, codec: .none, source: "remote") { sink in
        try source.decode(entry.id, into: sink)
      }
      try cache.publish([chunk])
    }
    try cache.publish([try cache.verifyReceived(pending, source: "remote")])
    #expect(try cache.read(written.id) == bytes)
    // A list whose chunks make up other content is refused under a wrong id.
    let other = ObjectID.of([7])
    let wrong = try receiveList(list, as: other)
    #expect(throws: ObjectStoreError.self) { _ = try cache.verifyReceived(wrong, source: "remote") }
    cache.discard([wrong])
    #expect(!cache.contains(other))
    #expect(throws: ObjectStoreError.self) { _ = try receiveList(Array("lode-chunks 1\n".utf8), as: other) }
  }
}
