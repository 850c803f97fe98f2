import ArgumentParser
import LodeKit

struct ConfigCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "config", abstract: "Read or set a setting in .lode/config (or .lode/config.local).")

  @Argument(help: "The key, as section.name (e.g. cache.compression).")
  var key: String?

  @Argument(help: "The new value; omit to print the current one.")
  var value: String?

  @Flag(help: "Use .lode/config.local (not committed) instead of .lode/config.")
  var local = false

  @Flag(help: "Remove the key.")
  var unset = false

  @Flag(name: .shortAndLong, help: "List every setting.")
  var list = false

  func validate() throws {
    if !list && key == nil { throw ValidationError("name a key, or use --list") }
    if unset && value != nil { throw ValidationError("--unset takes no value") }
  }

  func run() throws {
    let project = try Project.open()
    if list {
      for (key, value) in try project.displayedConfigEntries() { print("\(key)=\(value)") }
    } else if let key, unset {
      try project.unsetConfig(key, local: local)
    } else if let key, let value {
      try project.setConfig(key, value, local: local)
    } else if let key {
      guard let current = try project.configValue(key) else { throw ExitCode(1) }
      print(current)
    }
  }
}
