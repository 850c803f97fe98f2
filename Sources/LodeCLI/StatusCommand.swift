import ArgumentParser
import Foundation
import LodeKit

struct StatusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status", abstract: "Show tracked paths whose workspace content differs from their pointers.")

  @Argument(help: "Tracked paths (default: all).")
  var paths: [String] = []

  @Flag(help: "Print every tracked path as JSON.")
  var json = false

  func run() throws {
    let project = try Project.open()
    let statuses = try project.status(paths)
    if json {
      print(try renderJSON(StatusJSON(paths: statuses.map(PathJSON.init))))
      return
    }
    let changed = statuses.filter { $0.state != .clean || !$0.inCache }
    if changed.isEmpty {
      print(statuses.isEmpty ? "No tracked paths." : "Data and pointers are up to date.")
      return
    }
    for status in changed {
      let cacheNote = status.inCache ? "" : " (not in cache)"
      print("\(status.dataPath): \(status.state.rawValue)\(cacheNote)")
      for change in status.changes { print("\t\(change.kind.rawValue): \(change.path)") }
    }
  }
}

private struct StatusJSON: Encodable {
  let paths: [PathJSON]
}

private struct PathJSON: Encodable {
  struct Change: Encodable {
    let path: String
    let change: String
  }
  let path: String
  let pointer: String
  let kind: String
  let state: String
  let inCache: Bool
  let changes: [Change]

  init(_ status: PathStatus) {
    path = status.dataPath
    pointer = status.pointerPath
    kind = status.kind.rawValue
    state = status.state.rawValue
    inCache = status.inCache
    changes = status.changes.map { Change(path: $0.path, change: $0.kind.rawValue) }
  }

  enum CodingKeys: String, CodingKey {
    case path, pointer, kind, state, changes
    case inCache = "in_cache"
  }
}

/// Pretty, key-sorted JSON text for scripts.
func renderJSON<T: Encodable>(_ value: T) throws -> String {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
  return String(decoding: try encoder.encode(value), as: UTF8.self)
}
