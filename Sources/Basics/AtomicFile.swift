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

  /// Creates the file with `O_EXCL` in `directory`.
  public init(in directory: String, mode: mode_t = 0o666) throws {
    var template = Array("\(directory)/\(TempFile.prefix)XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    if fd < 0 { throw systemError("create temporary file in", directory) }
    _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    self.fd = fd
    self.path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    // mkstemp creates 0600; apply the wanted mode through the umask like open(2) would.
    fchmod(fd, mode & ~TempFile.umaskAtStart)
  }

  /// The process's umask, read once: reading it means setting it, which
  /// threads creating temp files at the same time must not race on.
  private static let umaskAtStart: mode_t = {
    let mask = umask(0)
    umask(mask)
    return mask
  }()

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
