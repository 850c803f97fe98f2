import ArgumentParser
import Basics
import LodeKit

struct GcCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gc",
    abstract: "Remove cache (or remote) objects that neither the workspace nor the chosen revisions use.")

  @OptionGroup var history: RevisionOptions
  @Option(name: [.customShort("r"), .customLong("remote")], help: "Clean this remote instead of the local cache.")
  var remote: String?
  @Flag(help: "List what would be removed; remove nothing.") var dryRun = false
  @Flag(help: "Clean a remote without asking.") var force = false

  func run() throws {
    let result = try Project.open().gc(history.scope, remote: remote, dryRun: dryRun, force: force) { count in
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
