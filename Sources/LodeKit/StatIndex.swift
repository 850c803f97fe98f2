import Basics
import ObjectStore

/// Remembers the id of each file lode has hashed, keyed by path and checked
/// against the file's size, mtime, ctime and inode, so an unchanged file is
/// never read again (docs/formats.md, "stat index").
///
/// An entry is trusted only when the file's mtime is earlier than the
/// moment its content was verified (`verifiedAt`, on the coarse clock the
/// kernel stamps files with): a file rewritten within the same clock tick
/// as lode read it would otherwise keep an identical stat.
///
/// The file is a cache: it is replaced atomically (temp file and rename) and
/// merged with what other processes wrote since it was loaded, so
/// concurrent processes can only lose entries (costing a re-hash), never
/// corrupt it or make it lie.
public final class StatIndex: @unchecked Sendable {
  struct Entry: Equatable {
    var size: Int64
    var mtime: Int64
    var ctime: Int64
    var inode: UInt64
    var verifiedAt: Int64
    var id: ObjectID
  }

  static let magic = Array("LODESTAT".utf8)
  static let version: UInt32 = 1
  private let path: String
  private let state: Locked<(entries: [String: Entry], changes: [String: Entry?])>
  /// Hashes counted for the `LODE_TRACE=hash` diagnostics (tests prove reuse with it).
  private let traceHashes = getenv("LODE_TRACE").map { String(cString: $0).contains("hash") } ?? false

  /// Loads the index at `path`; a missing or unreadable file is an empty index.
  public init(path: String) {
    self.path = path
    state = Locked((Self.load(path), [:]))
  }

  /// The recorded id of the file at repository path `key`, if its stat still matches.
  func id(for key: String, stat: FileStat) -> ObjectID? {
    ids(for: [key], stats: [stat])[0]
  }

  /// The recorded ids of many files at once (one lock for all), nil where unknown or stale.
  func ids(for keys: [String], stats: [FileStat]) -> [ObjectID?] {
    state.withLock { s in
      zip(keys, stats).map { key, stat in
        guard let entry = s.entries[key], entry.size == stat.size, entry.mtime == stat.mtimeNanoseconds,
          entry.ctime == stat.ctimeNanoseconds, entry.inode == stat.inode, entry.mtime < entry.verifiedAt
        else { return nil }
        return entry.id
      }
    }
  }

  /// Records that the file at `key` with `stat` had content `id` at `verifiedAt`.
  func record(_ key: String, stat: FileStat, id: ObjectID, verifiedAt: Int64) {
    let entry = Entry(
      size: stat.size, mtime: stat.mtimeNanoseconds, ctime: stat.ctimeNanoseconds, inode: stat.inode,
      verifiedAt: verifiedAt, id: id)
    state.withLock { s in
      if s.entries[key] == entry { return }
      s.entries[key] = entry
      s.changes[key] = .some(entry)
    }
  }

  /// Forgets `key` (its file is gone).
  func forget(_ key: String) {
    state.withLock { s in
      if s.entries.removeValue(forKey: key) != nil { s.changes[key] = .some(nil) }
    }
  }

  /// Notes a file that had to be read and hashed (for `LODE_TRACE=hash`).
  func noteHashed(_ key: String) {
    if traceHashes { writeStderr("lode-trace: hash \(key)\n") }
  }

  /// Writes the changes made since loading, merged over the file's current
  /// content. A failure to save only costs re-hashing later, so it is ignored.
  public func save() {
    let changes = state.withLock { s -> [String: Entry?] in
      defer { s.changes = [:] }
      return s.changes
    }
    if changes.isEmpty { return }
    var merged = Self.load(path)
    for (key, entry) in changes { merged[key] = entry }
    let directory = Path.parent(of: path)
    guard let temp = try? TempFile(in: directory, mode: 0o644) else { return }
    do {
      try Self.encode(merged).withUnsafeBytes { try FileIO.writeAll(temp.fd, $0, path: temp.path) }
      try temp.publish(as: path, durable: false)
    } catch {
      temp.discard()
    }
  }

  static func encode(_ entries: [String: Entry]) -> [UInt8] {
    var out = magic
    append(&out, version)
    append(&out, UInt32(entries.count))
    for key in entries.keys.sorted() {
      let entry = entries[key]!
      let keyBytes = Array(key.utf8)
      append(&out, UInt32(keyBytes.count))
      out += keyBytes
      for value in [entry.size, entry.mtime, entry.ctime, Int64(bitPattern: entry.inode), entry.verifiedAt] {
        append(&out, UInt64(bitPattern: value))
      }
      out += Array(entry.id.hex.utf8)
    }
    return out
  }

  static func load(_ path: String) -> [String: Entry] {
    guard let bytes = try? FileIO.readFileIfPresent(path) else { return [:] }
    return decode(bytes) ?? [:]
  }

  /// Decodes the index; nil on any damage (the index is then rebuilt).
  static func decode(_ bytes: [UInt8]) -> [String: Entry]? {
    bytes.withUnsafeBytes { raw -> [String: Entry]? in
      var reader = ByteReader(raw)
      guard reader.bytes(8).map(Array.init) == magic, reader.uint32() == version, let count = reader.uint32() else {
        return nil
      }
      var entries: [String: Entry] = [:]
      entries.reserveCapacity(Int(min(count, 1 << 24)))
      for _ in 0..<count {
        guard let length = reader.uint32(), let keyBytes = reader.bytes(Int(length)),
          let size = reader.uint64(), let mtime = reader.uint64(), let ctime = reader.uint64(),
          let inode = reader.uint64(), let verifiedAt = reader.uint64(), let hex = reader.bytes(64),
          let id = try? ObjectID(validating: String(decoding: hex, as: UTF8.self))
        else { return nil }
        entries[String(decoding: keyBytes, as: UTF8.self)] = Entry(
          size: Int64(bitPattern: size), mtime: Int64(bitPattern: mtime), ctime: Int64(bitPattern: ctime),
          inode: inode, verifiedAt: Int64(bitPattern: verifiedAt), id: id)
      }
      return entries
    }
  }

  private static func append<T: FixedWidthInteger>(_ out: inout [UInt8], _ value: T) {
    withUnsafeBytes(of: value.littleEndian) { out += $0 }
  }
}

/// Reads little-endian integers and byte runs from a buffer in place, failing soft.
struct ByteReader {
  private let raw: UnsafeRawBufferPointer
  private var offset = 0

  init(_ raw: UnsafeRawBufferPointer) { self.raw = raw }

  mutating func bytes(_ count: Int) -> UnsafeRawBufferPointer? {
    guard count >= 0, raw.count - offset >= count else { return nil }
    defer { offset += count }
    return UnsafeRawBufferPointer(rebasing: raw[offset..<offset + count])
  }

  mutating func uint32() -> UInt32? {
    bytes(4).map { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) }
  }

  mutating func uint64() -> UInt64? {
    bytes(8).map { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
  }
}
