import Pipeline

/// What repro does with one stage, and why (printed as `stage: decision`).
public enum StageDecision: Sendable, Equatable {
  case upToDate
  case frozen
  /// Run the command; the reason names what changed.
  case run(String)
  /// The outs were missing but are in the cache: check them out instead of running.
  case restore(String)
  /// This exact (cmd, deps, params) ran before: its outs come from the run-cache.
  case restoreFromRunCache

  /// The line repro prints after the stage name.
  public var text: String {
    switch self {
    case .upToDate: return "up to date"
    case .frozen: return "frozen, not run"
    case .run(let reason): return "running, \(reason)"
    case .restore(let reason): return "restored from cache, \(reason)"
    case .restoreFromRunCache: return "restored from run-cache"
    }
  }

  var runs: Bool {
    if case .run = self { return true }
    return false
  }
}
