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

  @Option(name: .customLong("remote"), help: "Compare the cache with a remote instead (bare --remote: the default).")
  var remote: String?

  /// What a bare `--remote` becomes (see LodeCommand.optionalValues).
  @Flag(name: .customLong("default-remote"), help: .hidden)
  var defaultRemote = false

  func run() throws {
    let project = try Project.open()
    if remote != nil || defaultRemote {
      try runRemote(project, remote: remote)
      return
    }
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

extension StatusCommand {
  func runRemote(_ project: Project, remote: String?) throws {
    let (name, statuses) = try project.remoteStatus(paths, remote: remote)
    if json {
      print(try renderJSON(RemoteStatusJSON(remote: name, paths: statuses.map(RemotePathJSON.init))))
      return
    }
    let differing = statuses.filter { $0.state != .inSync }
    if differing.isEmpty {
      print(statuses.isEmpty ? "No tracked paths." : "Cache and remote \(name) are in sync.")
      return
    }
    for status in differing {
      let counts =
        "\(status.local)/\(status.objects) objects in the cache, \(status.onRemote)/\(status.objects) on \(name)"
      print("\(status.dataPath): \(status.state.rawValue) (\(counts))")
    }
  }
}

private struct RemoteStatusJSON: Encodable {
  let remote: String
  let paths: [RemotePathJSON]
}

private struct RemotePathJSON: Encodable {
  let path: String
  let state: String
  let objects: Int
  let local: Int
  let onRemote: Int

  init(_ status: RemotePathStatus) {
    path = status.dataPath
    state = status.state.rawValue
    objects = status.objects
    local = status.local
    onRemote = status.onRemote
  }

  enum CodingKeys: String, CodingKey {
    case path, state, objects, local
    case onRemote = "on_remote"
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
