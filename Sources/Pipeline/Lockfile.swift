import Basics
import Formats
import ObjectStore
import Yams

/// A dep or out as a stage last saw it.
public struct LockedPath: Sendable, Equatable {
  public enum Kind: String, Sendable { case file, dir }
  public let path: String
  public let kind: Kind
  public let id: ObjectID
  public let size: Int64
  /// Files in a directory.
  public let fileCount: Int64?
  /// False for outs kept in git (`cache: false`): their objects are not data to move.
  public let cached: Bool

  public init(path: String, kind: Kind, id: ObjectID, size: Int64, fileCount: Int64?, cached: Bool = true) {
    self.path = path
    self.kind = kind
    self.id = id
    self.size = size
    self.fileCount = fileCount
    self.cached = cached
  }
}

/// What a stage last ran with and produced.
public struct LockEntry: Sendable, Equatable {
  public var command: String
  public var deps: [LockedPath]
  /// Param values by params file, then key.
  public var params: [String: [String: Value]]
  public var outs: [LockedPath]

  public init(command: String, deps: [LockedPath], params: [String: [String: Value]], outs: [LockedPath]) {
    self.command = command
    self.deps = deps.sorted { $0.path < $1.path }
    self.params = params
    self.outs = outs.sorted { $0.path < $1.path }
  }
}

/// lode.lock: per stage, the command, deps and outs (with ids and sizes)
/// and param values it last ran with. Written sorted and stable so it
/// diffs cleanly in git; replaced atomically.
public struct Lockfile: Sendable, Equatable {
  public static let name = "lode.lock"
  public static let version = 1
  public var stages: [String: LockEntry]

  public init(stages: [String: LockEntry] = [:]) { self.stages = stages }

  /// The lockfile of the repository at `root` (empty when absent).
  public static func load(root: String) throws -> Lockfile {
    guard let bytes = try FileIO.readFileIfPresent(root + "/" + name) else { return Lockfile() }
    return try Lockfile(parsing: String(decoding: bytes, as: UTF8.self), file: name)
  }

  /// Writes the lockfile atomically and durably.
  public func save(root: String) throws {
    try AtomicFile.write(rendered(), to: root + "/" + Self.name)
  }

  /// The YAML text: stages by name; deps and outs by path; params by file, then key.
  public func rendered() -> String {
    var text = "version: \(Self.version)\nstages:\n"
    if stages.isEmpty { text = "version: \(Self.version)\nstages: {}\n" }
    for name in stages.keys.sorted() {
      let entry = stages[name]!
      text += "  \(YAMLText.scalar(name)):\n"
      text += "    cmd: \(YAMLText.scalar(entry.command))\n"
      if !entry.deps.isEmpty { text += "    deps:\n" + entry.deps.map(render).joined() }
      if !entry.params.isEmpty {
        text += "    params:\n"
        for file in entry.params.keys.sorted() {
          text += "      \(YAMLText.scalar(file)):\n"
          for (key, value) in entry.params[file]!.sorted(by: { $0.key < $1.key }) {
            text += "        \(YAMLText.scalar(key)): \(value.canonical)\n"
          }
        }
      }
      if !entry.outs.isEmpty { text += "    outs:\n" + entry.outs.map(render).joined() }
    }
    return text
  }

  private func render(_ path: LockedPath) -> String {
    var text = "    - path: \(YAMLText.scalar(path.path))\n      kind: \(path.kind.rawValue)\n"
    text += "      sha256: \(path.id.hex)\n      size: \(path.size)\n"
    if let count = path.fileCount { text += "      nfiles: \(count)\n" }
    if !path.cached { text += "      cache: false\n" }
    return text
  }

  /// Parses lockfile text read from `file`; paths must stay inside the repository.
  public init(parsing text: String, file: String) throws {
    let reader = YAMLReader(file: file)
    let root = try reader.parse(text)
    let top = try reader.mapping(root, allowed: ["version", "stages"], what: "the lockfile")
    let version = try reader.integer(top["version"], "version", in: root)
    if version > Int64(Self.version) {
      throw FormatError.unsupportedVersion(file: file, version: Int(version), supported: Self.version)
    }
    var stages: [String: LockEntry] = [:]
    for (key, node) in top["stages"]?.mapping ?? [:] {
      let name = try reader.string(key, "a stage name", in: node)
      let fields = try reader.mapping(node, allowed: ["cmd", "deps", "params", "outs"], what: "stage \(name)")
      var params: [String: [String: Value]] = [:]
      for (fileNode, values) in fields["params"]?.mapping ?? [:] {
        let paramsFile = try reader.string(fileNode, "a params file", in: node)
        var keyed: [String: Value] = [:]
        for (keyNode, value) in values.mapping ?? [:] {
          keyed[try reader.string(keyNode, "a param", in: node)] = Value(value)
        }
        params[paramsFile] = keyed
      }
      stages[name] = LockEntry(
        command: try reader.string(fields["cmd"], "cmd", in: node),
        deps: try (fields["deps"]?.sequence.map(Array.init) ?? []).map { try Self.lockedPath($0, reader) },
        params: params,
        outs: try (fields["outs"]?.sequence.map(Array.init) ?? []).map { try Self.lockedPath($0, reader) })
    }
    self.stages = stages
  }

  private static func lockedPath(_ node: Node, _ reader: YAMLReader) throws -> LockedPath {
    let fields = try reader.mapping(
      node, allowed: ["path", "kind", "sha256", "size", "nfiles", "cache"], what: "a locked path")
    let pathText = try reader.string(fields["path"], "path", in: node)
    let idText = try reader.string(fields["sha256"], "sha256", in: node)
    do {
      let path = try RelativePath(validating: pathText).string
      let id = try ObjectID(validating: idText)
      guard let kind = LockedPath.Kind(rawValue: try reader.string(fields["kind"], "kind", in: node)) else {
        throw reader.error(fields["kind"]!, "kind must be 'file' or 'dir'")
      }
      return LockedPath(
        path: path, kind: kind, id: id, size: try reader.integer(fields["size"], "size", in: node),
        fileCount: try fields["nfiles"].map { try reader.integer($0, "nfiles", in: node) },
        cached: try reader.bool(fields["cache"], "cache", default: true))
    } catch let error as FormatError {
      throw error
    } catch let error as LodeError {
      throw reader.error(node, error.message)
    }
  }
}
