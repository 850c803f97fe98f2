import Basics
import Formats
import ObjectStore

/// One file of a tracked directory.
public struct TreeEntry: Equatable, Sendable {
  /// The path relative to the tracked directory.
  public var path: RelativePath
  public var id: ObjectID
  public var size: Int64
  public var executable: Bool

  public init(path: RelativePath, id: ObjectID, size: Int64, executable: Bool) {
    self.path = path
    self.id = id
    self.size = size
    self.executable = executable
  }
}

/// The listing of a tracked directory, stored as an object whose id is the
/// SHA-256 of its canonical encoding (docs/formats.md):
///
///     lode-tree 1
///     <sha256> <size> <100644|100755> <path>
///
/// one line per file, sorted by the UTF-8 bytes of the path.
public struct Tree: Equatable, Sendable {
  public static let version = 1
  /// Entries in canonical order.
  public private(set) var entries: [TreeEntry]

  /// A tree of `entries` in any order; they are sorted into canonical order.
  public init(entries: [TreeEntry]) {
    self.entries = entries.sorted { $0.path < $1.path }
  }

  /// The total size of the files.
  public var size: Int64 { entries.reduce(0) { $0 + $1.size } }

  /// The canonical bytes whose SHA-256 is the tree's id.
  public func encoded() -> [UInt8] {
    var text = "lode-tree \(Tree.version)\n"
    for entry in entries {
      text += "\(entry.id.hex) \(entry.size) \(entry.executable ? "100755" : "100644") \(entry.path.string)\n"
    }
    return Array(text.utf8)
  }

  /// Parses and validates a tree object. Every path must be a clean relative
  /// path (no `..`, absolute, NUL or newline), in strictly ascending order,
  /// and no file may also be a folder of another: anything else is an error
  /// naming the object, so a hostile tree can never direct a write.
  public init(decoding bytes: [UInt8], id: ObjectID) throws {
    let name = "tree \(id.short)"
    guard String(validating: bytes, as: UTF8.self) != nil else {
      throw FormatError.malformed(file: name, line: 1, detail: "not UTF-8")
    }
    // A byte-level parse: trees of many thousands of files are read on every status.
    entries = try bytes.withUnsafeBufferPointer { try Self.parse($0, name: name) }
  }

  private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, name: String) throws -> [TreeEntry] {
    var line = 1
    func bad(_ detail: String) -> FormatError { .malformed(file: name, line: line, detail: detail) }
    let newline = UInt8(ascii: "\n")
    let space = UInt8(ascii: " ")
    guard let headerEnd = bytes.firstIndex(of: newline) else { throw bad("missing final newline") }
    let header = String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<headerEnd]), as: UTF8.self)
    guard header.hasPrefix("lode-tree ") else { throw bad("missing 'lode-tree' header") }
    guard let version = Int(header.dropFirst("lode-tree ".count)) else { throw bad("bad version") }
    if version > Tree.version {
      throw FormatError.unsupportedVersion(file: name, version: version, supported: Tree.version)
    }
    var entries: [TreeEntry] = []
    var files = Set<String>()
    var start = headerEnd + 1
    while start < bytes.count {
      line += 1
      guard let end = bytes[start...].firstIndex(of: newline) else { throw bad("missing final newline") }
      let fields = UnsafeBufferPointer(rebasing: bytes[start..<end])
      start = end + 1
      // <64 hex> <size> <100644|100755> <path>
      guard fields.count > 64 + 1 + 1 + 1 + 6 + 1, fields[64] == space,
        let sizeEnd = fields[65...].firstIndex(of: space), sizeEnd > 65, sizeEnd + 8 <= fields.count,
        fields[sizeEnd + 7] == space
      else { throw bad("expected '<sha256> <size> <mode> <path>'") }
      var size: Int64 = 0
      for digit in fields[65..<sizeEnd] {
        guard digit >= 48 && digit <= 57, size < Int64.max / 10 else {
          throw bad("expected '<sha256> <size> <mode> <path>'")
        }
        size = size * 10 + Int64(digit - 48)
      }
      let mode = String(decoding: UnsafeBufferPointer(rebasing: fields[(sizeEnd + 1)..<(sizeEnd + 7)]), as: UTF8.self)
      guard mode == "100644" || mode == "100755" else { throw bad("bad mode '\(mode)'") }
      let entry: TreeEntry
      do {
        let id = try ObjectID(
          validating: String(decoding: UnsafeBufferPointer(rebasing: fields[0..<64]), as: UTF8.self))
        let path = try RelativePath(validatingUTF8: UnsafeBufferPointer(rebasing: fields[(sizeEnd + 8)...]))
        entry = TreeEntry(path: path, id: id, size: size, executable: mode == "100755")
      } catch let error as LodeError {
        throw bad(error.message)
      }
      if let previous = entries.last, !(previous.path < entry.path) {
        throw bad("entries are not in strictly ascending order")
      }
      let path = entry.path.string
      if path.utf8.contains(UInt8(ascii: "/")) {
        var slash = path.firstIndex(of: "/")
        while let cut = slash {
          if files.contains(String(path[..<cut])) { throw bad("'\(path[..<cut])' is both a file and a folder") }
          slash = path[path.index(after: cut)...].firstIndex(of: "/")
        }
      }
      files.insert(path)
      entries.append(entry)
    }
    return entries
  }

}
