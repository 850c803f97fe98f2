/// String path arithmetic for POSIX paths, kept deliberately small.
public enum Path {
  /// `a/b/c` → `a/b`; `c` → ``; `/c` → `/`.
  public static func parent(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "" }
    if slash == path.startIndex { return "/" }
    return String(path[..<slash])
  }

  /// `a/b/c` → `c`.
  public static func basename(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return path }
    return String(path[path.index(after: slash)...])
  }

  /// Joins path components with `/`, skipping empty ones.
  public static func join(_ parts: String...) -> String { join(parts) }

  /// Joins path components with `/`, skipping empty ones.
  public static func join(_ parts: [String]) -> String {
    var out = ""
    for part in parts where !part.isEmpty {
      if out.isEmpty || out.hasSuffix("/") {
        out += part
      } else {
        out += "/" + part
      }
    }
    return out
  }

  /// The absolute, symlink-free form of an existing path.
  public static func real(_ path: String) throws -> String {
    guard let resolved = realpath(path, nil) else { throw systemError("realpath", path) }
    defer { free(resolved) }
    return String(cString: resolved)
  }

  /// The current working directory.
  public static func currentDirectory() throws -> String {
    guard let cwd = getcwd(nil, 0) else { throw systemError("getcwd", ".") }
    defer { free(cwd) }
    return String(cString: cwd)
  }

  /// `path` made absolute against `base` and with `.`, `..` and repeated
  /// slashes folded lexically (no symlinks resolved).
  public static func normalize(_ path: String, against base: String) -> String {
    let full = path.hasPrefix("/") ? path : base + "/" + path
    var parts: [Substring] = []
    for part in full.split(separator: "/", omittingEmptySubsequences: true) {
      if part == "." { continue }
      if part == ".." {
        if !parts.isEmpty { parts.removeLast() }
        continue
      }
      parts.append(part)
    }
    return "/" + parts.joined(separator: "/")
  }

  /// `path` relative to `root` when it lies inside it (`root` itself is ``), else nil.
  public static func relative(_ path: String, to root: String) -> String? {
    let root = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
    if path == root { return "" }
    let prefix = root == "/" ? "/" : root + "/"
    guard path.hasPrefix(prefix) else { return nil }
    return String(path.dropFirst(prefix.count))
  }
}

/// A path inside the repository, relative to some base, with `/`
/// separators, already checked to be unable to escape it: not empty, not
/// absolute, no `.` or `..` or empty components, no NUL, newline or
/// carriage return. Every path lode reads from a file passes through here.
public struct RelativePath: Hashable, Comparable, Sendable, CustomStringConvertible {
  public let string: String

  /// Validates `string`; throws `BasicsError.unsafePath` naming the problem.
  public init(validating string: String) throws {
    var copy = string
    let problem = copy.withUTF8 { Self.problem(in: $0) }
    if let problem { throw BasicsError.unsafePath(string, reason: problem) }
    self.string = copy
  }

  /// Validates UTF-8 bytes read from a file (a tree listing) without
  /// building an intermediate string first.
  public init(validatingUTF8 bytes: UnsafeBufferPointer<UInt8>) throws {
    let string = String(decoding: bytes, as: UTF8.self)
    if let problem = Self.problem(in: bytes) { throw BasicsError.unsafePath(string, reason: problem) }
    self.string = string
  }

  /// What makes `bytes` unsafe as a relative path, or nil when it is clean.
  private static func problem(in bytes: UnsafeBufferPointer<UInt8>) -> String? {
    let slash = UInt8(ascii: "/")
    let dot = UInt8(ascii: ".")
    if bytes.isEmpty { return "the path is empty" }
    if bytes[0] == slash { return "absolute paths are not allowed" }
    var start = 0
    for index in 0...bytes.count {
      let byte = index < bytes.count ? bytes[index] : slash
      if byte == 0 || byte == 10 || byte == 13 { return "NUL, newline and carriage return are not allowed in names" }
      guard byte == slash else { continue }
      let length = index - start
      if length == 2 && bytes[start] == dot && bytes[start + 1] == dot { return "'..' would leave the repository" }
      if length == 0 || (length == 1 && bytes[start] == dot) { return "empty or '.' components are not allowed" }
      start = index + 1
    }
    return nil
  }

  public var description: String { string }

  /// Paths order by their UTF-8 bytes, the canonical order of tree listings.
  public static func < (lhs: RelativePath, rhs: RelativePath) -> Bool {
    lhs.string.utf8.lexicographicallyPrecedes(rhs.string.utf8)
  }
}
