/// An exclusive advisory lock on a file (`flock(2)`), held for the life of
/// the object. The kernel releases it when the process dies, even by
/// SIGKILL, so a crashed command never leaves the repository locked. The
/// holder writes its pid and command line into the file so a waiting
/// process can say who is holding it.
public final class FileLock {
  private let fd: Int32
  public let path: String

  /// Takes the lock at `path`, waiting up to `timeout` seconds (polling),
  /// then throwing `BasicsError.lockBusy` naming the holder.
  public init(path: String, timeout: Double, description: String) throws {
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
    if fd < 0 { throw systemError("open", path) }
    let start = monotonicSeconds()
    while flock(fd, LOCK_EX | LOCK_NB) != 0 {
      guard errno == EWOULDBLOCK || errno == EINTR else {
        close(fd)
        throw systemError("flock", path)
      }
      let waited = monotonicSeconds() - start
      if waited >= timeout {
        let holder = (try? FileIO.readFile(path)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        close(fd)
        let trimmed = holder.split(separator: "\n").first.map(String.init) ?? ""
        throw BasicsError.lockBusy(
          path: path, holder: trimmed.isEmpty ? "another lode process" : trimmed, waited: waited)
      }
      usleep(50_000)
    }
    self.fd = fd
    self.path = path
    let note = Array("pid \(getpid()) (\(description))\n".utf8)
    ftruncate(fd, 0)
    _ = note.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
  }

  deinit {
    ftruncate(fd, 0)
    close(fd)
  }
}
