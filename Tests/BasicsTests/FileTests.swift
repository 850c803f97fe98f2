import Testing

@testable import Basics

/// A fresh temporary directory, removed at deinit.
final class TempDirectory {
  let path: String

  init() {
    var template = Array("/tmp/lode-unit-XXXXXX".utf8CString)
    path = String(cString: mkdtemp(&template)!)
  }

  deinit { _ = system("rm -rf '\(path)'") }
}

@Suite struct FileTests {
  @Test func atomicWriteReplacesWholeFilesAndLeavesNoTempFiles() throws {
    let dir = TempDirectory()
    let target = dir.path + "/file.txt"
    try AtomicFile.write("first", to: target)
    try AtomicFile.write("second, longer", to: target)
    #expect(String(decoding: try FileIO.readFile(target), as: UTF8.self) == "second, longer")
    #expect(try FileIO.listDirectory(dir.path)!.map(\.name) == ["file.txt"])
  }

  @Test func makeDirectoriesIsLikeMkdirP() throws {
    let dir = TempDirectory()
    try FileIO.makeDirectories(dir.path + "/a/b/c")
    try FileIO.makeDirectories(dir.path + "/a/b/c")
    #expect(try FileStat.of(dir.path + "/a/b/c")?.kind == .directory)
    try AtomicFile.write("x", to: dir.path + "/file")
    #expect(throws: BasicsError.self) { try FileIO.makeDirectories(dir.path + "/file/sub") }
  }

  @Test func aSecondLockWaitsThenNamesTheHolder() throws {
    let dir = TempDirectory()
    let first = try FileLock(path: dir.path + "/lock", timeout: 0, description: "lode add data")
    do {
      _ = try FileLock(path: dir.path + "/lock", timeout: 0.2, description: "lode commit")
      Issue.record("the second lock was granted")
    } catch let error as BasicsError {
      guard case .lockBusy(_, let holder, let waited) = error else { throw error }
      #expect(holder == "pid \(getpid()) (lode add data)")
      #expect(waited >= 0.2)
    }
    withExtendedLifetime(first) {}
    _ = consume first
    _ = try FileLock(path: dir.path + "/lock", timeout: 0, description: "lode commit")
  }

  @Test func parallelForEachVisitsEveryIndexOnceAndRethrows() throws {
    let seen = Locked([Int](repeating: 0, count: 1000))
    try parallelForEach(1000) { index in seen.withLock { $0[index] += 1 } }
    #expect(seen.withLock { $0 } == [Int](repeating: 1, count: 1000))
    struct Boom: Error {}
    #expect(throws: Boom.self) { try parallelForEach(100) { if $0 == 42 { throw Boom() } } }
  }
}
