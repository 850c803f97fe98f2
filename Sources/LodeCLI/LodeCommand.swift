import ArgumentParser
import Basics

/// The `lode` command tree. Every subcommand is a thin adapter: parse,
/// call one LodeKit function, render its result.
public struct LodeCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "lode",
    abstract: "Version large data and model files beside git.",
    discussion: "Docs: docs/commands.md in the lode repository.",
    version: lodeVersion,
    subcommands: [
      InitCommand.self, AddCommand.self, StatusCommand.self, CheckoutCommand.self, CommitCommand.self,
      RemoveCommand.self, RemoteCommand.self, PushCommand.self, FetchCommand.self, PullCommand.self,
      StageCommand.self, ReproCommand.self, DagCommand.self, ParamsCommand.self, MetricsCommand.self, DiffCommand.self,
      GcCommand.self, DuCommand.self, InstallCommand.self, HookCommand.self, FsckCommand.self,
      ConfigCommand.self, VersionCommand.self,
    ])

  public init() {}

  /// Runs the command line, printing lode's errors as `error:` and `hint:`
  /// lines on stderr with exit status 1 (2 for usage errors).
  public static func main() {
    do {
      var command = try parseAsRoot(optionalValues(Array(CommandLine.arguments.dropFirst())))
      try command.run()
    } catch let error as LodeError {
      report(error)
      Self.exit(withError: ExitCode.failure)
    } catch {
      exit(withError: error)
    }
  }

  /// `status --remote` takes an optional name: a bare `--remote` (last, or
  /// followed by another option) means the default remote.
  static func optionalValues(_ arguments: [String]) -> [String] {
    var arguments = arguments
    if arguments.first == "status", let index = arguments.firstIndex(of: "--remote"),
      index + 1 == arguments.count || arguments[index + 1].hasPrefix("-")
    {
      arguments[index] = "--default-remote"
    }
    return arguments
  }

  static func report(_ error: LodeError) {
    var text = "error: \(error.message)\n"
    if let hint = error.hint { text += "hint: \(hint)\n" }
    writeStderr(text)
  }
}

/// The version `lode version` and `lode --version` print.
let lodeVersion = "0.1.0"

/// Prints the version.
struct VersionCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "version", abstract: "Print lode's version.")

  func run() throws { print("lode \(lodeVersion)") }
}

/// The `--no-stage` flag shared by commands that change pointer files.
struct StagingOptions: ParsableArguments {
  @Flag(name: .customLong("no-stage"), help: "Do not stage pointer and .gitignore changes in git.")
  var noStage = false

  /// nil means: follow core.autostage.
  var stage: Bool? { noStage ? false : nil }
}

/// Writes a line to stderr.
func writeError(_ line: String) {
  writeStderr(line + "\n")
}
