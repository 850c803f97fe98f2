import ArgumentParser
import LodeKit

struct RemoteCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "remote", abstract: "Manage remotes: shared folders that hold copies of the cache.",
    subcommands: [Add.self, List.self, Remove.self, Default.self, Modify.self])

  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Add a remote (a folder path or file:// URL).")
    @Flag(name: [.customShort("d"), .customLong("default")], help: "Make it the default remote.") var makeDefault =
      false
    @Flag(help: "Keep it in .lode/config.local (this machine only).") var local = false
    @Argument(help: "The remote's name.") var name: String
    @Argument(help: "A folder (relative to the repository root) or a file:// URL.") var url: String

    func run() throws {
      try Project.open().addRemote(name, url: url, makeDefault: makeDefault, local: local)
      print("added remote \(name) -> \(url)\(makeDefault ? " (default)" : "")")
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the remotes.")
    func run() throws {
      for remote in try Project.open().remotes() {
        print("\(remote.name)\t\(remote.url)\(remote.isDefault ? "\t(default)" : "")")
      }
    }
  }

  struct Remove: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Remove a remote (its data is left alone).")
    @Argument(help: "The remote's name.") var name: String
    func run() throws {
      try Project.open().removeRemote(name)
      print("removed remote \(name)")
    }
  }

  struct Default: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show or set the default remote.")
    @Flag(help: "Set it in .lode/config.local (this machine only).") var local = false
    @Argument(help: "The remote to make the default.") var name: String?
    func run() throws {
      let project = try Project.open()
      if let name {
        try project.setDefaultRemote(name, local: local)
      } else if let remote = try project.remotes().first(where: \.isDefault) {
        print(remote.name)
      } else {
        throw ExitCode(1)
      }
    }
  }

  struct Modify: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Set a remote's setting (e.g. url).")
    @Flag(help: "Set it in .lode/config.local (this machine only).") var local = false
    @Argument(help: "The remote's name.") var name: String
    @Argument(help: "The setting.") var key: String
    @Argument(help: "The value.") var value: String
    func run() throws {
      try Project.open().modifyRemote(name, key: key, value: value, local: local)
    }
  }
}
