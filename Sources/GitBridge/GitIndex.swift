import Basics
import CLibgit2

/// The repository's index (staging area), read fresh from disk.
public final class GitIndex {
  private let handle: OpaquePointer
  private let repository: GitRepository

  /// Opens and re-reads the index of `repository`.
  public init(_ repository: GitRepository) throws {
    var handle: OpaquePointer?
    try check(git_repository_index(&handle, repository.handle), "open the git index")
    self.handle = handle!
    self.repository = repository
    try check(git_index_read(self.handle, 1), "read the git index")
  }

  deinit { git_index_free(handle) }

  /// Whether the index has an entry for file `path` (relative to the work tree).
  public func tracks(file path: String) -> Bool {
    git_index_get_bypath(handle, path, 0) != nil
  }

  /// Whether the index has any entry inside directory `path`.
  public func tracks(anythingUnder path: String) -> Bool {
    var position = 0
    return git_index_find_prefix(&position, handle, path + "/") == 0
  }

  /// Stages the work-tree state of each path: added or updated when the
  /// file exists, removed from the index when it does not.
  public func stage(_ paths: [String]) throws {
    for path in paths {
      if try FileStat.of(repository.workTree + "/" + path) != nil {
        try check(git_index_add_bypath(handle, path), "stage \(path)")
      } else if tracks(file: path) {
        try check(git_index_remove_bypath(handle, path), "unstage \(path)")
      }
    }
  }

  /// Writes the index back to disk (atomically, through libgit2's lock file).
  public func write() throws {
    try check(git_index_write(handle), "write the git index")
  }
}
