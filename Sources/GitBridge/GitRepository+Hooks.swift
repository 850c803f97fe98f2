import Basics
import CLibgit2

extension GitRepository {
  /// The folder git runs hooks from: `core.hooksPath` when set (relative to
  /// the work tree, as git reads it), else `.git/hooks`. libgit2 1.5's own
  /// hooks path ignores `core.hooksPath`, so the setting is read here.
  public func hooksDirectory() throws -> String {
    var config: OpaquePointer?
    try check(git_repository_config_snapshot(&config, handle), "read the git config")
    defer { git_config_free(config) }
    var entry: UnsafeMutablePointer<git_config_entry>?
    if git_config_get_entry(&entry, config, "core.hookspath") == 0, let entry {
      defer { git_config_entry_free(entry) }
      let value: UnsafePointer<CChar>? = entry.pointee.value
      var path = value.map { String(cString: $0) } ?? ""
      if path.hasPrefix("~/"), let home = getenv("HOME") { path = String(cString: home) + path.dropFirst(1) }
      return Path.normalize(path, against: workTree)
    }
    var buffer = git_buf(ptr: nil, reserved: 0, size: 0)
    try check(git_repository_item_path(&buffer, handle, GIT_REPOSITORY_ITEM_HOOKS), "find the hooks folder")
    defer { git_buf_dispose(&buffer) }
    var path = String(cString: buffer.ptr)
    if path.count > 1 && path.hasSuffix("/") { path.removeLast() }
    return path
  }

  /// Whether a rebase is in progress (git runs post-checkout for each step).
  public var isRebasing: Bool {
    let state = git_repository_state(handle)
    return [
      GIT_REPOSITORY_STATE_REBASE, GIT_REPOSITORY_STATE_REBASE_INTERACTIVE, GIT_REPOSITORY_STATE_REBASE_MERGE,
      GIT_REPOSITORY_STATE_APPLY_MAILBOX_OR_REBASE,
    ]
    .map { Int32($0.rawValue) }.contains(state)
  }

  /// The commits reachable from `tips` but not from `hidden` commits or
  /// from references matching `hiddenGlobs` (like `git rev-list TIPS ^HIDDEN`).
  /// Hidden commits or globs git does not know are skipped.
  public func commits(from tips: [String], hiding hidden: [String], hidingGlobs globs: [String]) throws -> [String] {
    var walk: OpaquePointer?
    try check(git_revwalk_new(&walk, handle), "start a history walk")
    defer { git_revwalk_free(walk) }
    for tip in tips {
      var oid = git_oid()
      try check(git_oid_fromstr(&oid, tip), "parse object id \(tip)")
      try check(git_revwalk_push(walk, &oid), "walk from \(tip)")
    }
    for commit in hidden {
      var oid = git_oid()
      if git_oid_fromstr(&oid, commit) == 0 { _ = git_revwalk_hide(walk, &oid) }
    }
    for glob in globs { _ = git_revwalk_hide_glob(walk, glob) }
    var commits: [String] = []
    var oid = git_oid()
    while git_revwalk_next(&oid, walk) == 0 { commits.append(hexString(of: &oid)) }
    return commits
  }
}
