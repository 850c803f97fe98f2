import Basics

/// Failures of pipeline definitions and runs, each naming the stage, file or path.
public enum PipelineError: LodeError, Equatable {
  /// Two stages declare the same (or overlapping) out.
  case duplicateOut(path: String, stages: [String])
  /// The stages depend on each other in a circle.
  case cycle(stages: [String])
  /// A dependency does not exist and no stage produces it.
  case missingDependency(stage: String, path: String)
  /// A params file or key a stage names does not exist.
  case unknownParam(stage: String, file: String, key: String)
  /// A params file has a format lode cannot read.
  case unsupportedParamsFile(path: String)
  /// A `${...}` reference names nothing in vars.
  case unknownVariable(file: String, line: Int?, name: String)
  /// The command exited non-zero (or was killed).
  case commandFailed(stage: String, status: Int32)
  /// The command succeeded but did not produce this out.
  case outNotProduced(stage: String, path: String)
  /// An out is also tracked by a pointer file.
  case outTrackedByPointer(stage: String, path: String, pointer: String)
  /// A stage named on the command line does not exist.
  case unknownStage(String)
  /// A stage with this name already exists (stage add without --force).
  case stageExists(String)
  /// The command could not be started.
  case cannotStart(stage: String, detail: String)

  public var message: String {
    switch self {
    case .duplicateOut(let path, let stages):
      return "\(path) is an out of more than one stage: \(stages.joined(separator: ", "))"
    case .cycle(let stages): return "the stages depend on each other in a cycle: \(stages.joined(separator: " -> "))"
    case .missingDependency(let stage, let path): return "\(stage): dependency \(path) does not exist"
    case .unknownParam(let stage, let file, let key): return "\(stage): param '\(key)' is not in \(file)"
    case .unsupportedParamsFile(let path): return "\(path): params files must be YAML, JSON or TOML"
    case .unknownVariable(let file, let line, let name):
      return "\(file)\(line.map { ":\($0)" } ?? ""): '${\(name)}' is not defined in vars or params.yaml"
    case .commandFailed(let stage, let status): return "\(stage): the command failed (exit status \(status))"
    case .outNotProduced(let stage, let path): return "\(stage): the command did not produce its out \(path)"
    case .outTrackedByPointer(let stage, let path, let pointer):
      return "\(stage): out \(path) is also tracked by \(pointer)"
    case .unknownStage(let name): return "no stage named '\(name)' in lode.yaml"
    case .stageExists(let name): return "a stage named '\(name)' already exists"
    case .cannotStart(let stage, let detail): return "\(stage): could not start the command: \(detail)"
    }
  }

  public var hint: String? {
    switch self {
    case .duplicateOut: return "each path may be produced by one stage only"
    case .cycle: return "remove one of the deps that closes the circle"
    case .missingDependency: return "create it, 'lode pull' it, or add the stage that produces it"
    case .unknownParam: return "add the key to the params file or fix the stage's params list"
    case .unsupportedParamsFile: return "use a .yaml, .yml, .json or .toml file"
    case .unknownVariable: return "define it under vars: or in params.yaml"
    case .commandFailed: return "fix the command and run 'lode repro' again; its lock entry was left as it was"
    case .outNotProduced: return "make the command write it, or remove it from the stage's outs"
    case .outTrackedByPointer(_, let path, _): return "run 'lode remove \(path)' to let the pipeline own it"
    case .unknownStage: return "see 'lode dag' for the stages"
    case .stageExists: return "use --force to replace it"
    case .cannotStart: return nil
    }
  }
}
