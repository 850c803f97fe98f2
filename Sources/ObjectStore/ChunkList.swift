import Basics

/// The chunk list of a chunked file (docs/formats.md, "Chunked files"): the
/// ids and sizes of its chunks in order. It is stored under the file's own
/// id with the `.chunks` suffix, so the file keeps its id (the SHA-256 of its
/// whole content); a reader verifies it by reassembling the chunks.
///
/// ```
/// lode-chunks 1
/// <sha256> <size>
/// ```
public struct ChunkList: Sendable, Equatable {
  public struct Entry: Sendable, Equatable {
    public let id: ObjectID
    public let size: Int64
  }

  static let header = "lode-chunks 1"
  /// A chunk list is refused above this size (about 900 GB of file content).
  public static let maximumEncodedSize = 64 << 20
  /// No chunk is ever this big; a larger size in a list is refused.
  static let maximumChunkSize: Int64 = 1 << 30

  public let entries: [Entry]

  public init(entries: [Entry]) { self.entries = entries }

  /// The size of the file the chunks make up.
  public var size: Int64 { entries.reduce(0) { $0 + $1.size } }

  /// The list's exact bytes.
  public func encoded() -> [UInt8] {
    var text = Self.header + "\n"
    text.reserveCapacity(entries.count * 76 + 16)
    for entry in entries { text += "\(entry.id.hex) \(entry.size)\n" }
    return Array(text.utf8)
  }

  /// Parses a chunk list strictly; `source` names it in errors.
  public init(parsing bytes: [UInt8], source: String) throws {
    func bad(_ line: Int, _ why: String) -> ObjectStoreError {
      .badChunkList(path: source, detail: "line \(line): \(why)")
    }
    guard bytes.count <= Self.maximumEncodedSize else { throw bad(1, "the list is too large") }
    guard bytes.last == UInt8(ascii: "\n") else { throw bad(1, "the list does not end with a newline") }
    let lines = bytes.dropLast().split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    guard String(decoding: lines[0], as: UTF8.self) == Self.header else {
      throw bad(1, "expected '\(Self.header)' (a newer lode may have written it)")
    }
    var entries: [Entry] = []
    entries.reserveCapacity(lines.count - 1)
    for (offset, line) in lines.dropFirst().enumerated() {
      let number = offset + 2
      let fields = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
      guard fields.count == 2, let id = try? ObjectID(validating: String(decoding: fields[0], as: UTF8.self)) else {
        throw bad(number, "expected '<sha256> <size>'")
      }
      let digits = fields[1]
      guard !digits.isEmpty, digits.count <= 10, digits.allSatisfy({ (48...57).contains($0) }),
        digits.first != UInt8(ascii: "0"), let size = Int64(String(decoding: digits, as: UTF8.self)),
        size <= Self.maximumChunkSize
      else { throw bad(number, "bad chunk size") }
      entries.append(Entry(id: id, size: size))
    }
    guard !entries.isEmpty else { throw bad(2, "the list names no chunks") }
    self.entries = entries
  }

  /// Reads and parses the chunk list file at `path`.
  public init(readingFile path: String) throws {
    if let size = try FileStat.of(path)?.size, size > Self.maximumEncodedSize {
      throw ObjectStoreError.badChunkList(path: path, detail: "line 1: the list is too large")
    }
    try self.init(parsing: try FileIO.readFile(path), source: path)
  }
}
