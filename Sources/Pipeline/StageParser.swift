import Basics
import Formats
import Yams

/// Turns one `stages:` entry into stages: expands `foreach`/`do`,
/// interpolates `${...}`, and resolves every path against `wdir`.
struct StageParser {
  let reader: YAMLReader
  let context: Value

  static let stageFields: Set<String> = [
    "cmd", "deps", "params", "outs", "metrics", "plots", "wdir", "frozen", "always_changed", "desc", "meta",
  ]
  static let outputFields: Set<String> = ["cache", "persist", "desc", "remote", "push", "type", "labels", "meta"]

  func expand(name: String, node: Node) throws -> [Stage] {
    guard let mapping = node.mapping, mapping.keys.contains(where: { $0.string == "foreach" }) else {
      return [try build(name: name, node: node, context: context)]
    }
    let fields = try reader.mapping(node, allowed: ["foreach", "do"], what: "stage \(name)")
    guard let items = fields["foreach"], let body = fields["do"] else {
      throw reader.error(node, "stage \(name): foreach needs a do")
    }
    var itemsValue = Value(items)
    if let text = items.scalar?.string, text.hasPrefix("${") {
      itemsValue = try resolve(reference: text, at: items, in: context)
    }
    switch itemsValue {
    case .list(let values):
      return try values.enumerated().map { position, item in
        let suffix: String
        switch item {
        case .list, .map: suffix = String(position)
        default: suffix = item.description
        }
        return try build(name: "\(name)@\(suffix)", node: body, context: merge(context, .map([("item", item)])))
      }
    case .map(let pairs):
      return try pairs.map { key, item in
        try build(
          name: "\(name)@\(key)", node: body, context: merge(context, .map([("key", .string(key)), ("item", item)])))
      }
    default:
      throw reader.error(items, "stage \(name): foreach must be a list or a mapping")
    }
  }

  private func build(name: String, node: Node, context: Value) throws -> Stage {
    let fields = try reader.mapping(node, allowed: Self.stageFields, what: "stage \(name)")
    func text(_ node: Node, _ what: String) throws -> String {
      guard let value = node.scalar?.string else { throw reader.error(node, "stage \(name): \(what) must be a string") }
      return try interpolate(value, at: node, in: context)
    }
    guard let cmdNode = fields["cmd"] else { throw reader.error(node, "stage \(name): missing cmd") }
    let commands = try (cmdNode.sequence.map(Array.init) ?? [cmdNode]).map { try text($0, "cmd") }
    let wdir = try fields["wdir"].map { try resolvePath(try text($0, "wdir"), under: "", at: $0) } ?? ""
    let deps = try list(fields["deps"], name, "deps").map {
      try resolvePath(try text($0, "a dep"), under: wdir, at: $0)
    }
    var params: [ParamReference] = []
    for entry in try list(fields["params"], name, "params") {
      if let mapping = entry.mapping {
        for (fileNode, keys) in mapping {
          let file = try resolvePath(try text(fileNode, "a params file"), under: wdir, at: fileNode)
          let keyNodes = keys.sequence.map(Array.init) ?? []
          if keyNodes.isEmpty { params.append(ParamReference(file: file, key: "")) }
          for key in keyNodes { params.append(ParamReference(file: file, key: try text(key, "a param key"))) }
        }
      } else {
        let file = Path.join(wdir, PipelineFile.defaultParams)
        params.append(ParamReference(file: file, key: try text(entry, "a param key")))
      }
    }
    var outputs: [StageOutput] = []
    for (key, role) in [("outs", StageOutput.Role.out), ("metrics", .metric), ("plots", .plot)] {
      for entry in try list(fields[key], name, key) {
        var pathNode = entry
        var options: [String: Node] = [:]
        if let mapping = entry.mapping {
          guard mapping.count == 1, let (first, value) = mapping.first else {
            throw reader.error(entry, "stage \(name): each of \(key) is a path or one path: {options}")
          }
          pathNode = first
          if value.mapping != nil {
            options = try reader.mapping(value, allowed: Self.outputFields, what: "\(key) options")
          }
        }
        let path = try resolvePath(try text(pathNode, "a path in \(key)"), under: wdir, at: pathNode)
        let cache = try reader.bool(options["cache"], "cache", default: true)
        let persist = try reader.bool(options["persist"], "persist", default: false)
        outputs.append(StageOutput(path: path, role: role, cache: cache, persist: persist))
      }
    }
    return Stage(
      name: name, commands: commands, workingDirectory: wdir, deps: deps, params: params, outputs: outputs,
      frozen: try reader.bool(fields["frozen"], "frozen", default: false),
      alwaysChanged: try reader.bool(fields["always_changed"], "always_changed", default: false),
      description: fields["desc"]?.scalar?.string, line: node.mark?.line)
  }

  private func list(_ node: Node?, _ stage: String, _ what: String) throws -> [Node] {
    guard let node else { return [] }
    if node.scalar?.string == "" { return [] }
    guard let sequence = node.sequence else { throw reader.error(node, "stage \(stage): \(what) must be a list") }
    return Array(sequence)
  }

  /// `text` with every `${name}` replaced by its value (`\${` stays literal).
  func interpolate(_ text: String, at node: Node, in context: Value) throws -> String {
    guard text.contains("${") else { return text }
    var out = ""
    var rest = Substring(text)
    while let start = rest.range(of: "${") {
      if start.lowerBound > rest.startIndex, rest[rest.index(before: start.lowerBound)] == "\\" {
        out += rest[..<rest.index(before: start.lowerBound)] + "${"
        rest = rest[start.upperBound...]
        continue
      }
      guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
        throw reader.error(node, "unterminated '${' in '\(text)'")
      }
      out += rest[..<start.lowerBound]
      let reference = String(rest[start.lowerBound...end])
      out += try resolve(reference: reference, at: node, in: context).description
      rest = rest[rest.index(after: end)...]
    }
    return out + rest
  }

  private func resolve(reference: String, at node: Node, in context: Value) throws -> Value {
    let name = reference.dropFirst(2).dropLast().trimmingCharacters(in: .whitespaces)
    guard let value = context.lookup(name) else {
      throw PipelineError.unknownVariable(file: reader.file, line: node.mark?.line, name: name)
    }
    return value
  }

  /// `path` (relative to `base`) as a repository-relative path; leaving the repository is an error.
  private func resolvePath(_ path: String, under base: String, at node: Node) throws -> String {
    if path.hasPrefix("/") { throw reader.error(node, "'\(path)' must be relative to the repository") }
    var parts: [Substring] = base.split(separator: "/")
    for part in path.split(separator: "/") {
      if part == "." { continue }
      if part == ".." {
        guard !parts.isEmpty else { throw reader.error(node, "'\(path)' leaves the repository") }
        parts.removeLast()
      } else {
        parts.append(part)
      }
    }
    let joined = parts.joined(separator: "/")
    if joined.isEmpty { return "" }
    do { return try RelativePath(validating: joined).string } catch let error as LodeError {
      throw reader.error(node, error.message)
    }
  }
}
