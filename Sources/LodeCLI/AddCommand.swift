import ArgumentParser
import Basics
import LodeKit

struct AddCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "add", abstract: "Track files or directories: store them in the cache and write PATH.lode.")

  @Argument(help: "Files or directories to track.")
  var paths: [String]

  @OptionGroup var staging: StagingOptions

  func validate() throws {
    if paths.isEmpty { throw ValidationError("name at least one file or directory to add") }
  }

  func run() throws {
    let project = try Project.open()
    render(try project.add(paths, stage: staging.stage))
  }
}

/// Prints what add or commit recorded, one line per path.
func render(_ results: [AddResult]) {
  for result in results {
    let out = result.out
    let what = out.kind == .dir ? "\(out.fileCount ?? 0) files, \(formatBytes(out.size))" : formatBytes(out.size)
    let stored = result.newObjects == 0 ? "nothing new to store" : "\(counted(result.newObjects, "new object"))"
    let verb = result.pointerChanged ? "recorded" : "unchanged"
    print("\(result.dataPath): \(verb) (\(what); \(stored)) -> \(result.pointerPath)")
    for path in result.ignoredByGit {
      print("warning: git ignores \(path), so it was not staged; check your .gitignore rules")
    }
  }
  let changed = results.filter(\.pointerChanged)
  if let first = changed.first, !first.staged {
    let files = changed.flatMap { [$0.pointerPath, pathJoin(parentPath($0.dataPath), ".gitignore")] }
    print("To track the changes with git, run:\n\tgit add \(Set(files).sorted().joined(separator: " "))")
  }
}

func parentPath(_ path: String) -> String { Path.parent(of: path) }
func pathJoin(_ a: String, _ b: String) -> String { Path.join(a, b) }
