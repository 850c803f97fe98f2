import Basics

/// A remote that is a folder on a local or shared file system (NFS, SMB, a
/// mounted bucket), used by many machines at once without a lock. Uploads go
/// to a temp file in the object's own folder, are fsynced, then renamed into
/// place, and the folder is fsynced: readers never see a partial object.
/// Temp files of uploads that died are deleted once they are a day old,
/// when a listing comes across them (a younger one may be a live upload
/// from another machine).
public struct FilesystemRemote: Remote {
  /// The remote's root folder (absolute).
  public let root: String
  /// How old an abandoned upload must be before it is deleted.
  static let staleUploadAge: Int64 = 24 * 3600

  public init(root: String) {
    self.root = root
  }

  public var location: String { root }

  public func checkAccess(write: Bool) throws {
    guard let stat = try FileStat.following(root), stat.kind == .directory else {
      throw RemoteError.folderMissing(path: root)
    }
    if access(root, write ? (R_OK | W_OK | X_OK) : (R_OK | X_OK)) != 0 {
      throw RemoteError.notAccessible(path: root, write: write)
    }
  }

  public func exists(_ name: String) throws -> Bool {
    try FileStat.following(path(of: name)) != nil
  }

  public func list(prefix: String) throws -> [String] {
    var names: [String] = []
    var pending = [try validatedName(prefix)]
    let now = Int64(time(nil))
    while let folder = pending.popLast() {
      for (name, type) in try FileIO.listDirectory(root + "/" + folder) ?? [] {
        let relative = folder + "/" + name
        if name.hasPrefix(TempFile.prefix) {
          removeIfStale(root + "/" + relative, now: now)
          continue
        }
        if type == UInt8(DT_DIR)
          || (type == UInt8(DT_UNKNOWN) && (try? FileStat.of(root + "/" + relative))??.kind == .directory)
        {
          pending.append(relative)
        } else {
          names.append(relative)
        }
      }
    }
    return names
  }

  public func get(_ name: String, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
    let source = try path(of: name)
    let fd = open(source, O_RDONLY | O_CLOEXEC)
    if fd < 0 {
      if errno == ENOENT { throw RemoteError.notFound(name: name, remote: root) }
      throw systemError("open", source)
    }
    defer { close(fd) }
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
    defer { buffer.deallocate() }
    while true {
      let count = try FileIO.read(fd, into: buffer, path: source)
      if count == 0 { return }
      try sink(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
    }
  }

  public func put(_ name: String, fromFile localPath: String) throws {
    let (temp, target) = try stage(name, from: localPath)
    do { try temp.publish(as: target) } catch {
      temp.discard()
      throw error
    }
  }

  /// Many uploads are made durable together: every temp file is written,
  /// one `syncfs` flushes them all, then each is renamed into place and a
  /// second `syncfs` flushes the renames. No object is visible before its
  /// bytes are durable, at two flushes instead of two per object.
  public func putAll(_ uploads: [Upload], workers: Int, uploaded: @Sendable (Int64) -> Void) throws {
    if uploads.count <= 16 {
      for upload in uploads {
        try put(upload.name, fromFile: upload.path)
        uploaded((try? FileStat.of(upload.path))??.size ?? 0)
      }
      return
    }
    let staged = Locked([(temp: String, target: String, size: Int64)]())
    do {
      try parallelForEach(uploads.count, workers: workers) { index in
        let (temp, target) = try stage(uploads[index].name, from: uploads[index].path)
        temp.closeWithoutPublishing()
        let size = (try? FileStat.of(temp.path))??.size ?? 0
        staged.withLock { $0.append((temp.path, target, size)) }
      }
      try FileIO.syncFileSystem(containing: root)
      for item in staged.withLock({ $0 }) {
        try FileIO.rename(item.temp, item.target)
        uploaded(item.size)
      }
      try FileIO.syncFileSystem(containing: root)
    } catch {
      for item in staged.withLock({ $0 }) { unlink(item.temp) }
      throw error
    }
  }

  /// Copies `localPath` to a new temp file in the folder of `name`.
  private func stage(_ name: String, from localPath: String) throws -> (TempFile, String) {
    let target = try path(of: name)
    let folder = Path.parent(of: target)
    let temp = try TempFile(in: folder, mode: 0o444, makingDirectory: true)
    do {
      let fd = try FileIO.openRead(localPath)
      defer { close(fd) }
      try FileIO.copyContents(from: fd, path: localPath, to: temp.fd, path: temp.path)
    } catch {
      temp.discard()
      throw error
    }
    return (temp, target)
  }

  public func delete(_ name: String) throws {
    try FileIO.removeFile(try path(of: name))
  }

  private func path(of name: String) throws -> String {
    root + "/" + (try validatedName(name))
  }

  private func removeIfStale(_ path: String, now: Int64) {
    guard let stat = try? FileStat.of(path) else { return }
    if now - stat.mtimeNanoseconds / 1_000_000_000 > Self.staleUploadAge { unlink(path) }
  }
}
