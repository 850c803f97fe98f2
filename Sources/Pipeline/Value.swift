import Formats
import Yams

/// A parameter or variable value as read from YAML, JSON or TOML.
public indirect enum Value: Equatable, Sendable, CustomStringConvertible {
  case null
  case bool(Bool)
  case int(Int64)
  case double(Double)
  case string(String)
  case list([Value])
  /// Keys keep their file order.
  case map([(String, Value)])

  public static func == (lhs: Value, rhs: Value) -> Bool { lhs.canonical == rhs.canonical }

  /// A stable, single-line, YAML-flow rendering (map keys sorted): the form
  /// written to lode.lock and compared to decide whether a param changed.
  public var canonical: String {
    switch self {
    case .null: return "null"
    case .bool(let value): return value ? "true" : "false"
    case .int(let value): return String(value)
    case .double(let value):
      if value == value.rounded() && abs(value) < 1e15 { return String(format1: value) }
      return "\(value)"
    case .string(let value): return quoted(value)
    case .list(let items): return "[" + items.map(\.canonical).joined(separator: ", ") + "]"
    case .map(let pairs):
      return "{" + pairs.sorted { $0.0 < $1.0 }.map { "\(quoted($0.0)): \($0.1.canonical)" }.joined(separator: ", ")
        + "}"
    }
  }

  /// The value as it reads in a command line or message: strings bare.
  public var description: String {
    if case .string(let value) = self { return value }
    return canonical
  }

  /// The value at dotted `key` (`train.epochs`, `layers.0`), or nil.
  public func lookup(_ key: String) -> Value? {
    var current = self
    for part in key.split(separator: ".", omittingEmptySubsequences: false).map(String.init) {
      switch current {
      case .map(let pairs):
        guard let next = pairs.first(where: { $0.0 == part })?.1 else { return nil }
        current = next
      case .list(let items):
        guard let index = Int(part), items.indices.contains(index) else { return nil }
        current = items[index]
      default:
        return nil
      }
    }
    return current
  }

  /// The top-level keys of a map (empty for anything else).
  public var keys: [String] {
    if case .map(let pairs) = self { return pairs.map(\.0) }
    return []
  }

  /// Converts a YAML node, resolving scalars by YAML 1.2 core rules.
  public init(_ node: Node) {
    switch node {
    case .scalar(let scalar):
      self = Value(scalar: scalar)
    case .sequence(let sequence):
      self = .list(sequence.map(Value.init))
    case .mapping(let mapping):
      self = .map(mapping.map { ($0.key.string ?? $0.key.scalar?.string ?? "", Value($0.value)) })
    case .alias:
      self = .null
    }
  }

  private init(scalar: Node.Scalar) {
    let text = scalar.string
    if scalar.style == .singleQuoted || scalar.style == .doubleQuoted || scalar.style == .literal
      || scalar.style == .folded
    {
      self = .string(text)
      return
    }
    switch text {
    case "", "~", "null", "Null", "NULL": self = .null
    case "true", "True", "TRUE": self = .bool(true)
    case "false", "False", "FALSE": self = .bool(false)
    default:
      if let int = Int64(text) {
        self = .int(int)
      } else if let double = Double(text), text.first != "." || text.count > 1, !text.contains("_") {
        self = .double(double)
      } else {
        self = .string(text)
      }
    }
  }
}

private func quoted(_ text: String) -> String { YAMLText.doubleQuoted(text) }

extension String {
  /// `3.0` for a whole double, keeping it visibly a float.
  fileprivate init(format1 value: Double) { self = String(Int64(value)) + ".0" }
}
