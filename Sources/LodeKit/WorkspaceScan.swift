import Basics

/// A regular file found inside a tracked directory.
struct ScannedFile: Sendable {
  /// The path relative to the scanned directory.
  let path: String
  let stat: FileStat
}

/// Lists the regular files under a directory, recursively. Symlinks and
/// special files are refused (docs/commands.md, "symlinks"): following a
/// link could read or, at checkout, write outside the repository.
enum WorkspaceScan {
  static func files(in directory: String, displayPrefix: String) throws -> [ScannedFile] {
    var found: [ScannedFile] = []
    try scan(directory, relative: "", displayPrefix: displayPrefix, into: &found)
    return found
  }

  /// Lists one folder through its descriptor (`fstatat` per name, no path
  /// walks), then descends into its subfolders.
  private static func scan(_ absolute: String, relative: String, displayPrefix: String, into found: inout [ScannedFile])
    throws
  {
    let fd = open(absolute, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
    if fd < 0 {
      if errno == ENOENT { return }
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
    for folder in folders {
      try scan(
        absolute + "/" + folder, relative: relative.isEmpty ? folder : relative + "/" + folder,
        displayPrefix: displayPrefix, into: &found)
    }
  }
}

/// The target of the symlink at `path`.
func readLink(_ path: String) throws -> String {
  var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
  let length = readlink(path, &buffer, buffer.count - 1)
  if length < 0 { throw systemError("readlink", path) }
  return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
