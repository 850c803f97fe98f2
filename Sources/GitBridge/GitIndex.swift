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
  /// file exists, removed from the index when it does not. A file whose
  /// content and mode the index already has is left alone. Returns whether
  /// the index changed (and needs writing).
  @discardableResult
  public func stage(_ paths: [String]) throws -> Bool {
    var changed = false
    for path in paths {
      let full = repository.workTree + "/" + path
      if let stat = try FileStat.of(full) {
        if isStaged(path, full: full, executable: stat.isExecutable) { continue }
        try check(git_index_add_bypath(handle, path), "stage \(path)")
        changed = true
      } else if tracks(file: path) {
        try check(git_index_remove_bypath(handle, path), "unstage \(path)")
        changed = true
      }
    }
    return changed
  }

  /// Whether the index entry of `path` has exactly the file's content and mode.
  private func isStaged(_ path: String, full: String, executable: Bool) -> Bool {
    guard let entry = git_index_get_bypath(handle, path, 0) else { return false }
    guard entry.pointee.mode == (executable ? 0o100755 : 0o100644) else { return false }
    var id = git_oid()
    // Hashed as `git add` would (with the repository's filters), writing nothing.
    guard git_repository_hashfile(&id, repository.handle, full, GIT_OBJECT_BLOB, nil) == 0 else { return false }
    var staged = entry.pointee.id
    return git_oid_equal(&id, &staged) != 0
  }

  /// Writes the index back to disk (atomically, through libgit2's lock file).
  public func write() throws {
    let code = git_index_write(handle)
    if code == GIT_ELOCKED.rawValue { throw GitError.locked(lockFile: repository.gitDirectory + "/index.lock") }
    try check(code, "write the git index")
  }
}
