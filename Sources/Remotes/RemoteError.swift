import Basics

/// Failures of remotes and their configuration.
public enum RemoteError: LodeError, Equatable {
  /// The object is not on the remote.
  case notFound(name: String, remote: String)
  /// The remote's folder does not exist.
  case folderMissing(path: String)
  /// The remote's folder exists but cannot be written (or read).
  case notAccessible(path: String, write: Bool)
  /// The URL's scheme is not one lode supports.
  case unsupportedURL(String)
  /// No remote of that name is configured.
  case unknownRemote(String)
  /// No remote was named and there is no default.
  case noDefaultRemote
  /// A remote of that name already exists.
  case remoteExists(String)
  /// A remote name that cannot be used in the config file.
  case badName(String)

  public var message: String {
    switch self {
    case .notFound(let name, let remote): return "\(name) is not on the remote \(remote)"
    case .folderMissing(let path): return "the remote folder \(path) does not exist"
    case .notAccessible(let path, let write):
      return "the remote folder \(path) is not \(write ? "writable" : "readable")"
    case .unsupportedURL(let url): return "unsupported remote URL '\(url.debugEscaped)'"
    case .unknownRemote(let name): return "no remote named '\(name.debugEscaped)'"
    case .noDefaultRemote: return "no remote named and no default remote set"
    case .remoteExists(let name): return "a remote named '\(name.debugEscaped)' already exists"
    case .badName(let name): return "'\(name.debugEscaped)' is not a valid remote name"
    }
  }

  public var hint: String? {
    switch self {
    case .notFound: return "push it from a machine that has it, or check the remote's URL"
    case .folderMissing: return "create it (mkdir -p) or fix the URL with 'lode remote modify NAME url URL'"
    case .notAccessible: return "check the folder's permissions and that the file system is mounted read-write"
    case .unsupportedURL: return "use a folder path or a file:// URL"
    case .unknownRemote: return "see 'lode remote list'"
    case .noDefaultRemote:
      return "add one with 'lode remote add -d NAME URL' or pick one with 'lode remote default NAME'"
    case .remoteExists: return "use 'lode remote modify NAME url URL' to change it"
    case .badName: return "use letters, digits, '-', '_' and '.'"
    }
  }
}
