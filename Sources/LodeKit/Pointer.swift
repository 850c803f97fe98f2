import Basics
import Formats
import ObjectStore

/// What a pointer file records about one tracked file or directory.
public struct PointerOut: Equatable, Sendable {
  public enum Kind: String, Sendable { case file, dir }

  /// The data's name, relative to the pointer file's directory.
  public var path: RelativePath
  public var kind: Kind
  /// The file's id, or the directory's tree id.
  public var id: ObjectID
  /// Bytes of the file, or of all files in the directory.
  public var size: Int64
  /// Files in the directory (nil for a file).
  public var fileCount: Int64?
  /// Whether a single file is executable.
  public var executable: Bool

  public init(path: RelativePath, kind: Kind, id: ObjectID, size: Int64, fileCount: Int64?, executable: Bool) {
    self.path = path
    self.kind = kind
    self.id = id
    self.size = size
    self.fileCount = fileCount
    self.executable = executable
  }
}

/// A pointer file (`<path>.lode`): small YAML that git tracks in place of
/// the data (docs/formats.md). Written with a fixed key order so it diffs
/// cleanly; parsed strictly, rejecting unknown fields and newer versions.
public struct Pointer: Equatable, Sendable {
  public static let version = 1
  /// The file-name suffix of pointer files.
  public static let suffix = ".lode"
  public var outs: [PointerOut]

  public init(outs: [PointerOut]) { self.outs = outs }

  /// The YAML text of the pointer file.
  public func rendered() -> String {
    var text = "version: \(Pointer.version)\nouts:\n"
    for out in outs {
      text += "- path: \(YAMLText.scalar(out.path.string))\n"
      text += "  kind: \(out.kind.rawValue)\n"
      text += "  sha256: \(out.id.hex)\n"
      text += "  size: \(out.size)\n"
      if let count = out.fileCount { text += "  nfiles: \(count)\n" }
      if out.executable { text += "  executable: true\n" }
    }
    return text
  }

  /// Parses the pointer file text read from `file` (named in errors).
  /// A `path` must be a plain name beside the pointer: no `/`, no `..`.
  public init(parsing text: String, file: String) throws {
    let reader = YAMLReader(file: file)
    let root = try reader.parse(text)
    let fields = try reader.mapping(root, allowed: ["version", "outs"], what: "the pointer file")
    let version = try reader.integer(fields["version"], "version", in: root)
    if version > Int64(Pointer.version) {
      throw FormatError.unsupportedVersion(file: file, version: Int(version), supported: Pointer.version)
    }
    guard let outsNode = fields["outs"], let outs = outsNode.sequence, !outs.isEmpty else {
      throw reader.error(root, "missing 'outs' list")
    }
    self.outs = try outs.map { node in
      let out = try reader.mapping(
        node, allowed: ["path", "kind", "sha256", "size", "nfiles", "executable"], what: "an out")
      let pathText = try reader.string(out["path"], "path", in: node)
      let path: RelativePath
      do { path = try RelativePath(validating: pathText) } catch let error as LodeError {
        throw reader.error(out["path"]!, error.message)
      }
      if pathText.contains("/") {
        throw reader.error(out["path"]!, "path '\(pathText.debugEscaped)' must name a file beside the pointer")
      }
      let kindText = try reader.string(out["kind"], "kind", in: node)
      guard let kind = PointerOut.Kind(rawValue: kindText) else {
        throw reader.error(out["kind"]!, "kind must be 'file' or 'dir'")
      }
      let idText = try reader.string(out["sha256"], "sha256", in: node)
      let id: ObjectID
      do { id = try ObjectID(validating: idText) } catch let error as LodeError {
        throw reader.error(out["sha256"]!, error.message)
      }
      let size = try reader.integer(out["size"], "size", in: node)
      let count = try out["nfiles"].map { try reader.integer($0, "nfiles", in: node) }
      let executable = try reader.bool(out["executable"], "executable", default: false)
      return PointerOut(path: path, kind: kind, id: id, size: size, fileCount: count, executable: executable)
    }
  }
}
