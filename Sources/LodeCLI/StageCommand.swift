import ArgumentParser
import Foundation
import LodeKit
import Pipeline

struct StageCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "stage", abstract: "Edit the pipeline's stages in lode.yaml.", subcommands: [Add.self])

  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Add (or with --force replace) a stage in lode.yaml, keeping the rest of the file as written.")
    @Option(name: .short, help: "The stage's name.") var name: String
    @Option(name: .short, help: "A dependency (repeatable).") var deps: [String] = []
    @Option(name: .short, help: "An out, cached (repeatable).") var outs: [String] = []
    @Option(name: .customShort("O"), help: "An out kept in git, not cached (repeatable).") var outsNoCache: [String] =
      []
    @Option(name: .short, help: "Params: KEY[,KEY] from params.yaml, or FILE:KEY[,KEY] (repeatable).")
    var params: [String] = []
    @Option(name: .short, help: "A metrics file, cached (repeatable).") var metrics: [String] = []
    @Option(name: .customShort("M"), help: "A metrics file kept in git (repeatable).") var metricsNoCache: [String] = []
    @Option(name: .short, help: "The working directory.") var wdir: String?
    @Flag(help: "Run it on every repro.") var alwaysChanged = false
    @Flag(name: .shortAndLong, help: "Replace a stage of the same name.") var force = false
    @Argument(parsing: .captureForPassthrough, help: "The command (after --).") var command: [String] = []

    func validate() throws {
      if command.isEmpty { throw ValidationError("give the stage's command after --") }
    }

    func run() throws {
      let words = command.first == "--" ? Array(command.dropFirst()) : command
      var spec = StageSpec(name: name, command: words.joined(separator: " "))
      spec.deps = deps
      spec.outs = outs
      spec.outsNoCache = outsNoCache
      spec.params = params
      spec.metrics = metrics
      spec.metricsNoCache = metricsNoCache
      spec.workingDirectory = wdir
      spec.alwaysChanged = alwaysChanged
      try Project.open().addStage(spec, force: force)
      print("\(force ? "set" : "added") stage \(name) in lode.yaml; run 'lode repro \(name)' to run it")
    }
  }
}

struct ParamsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "params", abstract: "Compare the pipeline's params across revisions.", subcommands: [Diff.self])

  struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Params that differ between REV (default HEAD) and REV or the workspace.")
    @Argument(help: "The old revision (default HEAD).") var old: String?
    @Argument(help: "The new revision (default: the workspace).") var new: String?
    @Flag(help: "Show unchanged params too.") var all = false
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
      let changes = try Project.open().paramsDiff(from: old, to: new, all: all)
      try printChanges(changes, header: ["Path", "Param", old ?? "HEAD", new ?? "workspace", "Change"], json: json)
    }
  }
}

struct MetricsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "metrics", abstract: "Show and compare the pipeline's metrics.", subcommands: [Show.self, Diff.self])

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The metrics in the workspace.")
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
      let values = try Project.open().metricsShow()
      if json {
        var grouped: [String: [String: Any]] = [:]
        for value in values { grouped[value.file, default: [:]][value.key] = jsonValue(value.new) }
        print(try renderJSONObject(grouped))
        return
      }
      print(
        table([["Path", "Metric", "Value"]] + values.map { [$0.file, $0.key, $0.new?.description ?? "-"] }),
        terminator: "")
    }
  }

  struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Metrics that differ between REV (default HEAD) and REV or the workspace.")
    @Argument(help: "The old revision (default HEAD).") var old: String?
    @Argument(help: "The new revision (default: the workspace).") var new: String?
    @Flag(help: "Show unchanged metrics too.") var all = false
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
      let changes = try Project.open().metricsDiff(from: old, to: new, all: all)
      try printChanges(changes, header: ["Path", "Metric", old ?? "HEAD", new ?? "workspace", "Change"], json: json)
    }
  }
}

private func printChanges(_ changes: [ValueChange], header: [String], json: Bool) throws {
  if json {
    var grouped: [String: [String: Any]] = [:]
    for change in changes {
      var entry: [String: Any] = ["old": jsonValue(change.old), "new": jsonValue(change.new)]
      if let delta = change.delta { entry["diff"] = delta }
      grouped[change.file, default: [:]][change.key] = entry
    }
    print(try renderJSONObject(grouped))
    return
  }
  if changes.isEmpty {
    print("No changes.")
    return
  }
  let rows = changes.map { change in
    [
      change.file, change.key, change.old?.description ?? "-", change.new?.description ?? "-",
      change.delta.map(formatDelta) ?? "-",
    ]
  }
  print(table([header] + rows), terminator: "")
}

private func formatDelta(_ delta: Double) -> String {
  let text = delta == delta.rounded() && abs(delta) < 1e15 ? String(Int64(delta)) : "\(delta)"
  return delta > 0 ? "+" + text : text
}

/// Rows as left-aligned columns separated by two spaces.
func table(_ rows: [[String]]) -> String {
  let widths = (0..<(rows.map(\.count).max() ?? 0)).map { column in
    rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0
  }
  return rows.map { row in
    row.enumerated().map { column, cell in
      column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
    }.joined(separator: "  ")
  }.joined(separator: "\n") + "\n"
}

/// A param or metric value as a JSON-serialisable object (null when absent).
private func jsonValue(_ value: Value?) -> Any {
  switch value {
  case nil, .null?: return NSNull()
  case .bool(let bool)?: return bool
  case .int(let int)?: return int
  case .double(let double)?: return double
  case .string(let string)?: return string
  case .list(let items)?: return items.map { jsonValue($0) }
  case .map(let pairs)?: return Dictionary(pairs.map { ($0.0, jsonValue($0.1)) }, uniquingKeysWith: { a, _ in a })
  }
}

/// Pretty, key-sorted JSON text of a Foundation object tree.
private func renderJSONObject(_ object: Any) throws -> String {
  let data = try JSONSerialization.data(
    withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
  return String(decoding: data, as: UTF8.self)
}
