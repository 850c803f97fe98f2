import Basics

/// A regular file found inside a tracked directory.
struct ScannedFile: Sendable {
  /// The path relative to the scanned directory.
  let path: String
  let stat: FileStat
}

/// Lists the regular files under a directory, recursively. Symlinks and
/// special files are refused (docs/commands.md, "symlinks"): following a
/// link could read or, at checkout, write outside the repository. lode's
/// own temp files (`.lode-tmp-*`, left by a killed checkout) are never
/// data: they are skipped, or deleted with `removeLeftovers` (only under
/// the repository lock, when no lode can be writing them).
enum WorkspaceScan {
  static func files(in directory: String, displayPrefix: String, removeLeftovers: Bool = false) throws
    -> [ScannedFile]
  {
    var found: [ScannedFile] = []
    let folders = try scanFolder(
      directory, relative: "", displayPrefix: displayPrefix, removeLeftovers: removeLeftovers, into: &found)
    // The subfolders' trees are listed on all cores (lstat is most of the cost), kept in order.
    let subtrees = Locked([[ScannedFile]](repeating: [], count: folders.count))
    try parallelForEach(folders.count) { index in
      var local: [ScannedFile] = []
      try scan(
        directory + "/" + folders[index], relative: folders[index], displayPrefix: displayPrefix,
        removeLeftovers: removeLeftovers, into: &local)
      subtrees.withLock { $0[index] = local }
    }
    for subtree in subtrees.withLock({ $0 }) { found += subtree }
    return found
  }

  /// Deletes lode's leftover temp files directly in `directory` (call under the lock).
  static func removeLeftovers(in directory: String) {
    for (name, _) in (try? FileIO.listDirectory(directory)) ?? [] where name.hasPrefix(TempFile.prefix) {
      unlink(directory + "/" + name)
    }
  }

  /// Lists the folder at `absolute` and everything under it.
  private static func scan(
    _ absolute: String, relative: String, displayPrefix: String, removeLeftovers: Bool,
    into found: inout [ScannedFile]
  ) throws {
    let folders = try scanFolder(
      absolute, relative: relative, displayPrefix: displayPrefix, removeLeftovers: removeLeftovers, into: &found)
    for folder in folders {
      try scan(
        absolute + "/" + folder, relative: relative.isEmpty ? folder : relative + "/" + folder,
        displayPrefix: displayPrefix, removeLeftovers: removeLeftovers, into: &found)
    }
  }

  /// Lists one folder through its descriptor (`fstatat` per name, no path
  /// walks): its files go to `found`; returns the names of its subfolders.
  private static func scanFolder(
    _ absolute: String, relative: String, displayPrefix: String, removeLeftovers: Bool,
    into found: inout [ScannedFile]
  ) throws -> [String] {
    let fd = open(absolute, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
    if fd < 0 {
      if errno == ENOENT { return [] }
      throw systemError("open", absolute)
    }
    guard let dir = fdopendir(fd) else {
      close(fd)
      throw systemError("opendir", absolute)
    }
    defer { closedir(dir) }
    var folders: [String] = []
    while let entry = readdir(dir) {
      let name = FileIO.name(of: entry)
      if name == "." || name == ".." { continue }
      if name.hasPrefix(TempFile.prefix) {
        if removeLeftovers { unlinkat(fd, name, 0) }
        continue
      }
      let path = relative.isEmpty ? name : relative + "/" + name
      guard let stat = try FileStat.of(name, in: fd, path: absolute + "/" + name) else { continue }
      switch stat.kind {
      case .regular: found.append(ScannedFile(path: path, stat: stat))
      case .directory: folders.append(name)
      case .symlink:
        let target = (try? readLink(absolute + "/" + name)) ?? "?"
        throw LodeKitError.symlink(path: Path.join(displayPrefix, path), target: target, outside: false)
      case .other: throw LodeKitError.unsupportedFileType(path: Path.join(displayPrefix, path))
      }
    }
    return folders
  }
}

/// The target of the symlink at `path`.
func readLink(_ path: String) throws -> String {
  var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
  let length = readlink(path, &buffer, buffer.count - 1)
  if length < 0 { throw systemError("readlink", path) }
  return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
