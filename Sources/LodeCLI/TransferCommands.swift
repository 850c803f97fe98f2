import ArgumentParser
import Basics
import LodeKit

/// Options shared by push, fetch and pull.
struct TransferOptions: ParsableArguments {
  @Option(name: [.customShort("r"), .customLong("remote")], help: "The remote (default: core.remote).")
  var remote: String?

  @Option(name: [.customShort("j"), .customLong("jobs")], help: "Parallel transfers (default: twice the cores).")
  var jobs: Int?

  @OptionGroup var history: RevisionOptions
  @Flag(help: "Also carry the run-cache: every remembered run and its outs.") var runCache = false

  @Argument(help: "Tracked paths (default: all).") var paths: [String] = []

  func validate() throws {
    if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
  }

  var scope: DataScope {
    var scope = history.scope
    scope.paths = paths
    scope.runCache = runCache
    return scope
  }
}

/// The git revisions whose data a command covers besides the workspace's
/// (push, fetch, pull, gc, du).
struct RevisionOptions: ParsableArguments {
  @Option(name: .customLong("rev"), help: "Also cover the data of this git revision (repeatable).")
  var revisions: [String] = []

  @Flag(help: "Also cover the data of every local branch.") var allBranches = false
  @Flag(help: "Also cover the data of every tag.") var allTags = false
  @Flag(help: "Also cover the data of every commit.") var allCommits = false

  /// The workspace plus these revisions.
  var scope: DataScope {
    var scope = DataScope()
    scope.revisions = revisions
    scope.allBranches = allBranches
    scope.allTags = allTags
    scope.allCommits = allCommits
    return scope
  }
}

struct PushCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "push", abstract: "Upload the objects of tracked data that the remote lacks.")
  @OptionGroup var options: TransferOptions

  func run() throws {
    let result = try Project.open().push(options.scope, remote: options.remote, jobs: options.jobs)
    print(
      "pushed \(result.transferred) objects (\(formatBytes(result.transferredBytes))) to \(result.remote); "
        + "\(result.skipped) already there")
    if !result.missing.isEmpty { throw LodeKitError.missingObjects(paths: result.missing) }
  }
}

struct FetchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fetch", abstract: "Download the objects of tracked data that the cache lacks, verified.")
  @OptionGroup var options: TransferOptions

  func run() throws {
    let result = try Project.open().fetch(options.scope, remote: options.remote, jobs: options.jobs)
    renderFetch(result)
    try failIfIncomplete(result)
  }
}

struct PullCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pull", abstract: "Fetch, then check out the tracked data.")
  @OptionGroup var options: TransferOptions
  @Flag(help: "Overwrite or delete workspace changes that are not in the cache.") var force = false

  func run() throws {
    let (fetched, checkedOut) = try Project.open().pull(
      options.scope, remote: options.remote, jobs: options.jobs, force: force)
    renderFetch(fetched)
    for note in checkedOut.notes { print("note: \(note)") }
    print("\(counted(checkedOut.written.count, "file")) written, \(checkedOut.deleted.count) deleted")
    try failIfIncomplete(fetched)
    if !checkedOut.missing.isEmpty { throw LodeKitError.missingObjects(paths: checkedOut.missing) }
  }
}

private func renderFetch(_ result: TransferResult) {
  print(
    "fetched \(result.transferred) objects (\(formatBytes(result.transferredBytes))) from \(result.remote); "
      + "\(result.skipped) already in the cache")
  for problem in result.corrupt { print("refused: \(problem)") }
}

private func failIfIncomplete(_ result: TransferResult) throws {
  if !result.corrupt.isEmpty { throw LodeKitError.corruptOnRemote(count: result.corrupt.count, remote: result.remote) }
  if !result.missing.isEmpty { throw LodeKitError.notOnRemote(paths: result.missing, remote: result.remote) }
}
