import ArgumentParser
import Basics
import LodeKit

struct GcCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gc",
    abstract: "Remove cache (or remote) objects that neither the workspace nor the chosen revisions use.")

  @Option(name: .customLong("rev"), help: "Also keep the data of this git revision (repeatable).")
  var revisions: [String] = []
  @Flag(help: "Also keep the data of every local branch.") var allBranches = false
  @Flag(help: "Also keep the data of every tag.") var allTags = false
  @Flag(help: "Also keep the data of every commit.") var allCommits = false
  @Option(name: [.customShort("r"), .customLong("remote")], help: "Clean this remote instead of the local cache.")
  var remote: String?
  @Flag(help: "List what would be removed; remove nothing.") var dryRun = false
  @Flag(help: "Clean a remote without asking.") var force = false

  func run() throws {
    var scope = DataScope()
    scope.revisions = revisions
    scope.allBranches = allBranches
    scope.allTags = allTags
    scope.allCommits = allCommits
    let result = try Project.open().gc(scope, remote: remote, dryRun: dryRun, force: force) { count in
      guard isatty(0) == 1 else { return false }
      writeStderr(
        "Delete \(count) objects from remote \(remote ?? "(default)")? Other clones may still need them. [y/N] ")
      return readLine()?.lowercased().hasPrefix("y") == true
    }
    let verb = dryRun ? "would remove" : "removed"
    for id in result.removed where dryRun { print("\(verb) \(id)") }
    let place = result.remote.map { "remote \($0)" } ?? "the cache"
    let bytes = result.remote == nil ? " (\(formatBytes(result.bytes)))" : ""
    print("\(verb) \(result.removed.count) objects\(bytes) from \(place); kept \(result.kept)")
  }
}
