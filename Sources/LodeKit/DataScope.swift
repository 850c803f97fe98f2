import Basics
import GitBridge
import ObjectStore
import Pipeline

/// Which data a push, fetch, pull or gc covers: the workspace's pointers
/// (or those named) plus the pointers of chosen git revisions.
public struct DataScope: Sendable {
  /// Whether the workspace's pointers are included.
  public var workspace = true
  /// Tracked paths named on the command line (empty: all).
  public var paths: [String] = []
  /// Commits (hex ids) whose pointers are included, e.g. those a `git push` sends.
  public var commits: [String] = []
  /// Extra revisions (`--rev`).
  public var revisions: [String] = []
  public var allBranches = false
  public var allTags = false
  public var allCommits = false
  /// Also the outs of every run the run-cache remembers (`--run-cache`).
  public var runCache = false

  public init() {}

  var includesHistory: Bool { !revisions.isEmpty || !commits.isEmpty || allBranches || allTags || allCommits }
}

/// A tracked out found in the workspace or at a revision.
struct ScopedOut: Hashable {
  let kind: PointerOut.Kind
  let id: ObjectID
  /// Where it was found, for messages: `images` or `images@1a2b3c4`.
  let label: String
  /// Bytes of the file, or of all files in the directory.
  let size: Int64

  static func == (lhs: ScopedOut, rhs: ScopedOut) -> Bool { lhs.kind == rhs.kind && lhs.id == rhs.id }
  func hash(into hasher: inout Hasher) {
    hasher.combine(kind.rawValue)
    hasher.combine(id)
  }
}

extension Project {
  /// The outs in `scope`, without duplicates. Pointer files at revisions are
  /// read from git's object database through libgit2: nothing is checked out.
  func outs(in scope: DataScope) throws -> [ScopedOut] {
    var outs: [ScopedOut] = []
    var seen = Set<ScopedOut>()
    func add(_ out: ScopedOut) { if seen.insert(out).inserted { outs.append(out) } }
    if scope.workspace {
      for tracked in try selectTracked(scope.paths) {
        add(ScopedOut(kind: tracked.out.kind, id: tracked.out.id, label: tracked.dataPath, size: tracked.out.size))
      }
    }
    if scope.runCache {
      let runs = RunCache(directory: runCacheDirectory)
      for key in try runs.keys() {
        for out in runs.outs(for: key) ?? [] {
          add(
            ScopedOut(
              kind: out.kind == .dir ? .dir : .file, id: out.id, label: "\(out.path) (run \(key.prefix(7)))",
              size: out.size))
        }
      }
    }
    guard scope.includesHistory else { return outs }
    var commits = scope.commits
    for revision in scope.revisions { commits.append(try git.commit(for: revision)) }
    if scope.allBranches { commits += try git.branchCommits() }
    if scope.allTags { commits += try git.tagCommits() }
    if scope.allCommits { commits += try git.allCommits() }
    var parsedBlobs = Set<String>()
    var seenCommits = Set<String>()
    for commit in commits where seenCommits.insert(commit).inserted {
      let files = try git.files(at: commit) { $0.hasSuffix(Pointer.suffix) || $0 == Lockfile.name }
      for file in files where parsedBlobs.insert(file.blob).inserted {
        let label = "\(file.path)@\(commit.prefix(7))"
        let bytes = try git.blob(file.blob)
        if file.path == Lockfile.name {
          let lock = try Lockfile(parsing: String(decoding: bytes, as: UTF8.self), file: label)
          for entry in lock.stages.values {
            for out in entry.outs where out.cached {
              add(
                ScopedOut(
                  kind: out.kind == .dir ? .dir : .file, id: out.id, label: out.path + "@\(commit.prefix(7))",
                  size: out.size))
            }
          }
          continue
        }
        let pointer = try Pointer(parsing: String(decoding: bytes, as: UTF8.self), file: label)
        let folder = Path.parent(of: file.path)
        for out in pointer.outs {
          add(
            ScopedOut(
              kind: out.kind, id: out.id, label: Path.join(folder, out.path.string) + "@\(commit.prefix(7))",
              size: out.size))
        }
      }
    }
    return outs
  }
}
