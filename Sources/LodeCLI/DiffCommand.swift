import ArgumentParser
import Basics
import LodeKit

struct DiffCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "diff",
    abstract: "Show tracked files added, deleted or modified between revisions, or a revision and the workspace.")

  @Argument(help: "The old revision (default HEAD).") var old: String?
  @Argument(help: "The new revision (default: the workspace).") var new: String?
  @Flag(help: "Print JSON.") var json = false

  func run() throws {
    let entries = try Project.open().diff(from: old, to: new)
    if json {
      print(try renderJSON(DiffJSON(entries)))
      return
    }
    if entries.isEmpty { print("No differences.") }
    for entry in entries {
      let sizes: String
      switch entry.change {
      case .added: sizes = formatBytes(entry.newSize ?? 0)
      case .deleted: sizes = formatBytes(entry.oldSize ?? 0)
      case .modified: sizes = "\(formatBytes(entry.oldSize ?? 0)) -> \(formatBytes(entry.newSize ?? 0))"
      }
      print("\(entry.change.rawValue): \(entry.path) (\(sizes))")
    }
  }
}

private struct DiffJSON: Encodable {
  struct Entry: Encodable {
    let path: String
    let oldSize: Int64?
    let newSize: Int64?
    enum CodingKeys: String, CodingKey {
      case path
      case oldSize = "old_size"
      case newSize = "new_size"
    }
  }
  let added: [Entry]
  let deleted: [Entry]
  let modified: [Entry]

  init(_ entries: [DiffEntry]) {
    func pick(_ change: DiffEntry.Change) -> [Entry] {
      entries.filter { $0.change == change }.map { Entry(path: $0.path, oldSize: $0.oldSize, newSize: $0.newSize) }
    }
    added = pick(.added)
    deleted = pick(.deleted)
    modified = pick(.modified)
  }
}
