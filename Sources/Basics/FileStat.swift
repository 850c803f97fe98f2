/// The parts of `lstat(2)` lode cares about.
public struct FileStat: Equatable, Sendable {
  /// What kind of directory entry this is.
  public enum Kind: Sendable { case regular, directory, symlink, other }

  public var kind: Kind
  public var size: Int64
  public var mtimeNanoseconds: Int64
  public var ctimeNanoseconds: Int64
  public var inode: UInt64
  public var device: UInt64
  public var mode: UInt32

  /// Whether the owner may execute the file: the bit lode records and restores.
  public var isExecutable: Bool { mode & 0o100 != 0 }

  init(_ st: stat) {
    switch st.st_mode & S_IFMT {
    case S_IFREG: kind = .regular
    case S_IFDIR: kind = .directory
    case S_IFLNK: kind = .symlink
    default: kind = .other
    }
    size = Int64(st.st_size)
    #if os(Linux)
      mtimeNanoseconds = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
      ctimeNanoseconds = Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec)
    #else
      mtimeNanoseconds = Int64(st.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(st.st_mtimespec.tv_nsec)
      ctimeNanoseconds = Int64(st.st_ctimespec.tv_sec) * 1_000_000_000 + Int64(st.st_ctimespec.tv_nsec)
    #endif
    inode = UInt64(st.st_ino)
    device = UInt64(st.st_dev)
    mode = UInt32(st.st_mode)
  }

  /// The entry at `path` without following a final symlink, or nil when nothing is there.
  public static func of(_ path: String) throws -> FileStat? {
    var st = stat()
    if lstat(path, &st) != 0 {
      if errno == ENOENT || errno == ENOTDIR { return nil }
      throw systemError("lstat", path)
    }
    return FileStat(st)
  }

  /// The entry at `path`, following symlinks, or nil when nothing is there.
  public static func following(_ path: String) throws -> FileStat? {
    var st = stat()
    if stat(path, &st) != 0 {
      if errno == ENOENT || errno == ENOTDIR { return nil }
      throw systemError("stat", path)
    }
    return FileStat(st)
  }

  /// The entry `name` in the directory open as `directory`, without following
  /// a final symlink (cheaper than a full path: no walk from the root).
  public static func of(_ name: String, in directory: Int32, path: String) throws -> FileStat? {
    try name.withCString { try of(cName: $0, in: directory, path: path) }
  }

  /// The same for a name given as a C string (a directory entry's, read in
  /// place); `path` is built only for an error.
  public static func of(cName name: UnsafePointer<CChar>, in directory: Int32, path: @autoclosure () -> String)
    throws -> FileStat?
  {
    var st = stat()
    if fstatat(directory, name, &st, AT_SYMLINK_NOFOLLOW) != 0 {
      if errno == ENOENT || errno == ENOTDIR { return nil }
      throw systemError("lstat", path())
    }
    return FileStat(st)
  }

  /// The entry open as `fd`.
  public static func open(_ fd: Int32, path: String) throws -> FileStat {
    var st = stat()
    if fstat(fd, &st) != 0 { throw systemError("fstat", path) }
    return FileStat(st)
  }
}
