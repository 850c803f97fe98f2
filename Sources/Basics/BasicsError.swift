/// Failures of the file system and process primitives in `Basics`.
public enum BasicsError: LodeError, Equatable {
  /// A system call failed on `path`; `operation` names the call, `errno` its error.
  case system(operation: String, path: String, errno: Int32)
  /// A path read from a file or the command line would leave the repository
  /// or is not a clean relative path (`..`, absolute, NUL or newline).
  case unsafePath(String, reason: String)
  /// Another lode process holds the repository lock and did not release it in time.
  case lockBusy(path: String, holder: String, waited: Double)

  public var message: String {
    switch self {
    case .system(let operation, let path, let code):
      return "\(operation) '\(path)': \(String(cString: strerror(code)))"
    case .unsafePath(let path, let reason):
      return "unsafe path '\(path.debugEscaped)': \(reason)"
    case .lockBusy(let path, let holder, let waited):
      let seconds = waited.formatted(decimals: 1)
      return "the repository is busy: \(holder) holds \(path) (waited \(seconds) s)"
    }
  }

  public var hint: String? {
    switch self {
    case .system(_, _, let code) where code == ENOSPC:
      return "free some disk space and run the command again; nothing was half-written"
    case .system(_, _, let code) where code == EACCES || code == EPERM || code == EROFS:
      return "check the permissions of that path"
    case .system: return nil
    case .unsafePath: return "fix or remove the file that names this path"
    case .lockBusy:
      return "wait for that command to finish, or raise core.lockTimeout (seconds) in .lode/config"
    }
  }
}

extension String {
  /// The string with control characters shown as escapes, safe to print on one line.
  public var debugEscaped: String {
    var out = ""
    for scalar in unicodeScalars {
      switch scalar {
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      case "\0": out += "\\0"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7f {
          out += "\\x" + String(scalar.value, radix: 16)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out
  }
}

extension Double {
  /// The number with exactly `decimals` digits after the point (no Foundation needed).
  public func formatted(decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (self * scale).rounded()
    let whole = Int64(scaled / scale)
    let fraction = Int64(abs(scaled) - abs(Double(whole) * scale))
    if decimals == 0 { return String(whole) }
    var digits = String(fraction)
    while digits.count < decimals { digits = "0" + digits }
    let sign = (self < 0 && whole == 0) ? "-" : ""
    return "\(sign)\(whole).\(digits)"
  }
}
