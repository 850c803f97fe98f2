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
    func bad(_ line: Int, _ detail: String) -> FormatError { .malformed(file: name, line: line, detail: detail) }
    guard let text = String(validating: bytes, as: UTF8.self) else { throw bad(1, "not UTF-8") }
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard lines.last == "" else { throw bad(lines.count, "missing final newline") }
    lines.removeLast()
    guard let header = lines.first, header.hasPrefix("lode-tree ") else { throw bad(1, "missing 'lode-tree' header") }
    guard let version = Int(header.dropFirst("lode-tree ".count)) else { throw bad(1, "bad version") }
    if version > Tree.version {
      throw FormatError.unsupportedVersion(file: name, version: version, supported: Tree.version)
    }
    var entries: [TreeEntry] = []
    var files = Set<Substring>()
    for (offset, line) in lines.dropFirst().enumerated() {
      let number = offset + 2
      let fields = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
      guard fields.count == 4, let size = Int64(fields[1]), size >= 0 else {
        throw bad(number, "expected '<sha256> <size> <mode> <path>'")
      }
      guard fields[2] == "100644" || fields[2] == "100755" else { throw bad(number, "bad mode '\(fields[2])'") }
      let entry: TreeEntry
      do {
        entry = TreeEntry(
          path: try RelativePath(validating: String(fields[3])), id: try ObjectID(validating: String(fields[0])),
          size: size, executable: fields[2] == "100755")
      } catch let error as LodeError {
        throw bad(number, error.message)
      }
      if let previous = entries.last, !(previous.path < entry.path) {
        throw bad(number, "entries are not in strictly ascending order")
      }
      let path = entry.path.string
      var slash = path.firstIndex(of: "/")
      while let cut = slash {
        if files.contains(path[..<cut]) { throw bad(number, "'\(path[..<cut])' is both a file and a folder") }
        slash = path[path.index(after: cut)...].firstIndex(of: "/")
      }
      files.insert(Substring(path))
      entries.append(entry)
    }
    self.entries = entries
  }
}
