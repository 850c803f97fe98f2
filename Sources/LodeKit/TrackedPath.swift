import Basics
import Formats
import Pipeline

/// A path lode tracks: its pointer file and what the pointer records.
public struct TrackedPath: Sendable {
  /// The pointer file, relative to the repository root.
  public let pointerPath: String
  /// The data, relative to the repository root.
  public let dataPath: String
  public let pointer: Pointer
  /// The out of `pointer` that describes `dataPath`.
  public var out: PointerOut { pointer.outs[0] }
}

extension TrackedPath {
  /// A cached pipeline out as a tracked path.
  init(pipelineOut locked: LockedPath) throws {
    pointerPath = Lockfile.name
    dataPath = locked.path
    let out = PointerOut(
      path: try RelativePath(validating: Path.basename(locked.path)), kind: locked.kind == .dir ? .dir : .file,
      id: locked.id, size: locked.size, fileCount: locked.fileCount, executable: false)
    pointer = Pointer(outs: [out])
  }
}

extension Project {
  /// Reads and validates the pointer file at repository path `pointerPath`.
  func loadTracked(pointerPath: String) throws -> TrackedPath {
    let bytes = try FileIO.readFile(absolute(pointerPath))
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw FormatError.malformed(file: pointerPath, line: nil, detail: "not UTF-8 text")
    }
    let pointer = try Pointer(parsing: text, file: pointerPath)
    guard pointer.outs.count == 1 else {
      throw FormatError.malformed(file: pointerPath, line: nil, detail: "a pointer file must have exactly one out")
    }
    let directory = Path.parent(of: pointerPath)
    return TrackedPath(
      pointerPath: pointerPath, dataPath: Path.join(directory, pointer.outs[0].path.string), pointer: pointer)
  }

  /// Every pointer file in the work tree, sorted. Walks the tree but never
  /// descends into `.git`, `.lode` or a directory that has a pointer beside it.
  func allPointerPaths() throws -> [String] {
    var found: [String] = []
    var pending = [""]
    while let directory = pending.popLast() {
      guard let entries = try FileIO.listDirectory(absolute(directory)) else { continue }
      let names = Set(entries.map(\.name))
      for (name, type) in entries {
        if directory.isEmpty && (name == ".git" || name == Project.directoryName) { continue }
        let path = Path.join(directory, name)
        var isDirectory = type == UInt8(DT_DIR)
        if type == UInt8(DT_UNKNOWN) { isDirectory = try FileStat.of(absolute(path))?.kind == .directory }
        if isDirectory {
          if name != ".git" && !names.contains(name + Pointer.suffix) { pending.append(path) }
        } else if name.hasSuffix(Pointer.suffix) && name.count > Pointer.suffix.count
          && (type == UInt8(DT_REG) || type == UInt8(DT_UNKNOWN))
        {
          found.append(path)
        }
      }
    }
    return found.sorted()
  }

  /// The tracked paths the user named (data or pointer paths, relative to
  /// the current directory), or every tracked path when `userPaths` is empty.
  /// A named directory that is not itself tracked selects the tracked paths inside it.
  func selectTracked(_ userPaths: [String], includePipeline: Bool = true) throws -> [TrackedPath] {
    let pipelineOuts = includePipeline ? try pipelineTracked() : []
    if userPaths.isEmpty { return try allPointerPaths().map(loadTracked) + pipelineOuts }
    var selected: [TrackedPath] = []
    var seen = Set<String>()
    var everyPointer: [String]?  // walked once, and only if a folder is named
    for userPath in userPaths {
      let path = try resolve(userPath)
      let pointerPath = path.hasSuffix(Pointer.suffix) ? path : path + Pointer.suffix
      if try FileStat.of(absolute(pointerPath))?.kind == .regular {
        if seen.insert(pointerPath).inserted { selected.append(try loadTracked(pointerPath: pointerPath)) }
        continue
      }
      if everyPointer == nil { everyPointer = try allPointerPaths() }
      let inside = everyPointer!.filter { path.isEmpty || $0.hasPrefix(path + "/") }
      if inside.isEmpty { throw LodeKitError.notTracked(path: userPath) }
      for pointer in inside where seen.insert(pointer).inserted {
        selected.append(try loadTracked(pointerPath: pointer))
      }
    }
    return selected
  }

  /// The cached outs recorded in lode.lock, as tracked paths.
  func pipelineTracked() throws -> [TrackedPath] {
    let lock = try Lockfile.load(root: root)
    return try lock.stages.keys.sorted().flatMap { name in
      try lock.stages[name]!.outs.filter(\.cached).map(TrackedPath.init(pipelineOut:))
    }
  }

  /// `userPath` (relative to the current directory or absolute) as a path
  /// relative to the repository root, with symlinks in its folders resolved;
  /// the final component is kept as named. Throws when it lies outside.
  func resolve(_ userPath: String) throws -> String {
    let cwd = try Path.currentDirectory()
    let lexical = Path.normalize(userPath, against: cwd)
    var parent = Path.parent(of: lexical)
    if let real = try? Path.real(parent) { parent = real }
    let full = lexical == "/" ? "/" : Path.join(parent, Path.basename(lexical))
    guard let relative = Path.relative(full, to: root) else { throw LodeKitError.outsideRepository(path: userPath) }
    return relative
  }
}
