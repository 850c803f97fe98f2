import Basics

/// The id of a workspace file, computed without storing anything.
public struct HashedFile: Sendable {
  public let id: ObjectID
  /// The file's stat as it was read.
  public let stat: FileStat
}

extension ObjectCache {
  /// Reads and hashes `path` with a pooled buffer. Throws
  /// `changedWhileReading` when the file's size or mtime moved during the read.
  public func hash(file path: String) throws -> HashedFile {
    let fd = try FileIO.openRead(path)
    defer { close(fd) }
    let before = try FileStat.open(fd, path: path)
    return try contexts.with { context in
      let hasher = SHA256()
      var total: Int64 = 0
      while true {
        let filled = try FileIO.read(fd, into: context.buffer, path: path)
        if filled == 0 { break }
        hasher.update(UnsafeRawBufferPointer(rebasing: context.buffer[0..<filled]))
        total += Int64(filled)
      }
      try checkUnchanged(fd, path: path, before: before, bytesRead: total)
      return HashedFile(id: ObjectID(trusted: hasher.finalizeHex()), stat: before)
    }
  }
}

/// Throws `changedWhileReading` unless the open file still has the size and
/// mtime it had before the read, and the read saw exactly that many bytes.
func checkUnchanged(_ fd: Int32, path: String, before: FileStat, bytesRead: Int64) throws {
  let after = try FileStat.open(fd, path: path)
  if after.size != before.size || after.mtimeNanoseconds != before.mtimeNanoseconds || bytesRead != before.size {
    throw ObjectStoreError.changedWhileReading(path: path)
  }
}

extension ObjectCache {
  /// A fingerprint of which objects the cache holds, from the stat of its
  /// 256 fan-out folders: adding or deleting an object changes its
  /// folder's mtime. nil while a folder's mtime or ctime is not yet settled
  /// (`settledAt`, the stat index's rule: a change in the same clock tick
  /// could leave the stamp as it was, so the next change is only sure to
  /// move it once the clock has passed it).
  public func holdingsFingerprint() -> String? {
    let fd = open(objectsDirectory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if fd < 0 { return nil }
    defer { close(fd) }
    let now = coarseNowNanoseconds()
    var record: [UInt8] = []
    record.reserveCapacity(256 * 26)
    for byte in 0..<256 {
      let name = String(byte, radix: 16).count == 1 ? "0" + String(byte, radix: 16) : String(byte, radix: 16)
      guard let stat = try? FileStat.of(name, in: fd, path: objectsDirectory + "/" + name) else { continue }
      if settledAt(stat.mtimeNanoseconds) > now || settledAt(stat.ctimeNanoseconds) > now { return nil }
      record += Array(name.utf8)
      for value in [UInt64(bitPattern: stat.mtimeNanoseconds), UInt64(bitPattern: stat.ctimeNanoseconds), stat.inode] {
        withUnsafeBytes(of: value.littleEndian) { record += $0 }
      }
    }
    return SHA256.hex(of: record)
  }
}
