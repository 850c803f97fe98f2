import ArgumentParser
import Basics
import LodeKit

struct FsckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fsck", abstract: "Verify every cache object against its id.")

  func run() throws {
    let project = try Project.open()
    let result = try project.fsck()
    for damaged in result.damaged { print("damaged: \(damaged.id) (\(damaged.path)): \(damaged.problem)") }
    print("\(result.checked) objects checked (\(formatBytes(result.bytes))), \(result.damaged.count) damaged")
    if !result.damaged.isEmpty { throw LodeKitError.damagedObjects(count: result.damaged.count) }
  }
}
