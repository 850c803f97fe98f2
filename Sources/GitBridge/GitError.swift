import Basics
import CLibgit2

/// Failures of git operations.
public enum GitError: LodeError, Equatable {
  /// No git work tree contains `path`.
  case notARepository(path: String)
  /// The repository is bare: lode needs a work tree for the data.
  case bareRepository(path: String)
  /// The repository uses SHA-256 object names, which libgit2 1.5 cannot open.
  case unsupportedObjectFormat(path: String)
  /// The repository belongs to another user and is not listed in safe.directory.
  case notOwned(path: String)
  /// A git lock file (`index.lock`) exists: another git is writing, or one was killed.
  case locked(lockFile: String)
  /// libgit2 reported an error during `operation`.
  case libgit2(operation: String, code: Int32, detail: String)

  public var message: String {
    switch self {
    case .notARepository(let path): return "not inside a git repository: \(path)"
    case .bareRepository(let path): return "\(path) is a bare git repository; lode needs a work tree"
    case .unsupportedObjectFormat(let path):
      return "\(path) uses SHA-256 object names, which this lode's libgit2 (1.5) cannot read"
    case .notOwned(let path): return "the git repository at \(path) is owned by another user"
    case .locked(let lockFile):
      return "\(lockFile) exists: another git process is writing the index, or one was killed"
    case .libgit2(let operation, _, let detail): return "\(operation): \(detail)"
    }
  }

  public var hint: String? {
    switch self {
    case .notARepository: return "run 'git init' first (lode keeps its pointer files in git)"
    case .bareRepository: return "clone it and run lode in the clone"
    case .unsupportedObjectFormat: return "use a repository created with the default (SHA-1) object format"
    case .notOwned(let path): return "run 'git config --global --add safe.directory \(path)' if you trust it"
    case .locked(let lockFile): return "if no git or lode is running, delete \(lockFile) and run the command again"
    case .libgit2: return nil
    }
  }

  /// The error libgit2 recorded for the failed `operation` that returned `code`.
  static func last(_ operation: String, _ code: Int32) -> GitError {
    let detail = git_error_last().map { String(cString: $0.pointee.message) } ?? "error \(code)"
    return .libgit2(operation: operation, code: code, detail: detail)
  }
}

/// Throws the last libgit2 error when `code` is negative; returns it otherwise.
@discardableResult
func check(_ code: Int32, _ operation: @autoclosure () -> String) throws -> Int32 {
  if code < 0 { throw GitError.last(operation(), code) }
  return code
}
