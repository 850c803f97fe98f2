/// Durable, atomic replacement of a file: the bytes go to a temporary file in
/// the target's own directory (so the rename cannot cross file systems), are
/// fsynced, renamed over the target, and the directory is fsynced. A reader,
/// a crash or a power loss sees the old file or the new one, never a mix.
public enum AtomicFile {
  /// Replaces (or creates) `path` with `bytes`, with permission bits `mode`.
  /// A hint (a memo, an index: losing it only costs work) is written with
  /// `durable` false: still atomic, but not flushed. The temporary file goes
  /// to `temporaryFolder` when given (on the same file system).
  public static func write(
    _ bytes: [UInt8], to path: String, mode: mode_t = 0o666, durable: Bool = true, temporaryFolder: String? = nil
  ) throws {
    let temp = try TempFile(in: temporaryFolder ?? Path.parent(of: path), mode: mode)
    do {
      try bytes.withUnsafeBytes { try FileIO.writeAll(temp.fd, $0, path: temp.path) }
      try temp.publish(as: path, durable: durable)
    } catch {
      temp.discard()
      throw error
    }
  }

  /// Replaces `path` with the UTF-8 of `text`.
  public static func write(
    _ text: String, to path: String, mode: mode_t = 0o666, durable: Bool = true, temporaryFolder: String? = nil
  ) throws {
    try write(Array(text.utf8), to: path, mode: mode, durable: durable, temporaryFolder: temporaryFolder)
  }
}

/// A uniquely named, open temporary file in a chosen directory, named
/// `.lode-tmp-*` so later runs recognise and clean up leftovers.
public final class TempFile {
  /// The prefix of every temporary file lode creates.
  public static let prefix = ".lode-tmp-"
  public let fd: Int32
  public let path: String
  private var closed = false

  /// Creates the file with `O_EXCL` in `directory` (first creating the
  /// directory and its parents when `makingDirectory` and it is missing).
  /// `mode` applies through the umask, as with open(2).
  public init(in directory: String, mode: mode_t = 0o666, makingDirectory: Bool = false) throws {
    var madeDirectory = !makingDirectory
    while true {
      let path = "\(directory)/\(TempFile.prefix)\(TempFile.uniqueSuffix())"
      let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode)
      if fd >= 0 {
        self.fd = fd
        self.path = path
        return
      }
      if errno == EEXIST { continue }
      if errno == ENOENT && !madeDirectory {
        try FileIO.makeDirectories(directory)
        madeDirectory = true
        continue
      }
      throw systemError("create temporary file in", directory)
    }
  }

  /// Creates exactly `path` with `O_EXCL`: a file inside a folder that is
  /// itself temporary (`makeDirectory`), so its own name need not be.
  public init(exactly path: String, mode: mode_t = 0o666) throws {
    let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode)
    if fd < 0 { throw systemError("create", path) }
    self.fd = fd
    self.path = path
  }

  /// Whether `name` is one `makeDirectory` (or the init) could have made:
  /// the prefix and `suffixLength` lowercase base-36 digits. Folders are deleted
  /// recursively as leftovers only when they match exactly.
  public static func isMadeName(_ name: String) -> Bool {
    guard name.hasPrefix(prefix) else { return false }
    let suffix = name.utf8.dropFirst(prefix.utf8.count)
    return suffix.count == suffixLength && suffix.allSatisfy { (48...57).contains($0) || (97...122).contains($0) }
  }

  /// Creates a new, empty temporary folder in `directory` and returns its path.
  public static func makeDirectory(in directory: String) throws -> String {
    while true {
      let path = "\(directory)/\(TempFile.prefix)\(TempFile.uniqueSuffix())"
      if mkdir(path, 0o777) == 0 { return path }
      if errno != EEXIST { throw systemError("mkdir", path) }
    }
  }

  /// A name part no other temp file of this process has used, and that
  /// another process picks only by chance (`O_EXCL` then tries again).
  private static func uniqueSuffix() -> String {
    let count = counter.withLock { value -> UInt64 in
      value &+= 1
      return value
    }
    let mixed = (seed ^ (count &* 0x9E37_79B9_7F4A_7C15)) &* 0xBF58_476D_1CE4_E5B9
    let text = String(mixed, radix: 36)
    return String(repeating: "0", count: max(0, suffixLength - text.count)) + text
  }

  /// Base-36 digits of a unique suffix (a UInt64 needs at most 13).
  private static let suffixLength = 13

  private static let seed = UInt64.random(in: .min ... .max)
  private static let counter = Locked<UInt64>(0)

  deinit { if !closed { close(fd) } }

  /// Fsyncs, closes, renames over `target` and fsyncs the target's directory.
  public func publish(as target: String, durable: Bool = true) throws {
    if durable { try FileIO.sync(fd, path: path) }
    closeFile()
    try FileIO.rename(path, target)
    if durable { try FileIO.syncDirectory(Path.parent(of: target)) }
  }

  /// Closes and deletes the temporary file; used on every failure path.
  public func discard() {
    closeFile()
    unlink(path)
  }

  func closeFileForHandOff() { closeFile() }

  private func closeFile() {
    if !closed {
      close(fd)
      closed = true
    }
  }
}

extension TempFile {
  /// Closes the file and leaves it in place for a later publish step.
  public func closeWithoutPublishing() { closeFileForHandOff() }

  /// Asks the kernel to start writing the file's data to disk now, without
  /// waiting, so a later fsync or syncfs finds less left to do.
  public func startWriteback() { FileIO.startWriteback(fd) }
}
