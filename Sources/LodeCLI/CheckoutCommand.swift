import ArgumentParser
import Basics
import LodeKit

struct CheckoutCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "checkout", abstract: "Make the workspace match the pointers, from the cache.")

  @Argument(help: "Tracked paths (default: all).")
  var paths: [String] = []

  @Flag(help: "Overwrite or delete workspace changes that are not in the cache.")
  var force = false

  @Flag(name: .shortAndLong, help: "List every file written or deleted.")
  var verbose = false

  func run() throws {
    let project = try Project.open()
    let result = try project.checkout(paths, force: force)
    if verbose {
      for path in result.written { print("wrote \(path)") }
      for path in result.deleted { print("deleted \(path)") }
    }
    for note in result.notes { print("note: \(note)") }
    if result.written.isEmpty && result.deleted.isEmpty {
      if result.missing.isEmpty { print("Workspace is up to date.") }
    } else {
      print("\(counted(result.written.count, "file")) written, \(result.deleted.count) deleted")
    }
    if !result.missing.isEmpty { throw LodeKitError.missingObjects(paths: result.missing) }
  }
}
