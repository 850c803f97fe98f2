import Basics

/// The stages as a graph: an edge A → B when an out of A is, contains, or
/// lies inside a dep of B. Built once; rejects duplicate outs and cycles.
public struct StageGraph: Sendable {
  public let stages: [Stage]
  /// Upstream stage names of each stage.
  public let upstream: [String: Set<String>]
  /// Downstream stage names of each stage.
  public let downstream: [String: Set<String>]
  /// Every stage, each after all of its upstream stages (file order among equals).
  public let order: [String]

  public init(_ pipeline: PipelineFile) throws {
    stages = pipeline.stages
    var owners: [(path: String, stage: String)] = []
    for stage in stages {
      for output in stage.outputs {
        if let clash = owners.first(where: { overlaps($0.path, output.path) }) {
          throw PipelineError.duplicateOut(path: output.path, stages: Array(Set([clash.stage, stage.name])).sorted())
        }
        owners.append((output.path, stage.name))
      }
    }
    var upstream: [String: Set<String>] = [:]
    var downstream: [String: Set<String>] = [:]
    for stage in stages {
      upstream[stage.name] = []
      downstream[stage.name, default: []] = downstream[stage.name] ?? []
      for dep in stage.deps {
        for owner in owners where owner.stage != stage.name && overlaps(owner.path, dep) {
          upstream[stage.name]!.insert(owner.stage)
          downstream[owner.stage, default: []].insert(stage.name)
        }
      }
    }
    self.upstream = upstream
    self.downstream = downstream
    order = try Self.topologicalOrder(stages.map(\.name), upstream: upstream)
  }

  /// Kahn's algorithm, taking ready stages in file order; leftovers form a cycle.
  private static func topologicalOrder(_ names: [String], upstream: [String: Set<String>]) throws -> [String] {
    var done: [String] = []
    var doneSet = Set<String>()
    var remaining = names
    while !remaining.isEmpty {
      guard let next = remaining.first(where: { upstream[$0]!.isSubset(of: doneSet) }) else {
        throw PipelineError.cycle(stages: cyclePath(in: remaining, upstream: upstream))
      }
      done.append(next)
      doneSet.insert(next)
      remaining.removeAll { $0 == next }
    }
    return done
  }

  /// One cycle among `names`, written as a closed path.
  private static func cyclePath(in names: [String], upstream: [String: Set<String>]) -> [String] {
    let stuck = Set(names)
    var path = [names[0]]
    while true {
      let next = upstream[path.last!]!.filter(stuck.contains).sorted().first!
      if let start = path.firstIndex(of: next) {
        // Each stage's upstream follows it in `path`: reverse to show the flow of data.
        return Array((Array(path[start...]) + [next]).reversed())
      }
      path.append(next)
    }
  }

  /// The stages `repro` considers for `targets`: all stages when none are
  /// named; else the targets and everything upstream of them, or only the
  /// targets (`singleStage`), plus everything downstream (`downstream`).
  public func selection(targets: [String], singleStage: Bool, downstream includeDownstream: Bool) throws -> [String] {
    if targets.isEmpty { return order }
    for target in targets where upstream[target] == nil { throw PipelineError.unknownStage(target) }
    var chosen = Set(targets)
    if !singleStage { chosen.formUnion(closure(targets, along: upstream)) }
    if includeDownstream { chosen.formUnion(closure(targets, along: downstream)) }
    return order.filter(chosen.contains)
  }

  private func closure(_ start: [String], along edges: [String: Set<String>]) -> Set<String> {
    var seen = Set<String>()
    var pending = start
    while let name = pending.popLast() {
      for next in edges[name] ?? [] where seen.insert(next).inserted { pending.append(next) }
    }
    return seen
  }
}

/// Whether two repository paths are the same, or one lies inside the other.
func overlaps(_ a: String, _ b: String) -> Bool {
  a == b || a.hasPrefix(b + "/") || b.hasPrefix(a + "/")
}
