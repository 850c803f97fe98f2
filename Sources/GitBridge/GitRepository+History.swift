import Basics
import CLibgit2

/// A file found in a commit's tree.
public struct GitTreeFile: Sendable, Hashable {
  /// The path relative to the work tree root.
  public let path: String
  /// The blob's id (hex), which identifies its content.
  public let blob: String
}

extension GitRepository {
  /// The commit `revision` names (`HEAD~2`, a branch, a tag, an id), as hex.
  public func commit(for revision: String) throws -> String {
    var object: OpaquePointer?
    try check(git_revparse_single(&object, handle, revision), "resolve revision '\(revision)'")
    defer { git_object_free(object) }
    var commit: OpaquePointer?
    try check(git_object_peel(&commit, object, GIT_OBJECT_COMMIT), "'\(revision)' is not a commit")
    defer { git_object_free(commit) }
    return hexString(of: git_object_id(commit))
  }

  /// The commits at the tips of local branches.
  public func branchCommits() throws -> [String] { try referenceCommits(glob: "refs/heads/*") }

  /// The commits tags point to (tags of other objects are skipped).
  public func tagCommits() throws -> [String] { try referenceCommits(glob: "refs/tags/*") }

  /// Every commit reachable from any reference or HEAD (like `git rev-list --all`).
  public func allCommits() throws -> [String] {
    var walk: OpaquePointer?
    try check(git_revwalk_new(&walk, handle), "start a history walk")
    defer { git_revwalk_free(walk) }
    var tips = try referenceCommits(glob: "refs/*")
    if let head = try? commit(for: "HEAD") { tips.append(head) }
    for tip in Set(tips) {
      var oid = try oid(tip)
      try check(git_revwalk_push(walk, &oid), "walk from \(tip)")
    }
    var commits: [String] = []
    var oid = git_oid()
    while git_revwalk_next(&oid, walk) == 0 { commits.append(hexString(of: &oid)) }
    return commits
  }

  /// The files of `commit`'s tree whose path satisfies `wanted`, without a checkout.
  public func files(at commit: String, where wanted: (String) -> Bool) throws -> [GitTreeFile] {
    var oid = try oid(commit)
    var commitObject: OpaquePointer?
    try check(git_commit_lookup(&commitObject, handle, &oid), "read commit \(commit)")
    defer { git_commit_free(commitObject) }
    var tree: OpaquePointer?
    try check(git_commit_tree(&tree, commitObject), "read the tree of \(commit)")
    defer { git_tree_free(tree) }
    var found: [GitTreeFile] = []
    try collect(tree!, prefix: "", wanted: wanted, into: &found)
    return found
  }

  /// The content of blob `id` (hex).
  public func blob(_ id: String) throws -> [UInt8] {
    var oid = try oid(id)
    var blob: OpaquePointer?
    try check(git_blob_lookup(&blob, handle, &oid), "read blob \(id)")
    defer { git_blob_free(blob) }
    let size = Int(git_blob_rawsize(blob))
    guard size > 0, let raw = git_blob_rawcontent(blob) else { return [] }
    return Array(UnsafeRawBufferPointer(start: raw, count: size))
  }

  private func collect(_ tree: OpaquePointer, prefix: String, wanted: (String) -> Bool, into found: inout [GitTreeFile])
    throws
  {
    for index in 0..<git_tree_entrycount(tree) {
      guard let entry = git_tree_entry_byindex(tree, index) else { continue }
      let name = String(cString: git_tree_entry_name(entry))
      let path = prefix.isEmpty ? name : prefix + "/" + name
      switch git_tree_entry_type(entry) {
      case GIT_OBJECT_TREE:
        var subtree: OpaquePointer?
        try check(git_tree_lookup(&subtree, handle, git_tree_entry_id(entry)), "read tree \(path)")
        defer { git_tree_free(subtree) }
        try collect(subtree!, prefix: path, wanted: wanted, into: &found)
      case GIT_OBJECT_BLOB where wanted(path):
        found.append(GitTreeFile(path: path, blob: hexString(of: git_tree_entry_id(entry))))
      default:
        continue
      }
    }
  }

  private func referenceCommits(glob: String) throws -> [String] {
    var iterator: OpaquePointer?
    try check(git_reference_iterator_glob_new(&iterator, handle, glob), "list \(glob)")
    defer { git_reference_iterator_free(iterator) }
    var commits: [String] = []
    var reference: OpaquePointer?
    while git_reference_next(&reference, iterator) == 0 {
      defer { git_reference_free(reference) }
      var target: OpaquePointer?
      if git_reference_peel(&target, reference, GIT_OBJECT_COMMIT) == 0 {
        commits.append(hexString(of: git_object_id(target)))
        git_object_free(target)
      }
    }
    return commits
  }

  private func oid(_ hex: String) throws -> git_oid {
    var oid = git_oid()
    try check(git_oid_fromstr(&oid, hex), "parse object id \(hex)")
    return oid
  }
}

/// The hex form of a git object id.
func hexString(of oid: UnsafePointer<git_oid>?) -> String {
  guard let oid else { return "" }
  var buffer = [CChar](repeating: 0, count: Int(GIT_OID_HEXSZ) + 1)
  git_oid_tostr(&buffer, buffer.count, oid)
  return String(cString: buffer)
}

extension GitRepository {
  /// The content of the file at `path` in `commit`, or nil when the commit lacks it.
  public func file(at commit: String, path: String) throws -> [UInt8]? {
    guard let found = try files(at: commit, where: { $0 == path }).first else { return nil }
    return try blob(found.blob)
  }
}
