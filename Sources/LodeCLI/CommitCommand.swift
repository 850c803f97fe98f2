import ArgumentParser
import LodeKit

struct CommitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "commit", abstract: "Record the workspace content of tracked paths in their pointers.")

  @Argument(help: "Tracked paths (default: all).")
  var paths: [String] = []

  @OptionGroup var staging: StagingOptions

  func run() throws {
    let project = try Project.open()
    render(try project.commit(paths, stage: staging.stage))
  }
}
