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

  /// Tracked directories being built whole in a temp folder (`stage`):
  /// repository path to the temp folder's absolute path.
  private var staged: [String: String] = [:]
  /// Files each staged directory still waits for.
  private let unwritten = Locked([String: Int]())

  /// Writes `file` and records it in the stat index.
  func write(_ file: FileWrite) throws {
    let destination: String
    let inPlace: Bool
    let stagedIn = stagedLocation(of: file.path)
    if let (_, folder, rest) = stagedIn {
      try ensureFolders(for: rest, under: folder, shown: file.path)
      destination = folder + "/" + rest
      inPlace = true
    } else {
      try ensureFolders(for: file.path)
      destination = workspace.root + "/" + file.path
      inPlace = false
    }
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
      try cache.export(
        file.id, to: destination, executable: file.executable, verified: verified.contains(file.id), inPlace: inPlace)
    }
    if let stat = try FileStat.of(destination) {
      workspace.statIndex.record(file.path, stat: stat, id: file.id, verifiedAt: coarseNowNanoseconds())
    }
    if let (path, _, _) = stagedIn { unwritten.withLock { $0[path, default: 0] -= 1 } }
  }

  /// Builds the tracked directory `path`, which does not exist, in a temp
  /// folder beside it: its `fileCount` files are written there under their
  /// own names (no temp file and rename each), and `finishStaged` renames
  /// the whole into place, so the directory appears complete or not at
  /// all. Call before any `write`.
  func stage(_ path: String, fileCount: Int) throws {
    try ensureFolders(for: path)
    staged[path] = try TempFile.makeDirectory(in: workspace.root + "/" + Path.parent(of: path))
    unwritten.withLock { $0[path] = fileCount }
  }

  /// Renames each staged directory whose files were all written into
  /// place, and deletes the others (a checkout that failed part-way), or
  /// all of them with `discarding`. A directory that cannot go into place
  /// (something appeared there) is deleted too, the rest still handled,
  /// and the first such error thrown: its content stays in the cache.
  func finishStaged(discarding: Bool = false) throws {
    let left = unwritten.withLock { $0 }
    var firstError: Error?
    for (path, folder) in staged.sorted(by: { $0.key < $1.key }) {
      if !discarding && left[path, default: 0] == 0 {
        do { try FileIO.rename(folder, workspace.root + "/" + path) } catch {
          firstError = firstError ?? error
          try? FileIO.removeTree(folder)
        }
      } else {
        try? FileIO.removeTree(folder)
      }
    }
    staged = [:]
    if let firstError { throw firstError }
  }

  /// The staged directory holding repository path `path`, its temp
  /// folder, and `path` relative to it.
  private func stagedLocation(of path: String) -> (directory: String, folder: String, rest: String)? {
    var parent = Path.parent(of: path)
    while !parent.isEmpty {
      if let folder = staged[parent] { return (parent, folder, String(path.dropFirst(parent.count + 1))) }
      parent = Path.parent(of: parent)
    }
    return nil
  }

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
  /// The same for `path` relative to the folder `base` (a staged
  /// directory); errors name `shown`'s folders.
  private func ensureFolders(for path: String, under base: String? = nil, shown: String? = nil) throws {
    var folder = ""
    let parts = path.split(separator: "/").dropLast()
    let root = base ?? workspace.root
    let shownPrefix = shown.map { String($0.dropLast(path.count)) } ?? ""
    for part in parts {
      folder = Path.join(folder, String(part))
      let absolute = root + "/" + folder
      switch try FileStat.of(absolute)?.kind {
      case .directory: continue
      case nil:
        if mkdir(absolute, 0o777) != 0 && errno != EEXIST { throw systemError("mkdir", absolute) }
        if try FileStat.of(absolute)?.kind != .directory {
          throw LodeKitError.unsafeWorkspace(path: shownPrefix + folder, detail: "it is not a directory")
        }
      case .symlink:
        throw LodeKitError.unsafeWorkspace(
          path: shownPrefix + folder, detail: "it is a symlink, and lode never writes through one")
      default:
        throw LodeKitError.unsafeWorkspace(path: shownPrefix + folder, detail: "it is not a directory")
      }
    }
  }

  private func note(_ text: String) { noteSet.withLock { _ = $0.insert(text) } }
}

/// link(2), named apart from the method above.
private func hardLink(_ source: String, _ target: String) -> Int32 { link(source, target) }
