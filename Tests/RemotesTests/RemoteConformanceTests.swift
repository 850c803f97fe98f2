import Basics
import Foundation
import S3TestServer
import Testing

@testable import Remotes

/// A remote under test, with whatever it needs kept alive.
final class RemoteFixture: @unchecked Sendable {
  let remote: Remote
  let scratch: String
  private let cleanup: () -> Void

  init(_ kind: String) {
    var template = Array("/tmp/lode-remote-XXXXXX".utf8CString)
    scratch = String(cString: mkdtemp(&template)!)
    let root = scratch + "/remote"
    mkdir(root, 0o755)
    switch kind {
    case "filesystem": remote = FilesystemRemote(root: root)
    case "s3": remote = try! S3RemoteTests.remote(S3TestServer.shared!.endpoint)
    default: remote = InMemoryRemote()
    }
    let scratch = scratch
    cleanup = { _ = system("chmod -R u+w '\(scratch)'; rm -rf '\(scratch)'") }
  }

  deinit { cleanup() }

  /// A local file holding `bytes`, to upload.
  func file(_ bytes: [UInt8]) throws -> String {
    let path = scratch + "/upload-\(UInt64.random(in: 0...UInt64.max))"
    try AtomicFile.write(bytes, to: path)
    return path
  }

  func get(_ name: String) throws -> [UInt8] {
    var out: [UInt8] = []
    try remote.get(name) { out.append(contentsOf: $0) }
    return out
  }
}

/// The conformance suite every `Remote` must pass, unchanged.
@Suite struct RemoteConformanceTests {
  /// S3 joins when a real S3-compatible server (moto) can be started.
  static let kinds = ["filesystem", "memory"] + (S3TestServer.available ? ["s3"] : [])

  @Test(arguments: kinds)
  func putThenGetReturnsTheSameBytes(kind: String) throws {
    let fixture = RemoteFixture(kind)
    let bytes = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
    try fixture.remote.put("objects/ab/one", fromFile: try fixture.file(bytes))
    #expect(try fixture.get("objects/ab/one") == bytes)
    #expect(try fixture.remote.exists("objects/ab/one"))
    #expect(try !fixture.remote.exists("objects/ab/two"))
  }

  @Test(arguments: kinds)
  func listNamesEverythingUnderAPrefixAndNothingElse(kind: String) throws {
    let fixture = RemoteFixture(kind)
    for name in ["objects/ab/1", "objects/ab/2.zst", "objects/cd/3", "other/x"] {
      try fixture.remote.put(name, fromFile: try fixture.file(Array(name.utf8)))
    }
    #expect(try fixture.remote.list(prefix: "objects/ab").sorted() == ["objects/ab/1", "objects/ab/2.zst"])
    #expect(
      try fixture.remote.list(prefix: "objects").sorted() == ["objects/ab/1", "objects/ab/2.zst", "objects/cd/3"])
    #expect(try fixture.remote.list(prefix: "nothing").isEmpty)
  }

  @Test(arguments: kinds)
  func getOfAMissingObjectIsNotFound(kind: String) throws {
    let fixture = RemoteFixture(kind)
    #expect(throws: RemoteError.self) { try fixture.get("objects/zz/none") }
  }

  @Test(arguments: kinds)
  func putOverAnExistingNameAndDeleteAreIdempotent(kind: String) throws {
    let fixture = RemoteFixture(kind)
    let file = try fixture.file([1, 2, 3])
    try fixture.remote.put("objects/ab/x", fromFile: file)
    try fixture.remote.put("objects/ab/x", fromFile: file)
    #expect(try fixture.get("objects/ab/x") == [1, 2, 3])
    try fixture.remote.delete("objects/ab/x")
    try fixture.remote.delete("objects/ab/x")
    #expect(try !fixture.remote.exists("objects/ab/x"))
    #expect(try fixture.remote.list(prefix: "objects").isEmpty)
  }

  @Test(arguments: kinds, [3, 40])
  func putAllPublishesEveryFileAndReportsItsSize(kind: String, count: Int) throws {
    let fixture = RemoteFixture(kind)
    let uploads = try (0..<count).map { index in
      Upload(
        name: "objects/\(String(format: "%02x", index % 7))/file\(index)",
        path: try fixture.file(Array(repeating: UInt8(index), count: index + 1)))
    }
    let total = Locked<Int64>(0)
    try fixture.remote.putAll(uploads, workers: 4) { size in total.withLock { $0 += size } }
    #expect(total.withLock { $0 } == Int64((1...count).reduce(0, +)))
    for (index, upload) in uploads.enumerated() {
      #expect(try fixture.get(upload.name) == Array(repeating: UInt8(index), count: index + 1))
    }
    #expect(try fixture.remote.list(prefix: "objects").count == count)
  }

  @Test(arguments: kinds)
  func namesThatCouldEscapeAreRefused(kind: String) throws {
    let fixture = RemoteFixture(kind)
    let file = try fixture.file([1])
    for name in ["../escape", "/etc/passwd", "objects/../../x", "a//b", ""] {
      #expect(throws: BasicsError.self) { try fixture.remote.put(name, fromFile: file) }
      #expect(throws: BasicsError.self) { try fixture.remote.exists(name) }
      #expect(throws: BasicsError.self) { try fixture.get(name) }
    }
  }

  @Test(arguments: kinds)
  func concurrentWritersOfTheSameObjectBothSucceed(kind: String) throws {
    let fixture = RemoteFixture(kind)
    let bytes = (0..<1_000_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    let file = try fixture.file(bytes)
    let remote = fixture.remote
    try parallelForEach(16, workers: 8) { index in
      try remote.put("objects/ab/same", fromFile: file)
      try remote.put("objects/cd/\(index % 4)", fromFile: file)
    }
    #expect(try fixture.get("objects/ab/same") == bytes)
    #expect(try remote.list(prefix: "objects").count == 5)
  }
}

@Suite struct FilesystemRemoteTests {
  @Test func uploadsNeverLeaveTempFilesAndAreReadOnly() throws {
    let fixture = RemoteFixture("filesystem")
    try fixture.remote.put("objects/ab/x", fromFile: try fixture.file([1, 2]))
    let names = try FileIO.listDirectory(fixture.scratch + "/remote/objects/ab")!.map(\.name)
    #expect(names == ["x"])
    #expect(try FileStat.of(fixture.scratch + "/remote/objects/ab/x")!.mode & 0o222 == 0)
  }

  @Test func abandonedUploadsAreHiddenAndDeletedOnceStale() throws {
    let fixture = RemoteFixture("filesystem")
    let folder = fixture.scratch + "/remote/objects/ab"
    try FileIO.makeDirectories(folder)
    try AtomicFile.write([1], to: folder + "/.lode-tmp-fresh")
    try AtomicFile.write([1], to: folder + "/.lode-tmp-stale")
    var old = [timespec(tv_sec: 1_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000, tv_nsec: 0)]
    utimensat(AT_FDCWD, folder + "/.lode-tmp-stale", &old, 0)
    #expect(try fixture.remote.list(prefix: "objects").isEmpty)
    #expect(try FileIO.listDirectory(folder)!.map(\.name) == [".lode-tmp-fresh"])
  }

  @Test func accessChecksNameTheFolder() throws {
    let missing = FilesystemRemote(root: "/nonexistent/lode-remote")
    #expect(throws: RemoteError.folderMissing(path: "/nonexistent/lode-remote")) {
      try missing.checkAccess(write: true)
    }
  }

  @Test(arguments: [
    ("/srv/data", "/srv/data"), ("file:///srv/data/", "/srv/data"), ("../shared", "/repo/shared"),
    ("store", "/repo/x/store"),
  ])
  func urlsBecomeFolders(url: String, expected: String) throws {
    let remote = try RemoteURL.open(url, repositoryRoot: "/repo/x")
    #expect((remote as! FilesystemRemote).root == expected)
  }

  @Test(arguments: ["ftp://bucket/prefix", "http://x", "file://relative", ""])
  func unsupportedURLsAreRefused(url: String) {
    #expect(throws: RemoteError.self) { try RemoteURL.open(url, repositoryRoot: "/repo") }
  }
}
