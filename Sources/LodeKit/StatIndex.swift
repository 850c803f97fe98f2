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
  /// Version 2 sorts entries by the UTF-8 bytes of their keys (binary search).
  static let version: UInt32 = 2
  private let path: String
  /// The file's entries, read at the first lookup (a status that needs none reads nothing).
  private let state: Locked<(stored: StoredIndex?, changes: [String: Entry?])>
  /// Hashes counted for the `LODE_TRACE=hash` diagnostics (tests prove reuse with it).
  private let traceHashes = getenv("LODE_TRACE").map { String(cString: $0).contains("hash") } ?? false

  /// The index at `path`, loaded when first needed; a missing or unreadable
  /// file is an empty index. Entries are looked up in the file's bytes by
  /// binary search, so a command that needs a few of many thousand entries
  /// decodes only those.
  public init(path: String) {
    self.path = path
    state = Locked((nil, [:]))
  }

  /// The recorded id of the file at repository path `key`, if its stat still matches.
  func id(for key: String, stat: FileStat) -> ObjectID? {
    ids(for: [key], stats: [stat])[0]
  }

  /// The recorded ids of many files at once (one lock for all), nil where unknown or stale.
  func ids(for keys: [String], stats: [FileStat]) -> [ObjectID?] {
    state.withLock { s in
      zip(keys, stats).map { key, stat in
        guard let entry = current(key, in: &s), entry.size == stat.size, entry.mtime == stat.mtimeNanoseconds,
          entry.ctime == stat.ctimeNanoseconds, entry.inode == stat.inode,
          settledAt(entry.mtime) <= entry.verifiedAt
        else { return nil }
        return entry.id
      }
    }
  }

  private func loadIfNeeded(_ s: inout (stored: StoredIndex?, changes: [String: Entry?])) {
    if s.stored == nil { s.stored = StoredIndex((try? FileIO.readFileIfPresent(path)) ?? []) }
  }

  private func current(_ key: String, in s: inout (stored: StoredIndex?, changes: [String: Entry?])) -> Entry? {
    if let change = s.changes[key] { return change }
    loadIfNeeded(&s)
    return s.stored?.entry(for: key)
  }

  /// Records that the file at `key` with `stat` had content `id` at `verifiedAt`.
  func record(_ key: String, stat: FileStat, id: ObjectID, verifiedAt: Int64) {
    let entry = Entry(
      size: stat.size, mtime: stat.mtimeNanoseconds, ctime: stat.ctimeNanoseconds, inode: stat.inode,
      verifiedAt: verifiedAt, id: id)
    state.withLock { s in
      if current(key, in: &s) != entry { s.changes[key] = .some(entry) }
    }
  }

  /// Forgets `key` (its file is gone).
  func forget(_ key: String) {
    state.withLock { s in
      if current(key, in: &s) != nil { s.changes[key] = .some(nil) }
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
    // Merged over the file as it is now (another process may have saved
    // since): records the changes do not touch are copied as bytes.
    let stored = StoredIndex((try? FileIO.readFileIfPresent(path)) ?? [])
    try? AtomicFile.write(stored.merging(changes), to: path, mode: 0o644, durable: false)
  }

  static func encode(_ entries: [String: Entry]) -> [UInt8] {
    StoredIndex([]).merging(entries.mapValues { .some($0) })
  }

  /// Appends the record of `key` with `entry`.
  static func appendRecord(_ out: inout [UInt8], key: [UInt8], entry: Entry) {
    append(&out, UInt32(key.count))
    out += key
    for value in [entry.size, entry.mtime, entry.ctime, Int64(bitPattern: entry.inode), entry.verifiedAt] {
      append(&out, UInt64(bitPattern: value))
    }
    out += Array(entry.id.hex.utf8)
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

  static func append<T: FixedWidthInteger>(_ out: inout [UInt8], _ value: T) {
    withUnsafeBytes(of: value.littleEndian) { out += $0 }
  }
}

/// The entries of a stat-index file, read in place: record offsets are
/// found once, then a key is found by binary search over the sorted keys.
struct StoredIndex {
  private let bytes: [UInt8]
  private let offsets: [Int]

  /// An index over `bytes`; damaged or foreign bytes give an empty index.
  init(_ bytes: [UInt8]) {
    var offsets: [Int] = []
    let valid = bytes.withUnsafeBytes { raw -> Bool in
      var reader = ByteReader(raw)
      guard reader.bytes(8).map(Array.init) == StatIndex.magic, reader.uint32() == StatIndex.version,
        let count = reader.uint32(), Int(count) <= raw.count / 108
      else { return false }
      offsets.reserveCapacity(Int(count))
      for _ in 0..<count {
        offsets.append(reader.offset)
        guard let length = reader.uint32(), reader.bytes(Int(length) + 40 + 64) != nil else { return false }
      }
      return true
    }
    self.bytes = valid ? bytes : []
    self.offsets = valid ? offsets : []
  }

  /// The index with `changes` applied (nil removes a key), encoded:
  /// records in the order of their keys' bytes, the ones `changes` does not
  /// touch copied as they are, without decoding them.
  func merging(_ changes: [String: StatIndex.Entry?]) -> [UInt8] {
    let sorted = changes.map { (key: Array($0.key.utf8), entry: $0.value) }
      .sorted { $0.key.lexicographicallyPrecedes($1.key) }
    var out = StatIndex.magic
    StatIndex.append(&out, StatIndex.version)
    let countAt = out.count
    StatIndex.append(&out, UInt32(0))
    var count: UInt32 = 0
    var next = 0
    func emitChange() {
      if let entry = sorted[next].entry {
        StatIndex.appendRecord(&out, key: sorted[next].key, entry: entry)
        count += 1
      }
      next += 1
    }
    bytes.withUnsafeBytes { raw in
      for offset in offsets {
        var reader = ByteReader(raw, at: offset)
        let key = reader.bytes(Int(reader.uint32()!))!  // whole records: checked by init
        var order = 1
        while next < sorted.count {
          order = sorted[next].key.withUnsafeBytes { compare($0, key) }
          if order >= 0 { break }
          emitChange()
        }
        if order == 0 {
          emitChange()
          continue
        }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[offset..<offset + 4 + key.count + 104]))
        count += 1
      }
    }
    while next < sorted.count { emitChange() }
    withUnsafeBytes(of: count.littleEndian) { out.replaceSubrange(countAt..<countAt + 4, with: $0) }
    return out
  }

  /// The entry stored for `key`, if any.
  func entry(for key: String) -> StatIndex.Entry? {
    var key = key
    return key.withUTF8 { wanted in
      bytes.withUnsafeBytes { raw -> StatIndex.Entry? in
        var low = 0
        var high = offsets.count
        while low < high {
          let middle = (low + high) / 2
          var reader = ByteReader(raw, at: offsets[middle])
          guard let length = reader.uint32(), let stored = reader.bytes(Int(length)) else { return nil }
          let order = compare(stored, UnsafeRawBufferPointer(wanted))
          if order == 0 { return Self.decodeEntry(&reader) }
          if order < 0 { low = middle + 1 } else { high = middle }
        }
        return nil
      }
    }
  }

  private static func decodeEntry(_ reader: inout ByteReader) -> StatIndex.Entry? {
    guard let size = reader.uint64(), let mtime = reader.uint64(), let ctime = reader.uint64(),
      let inode = reader.uint64(), let verifiedAt = reader.uint64(), let hex = reader.bytes(64),
      let id = try? ObjectID(validating: String(decoding: hex, as: UTF8.self))
    else { return nil }
    return StatIndex.Entry(
      size: Int64(bitPattern: size), mtime: Int64(bitPattern: mtime), ctime: Int64(bitPattern: ctime), inode: inode,
      verifiedAt: Int64(bitPattern: verifiedAt), id: id)
  }

  /// Byte-wise order of two keys: negative, zero or positive.
  private func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
    let common = min(a.count, b.count)
    if common > 0 {
      let order = memcmp(a.baseAddress!, b.baseAddress!, common)
      if order != 0 { return Int(order) }
    }
    return a.count - b.count
  }
}

/// Reads little-endian integers and byte runs from a buffer in place, failing soft.
struct ByteReader {
  private let raw: UnsafeRawBufferPointer
  private(set) var offset: Int

  init(_ raw: UnsafeRawBufferPointer, at offset: Int = 0) {
    self.raw = raw
    self.offset = offset
  }

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
