import Basics
import GitBridge
import ObjectStore

/// What `lode add` or `lode commit` recorded for one path.
public struct AddResult: Sendable {
  public let dataPath: String
  public let pointerPath: String
  public let out: PointerOut
  /// Objects that were new to the cache, and their raw bytes.
  public let newObjects: Int
  public let newBytes: Int64
  /// Whether the pointer file was created or changed.
  public let pointerChanged: Bool
  /// Whether the pointer and `.gitignore` were staged in git.
  public let staged: Bool
  /// Paths that were not staged because git ignores them.
  public let ignoredByGit: [String]
}

extension Project {
  /// Starts tracking each path: stores its content in the cache, writes
  /// `PATH.lode`, git-ignores the data and stages both files. A path that is
  /// already tracked is committed again. `stage` nil means `core.autostage`.
  public func add(_ userPaths: [String], stage: Bool?) throws -> [AddResult] {
    let lock = try lock(for: "add")
    defer { withExtendedLifetime(lock) {} }
    var results: [AddResult] = []
    for userPath in userPaths {
      let dataPath = try resolve(userPath)
      let pointerPath = dataPath + Pointer.suffix
      let existing = try FileStat.of(absolute(pointerPath)) != nil
      if !existing { try checkCanTrack(dataPath, userPath: userPath) }
      results.append(try record(dataPath: dataPath, pointerPath: pointerPath, stage: stage))
    }
    statIndex.save()
    return results
  }

  /// Records the current workspace content of tracked paths (all when
  /// `userPaths` is empty), like `dvc commit`.
  public func commit(_ userPaths: [String], stage: Bool?) throws -> [AddResult] {
    let lock = try lock(for: "commit")
    defer { withExtendedLifetime(lock) {} }
    let tracked = try selectTracked(userPaths, includePipeline: false)
    var results: [AddResult] = []
    for path in tracked {
      results.append(try record(dataPath: path.dataPath, pointerPath: path.pointerPath, stage: stage))
    }
    statIndex.save()
    return results
  }

  /// Refuses paths lode must not track, each with its own clear error.
  func checkCanTrack(_ dataPath: String, userPath: String) throws {
    let parts = dataPath.split(separator: "/")
    if dataPath.isEmpty || parts.first == Substring(Project.directoryName) || parts.contains(".git") {
      throw LodeKitError.reservedPath(path: userPath)
    }
    if parts.contains(where: { $0.hasPrefix(TempFile.prefix) }) { throw LodeKitError.tempFileName(path: userPath) }
    let absolutePath = absolute(dataPath)
    guard let stat = try FileStat.of(absolutePath) else { throw LodeKitError.noSuchPath(path: userPath) }
    if stat.kind == .symlink {
      let target = (try? readLink(absolutePath)) ?? "?"
      let resolved = (try? Path.real(absolutePath)).flatMap { Path.relative($0, to: root) }
      throw LodeKitError.symlink(path: userPath, target: target, outside: resolved == nil)
    }
    var ancestor = Path.parent(of: dataPath)
    while !ancestor.isEmpty {
      if try FileStat.of(absolute(ancestor + Pointer.suffix))?.kind == .regular {
        throw LodeKitError.insideTrackedDirectory(path: userPath, directory: ancestor)
      }
      ancestor = Path.parent(of: ancestor)
    }
    let index = try GitIndex(git)
    if index.tracks(file: dataPath) { throw LodeKitError.trackedByGit(path: userPath) }
    if stat.kind == .directory && index.tracks(anythingUnder: dataPath) {
      // Staged pointer files inside are the likelier story: say that instead.
      let nested = try allPointerPaths().filter { $0.hasPrefix(dataPath + "/") }
      if !nested.isEmpty { throw LodeKitError.containsTrackedPaths(path: userPath, pointers: nested) }
      throw LodeKitError.trackedByGit(path: userPath)
    }
  }

  /// Snapshots `dataPath` into the cache and writes its pointer, then the
  /// `.gitignore` line, then stages both. Objects are durable before the
  /// pointer names them, so a crash at any point leaves a consistent state.
  func record(dataPath: String, pointerPath: String, stage: Bool?) throws -> AddResult {
    guard let stat = try FileStat.of(absolute(dataPath)) else { throw LodeKitError.noSuchPath(path: dataPath) }
    let name = try RelativePath(validating: Path.basename(dataPath))
    let snapshot = try self.snapshot(dataPath, stat: stat, name: name)
    let text = Pointer(outs: [snapshot.out]).rendered()
    let old = try FileIO.readFileIfPresent(absolute(pointerPath))
    let changed = old != Array(text.utf8)
    if changed { try AtomicFile.write(text, to: absolute(pointerPath)) }
    let folder = Path.parent(of: dataPath)
    _ = try Gitignore.add(name.string, in: absolute(folder))
    let staging = stage ?? settings.autostage
    let ignored = try self.stage([pointerPath, Path.join(folder, ".gitignore")], enabled: staging)
    return AddResult(
      dataPath: dataPath, pointerPath: pointerPath, out: snapshot.out, newObjects: snapshot.newObjects,
      newBytes: snapshot.newBytes, pointerChanged: changed, staged: staging, ignoredByGit: ignored)
  }

  struct Snapshot {
    var out: PointerOut
    var newObjects = 0
    var newBytes: Int64 = 0
  }

  /// Stores the file or directory at `dataPath` (with `stat`) in the cache.
  func snapshot(_ dataPath: String, stat: FileStat, name: RelativePath) throws -> Snapshot {
    switch stat.kind {
    case .regular: return try snapshotFile(dataPath, name: name)
    case .directory: return try snapshotDirectory(dataPath, name: name)
    case .symlink:
      throw LodeKitError.symlink(path: dataPath, target: (try? readLink(absolute(dataPath))) ?? "?", outside: false)
    case .other: throw LodeKitError.unsupportedFileType(path: dataPath)
    }
  }

  private func snapshotFile(_ dataPath: String, name: RelativePath) throws -> Snapshot {
    let stored = try workspace.storeFile(key: dataPath)
    try cache.publish([stored.pending].compactMap { $0 })
    stored.remember(in: statIndex)
    let out = PointerOut(
      path: name, kind: .file, id: stored.entry.id, size: stored.entry.size, fileCount: nil,
      executable: stored.entry.executable)
    let isNew = stored.pending?.isNew ?? false
    return Snapshot(out: out, newObjects: isNew ? 1 : 0, newBytes: isNew ? stored.entry.size : 0)
  }

  private func snapshotDirectory(_ dataPath: String, name: RelativePath) throws -> Snapshot {
    let files = try WorkspaceScan.files(in: absolute(dataPath), displayPrefix: dataPath)
    let nested = files.filter { $0.path.hasSuffix(Pointer.suffix) }.map { Path.join(dataPath, $0.path) }
    if !nested.isEmpty { throw LodeKitError.containsTrackedPaths(path: dataPath, pointers: nested) }
    let progress = Progress("adding \(dataPath)", totalItems: files.count)
    defer { progress.finish() }
    let stored = Locked([Workspace.StoredFile?](repeating: nil, count: files.count))
    let workspace = self.workspace
    // Many files: one listing of the cache instead of a lookup per file (add holds the lock).
    let holdings = cache.holdings(replacingLookups: files.count)
    // Files to read go first, in inode order (mostly their order on disk),
    // with their reads started ahead of the workers.
    let keys = files.map { Path.join(dataPath, $0.path) }
    let known = files.indices.map { workspace.knownID(key: keys[$0], stat: files[$0].stat, holdings: holdings) }
    let order = files.indices.sorted { a, b in
      (known[a] == nil) == (known[b] == nil) ? files[a].stat.inode < files[b].stat.inode : known[a] == nil
    }
    let readAhead = ReadAhead(order.prefix { known[$0] == nil }.map { (absolute(keys[$0]), files[$0].stat.size) })
    let publisher = BatchPublisher(cache: cache)
    do {
      try parallelForEach(files.count, workers: ProcessorCount.forSmallFiles) { position in
        try publisher.check()
        readAhead.claimed(position)
        let index = order[position]
        let file = files[index]
        let result = try workspace.storeFile(
          key: keys[index], relative: file.path, knownStat: file.stat, holdings: holdings, lookedUp: .some(known[index])
        )
        if let pending = result.pending { publisher.add(pending) }
        stored.withLock { $0[index] = result }
        progress.advance(bytes: file.stat.size)
      }
    } catch {
      publisher.abandon()
      throw error
    }
    try publisher.finish()
    let all = stored.withLock { $0.compactMap { $0 } }
    let pending = all.compactMap(\.pending)
    for file in all { file.remember(in: statIndex) }
    let tree = Tree(entries: all.map(\.entry))
    let treeObject = try cache.write(bytes: tree.encoded())
    try cache.publish([treeObject])
    // Files with the same content were each written, but stored once.
    var seen = Set<ObjectID>()
    let fresh = pending.filter { $0.isNew && seen.insert($0.id).inserted }
    let out = PointerOut(
      path: name, kind: .dir, id: treeObject.id, size: tree.size, fileCount: Int64(tree.entries.count),
      executable: false)
    return Snapshot(
      out: out, newObjects: fresh.count + (treeObject.isNew ? 1 : 0), newBytes: fresh.reduce(0) { $0 + $1.size })
  }
}
