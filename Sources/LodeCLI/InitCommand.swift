import ArgumentParser
import LodeKit

struct InitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init", abstract: "Create .lode/ at the top of the current git work tree.")

  @Flag(help: "Repair an existing .lode/ (its config and cache are kept).")
  var force = false

  func run() throws {
    let result = try Project.initialize(force: force)
    print("Initialized lode in \(result.root)/.lode")
    if !result.staged.isEmpty { print("staged in git: \(result.staged.joined(separator: ", "))") }
  }
}
