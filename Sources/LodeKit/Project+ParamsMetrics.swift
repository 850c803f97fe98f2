import Basics
import ObjectStore
import Pipeline

/// One value compared between two states (a param or a metric).
public struct ValueChange: Sendable {
  /// The params or metrics file.
  public let file: String
  public let key: String
  public let old: Value?
  public let new: Value?

  /// `new - old` when both are numbers.
  public var delta: Double? {
    guard let old = old.flatMap(number), let new = new.flatMap(number) else { return nil }
    return new - old
  }
}

private func number(_ value: Value) -> Double? {
  switch value {
  case .int(let int): return Double(int)
  case .double(let double): return double
  default: return nil
  }
}

/// Every scalar of a params or metrics value under dotted keys (`train.lr`, `layers.0`).
func flatten(_ value: Value, prefix: String = "") -> [(String, Value)] {
  switch value {
  case .map(let pairs): return pairs.flatMap { flatten($0.1, prefix: prefix.isEmpty ? $0.0 : prefix + "." + $0.0) }
  case .list(let items) where items.contains(where: { if case .map = $0 { return true } else { return false } }):
    return items.enumerated().flatMap { flatten($0.1, prefix: prefix + "." + String($0.0)) }
  default: return [(prefix, value)]
  }
}

extension Project {
  /// The params the pipeline's stages use, at revision `old` (default HEAD)
  /// and at `new` (default: the workspace); only changed ones unless `all`.
  public func paramsDiff(from old: String?, to new: String?, all: Bool) throws -> [ValueChange] {
    guard let (pipeline, _) = try loadPipeline() else { return [] }
    var references = Set<ParamReference>()
    for stage in pipeline.stages { references.formUnion(stage.params) }
    let oldCommit = try git.commit(for: old ?? "HEAD")
    let newCommit = try new.map { try git.commit(for: $0) }
    var changes: [ValueChange] = []
    for file in Set(references.map(\.file)).sorted() {
      let before = try paramsValue(file, at: oldCommit)
      let after = try newCommit.map { try paramsValue(file, at: $0) } ?? ParamsFile.load(absolute(file), display: file)
      let keys = references.filter { $0.file == file }.map(\.key)
      let wanted = keys.contains("") ? Set((before?.keys ?? []) + (after?.keys ?? [])) : Set(keys)
      for key in wanted.sorted() {
        let change = ValueChange(file: file, key: key, old: before?.lookup(key), new: after?.lookup(key))
        if all || change.old != change.new { changes.append(change) }
      }
    }
    return changes
  }

  private func paramsValue(_ file: String, at commit: String) throws -> Value? {
    guard let bytes = try git.file(at: commit, path: file) else { return nil }
    return try ParamsFile.parse(
      String(decoding: bytes, as: UTF8.self), name: file, display: "\(file)@\(commit.prefix(7))")
  }

  /// The metrics files the pipeline declares, with their values in the workspace.
  public func metricsShow() throws -> [ValueChange] {
    try metricsFiles().flatMap { file in
      let value = try ParamsFile.load(absolute(file.path), display: file.path)
      return flatten(value ?? .map([])).map { ValueChange(file: file.path, key: $0.0, old: nil, new: $0.1) }
    }
  }

  /// Metric values at revision `old` (default HEAD) and at `new` (default:
  /// the workspace). A metric kept in git is read from git; a cached one
  /// through the lode.lock of that revision and the cache.
  public func metricsDiff(from old: String?, to new: String?, all: Bool) throws -> [ValueChange] {
    let oldCommit = try git.commit(for: old ?? "HEAD")
    let newCommit = try new.map { try git.commit(for: $0) }
    var changes: [ValueChange] = []
    for file in try metricsFiles() {
      let before =
        try metricsValue(file, at: oldCommit).map { Dictionary(flatten($0), uniquingKeysWith: { a, _ in a }) } ?? [:]
      let afterValue =
        try newCommit.map { try metricsValue(file, at: $0) } ?? ParamsFile.load(absolute(file.path), display: file.path)
      let after = afterValue.map { Dictionary(flatten($0), uniquingKeysWith: { a, _ in a }) } ?? [:]
      for key in Set(before.keys).union(after.keys).sorted() {
        let change = ValueChange(file: file.path, key: key, old: before[key], new: after[key])
        if all || change.old != change.new { changes.append(change) }
      }
    }
    return changes
  }

  private func metricsFiles() throws -> [StageOutput] {
    guard let (pipeline, _) = try loadPipeline() else { return [] }
    return pipeline.stages.flatMap { $0.outputs.filter { $0.role == .metric } }
  }

  private func metricsValue(_ file: StageOutput, at commit: String) throws -> Value? {
    let label = "\(file.path)@\(commit.prefix(7))"
    if !file.cache {
      guard let bytes = try git.file(at: commit, path: file.path) else { return nil }
      return try ParamsFile.parse(String(decoding: bytes, as: UTF8.self), name: file.path, display: label)
    }
    guard let lockBytes = try git.file(at: commit, path: Lockfile.name) else { return nil }
    let lock = try Lockfile(
      parsing: String(decoding: lockBytes, as: UTF8.self), file: "\(Lockfile.name)@\(commit.prefix(7))")
    guard let out = lock.stages.values.flatMap(\.outs).first(where: { $0.path == file.path }), cache.contains(out.id)
    else {
      return nil
    }
    return try ParamsFile.parse(
      String(decoding: try cache.read(out.id), as: UTF8.self), name: file.path, display: label)
  }
}
