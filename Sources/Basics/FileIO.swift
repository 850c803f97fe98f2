/// Thin, throwing wrappers over the POSIX file calls lode uses, retrying on
/// EINTR and naming the path in every error.
public enum FileIO {
  /// Opens `path` for reading.
  public static func openRead(_ path: String) throws -> Int32 {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { throw systemError("open", path) }
    return fd
  }

  /// Reads up to `buffer.count` bytes; 0 means end of file.
  public static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String) throws -> Int {
    while true {
      let n = systemRead(fd, buffer.baseAddress, buffer.count)
      if n >= 0 { return n }
      if errno != EINTR { throw systemError("read", path) }
    }
  }

  /// Fills `buffer` as far as the file allows; returns the bytes read.
  public static func readFull(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String) throws -> Int {
    var total = 0
    while total < buffer.count {
      let n = try read(fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[total...]), path: path)
      if n == 0 { break }
      total += n
    }
    return total
  }

  /// Writes all of `bytes`.
  public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
    var offset = 0
    while offset < bytes.count {
      let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
      if n < 0 {
        if errno == EINTR { continue }
        throw systemError("write", path)
      }
      offset += n
    }
  }

  /// Flushes the file's data to stable storage.
  public static func sync(_ fd: Int32, path: String) throws {
    if fsync(fd) != 0 && errno != EINVAL { throw systemError("fsync", path) }
  }

  /// Flushes a directory so that renames and creations in it survive power loss.
  public static func syncDirectory(_ path: String) throws {
    let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if fd < 0 { throw systemError("open", path) }
    defer { close(fd) }
    try sync(fd, path: path)
  }

  /// Flushes every file of the file system holding `path` with one call
  /// (`syncfs`): far cheaper than an fsync per file for thousands of files.
  public static func syncFileSystem(containing path: String) throws {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { throw systemError("open", path) }
    defer { close(fd) }
    #if os(Linux)
      if linuxSyncfs(fd) != 0 { throw systemError("syncfs", path) }
    #else
      sync()
    #endif
  }

  /// Asks the kernel to start writing the data of `fd` to disk now,
  /// without waiting, so a later fsync or syncfs finds less left to do.
  /// Advisory: durability still comes from those.
  public static func startWriteback(_ fd: Int32) {
    #if os(Linux)
      _ = linuxSyncFileRange(fd, 0, 0, 2)  // SYNC_FILE_RANGE_WRITE
    #endif
  }

  /// The whole content of a small file, or nil when it does not exist.
  public static func readFileIfPresent(_ path: String) throws -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 {
      if errno == ENOENT || errno == ENOTDIR { return nil }
      throw systemError("open", path)
    }
    defer { close(fd) }
    var out = [UInt8]()
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
      let n = try chunk.withUnsafeMutableBytes { try read(fd, into: $0, path: path) }
      if n == 0 { break }
      out.append(contentsOf: chunk[0..<n])
    }
    return out
  }

  /// The whole content of a small file.
  public static func readFile(_ path: String) throws -> [UInt8] {
    guard let bytes = try readFileIfPresent(path) else {
      throw BasicsError.system(operation: "open", path: path, errno: ENOENT)
    }
    return bytes
  }

  /// Creates `path` and any missing parents (like `mkdir -p`).
  public static func makeDirectories(_ path: String, mode: mode_t = 0o777) throws {
    if mkdir(path, mode) == 0 { return }
    switch errno {
    case EEXIST:
      if try FileStat.following(path)?.kind == .directory { return }
      throw BasicsError.system(operation: "mkdir", path: path, errno: EEXIST)
    case ENOENT:
      let parent = Path.parent(of: path)
      guard parent != path, !parent.isEmpty else { throw systemError("mkdir", path) }
      try makeDirectories(parent, mode: mode)
      if mkdir(path, mode) != 0 && errno != EEXIST { throw systemError("mkdir", path) }
    default:
      throw systemError("mkdir", path)
    }
  }

  /// Removes a file; a file that is already gone is fine.
  public static func removeFile(_ path: String) throws {
    if unlink(path) != 0 && errno != ENOENT { throw systemError("unlink", path) }
  }

  /// Renames `from` to `to`, replacing `to` atomically.
  public static func rename(_ from: String, _ to: String) throws {
    if systemRename(from, to) != 0 { throw systemError("rename", to) }
  }

  /// Renames, first creating the target's folder (and its parents) when
  /// `makingDirectory` and the rename fails for want of it.
  public static func rename(_ from: String, _ to: String, makingDirectory: Bool) throws {
    if systemRename(from, to) == 0 { return }
    guard makingDirectory, errno == ENOENT, access(from, F_OK) == 0 else { throw systemError("rename", to) }
    try makeDirectories(Path.parent(of: to))
    try rename(from, to)
  }

  /// Asks the kernel to drop the file's clean pages from the page cache
  /// (`POSIX_FADV_DONTNEED`); pages not yet written back stay. A hint: it
  /// never fails.
  public static func releasePages(_ fd: Int32) {
    _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_DONTNEED))
  }

  /// Asks the kernel to start reading the file at `path` into the page
  /// cache (`POSIX_FADV_WILLNEED`) without waiting for it. A hint: a file
  /// that cannot be opened is left for its reader to report.
  public static func adviseWillNeed(_ path: String) {
    let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    if fd < 0 { return }
    _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_WILLNEED))
    close(fd)
  }

  /// The names in directory `path` (without `.` and `..`), or nil when it does not exist.
  public static func listDirectory(_ path: String) throws -> [(name: String, type: UInt8)]? {
    guard let dir = opendir(path) else {
      if errno == ENOENT || errno == ENOTDIR { return nil }
      throw systemError("opendir", path)
    }
    defer { closedir(dir) }
    var names: [(String, UInt8)] = []
    while let entry = readdir(dir) {
      let name = FileIO.name(of: entry)
      if name == "." || name == ".." { continue }
      names.append((name, entry.pointee.d_type))
    }
    return names
  }
}

// The C calls whose names the methods above shadow.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
  read(fd, buffer, count)
}
private func systemRename(_ from: String, _ to: String) -> Int32 { rename(from, to) }

#if os(Linux)
  // glibc declares these only under _GNU_SOURCE, which Swift's Glibc module lacks.
  @_silgen_name("syncfs") private func linuxSyncfs(_ fd: Int32) -> Int32
  @_silgen_name("sync_file_range") private func linuxSyncFileRange(
    _ fd: Int32, _ offset: Int64, _ count: Int64, _ flags: UInt32
  ) -> Int32
  @_silgen_name("copy_file_range") private func linuxCopyFileRange(
    _ input: Int32, _ inputOffset: UnsafeMutablePointer<Int64>?, _ output: Int32,
    _ outputOffset: UnsafeMutablePointer<Int64>?, _ length: Int, _ flags: UInt32
  ) -> Int
#endif

extension FileIO {
  /// Copies the rest of `input` to `output`, in the kernel where it can
  /// (`copy_file_range`: no trip through user memory, server-side on NFS),
  /// else through a buffer.
  public static func copyContents(from input: Int32, path inputPath: String, to output: Int32, path outputPath: String)
    throws
  {
    #if os(Linux)
      while true {
        let copied = linuxCopyFileRange(input, nil, output, nil, 1 << 30, 0)
        if copied == 0 { return }
        if copied > 0 { continue }
        if errno == EINTR { continue }
        if errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP || errno == EBADF { break }
        throw systemError("copy", outputPath)
      }
    #endif
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
    defer { buffer.deallocate() }
    while true {
      let count = try read(input, into: buffer, path: inputPath)
      if count == 0 { return }
      try writeAll(output, UnsafeRawBufferPointer(rebasing: buffer[0..<count]), path: outputPath)
    }
  }
}

extension FileIO {
  /// Deletes `path` and, for a directory, everything under it, never
  /// following a symlink (a link is removed, not its target). Missing is fine.
  public static func removeTree(_ path: String) throws {
    guard let stat = try FileStat.of(path) else { return }
    if stat.kind == .directory {
      for (name, _) in try listDirectory(path) ?? [] { try removeTree(path + "/" + name) }
      if rmdir(path) != 0 && errno != ENOENT { throw systemError("rmdir", path) }
    } else {
      try removeFile(path)
    }
  }
}

extension FileIO {
  /// The name in a directory entry returned by `readdir`. Read in place: the
  /// kernel's record can be shorter than `struct dirent`, so copying the
  /// whole `d_name` array could read past the end of the buffer.
  public static func name(of entry: UnsafeMutablePointer<dirent>) -> String {
    String(cString: namePointer(of: entry))
  }

  /// The NUL-terminated name of a directory entry, in place (valid until the next `readdir`).
  public static func namePointer(of entry: UnsafeMutablePointer<dirent>) -> UnsafePointer<CChar> {
    let offset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
    return UnsafePointer((UnsafeRawPointer(entry) + offset).assumingMemoryBound(to: CChar.self))
  }
}
