import Testing

@testable import Basics

@Suite struct PathTests {
  @Test(arguments: ["a", "a/b", "data set/ü.bin", "-dash", ".hidden", "a..b", "..a"])
  func cleanRelativePathsAreAccepted(path: String) throws {
    #expect(try RelativePath(validating: path).string == path)
  }

  @Test(arguments: ["", "/abs", "..", "../x", "a/../b", "a/..", "a//b", "a/./b", ".", "a/", "x\ny", "x\0y", "x\ry"])
  func unsafePathsAreRefused(path: String) {
    #expect(throws: BasicsError.self) { try RelativePath(validating: path) }
  }

  @Test func canonicalOrderIsByUTF8Bytes() throws {
    let names = ["b", "a/b", "a-b", "a", "Z", "é"]
    let sorted = try names.map(RelativePath.init(validating:)).sorted().map(\.string)
    #expect(sorted == ["Z", "a", "a-b", "a/b", "b", "é"])
  }

  @Test func normalizeAndRelative() {
    #expect(Path.normalize("../x/./y", against: "/r/sub") == "/r/x/y")
    #expect(Path.normalize("/a/../../b", against: "/r") == "/b")
    #expect(Path.relative("/r/a/b", to: "/r") == "a/b")
    #expect(Path.relative("/r", to: "/r") == "")
    #expect(Path.relative("/rx/a", to: "/r") == nil)
    #expect(Path.parent(of: "a/b/c") == "a/b")
    #expect(Path.parent(of: "c") == "")
    #expect(Path.join("", "a", "", "b") == "a/b")
  }

  @Test func sha256MatchesTheStandardVectors() {
    #expect(SHA256.hex(of: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(SHA256.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  }

  @Test func formattingHelpers() {
    #expect(formatBytes(512) == "512 B")
    #expect(formatBytes(1536) == "1.5 KiB")
    #expect((2.25).formatted(decimals: 1) == "2.3" || (2.25).formatted(decimals: 1) == "2.2")
    #expect((0.05).formatted(decimals: 2) == "0.05")
    #expect("a\nb\0".debugEscaped == "a\\nb\\0")
  }
}
