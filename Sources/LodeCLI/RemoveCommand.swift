import ArgumentParser
import LodeKit

struct RemoveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "remove", abstract: "Stop tracking paths: delete their pointers and .gitignore lines; keep the data.")

  @Argument(help: "Tracked paths or their pointer files.")
  var paths: [String]

  @OptionGroup var staging: StagingOptions

  func validate() throws {
    if paths.isEmpty { throw ValidationError("name at least one tracked path to remove") }
  }

  func run() throws {
    let project = try Project.open()
    for result in try project.remove(paths, stage: staging.stage) {
      print("\(result.dataPath): no longer tracked (removed \(result.pointerPath); data kept)")
    }
  }
}
