import Basics
import ObjectStore

/// What `lode checkout` changed.
public struct CheckoutResult: Sendable {
  /// Workspace files written (repository paths).
  public var written: [String] = []
  /// Workspace files deleted because the pointer no longer lists them.
  public var deleted: [String] = []
  /// Tracked paths that could not be restored because objects are missing.
  public var missing: [String] = []
  /// One-line notes, such as a link type falling back to copies.
  public var notes: [String] = []
}

extension Project {
  /// Makes the workspace match the pointers (all, or those named) from the
  /// cache. Plans everything first: unless `force`, any workspace file whose
  /// content differs from its pointer and is not in the cache (uncommitted
  /// work) stops the checkout before anything is written.
  public func checkout(_ userPaths: [String], force: Bool) throws -> CheckoutResult {
    let lock = try lock(for: "checkout")
    defer { withExtendedLifetime(lock) {} }
    defer { statIndex.save() }
    return try apply(try selectTracked(userPaths), force: force)
  }

  /// Plans and carries out a checkout of `tracked` (the caller holds the
  /// lock). Objects in `verified` were hashed against their ids by this
  /// process (a fetch that received them) and are not hashed again.
  func apply(_ tracked: [TrackedPath], force: Bool, verified: Set<ObjectID> = []) throws -> CheckoutResult {
    // Temp files a killed checkout left beside tracked files go first.
    for folder in Set(tracked.map { Path.parent(of: $0.dataPath) }) {
      WorkspaceScan.removeLeftovers(in: absolute(folder))
    }
    var plan = CheckoutPlan()
    for path in tracked {
      switch path.out.kind {
      case .file: try planFile(path, force: force, into: &plan)
      case .dir: try planDirectory(path, force: force, into: &plan)
      }
    }
    if !plan.conflicts.isEmpty { throw LodeKitError.uncommittedChanges(paths: plan.conflicts.sorted()) }
    var result = CheckoutResult()
    result.missing = plan.missing
    for path in plan.deletions {
      try FileIO.removeFile(absolute(path))
      statIndex.forget(path)
      result.deleted.append(path)
    }
    let writer = WorkspaceWriter(workspace: workspace, type: settings.cacheType, verified: verified)
    // A tracked directory that does not exist is built whole beside its
    // place and renamed in at the end.
    do {
      for folder in plan.folders {
        try writer.stage(folder, fileCount: plan.writes.count { $0.path.hasPrefix(folder + "/") })
      }
    } catch {
      try? writer.finishStaged(discarding: true)
      throw error
    }
    let progress = Progress("checking out", totalItems: plan.writes.count)
    defer { progress.finish() }
    // Small files one folder per task: threads writing into the same folder
    // contend for its lock in the kernel (badly on ext4 after mass
    // deletes). A big file is a task of its own (two big files in one
    // folder would otherwise be written one after the other on one core).
    // The largest tasks go first so the cores finish together.
    let groups = Dictionary(grouping: plan.writes) { write in
      write.size >= Self.ownTaskSize ? write.path : Path.parent(of: write.path) + "/"
    }.values.sorted { $0.reduce(0) { $0 + $1.size } > $1.reduce(0) { $0 + $1.size } }
    do {
      try parallelForEach(groups.count) { index in
        for write in groups[index] {
          try writer.write(write)
          progress.advance(bytes: write.size)
        }
      }
    } catch {
      // Directories whose files were all written still go into place.
      try? writer.finishStaged()
      throw error
    }
    try writer.finishStaged()
    result.written = plan.writes.map(\.path).sorted()
    result.notes = writer.notes
    return result
  }

  /// Files of this size or more are checked out as tasks of their own.
  static let ownTaskSize: Int64 = 4 << 20

  private func planFile(_ path: TrackedPath, force: Bool, into plan: inout CheckoutPlan) throws {
    let out = path.out
    let write = FileWrite(path: path.dataPath, id: out.id, size: out.size, executable: out.executable)
    guard let stat = try FileStat.of(absolute(path.dataPath)) else {
      return plan.add(write, available: cache.contains(out.id), tracked: path.dataPath)
    }
    guard stat.kind == .regular else {
      throw LodeKitError.unsafeWorkspace(path: path.dataPath, detail: "it is not a regular file")
    }
    let current = try workspace.currentID(key: path.dataPath, stat: stat)
    if current == out.id && stat.isExecutable == out.executable { return }
    if current != out.id && !force && !cache.contains(current) {
      plan.conflicts.append(path.dataPath)
      return
    }
    plan.add(write, available: cache.contains(out.id), tracked: path.dataPath)
  }

  private func planDirectory(_ path: TrackedPath, force: Bool, into plan: inout CheckoutPlan) throws {
    guard let tree = try cachedTree(path.out.id) else {
      plan.missing.append("\(path.dataPath) (tree \(path.out.id.short))")
      return
    }
    let stat = try FileStat.of(absolute(path.dataPath))
    if let stat, stat.kind != .directory {
      throw LodeKitError.unsafeWorkspace(path: path.dataPath, detail: "it is not a directory")
    }
    if stat == nil { plan.folders.append(path.dataPath) }
    let present = stat == nil ? [:] : try compare(tree, dataPath: path.dataPath, removeLeftovers: true).present
    let absent = missingObjects(tree.entries.map(\.id))
    if let first = absent.first { plan.missing.append("\(path.dataPath) (object \(first.short))") }
    let absentSet = Set(absent)
    var listed = Set<String>()
    for entry in tree.entries {
      listed.insert(entry.path.string)
      let full = Path.join(path.dataPath, entry.path.string)
      let write = FileWrite(path: full, id: entry.id, size: entry.size, executable: entry.executable)
      guard let current = present[entry.path.string] else {
        if !absentSet.contains(entry.id) { plan.writes.append(write) }
        continue
      }
      if current.id == entry.id && current.stat.isExecutable == entry.executable { continue }
      if current.id != entry.id && !force && !cache.contains(current.id) {
        plan.conflicts.append(full)
      } else if !absentSet.contains(entry.id) {
        plan.writes.append(write)
      }
    }
    for (file, current) in present where !listed.contains(file) {
      let full = Path.join(path.dataPath, file)
      if force || cache.contains(current.id) { plan.deletions.append(full) } else { plan.conflicts.append(full) }
    }
  }
}

/// One workspace file to write from the cache.
struct FileWrite: Sendable {
  let path: String
  let id: ObjectID
  let size: Int64
  let executable: Bool
}

/// The whole of a checkout, decided before any file is touched.
struct CheckoutPlan {
  var writes: [FileWrite] = []
  /// Tracked directories to create even if they list no files.
  var folders: [String] = []
  var deletions: [String] = []
  var conflicts: [String] = []
  var missing: [String] = []

  mutating func add(_ write: FileWrite, available: Bool, tracked: String) {
    if available { writes.append(write) } else { missing.append("\(tracked) (object \(write.id.short))") }
  }
}
