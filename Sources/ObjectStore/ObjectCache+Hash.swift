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
