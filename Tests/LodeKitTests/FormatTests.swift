import Basics
import Formats
import ObjectStore
import Testing
import Yams

@testable import LodeKit

private let idA = try! ObjectID(validating: String(repeating: "a", count: 64))
private let idB = try! ObjectID(validating: String(repeating: "b", count: 64))

@Suite struct TreeTests {
  @Test func encodingIsCanonicalAndRoundTrips() throws {
    let tree = Tree(entries: [
      TreeEntry(path: try RelativePath(validating: "b/x y.bin"), id: idB, size: 2, executable: true),
      TreeEntry(path: try RelativePath(validating: "a.txt"), id: idA, size: 1, executable: false),
    ])
    let text = String(decoding: tree.encoded(), as: UTF8.self)
    #expect(text == "lode-tree 1\n\(idA) 1 100644 a.txt\n\(idB) 2 100755 b/x y.bin\n")
    #expect(try Tree(decoding: tree.encoded(), id: idA) == tree)
    #expect(tree.size == 3)
  }

  @Test(arguments: [
    "lode-tree 1\nAAA 1 100644 a\n",
    "lode-tree 1\n\(String(repeating: "a", count: 64)) 1 100644 ../a\n",
    "lode-tree 1\n\(String(repeating: "a", count: 64)) 1 100644 /etc/passwd\n",
    "lode-tree 1\n\(String(repeating: "a", count: 64)) 1 100644 a//b\n",
    "lode-tree 1\n\(String(repeating: "a", count: 64)) -1 100644 a\n",
    "lode-tree 1\n\(String(repeating: "a", count: 64)) 1 120000 a\n",
    "lode-tree 1\n\(String(repeating: "a", count: 64)) 1 100644 b\n\(String(repeating: "a", count: 64)) 1 100644 a\n",
    "lode-tree 1\n\(String(repeating: "a", count: 64)) 1 100644 a\n\(String(repeating: "a", count: 64)) 1 100644 a\n",
    "lode-tree 1\n\(String(repeating: "a", count: 64)) 1 100644 a\n\(String(repeating: "a", count: 64)) 1 100644 a-b\n\(String(repeating: "a", count: 64)) 1 100644 a/c\n",
    "lode-tree 1\n\(String(repeating: "a", count: 64)) 1 100644 a",
    "not a tree\n",
  ])
  func hostileOrDamagedTreesAreRefused(text: String) {
    #expect(throws: FormatError.self) { try Tree(decoding: Array(text.utf8), id: idA) }
  }

  @Test func newerTreeVersionsAreRefused() {
    #expect(throws: FormatError.unsupportedVersion(file: "tree \(idA.short)", version: 2, supported: 1)) {
      try Tree(decoding: Array("lode-tree 2\n".utf8), id: idA)
    }
  }
}

@Suite struct PointerTests {
  @Test(arguments: [
    "data.csv", "my data.csv", "données", "true", "123", "a: b", "#x", "-x", "x ", "q\"uote", "tab\there",
  ])
  func renderedPointersParseBackToTheSameValue(name: String) throws {
    let pointer = Pointer(outs: [
      PointerOut(
        path: try RelativePath(validating: name), kind: .dir, id: idA, size: 10, fileCount: 3, executable: false)
    ])
    let text = pointer.rendered()
    #expect(try Pointer(parsing: text, file: "x.lode") == pointer)
  }

  @Test func theFormatIsStable() throws {
    let pointer = Pointer(outs: [
      PointerOut(
        path: try RelativePath(validating: "run.sh"), kind: .file, id: idA, size: 5, fileCount: nil, executable: true)
    ])
    #expect(
      pointer.rendered()
        == "version: 1\nouts:\n- path: run.sh\n  kind: file\n  sha256: \(idA)\n  size: 5\n  executable: true\n")
  }

  @Test(arguments: [
    ("version: 1\n", "x.lode:1: missing 'outs' list"),
    (
      "version: 1\nouts:\n- path: a/b\n  kind: file\n  sha256: \(String(repeating: "a", count: 64))\n  size: 1\n",
      "x.lode:3:"
    ),
    (
      "version: 1\nouts:\n- path: a\n  kind: link\n  sha256: \(String(repeating: "a", count: 64))\n  size: 1\n",
      "x.lode:4: kind must be"
    ),
    ("version: 1\nouts:\n- path: a\n  kind: file\n  size: 1\n", "x.lode:3: missing sha256"),
    ("- just\n- a list\n", "x.lode:1: the pointer file must be a mapping"),
  ])
  func badPointersNameTheLine(text: String, expected: String) {
    do {
      _ = try Pointer(parsing: text, file: "x.lode")
      Issue.record("parsed: \(text)")
    } catch let error as FormatError {
      #expect(error.message.hasPrefix(expected), "\(error.message)")
    } catch {
      Issue.record("unexpected \(error)")
    }
  }
}

@Suite struct StatIndexTests {
  /// Saving merges changes into the stored bytes record by record: the
  /// result is exactly the encoding of the merged entries.
  @Test func mergingChangesIntoStoredRecordsEqualsEncodingTheMergedEntries() throws {
    var entries: [String: StatIndex.Entry] = [:]
    for index in 0..<300 {
      entries["d\(index % 7)/f\(index)"] = StatIndex.Entry(
        size: Int64(index), mtime: 1, ctime: 2, inode: UInt64(index), verifiedAt: 4, id: index % 2 == 0 ? idA : idB)
    }
    let stored = StoredIndex(StatIndex.encode(entries))
    let changed = StatIndex.Entry(size: 9, mtime: 9, ctime: 9, inode: 9, verifiedAt: 10, id: idB)
    let changes: [String: StatIndex.Entry?] = [
      "d0/f0": changed, "d3/f10": nil, "a-first": changed, "zz-last": changed, "d1/f1x": changed,
      "d2/f2": nil, "not-there": nil,
    ]
    var expected = entries
    for (key, entry) in changes { expected[key] = entry }
    let merged = stored.merging(changes)
    let sameBytes = merged == StatIndex.encode(expected)
    #expect(sameBytes, "the merged index differs from the encoded merged entries")
    #expect(StatIndex.decode(merged) == expected)
    // A damaged stored index contributes nothing; the changes are kept.
    let fromDamaged = StoredIndex(Array(StatIndex.encode(entries).dropLast(5))).merging(changes)
    #expect(StatIndex.decode(fromDamaged) == changes.compactMapValues { $0 })
  }

  @Test func entriesRoundTripAndDamageMeansEmpty() throws {
    let entry = StatIndex.Entry(size: 10, mtime: 20, ctime: 30, inode: 40, verifiedAt: 50, id: idA)
    let bytes = StatIndex.encode(["a/b": entry, "c": entry])
    #expect(StatIndex.decode(bytes) == ["a/b": entry, "c": entry])
    #expect(StatIndex.decode(Array(bytes.dropLast())) == nil)
    #expect(StatIndex.decode(Array("garbage".utf8)) == nil)
  }

  @Test func storedEntriesAreFoundByBinarySearchOverByteOrder() throws {
    var entries: [String: StatIndex.Entry] = [:]
    let keys = (0..<500).map { "dir\($0 % 7)/file-\($0).bin" } + ["Z", "a", "é/x", "a-b", "a/b", "ü"]
    for (index, key) in keys.enumerated() {
      entries[key] = StatIndex.Entry(size: Int64(index), mtime: 1, ctime: 2, inode: 3, verifiedAt: 4, id: idA)
    }
    let stored = StoredIndex(StatIndex.encode(entries))
    for key in keys { #expect(stored.entry(for: key) == entries[key], "\(key)") }
    for missing in ["", "dir1", "a/", "zzz", "é"] { #expect(stored.entry(for: missing) == nil) }
    #expect(StoredIndex(Array(StatIndex.encode(entries).dropLast(3))).entry(for: "a") == nil)
  }
}

@Suite struct GitignoreTests {
  @Test(arguments: [
    ("data", "/data"), ("a*b", "/a\\*b"), ("[x]", "/\\[x]"), ("#c", "/\\#c"), ("!n", "/\\!n"), ("t ", "/t\\ "),
    ("b\\s", "/b\\\\s"),
  ])
  func patternsMatchExactlyTheName(name: String, pattern: String) {
    #expect(Gitignore.pattern(for: name) == pattern)
  }
}
