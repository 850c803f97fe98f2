import Basics
import Formats
import Yams

/// Reads lode.yaml: dvc.yaml's schema (`stages` with `cmd`, `deps`,
/// `params`, `outs`, `metrics`, `plots`, `wdir`, `frozen`,
/// `always_changed`, `desc`, `foreach`/`do`, and top-level `vars`), with
/// `${...}` interpolation from vars and params.yaml.
public struct PipelineFile: Sendable {
  /// The file's name as shown in errors.
  public static let name = "lode.yaml"
  /// The default params file, as in DVC.
  public static let defaultParams = "params.yaml"
  /// Stages in file order.
  public let stages: [Stage]

  /// The pipeline of the repository at `root`, or nil when there is no lode.yaml.
  public static func load(root: String) throws -> PipelineFile? {
    guard let bytes = try FileIO.readFileIfPresent(root + "/" + name) else { return nil }
    return try PipelineFile(
      text: String(decoding: bytes, as: UTF8.self),
      readFile: { try FileIO.readFileIfPresent(root + "/" + $0).map { String(decoding: $0, as: UTF8.self) } })
  }

  /// Parses lode.yaml `text`; `readFile` reads repository files for vars.
  public init(text: String, readFile: (String) throws -> String?) throws {
    let reader = YAMLReader(file: Self.name)
    let root = try reader.parse(text)
    let top = try reader.mapping(
      root, allowed: ["stages", "vars", "plots", "metrics", "params", "artifacts"], what: "lode.yaml")
    var context = Value.map([])
    if let params = try readFile(Self.defaultParams) {
      context = merge(context, try ParamsFile.parse(params, name: Self.defaultParams))
    }
    for source in top["vars"]?.sequence.map(Array.init) ?? [] {
      if let file = source.string, source.mapping == nil {
        let (path, keys) = splitVarsFile(file)
        guard let content = try readFile(path) else {
          throw reader.error(source, "vars file \(path) does not exist")
        }
        var loaded = try ParamsFile.parse(content, name: path)
        if let keys { loaded = .map(keys.compactMap { key in loaded.lookup(key).map { (key, $0) } }) }
        context = merge(context, loaded)
      } else {
        context = merge(context, Value(source))
      }
    }
    var stages: [Stage] = []
    guard let stagesNode = top["stages"] else {
      self.stages = []
      return
    }
    guard let mapping = stagesNode.mapping else { throw reader.error(stagesNode, "stages must be a mapping") }
    var names = Set<String>()
    for (key, node) in mapping {
      guard let name = key.string, !name.isEmpty, !name.contains("@"), !name.contains("/") else {
        throw reader.error(key, "a stage name must be a non-empty string without '@' or '/'")
      }
      for stage in try StageParser(reader: reader, context: context).expand(name: name, node: node) {
        guard names.insert(stage.name).inserted else {
          throw reader.error(key, "stage '\(stage.name)' is defined twice")
        }
        stages.append(stage)
      }
    }
    self.stages = stages
  }

  /// The stage called `name`.
  public func stage(_ name: String) throws -> Stage {
    guard let stage = stages.first(where: { $0.name == name }) else { throw PipelineError.unknownStage(name) }
    return stage
  }
}

/// `file.yaml:key1,key2` names only some keys of a vars file.
private func splitVarsFile(_ text: String) -> (String, [String]?) {
  guard let colon = text.lastIndex(of: ":"), !text[text.index(after: colon)...].contains("/") else {
    return (text, nil)
  }
  return (String(text[..<colon]), text[text.index(after: colon)...].split(separator: ",").map(String.init))
}

/// `base` with `extra`'s keys added or replaced (maps merge deeply).
func merge(_ base: Value, _ extra: Value) -> Value {
  guard case .map(var pairs) = base, case .map(let additions) = extra else { return extra }
  for (key, value) in additions {
    if let index = pairs.firstIndex(where: { $0.0 == key }) {
      pairs[index].1 = merge(pairs[index].1, value)
    } else {
      pairs.append((key, value))
    }
  }
  return .map(pairs)
}
