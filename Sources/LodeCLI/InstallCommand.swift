import ArgumentParser
import LodeKit

struct InstallCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "install", abstract: "Install git hooks that keep data in step with checkout, merge and push.")

  @Flag(help: "Remove lode's hooks and restore the hooks they chained to.")
  var uninstall = false

  func run() throws {
    let project = try Project.open()
    let changes = uninstall ? try project.uninstallHooks() : try project.installHooks()
    for change in changes { print("\(change.name): \(change.action.rawValue) (\(change.path))") }
  }
}

struct HookCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hook", abstract: "Run a git hook's lode part (called by the scripts 'lode install' puts in place).")

  @Argument(help: "post-checkout, post-merge, pre-commit or pre-push.") var name: String
  @Argument(parsing: .captureForPassthrough, help: "The arguments git passed to the hook.") var arguments: [String] = []

  func run() throws {
    let input = name == "pre-push" ? readAllStandardInput() : ""
    let outcome = try Project.open().runHook(name, arguments: arguments, input: input)
    for message in outcome.messages { writeError(message) }
    if outcome.exitStatus != 0 { throw ExitCode(outcome.exitStatus) }
  }
}

/// All of standard input as text.
func readAllStandardInput() -> String {
  var lines: [String] = []
  while let line = readLine(strippingNewline: false) { lines.append(line) }
  return lines.joined()
}
