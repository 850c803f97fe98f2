import Basics
import Testing

@testable import ObjectStore

final class TempCache {
  let root: String
  init() {
    var template = Array("/tmp/lode-cache-XXXXXX".utf8CString)
    root = String(cString: mkdtemp(&template)!)
  }
  deinit { _ = system("chmod -R u+w '\(root)'; rm -rf '\(root)'") }

  func file(_ name: String, _ bytes: [UInt8]) throws -> String {
    let path = root + "/" + name
    try AtomicFile.write(bytes, to: path)
    return path
  }
}

/// Deterministic bytes that do not compress.
func noise(_ count: Int, seed: UInt64 = 1) -> [UInt8] {
  var state = seed
  return (0..<count).map { _ in
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return UInt8(truncatingIfNeeded: state >> 33)
  }
}

/// Bytes that compress well.
func text(_ count: Int) -> [UInt8] {
  Array(String(repeating: "timestamp,sensor,value\n2024-01-01,17,42.5\n", count: count / 40 + 1).utf8.prefix(count))
}

@Suite struct ObjectCacheTests {
  @Test(arguments: [Codec.zstd, .zlib, .none], [0, 1, 70_000, 3 << 20])
  func contentRoundTripsThroughEveryCodec(codec: Codec, size: Int) throws {
    let temp = TempCache()
    let cache = ObjectCache(
      root: temp.root + "/cache",
      policy: CompressionPolicy(codec: codec, level: codec == .zlib ? 6 : 3, worthwhileRatio: 0.9))
    let bytes = text(size)
    let pending = try cache.write(file: try temp.file("input", bytes))
    try cache.publish([pending])
    #expect(pending.id.hex == SHA256.hex(of: bytes))
    #expect(pending.size == Int64(size))
    let located = try #require(cache.locate(pending.id))
    #expect(located.codec == (size <= 1 ? .none : codec))  // a byte never shrinks: stored raw
    #expect(try cache.read(pending.id) == bytes)
    if codec != .none && size > 1000 {
      #expect(try FileStat.of(located.path)!.size < Int64(size) / 2)
    }
  }

  @Test func incompressibleContentIsStoredRaw() throws {
    let temp = TempCache()
    let cache = ObjectCache(root: temp.root + "/cache")
    let bytes = noise(200_000)
    let pending = try cache.write(file: try temp.file("input", bytes))
    try cache.publish([pending])
    #expect(pending.codec == .none)
    #expect(try FileIO.readFile(cache.path(of: pending.id, codec: .none)) == bytes)
  }

  @Test func anExistingObjectIsLeftAlone() throws {
    let temp = TempCache()
    let cache = ObjectCache(root: temp.root + "/cache")
    let input = try temp.file("input", text(10_000))
    let first = try cache.write(file: input)
    try cache.publish([first])
    let path = cache.locate(first.id)!.path
    let before = try FileStat.of(path)!
    let second = try cache.write(file: input)
    #expect(!second.isNew)
    try cache.publish([second])
    #expect(try FileStat.of(path)! == before)
    #expect((try FileIO.listDirectory(temp.root + "/cache/tmp") ?? []).isEmpty)
    #expect(try FileIO.listDirectory(Path.parent(of: path))!.allSatisfy { !$0.name.hasPrefix(TempFile.prefix) })
  }

  @Test func publishedObjectsAreReadOnly() throws {
    let temp = TempCache()
    let cache = ObjectCache(root: temp.root + "/cache")
    let pending = try cache.write(file: try temp.file("input", noise(100)))
    try cache.publish([pending])
    #expect(try FileStat.of(cache.locate(pending.id)!.path)!.mode & 0o222 == 0)
  }

  @Test(arguments: [Codec.zstd, .zlib, .none])
  func corruptObjectsAreDetected(codec: Codec) throws {
    let temp = TempCache()
    let cache = ObjectCache(
      root: temp.root + "/cache", policy: CompressionPolicy(codec: codec, level: 1, worthwhileRatio: 0.9))
    let pending = try cache.write(file: try temp.file("input", text(100_000)))
    try cache.publish([pending])
    let object = cache.locate(pending.id)!
    var bytes = try FileIO.readFile(object.path)
    bytes[bytes.count / 2] ^= 0xff
    chmod(object.path, 0o644)
    try AtomicFile.write(bytes, to: object.path)
    #expect(throws: ObjectStoreError.self) { try cache.read(pending.id) }
    #expect(throws: ObjectStoreError.self) { try cache.verify(try cache.allObjects()[0]) }
    // A truncated object too.
    try AtomicFile.write(Array(bytes.prefix(bytes.count / 3)), to: object.path)
    #expect(throws: ObjectStoreError.self) { try cache.read(pending.id) }
  }

  @Test func exportWritesVerifiedContentAndNeverAPartialFile() throws {
    let temp = TempCache()
    let cache = ObjectCache(root: temp.root + "/cache")
    let bytes = text(500_000)
    let pending = try cache.write(file: try temp.file("input", bytes))
    try cache.publish([pending])
    let destination = temp.root + "/out.csv"
    try cache.export(pending.id, to: destination, executable: true)
    #expect(try FileIO.readFile(destination) == bytes)
    #expect(try FileStat.of(destination)!.isExecutable)
    let missing = try ObjectID(validating: String(repeating: "0", count: 64))
    #expect(throws: ObjectStoreError.missing(missing)) { try cache.export(missing, to: destination, executable: false) }
    #expect(try FileIO.readFile(destination) == bytes)
  }

  @Test(arguments: [
    "", "abc", String(repeating: "A", count: 64), String(repeating: "a", count: 63),
    "../" + String(repeating: "a", count: 61),
  ])
  func idsMustBe64LowercaseHexDigits(text: String) {
    #expect(throws: ObjectStoreError.self) { try ObjectID(validating: text) }
  }

  @Test func objectFileNamesParse() {
    let rest = String(repeating: "b", count: 62)
    #expect(ObjectCache.parse(name: rest)! == (rest, .none))
    #expect(ObjectCache.parse(name: rest + ".zst")! == (rest, .zstd))
    #expect(ObjectCache.parse(name: rest + ".zlib")! == (rest, .zlib))
    #expect(ObjectCache.parse(name: ".lode-tmp-abc") == nil)
  }

  /// A remote listing is untrusted: only exact object names are accepted.
  @Test(arguments: [
    "objects/../x", "objects/ab/../../etc/passwd", "/etc/passwd", "objects/ab", "objects/a/b", "runs/ab/cd",
    "objects/ab/" + String(repeating: "c", count: 61), "objects/AB/" + String(repeating: "c", count: 62),
    "objects/ab/" + String(repeating: "c", count: 62) + ".exe",
  ])
  func hostileRemoteNamesAreNotObjects(name: String) {
    #expect(ObjectName.parse(name) == nil)
  }
}
