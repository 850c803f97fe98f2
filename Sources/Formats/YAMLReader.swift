import Basics
import Yams

/// Reads lode's YAML files into `Yams.Node`s and checks their shape,
/// turning every problem into a `FormatError.malformed` that names the file
/// and line.
public struct YAMLReader {
  /// The file named in errors.
  public let file: String

  public init(file: String) { self.file = file }

  /// Parses `text`; an empty document is an empty mapping.
  public func parse(_ text: String) throws -> Node {
    do {
      return try Yams.compose(yaml: text) ?? Node.mapping(Node.Mapping([]))
    } catch let error as YamlError {
      throw FormatError.malformed(file: file, line: Self.line(of: error), detail: Self.problem(of: error))
    }
  }

  /// The mapping at `node`, with every key a string from `allowed`.
  public func mapping(_ node: Node, allowed: Set<String>, what: String) throws -> [String: Node] {
    guard let mapping = node.mapping else { throw error(node, "\(what) must be a mapping") }
    var out: [String: Node] = [:]
    for (key, value) in mapping {
      guard let name = key.string else { throw error(key, "keys of \(what) must be strings") }
      guard allowed.contains(name) else {
        throw error(key, "unknown field '\(name.debugEscaped)' in \(what) (a newer lode may have written it)")
      }
      if out[name] != nil { throw error(key, "duplicate field '\(name.debugEscaped)'") }
      out[name] = value
    }
    return out
  }

  /// The string scalar at `node`.
  public func string(_ node: Node?, _ what: String, in parent: Node) throws -> String {
    guard let node else { throw error(parent, "missing \(what)") }
    guard case .scalar(let scalar) = node else { throw error(node, "\(what) must be a string") }
    return scalar.string
  }

  /// The non-negative integer at `node`.
  public func integer(_ node: Node?, _ what: String, in parent: Node) throws -> Int64 {
    let text = try string(node, what, in: parent)
    guard let value = Int64(text), value >= 0 else { throw error(node ?? parent, "\(what) must be a whole number") }
    return value
  }

  /// The boolean at `node`, or `defaultValue` when absent.
  public func bool(_ node: Node?, _ what: String, default defaultValue: Bool) throws -> Bool {
    guard let node else { return defaultValue }
    switch node.scalar?.string {
    case "true", "True", "yes": return true
    case "false", "False", "no": return false
    default: throw error(node, "\(what) must be true or false")
    }
  }

  /// A malformed-file error at `node`'s line.
  public func error(_ node: Node, _ detail: String) -> FormatError {
    .malformed(file: file, line: node.mark?.line, detail: detail)
  }

  private static func line(of error: YamlError) -> Int? {
    switch error {
    case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
    default: return nil
    }
  }

  private static func problem(of error: YamlError) -> String {
    switch error {
    case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
      .composer(let context, let problem, _, _):
      return [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
    case .reader(let problem, _, _, _): return problem
    default: return "\(error)"
    }
  }
}

/// Writes YAML scalars the way lode's files need them: plain when that
/// reads back as the same string, double-quoted otherwise.
public enum YAMLText {
  /// `value` as a YAML scalar that reads back as the same string.
  public static func scalar(_ value: String) -> String {
    isPlainSafe(value) ? value : doubleQuoted(value)
  }

  /// `value` as a double-quoted YAML (and JSON-compatible) string.
  public static func doubleQuoted(_ value: String) -> String {
    var out = "\""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7f {
          out += "\\x" + (scalar.value < 16 ? "0" : "") + String(scalar.value, radix: 16)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }

  private static let reserved: Set<String> = [
    "", "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE",
    "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N",
  ]

  private static func isPlainSafe(_ value: String) -> Bool {
    if reserved.contains(value) || Double(value) != nil || Int(value) != nil { return false }
    guard let first = value.unicodeScalars.first else { return false }
    let firstAllowed =
      first.properties.isAlphabetic || first == "_" || first == "." || first == "/"
      || (first.value >= 48 && first.value <= 57)
    guard firstAllowed, value.last != " " else { return false }
    for scalar in value.unicodeScalars {
      let ok =
        scalar.properties.isAlphabetic || (scalar.value >= 48 && scalar.value <= 57)
        || "_-./+@ ()".unicodeScalars.contains(scalar)
      if !ok { return false }
    }
    return !value.contains(": ") && !value.contains(" #")
  }
}
