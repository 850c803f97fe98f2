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
    var pending = [""]
    while let relative = pending.popLast() {
      let absolute = relative.isEmpty ? directory : directory + "/" + relative
      guard let entries = try FileIO.listDirectory(absolute) else { continue }
      for (name, _) in entries {
        let path = relative.isEmpty ? name : relative + "/" + name
        guard let stat = try FileStat.of(directory + "/" + path) else { continue }
        switch stat.kind {
        case .regular: found.append(ScannedFile(path: path, stat: stat))
        case .directory: pending.append(path)
        case .symlink:
          let target = (try? readLink(directory + "/" + path)) ?? "?"
          throw LodeKitError.symlink(path: Path.join(displayPrefix, path), target: target, outside: false)
        case .other: throw LodeKitError.unsupportedFileType(path: Path.join(displayPrefix, path))
        }
      }
    }
    return found
  }
}

/// The target of the symlink at `path`.
func readLink(_ path: String) throws -> String {
  var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
  let length = readlink(path, &buffer, buffer.count - 1)
  if length < 0 { throw systemError("readlink", path) }
  return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
