import Basics
import Dispatch
import ObjectStore
import Pipeline

/// How `lode repro` was asked to run.
public struct ReproOptions: Sendable {
  public var targets: [String] = []
  public var dryRun = false
  public var force = false
  public var singleStage = false
  public var downstream = false
  /// Stages run at the same time (independent ones only).
  public var jobs = 1

  public init() {}
}

extension Project {
  /// The pipeline and its graph; nil when the repository has no lode.yaml.
  public func loadPipeline() throws -> (PipelineFile, StageGraph)? {
    guard let pipeline = try PipelineFile.load(root: root) else { return nil }
    let graph = try StageGraph(pipeline)
    for stage in pipeline.stages {
      for output in stage.outputs {
        if let pointer = try pointerCovering(output.path) {
          throw PipelineError.outTrackedByPointer(stage: stage.name, path: output.path, pointer: pointer)
        }
      }
    }
    return (pipeline, graph)
  }

  /// The pointer file that tracks `path`, a folder above it, or a path inside it.
  private func pointerCovering(_ path: String) throws -> String? {
    var candidate = path
    while !candidate.isEmpty {
      if try FileStat.of(absolute(candidate + Pointer.suffix)) != nil { return candidate + Pointer.suffix }
      candidate = Path.parent(of: candidate)
    }
    if try FileStat.of(absolute(path))?.kind == .directory {
      let inside = try allPointerPaths().first { $0.hasPrefix(path + "/") }
      if let inside { return inside }
    }
    return nil
  }

  /// Runs, in dependency order, the stages whose inputs changed, reporting
  /// each decision through `report` as it is made. A failing stage stops
  /// the run (its lock entry is left as it was) after running stages finish.
  public func repro(_ options: ReproOptions, report: @escaping (String, StageDecision) -> Void) throws {
    let lock = try lock(for: "repro")
    defer { withExtendedLifetime(lock) {} }
    defer { statIndex.save() }
    guard let (pipeline, graph) = try loadPipeline() else { throw LodeKitError.noPipeline(root: root) }
    var lockfile = try Lockfile.load(root: root)
    let selection = try graph.selection(
      targets: options.targets, singleStage: options.singleStage, downstream: options.downstream)
    let runner = CommandRunner(root: root)
    let selected = Set(selection)
    var pending = selection
    var done = Set<String>()
    var wouldRun = Set<String>()
    var running: [String: RunningStage] = [:]
    var failure: Error?
    let finished = Locked([(String, Error?)]())
    let signal = DispatchSemaphore(value: 0)
    var gitignores = Set<String>()

    while !pending.isEmpty || !running.isEmpty {
      var launched = false
      while failure == nil, running.count < max(1, options.jobs),
        let name = pending.first(where: { graph.upstream[$0]!.filter(selected.contains).isSubset(of: done) })
      {
        pending.removeAll { $0 == name }
        let stage = try pipeline.stage(name)
        let upstreamRuns = graph.upstream[name]!.filter(wouldRun.contains).sorted()
        if options.dryRun && !upstreamRuns.isEmpty && !stage.frozen {
          report(name, .run("upstream stage \(upstreamRuns[0]) would run"))
          wouldRun.insert(name)
          done.insert(name)
          continue
        }
        let inputs = try stageInputs(stage)
        let decision = try decide(stage, inputs: inputs, entry: lockfile.stages[name], force: options.force)
        report(name, decision)
        if options.dryRun {
          if decision.runs || decision == .restoreFromRunCache { wouldRun.insert(name) }
          done.insert(name)
          continue
        }
        switch decision {
        case .upToDate, .frozen:
          done.insert(name)
        case .restore:
          try restore(lockfile.stages[name]!.outs)
          gitignores.formUnion(try ignoreOuts(stage))
          done.insert(name)
        case .restoreFromRunCache:
          let outs = RunCache(directory: runCacheDirectory).outs(for: inputs.runKey) ?? []
          try restore(outs)
          lockfile.stages[name] = LockEntry(
            command: stage.command, deps: inputs.deps, params: inputs.params, outs: outs)
          try lockfile.save(root: root)
          gitignores.formUnion(try ignoreOuts(stage))
          done.insert(name)
        case .run:
          for output in stage.outputs where !output.persist {
            try checkNoSymlinkAbove(output.path)
            try FileIO.removeTree(absolute(output.path))
          }
          running[name] = RunningStage(stage: stage, inputs: inputs)
          let prefix = options.jobs > 1
          DispatchQueue.global().async {
            var error: Error?
            do { try runner.run(stage, prefixOutput: prefix) } catch let caught { error = caught }
            finished.withLock { $0.append((name, error)) }
            signal.signal()
          }
          launched = true
        }
      }
      if running.isEmpty {
        if launched { continue }
        break
      }
      signal.wait()
      let (name, error) = finished.withLock { $0.removeFirst() }
      let job = running.removeValue(forKey: name)!
      if let error {
        if failure == nil { failure = error }
        continue
      }
      do {
        let outs = try recordOuts(job.stage)
        let entry = LockEntry(command: job.stage.command, deps: job.inputs.deps, params: job.inputs.params, outs: outs)
        lockfile.stages[name] = entry
        try lockfile.save(root: root)
        if !job.stage.alwaysChanged {
          try? RunCache(directory: runCacheDirectory).record(job.inputs.runKey, entry: entry)
        }
        gitignores.formUnion(try ignoreOuts(job.stage))
        done.insert(name)
      } catch {
        if failure == nil { failure = error }
      }
    }
    if !options.dryRun {
      _ = try stage(
        [Lockfile.name] + gitignores.sorted(),
        enabled: settings.autostage && (try FileStat.of(absolute(Lockfile.name))) != nil)
    }
    if let failure { throw failure }
  }

  var runCacheDirectory: String { cache.root + "/runs" }

  /// A stage's inputs as they are now: dep ids and param values.
  struct StageInputs {
    var deps: [LockedPath]
    var params: [String: [String: Value]]
    var runKey: String
  }

  struct RunningStage {
    let stage: Stage
    let inputs: StageInputs
  }

  func stageInputs(_ stage: Stage) throws -> StageInputs {
    var deps: [LockedPath] = []
    for dep in stage.deps {
      guard let locked = try currentLocked(dep) else {
        throw PipelineError.missingDependency(stage: stage.name, path: dep)
      }
      deps.append(locked)
    }
    let params = try currentParams(stage)
    let key = RunCache.key(command: stage.command, deps: deps, params: params, outs: stage.outputs)
    return StageInputs(deps: deps, params: params, runKey: key)
  }

  /// The values of the params `stage` names, read now.
  func currentParams(_ stage: Stage) throws -> [String: [String: Value]] {
    var files: [String: Value] = [:]
    var values: [String: [String: Value]] = [:]
    for reference in stage.params {
      if files[reference.file] == nil {
        guard let loaded = try ParamsFile.load(absolute(reference.file), display: reference.file) else {
          throw PipelineError.unknownParam(stage: stage.name, file: reference.file, key: reference.key)
        }
        files[reference.file] = loaded
      }
      let content = files[reference.file]!
      let keys = reference.key.isEmpty ? content.keys : [reference.key]
      for key in keys {
        guard let value = content.lookup(key) else {
          throw PipelineError.unknownParam(stage: stage.name, file: reference.file, key: key)
        }
        values[reference.file, default: [:]][key] = value
      }
    }
    return values
  }

  /// What the workspace holds at `path` now (hashed through the stat index), or nil.
  func currentLocked(_ path: String) throws -> LockedPath? {
    guard let stat = try FileStat.of(absolute(path)) else { return nil }
    switch stat.kind {
    case .regular:
      let id = try workspace.currentID(key: path, stat: stat)
      return LockedPath(path: path, kind: .file, id: id, size: stat.size, fileCount: nil)
    case .directory:
      let tree = try workspace.currentTree(dataPath: path)
      return LockedPath(
        path: path, kind: .dir, id: ObjectID.of(tree.encoded()), size: tree.size, fileCount: Int64(tree.entries.count))
    case .symlink:
      throw LodeKitError.symlink(path: path, target: (try? readLink(absolute(path))) ?? "?", outside: false)
    case .other:
      throw LodeKitError.unsupportedFileType(path: path)
    }
  }

  /// Stores every out of `stage` in the cache (cached or not: the run-cache
  /// can then restore them all) and describes them for the lock.
  private func recordOuts(_ stage: Stage) throws -> [LockedPath] {
    try stage.outputs.map { output in
      try checkNoSymlinkAbove(output.path)
      guard let stat = try FileStat.of(absolute(output.path)) else {
        throw PipelineError.outNotProduced(stage: stage.name, path: output.path)
      }
      let name = try RelativePath(validating: Path.basename(output.path))
      let out = try snapshot(output.path, stat: stat, name: name).out
      return LockedPath(
        path: output.path, kind: out.kind == .dir ? .dir : .file, id: out.id, size: out.size,
        fileCount: out.fileCount, cached: output.cache)
    }
  }

  /// Refuses a path below a symlinked folder: deleting or reading an out
  /// through one would touch files outside the repository.
  func checkNoSymlinkAbove(_ path: String) throws {
    var folder = ""
    for part in path.split(separator: "/").dropLast() {
      folder = Path.join(folder, String(part))
      if try FileStat.of(absolute(folder))?.kind == .symlink {
        throw LodeKitError.unsafeWorkspace(path: folder, detail: "it is a symlink, and lode never writes through one")
      }
    }
  }

  /// Checks `outs` out of the cache, replacing whatever is there.
  private func restore(_ outs: [LockedPath]) throws {
    let result = try apply(try outs.map(TrackedPath.init(pipelineOut:)), force: true)
    if !result.missing.isEmpty { throw LodeKitError.missingObjects(paths: result.missing) }
  }

  /// Git-ignores the cached outs of `stage`; returns the `.gitignore` files touched.
  private func ignoreOuts(_ stage: Stage) throws -> [String] {
    try stage.outputs.filter(\.cache).map { output in
      let folder = Path.parent(of: output.path)
      _ = try Gitignore.add(Path.basename(output.path), in: absolute(folder))
      return Path.join(folder, ".gitignore")
    }
  }

  /// Whether every object of `out` is in the cache.
  func available(_ out: LockedPath) throws -> Bool {
    guard cache.contains(out.id) else { return false }
    guard out.kind == .dir, let tree = try cachedTree(out.id) else { return true }
    return missingObjects(tree.entries.map(\.id)).isEmpty
  }
}
