import Basics

/// A file lode reads is malformed or too new.
public enum FormatError: LodeError, Equatable {
  /// The file is malformed; `line` is 1-based when known.
  case malformed(file: String, line: Int?, detail: String)
  /// The file was written by a newer lode (its version is higher than this binary reads).
  case unsupportedVersion(file: String, version: Int, supported: Int)

  public var message: String {
    switch self {
    case .malformed(let file, let line, let detail):
      return "\(file)\(line.map { ":\($0)" } ?? ""): \(detail)"
    case .unsupportedVersion(let file, let version, let supported):
      return "\(file): version \(version) is newer than this lode understands (up to \(supported))"
    }
  }

  public var hint: String? {
    switch self {
    case .malformed: return "fix the file, or restore it with 'git checkout -- FILE'"
    case .unsupportedVersion: return "upgrade lode to read it"
    }
  }
}
