import Basics
import Formats
import Pipeline
import Yams

/// A stage to add with `lode stage add`.
public struct StageSpec: Sendable {
  public var name: String
  public var command: String
  public var deps: [String] = []
  public var outs: [String] = []
  public var outsNoCache: [String] = []
  public var params: [String] = []
  public var metrics: [String] = []
  public var metricsNoCache: [String] = []
  public var workingDirectory: String?
  public var alwaysChanged = false

  public init(name: String, command: String) {
    self.name = name
    self.command = command
  }

  /// The stage as lode.yaml text, its key indented by `indent` spaces.
  func rendered(indent: Int) -> String {
    let pad = String(repeating: " ", count: indent)
    var text = "\(pad)\(YAMLText.scalar(name)):\n\(pad)  cmd: \(YAMLText.scalar(command))\n"
    if let workingDirectory { text += "\(pad)  wdir: \(YAMLText.scalar(workingDirectory))\n" }
    func list(_ key: String, _ items: [String]) {
      guard !items.isEmpty else { return }
      text += "\(pad)  \(key):\n" + items.map { "\(pad)  - \(YAMLText.scalar($0))\n" }.joined()
    }
    list("deps", deps)
    if !params.isEmpty {
      text += "\(pad)  params:\n"
      for param in params {
        if let colon = param.firstIndex(of: ":") {
          let keys = param[param.index(after: colon)...].split(separator: ",").map(String.init)
          text += "\(pad)  - \(YAMLText.scalar(String(param[..<colon]))):\n"
          text += keys.map { "\(pad)    - \(YAMLText.scalar($0))\n" }.joined()
        } else {
          text += param.split(separator: ",").map { "\(pad)  - \(YAMLText.scalar(String($0)))\n" }.joined()
        }
      }
    }
    let outsText =
      outs.map { "\(pad)  - \(YAMLText.scalar($0))\n" }
      + outsNoCache.map { "\(pad)  - \(YAMLText.scalar($0)):\n\(pad)      cache: false\n" }
    if !outsText.isEmpty { text += "\(pad)  outs:\n" + outsText.joined() }
    let metricsText =
      metrics.map { "\(pad)  - \(YAMLText.scalar($0))\n" }
      + metricsNoCache.map { "\(pad)  - \(YAMLText.scalar($0)):\n\(pad)      cache: false\n" }
    if !metricsText.isEmpty { text += "\(pad)  metrics:\n" + metricsText.joined() }
    if alwaysChanged { text += "\(pad)  always_changed: true\n" }
    return text
  }
}

extension Project {
  /// Adds (or, with `force`, replaces) a stage in lode.yaml, editing the
  /// text so that everything else stays exactly as the user wrote it. The
  /// result must parse and form a valid graph, or nothing is written.
  public func addStage(_ spec: StageSpec, force: Bool) throws {
    let lock = try lock(for: "stage add")
    defer { withExtendedLifetime(lock) {} }
    let path = absolute(PipelineFile.name)
    let original = try FileIO.readFileIfPresent(path).map { String(decoding: $0, as: UTF8.self) } ?? ""
    var lines =
      original.isEmpty ? [] : original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if lines.last == "" { lines.removeLast() }
    let reader = YAMLReader(file: PipelineFile.name)
    let root = try reader.parse(original)
    let stagesKey = root.mapping?.keys.first { $0.string == "stages" }
    let stagesNode = root.mapping?["stages"]
    var indent = 2
    if let stagesKey, let line = stagesKey.mark?.line, let mapping = stagesNode?.mapping, !mapping.isEmpty {
      let end = sectionEnd(lines, after: line - 1)
      if let firstKey = mapping.keys.first, let column = firstKey.mark?.column { indent = column - 1 }
      if let existing = mapping.keys.first(where: { $0.string == spec.name }) {
        guard force else { throw PipelineError.stageExists(spec.name) }
        let start = existing.mark!.line - 1
        let next = mapping.keys.compactMap { $0.mark?.line }.filter { $0 - 1 > start }.min().map { $0 - 1 } ?? end
        lines.removeSubrange(start..<trimmedEnd(lines, start: start, end: next))
      }
      let insertAt = trimmedEnd(lines, start: line, end: sectionEnd(lines, after: line - 1))
      lines.insert(contentsOf: spec.rendered(indent: indent).split(separator: "\n").map(String.init), at: insertAt)
    } else if let stagesKey, let line = stagesKey.mark?.line {
      lines[line - 1] = "stages:"
      lines.insert(contentsOf: spec.rendered(indent: indent).split(separator: "\n").map(String.init), at: line)
    } else {
      lines.append("stages:")
      lines += spec.rendered(indent: indent).split(separator: "\n").map(String.init)
    }
    let text = lines.joined(separator: "\n") + "\n"
    let candidate = try PipelineFile(
      text: text, readFile: { try FileIO.readFileIfPresent(absolute($0)).map { String(decoding: $0, as: UTF8.self) } })
    _ = try StageGraph(candidate)
    try AtomicFile.write(text, to: path)
    _ = try stage([PipelineFile.name], enabled: settings.autostage)
  }

  /// The index of the first line after the block that starts at `line`
  /// (the next line that begins at column 1 and is not blank or a comment).
  private func sectionEnd(_ lines: [String], after line: Int) -> Int {
    var index = line + 1
    while index < lines.count {
      let text = lines[index]
      if let first = text.first, first != " ", first != "\t", first != "#" { return index }
      index += 1
    }
    return lines.count
  }

  /// `end` moved back over blank and comment-only lines (they belong to what follows).
  private func trimmedEnd(_ lines: [String], start: Int, end: Int) -> Int {
    var end = end
    while end > start + 1 {
      let text = lines[end - 1].trimmingCharacters(in: .whitespaces)
      if text.isEmpty || text.hasPrefix("#") { end -= 1 } else { break }
    }
    return end
  }
}
