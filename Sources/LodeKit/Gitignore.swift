import Basics

/// Edits the `.gitignore` beside a pointer file so git ignores the data:
/// one anchored line `/NAME` per tracked name, added once, removed on
/// `lode remove`; every other line is kept as the user wrote it.
enum Gitignore {
  /// The anchored, escaped pattern that matches exactly `name` in its folder.
  static func pattern(for name: String) -> String {
    var escaped = ""
    for (offset, character) in name.enumerated() {
      if "*?[\\".contains(character) || (offset == 0 && (character == "#" || character == "!")) {
        escaped.append("\\")
      }
      escaped.append(character)
    }
    if escaped.hasSuffix(" ") { escaped = String(escaped.dropLast()) + "\\ " }
    return "/" + escaped
  }

  /// Adds the pattern for `name` to `directory/.gitignore`; returns whether the file changed.
  static func add(_ name: String, in directory: String) throws -> Bool {
    let path = directory + "/.gitignore"
    let line = pattern(for: name)
    let existing = try FileIO.readFileIfPresent(path).map { String(decoding: $0, as: UTF8.self) } ?? ""
    let lines = existing.split(separator: "\n", omittingEmptySubsequences: false)
    if lines.contains(where: { $0 == line }) { return false }
    var text = existing
    if !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
    text += line + "\n"
    try AtomicFile.write(text, to: path)
    return true
  }

  /// Removes the pattern for `name`; deletes the file when nothing is left.
  /// Returns whether the file changed.
  static func remove(_ name: String, in directory: String) throws -> Bool {
    let path = directory + "/.gitignore"
    guard let bytes = try FileIO.readFileIfPresent(path) else { return false }
    let line = pattern(for: name)
    let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
    let kept = lines.filter { $0 != line }
    if kept.count == lines.count { return false }
    let text = kept.joined(separator: "\n")
    if text.allSatisfy({ $0 == "\n" }) {
      try FileIO.removeFile(path)
    } else {
      try AtomicFile.write(text, to: path)
    }
    return true
  }
}
