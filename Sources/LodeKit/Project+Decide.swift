import Basics
import Pipeline

extension Project {
  /// Whether `stage` must run, and why, comparing it with its lock `entry`
  /// the way DVC does: command, params, deps, then outs (docs/pipelines.md).
  func decide(_ stage: Stage, inputs: StageInputs, entry: LockEntry?, force: Bool) throws -> StageDecision {
    if stage.frozen { return .frozen }
    if force { return .run("forced") }
    let reason = try changeReason(stage, inputs: inputs, entry: entry)
    if case .run = reason, !stage.alwaysChanged,
      let outs = RunCache(directory: runCacheDirectory).outs(for: inputs.runKey),
      outs.map(\.path).sorted() == stage.outputs.map(\.path).sorted(),
      try outs.allSatisfy(available)
    {
      return .restoreFromRunCache
    }
    return reason
  }

  private func changeReason(_ stage: Stage, inputs: StageInputs, entry: LockEntry?) throws -> StageDecision {
    guard let entry else { return .run("never run before") }
    if stage.alwaysChanged { return .run("always_changed is set") }
    // A param is the likelier story when an interpolated command changed with it.
    if let change = paramChange(old: entry.params, new: inputs.params) { return .run(change) }
    if entry.command != stage.command { return .run("command changed") }
    let oldDeps = Dictionary(entry.deps.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
    for dep in inputs.deps {
      guard let old = oldDeps[dep.path] else { return .run("dep \(dep.path) added") }
      if old.id != dep.id { return .run("dep \(dep.path) changed") }
    }
    if let removed = entry.deps.first(where: { old in !inputs.deps.contains { $0.path == old.path } }) {
      return .run("dep \(removed.path) removed")
    }
    if Set(entry.outs.map(\.path)) != Set(stage.outputs.map(\.path)) { return .run("outs changed") }
    var missing: [LockedPath] = []
    for out in entry.outs {
      guard let current = try currentLocked(out.path) else {
        missing.append(out)
        continue
      }
      if current.id != out.id { return .run("out \(out.path) was modified") }
    }
    if let first = missing.first {
      if try missing.allSatisfy(available) { return .restore("out \(first.path) was missing") }
      return .run("out \(first.path) is missing")
    }
    return .upToDate
  }

  /// The first param difference, as `param train.epochs changed 10 -> 20`.
  private func paramChange(old: [String: [String: Value]], new: [String: [String: Value]]) -> String? {
    let files = Set(old.keys).union(new.keys).sorted()
    for file in files {
      let before = old[file] ?? [:]
      let after = new[file] ?? [:]
      let label = { (key: String) in file == PipelineFile.defaultParams ? key : "\(file):\(key)" }
      for key in Set(before.keys).union(after.keys).sorted() {
        switch (before[key], after[key]) {
        case (nil, _?): return "param \(label(key)) added"
        case (_?, nil): return "param \(label(key)) removed"
        case (let was?, let now?) where was != now:
          return "param \(label(key)) changed \(was.canonical) -> \(now.canonical)"
        default: continue
        }
      }
    }
    return nil
  }
}
