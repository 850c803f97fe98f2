import Basics
import CLibgit2

/// A git repository with a work tree, opened through libgit2. libgit2
/// handles are not thread-safe: use an instance from one thread.
public final class GitRepository {
  let handle: OpaquePointer
  /// The work tree's absolute path, without a trailing slash.
  public let workTree: String

  /// Discovers the repository around the current directory the way git
  /// does, honouring `GIT_DIR`, `GIT_WORK_TREE` and friends (git sets them
  /// while running hooks).
  public static func discover() throws -> GitRepository {
    GitRepositoryLibrary.ensureInitialized()
    var handle: OpaquePointer?
    let code = git_repository_open_ext(&handle, nil, GIT_REPOSITORY_OPEN_FROM_ENV.rawValue, nil)
    let cwd = (try? Path.currentDirectory()) ?? "."
    if code == GIT_ENOTFOUND.rawValue { throw GitError.notARepository(path: cwd) }
    if code < 0 {
      let error = GitError.last("open git repository", code)
      if case .libgit2(_, _, let detail) = error {
        if detail.contains("objectformat") { throw GitError.unsupportedObjectFormat(path: cwd) }
        if detail.contains("not owned") || detail.contains("safe.directory") { throw GitError.notOwned(path: cwd) }
      }
      throw error
    }
    guard let handle else { throw GitError.notARepository(path: cwd) }
    guard let workdir = git_repository_workdir(handle) else {
      git_repository_free(handle)
      throw GitError.bareRepository(path: cwd)
    }
    var path = String(cString: workdir)
    if path.count > 1 && path.hasSuffix("/") { path.removeLast() }
    return GitRepository(handle: handle, workTree: (try? Path.real(path)) ?? path)
  }

  private init(handle: OpaquePointer, workTree: String) {
    self.handle = handle
    self.workTree = workTree
  }

  deinit { git_repository_free(handle) }

  /// The repository's git directory (`.git`), without a trailing slash.
  public var gitDirectory: String {
    var path = String(cString: git_repository_path(handle))
    if path.hasSuffix("/") { path.removeLast() }
    return path
  }

  /// Whether git ignores `path` (relative to the work tree), by the
  /// `.gitignore` files, `.git/info/exclude` and `core.excludesFile`.
  public func isIgnored(_ path: String) throws -> Bool {
    var ignored: Int32 = 0
    try check(git_ignore_path_is_ignored(&ignored, handle, path), "check ignore rules for \(path)")
    return ignored != 0
  }
}
