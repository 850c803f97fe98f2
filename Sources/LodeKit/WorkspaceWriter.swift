import Basics
import ObjectStore

/// Writes cache objects into the workspace, verified, atomically, and
/// never through a symlink: every folder on the way is checked with lstat.
final class WorkspaceWriter: @unchecked Sendable {
  private let workspace: Workspace
  private let type: CacheType
  private let noteSet = Locked(Set<String>())
  /// Objects this process already verified (see `Project.apply`).
  private let verified: Set<ObjectID>

  init(workspace: Workspace, type: CacheType, verified: Set<ObjectID> = []) {
    self.workspace = workspace
    self.type = type
    self.verified = verified
  }

  /// Notes gathered while writing (link fallbacks), sorted.
  var notes: [String] { noteSet.withLock { $0.sorted() } }

  /// Writes `file` and records it in the stat index.
  func write(_ file: FileWrite) throws {
    try ensureFolders(for: file.path)
    let destination = workspace.root + "/" + file.path
    let cache = workspace.cache
    var linked = false
    if type != .copy, let (objectPath, codec) = cache.locate(file.id) {
      if codec == .none {
        // Verify before sharing the cache file: a link is only as good as its object.
        try cache.decode(file.id, path: objectPath, codec: codec) { _ in }
        linked = link(objectPath, to: destination)
        if !linked { note("\(type.rawValue) is not possible here; files were copied instead") }
      } else {
        note("compressed objects cannot be linked; files were copied (set cache.compression = none)")
      }
    }
    if !linked {
      try cache.export(file.id, to: destination, executable: file.executable, verified: verified.contains(file.id))
    }
    if let stat = try FileStat.of(destination) {
      workspace.statIndex.record(file.path, stat: stat, id: file.id, verifiedAt: coarseNowNanoseconds())
    }
  }

  /// Creates the tracked directory `path` (and the folders above it), safely.
  func makeFolder(_ path: String) throws { try ensureFolders(for: path + "/-") }

  /// Hard-links or clones `objectPath` to `destination` through a temp name; false if the file system refuses.
  private func link(_ objectPath: String, to destination: String) -> Bool {
    let folder = Path.parent(of: destination)
    let temp = folder + "/" + TempFile.prefix + "link-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    switch type {
    case .hardlink:
      guard hardLink(objectPath, temp) == 0 else { return false }
    case .reflink:
      guard clone(objectPath, to: temp) else { return false }
    case .copy:
      return false
    }
    if rename(temp, destination) != 0 {
      unlink(temp)
      return false
    }
    return true
  }

  private func clone(_ source: String, to target: String) -> Bool {
    #if os(Linux)
      let input = open(source, O_RDONLY | O_CLOEXEC)
      guard input >= 0 else { return false }
      defer { close(input) }
      let output = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o444)
      guard output >= 0 else { return false }
      defer { close(output) }
      let ficlone: UInt = 0x4004_9409  // _IOW(0x94, 9, int)
      if ioctl(output, ficlone, input) == 0 { return true }
      unlink(target)
      return false
    #else
      return false
    #endif
  }

  /// Creates the folders above repository path `path` inside the tracked
  /// data, refusing any component that is a symlink or a file.
  private func ensureFolders(for path: String) throws {
    var folder = ""
    let parts = path.split(separator: "/").dropLast()
    for part in parts {
      folder = Path.join(folder, String(part))
      let absolute = workspace.root + "/" + folder
      switch try FileStat.of(absolute)?.kind {
      case .directory: continue
      case nil:
        if mkdir(absolute, 0o777) != 0 && errno != EEXIST { throw systemError("mkdir", absolute) }
        if try FileStat.of(absolute)?.kind != .directory {
          throw LodeKitError.unsafeWorkspace(path: folder, detail: "it is not a directory")
        }
      case .symlink:
        throw LodeKitError.unsafeWorkspace(path: folder, detail: "it is a symlink, and lode never writes through one")
      default:
        throw LodeKitError.unsafeWorkspace(path: folder, detail: "it is not a directory")
      }
    }
  }

  private func note(_ text: String) { noteSet.withLock { _ = $0.insert(text) } }
}

/// link(2), named apart from the method above.
private func hardLink(_ source: String, _ target: String) -> Int32 { link(source, target) }
