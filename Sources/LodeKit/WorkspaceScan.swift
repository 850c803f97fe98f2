import Basics

/// A regular file found inside a tracked directory.
struct ScannedFile: Sendable {
  /// The path relative to the scanned directory.
  let path: String
  let stat: FileStat
}

/// What one scan of a tracked directory found.
struct DirectoryScan: Sendable {
  /// Its regular files (empty when the scan only fingerprinted).
  var files: [ScannedFile]
  /// A digest of every file's relative path and stat (size, times, inode,
  /// device, mode) in listing order: equal fingerprints mean every file is
  /// where it was with the stat it had (docs/formats.md, "clean-trees").
  var fingerprint: String
  /// The clock reading from which every file's mtime and ctime are settled
  /// (`settledAt`): a scan that began then or later saw stats that any
  /// later write must change.
  var settled: Int64
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
    try scan(in: directory, displayPrefix: displayPrefix, removeLeftovers: removeLeftovers).files
  }

  /// Scans `directory`; with `collect` false only the fingerprint and
  /// `settled` are computed (no string is built per file).
  static func scan(in directory: String, displayPrefix: String, removeLeftovers: Bool = false, collect: Bool = true)
    throws -> DirectoryScan
  {
    var top = Listing(displayPrefix: displayPrefix, removeLeftovers: removeLeftovers, collect: collect)
    let folders = try top.folder(directory, relative: "")
    // The subfolders' trees are listed on all cores (lstat is most of the cost), kept in order.
    let subtrees = Locked([Listing?](repeating: nil, count: folders.count))
    try parallelForEach(folders.count) { index in
      var listing = Listing(displayPrefix: displayPrefix, removeLeftovers: removeLeftovers, collect: collect)
      try listing.tree(directory + "/" + folders[index], relative: folders[index])
      subtrees.withLock { $0[index] = listing }
    }
    let digest = SHA256()
    digest.update(top.digest())
    var files = top.files
    var settled = top.settled
    for case let subtree? in subtrees.withLock({ $0 }) {
      digest.update(subtree.digest())
      files += subtree.files
      settled = max(settled, subtree.settled)
    }
    return DirectoryScan(files: files, fingerprint: digest.finalizeHex(), settled: settled)
  }

  /// Deletes lode's leftover temp files and folders (a staged directory of
  /// a killed checkout) directly in `directory` (call under the lock).
  static func removeLeftovers(in directory: String) {
    for (name, _) in (try? FileIO.listDirectory(directory)) ?? [] where name.hasPrefix(TempFile.prefix) {
      let path = directory + "/" + name
      if unlink(path) != 0 && errno == EISDIR && TempFile.isMadeName(name) { try? FileIO.removeTree(path) }
    }
  }
}

/// The files of one part of a scan, and the bytes of their fingerprint records.
private struct Listing {
  let displayPrefix: String
  let removeLeftovers: Bool
  let collect: Bool
  var files: [ScannedFile] = []
  var records: [UInt8] = []
  var settled = Int64.min

  func digest() -> [UInt8] {
    let hasher = SHA256()
    hasher.update(records)
    return hasher.finalize()
  }

  /// Lists the folder at `absolute` and everything under it.
  mutating func tree(_ absolute: String, relative: String) throws {
    for folder in try self.folder(absolute, relative: relative) {
      try tree(absolute + "/" + folder, relative: relative + "/" + folder)
    }
  }

  /// Lists one folder through its descriptor (`fstatat` per name, no path
  /// walks): its files are recorded; returns the names of its subfolders.
  mutating func folder(_ absolute: String, relative: String) throws -> [String] {
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
    let prefix: [UInt8] = relative.isEmpty ? [] : Array((relative + "/").utf8)
    while let entry = readdir(dir) {
      let name = FileIO.namePointer(of: entry)
      let length = strlen(name)
      if isDotOrDotDot(name, length) { continue }
      if length >= Self.tempPrefix.count, memcmp(name, Self.tempPrefix, Self.tempPrefix.count) == 0 {
        if removeLeftovers { unlinkat(fd, name, 0) }
        continue
      }
      func path() -> String { relative.isEmpty ? String(cString: name) : relative + "/" + String(cString: name) }
      guard let stat = try FileStat.of(cName: name, in: fd, path: absolute + "/" + String(cString: name)) else {
        continue
      }
      switch stat.kind {
      case .regular:
        record(prefix: prefix, name: name, length: length, stat: stat)
        if collect { files.append(ScannedFile(path: path(), stat: stat)) }
      case .directory: folders.append(String(cString: name))
      case .symlink:
        let target = (try? readLink(absolute + "/" + String(cString: name))) ?? "?"
        throw LodeKitError.symlink(path: Path.join(displayPrefix, path()), target: target, outside: false)
      case .other: throw LodeKitError.unsupportedFileType(path: Path.join(displayPrefix, path()))
      }
    }
    return folders
  }

  private static let tempPrefix = Array(TempFile.prefix.utf8)

  private func isDotOrDotDot(_ name: UnsafePointer<CChar>, _ length: Int) -> Bool {
    name[0] == 0x2E && (length == 1 || (length == 2 && name[1] == 0x2E))
  }

  /// Appends the file's record: its relative path, a NUL, then size, mtime,
  /// ctime, inode, device and mode as little-endian 64-bit integers.
  private mutating func record(prefix: [UInt8], name: UnsafePointer<CChar>, length: Int, stat: FileStat) {
    records += prefix
    records.append(contentsOf: UnsafeRawBufferPointer(start: name, count: length))
    records.append(0)
    append(UInt64(bitPattern: stat.size))
    append(UInt64(bitPattern: stat.mtimeNanoseconds))
    append(UInt64(bitPattern: stat.ctimeNanoseconds))
    append(stat.inode)
    append(stat.device)
    append(UInt64(stat.mode))
    settled = max(settled, settledAt(stat.mtimeNanoseconds), settledAt(stat.ctimeNanoseconds))
  }

  private mutating func append(_ value: UInt64) {
    withUnsafeBytes(of: value.littleEndian) { records.append(contentsOf: $0) }
  }
}

/// The target of the symlink at `path`.
func readLink(_ path: String) throws -> String {
  var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
  let length = readlink(path, &buffer, buffer.count - 1)
  if length < 0 { throw systemError("readlink", path) }
  return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
