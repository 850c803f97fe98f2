import Basics
import CLibgit2

/// Layered git-config-syntax files read through libgit2: later files
/// override earlier ones (`.lode/config`, then `.lode/config.local`).
public final class ConfigFile {
  private let handle: OpaquePointer

  /// Reads `paths` in priority order, lowest first; missing files are skipped.
  public init(layers paths: [String]) throws {
    GitRepositoryLibrary.ensureInitialized()
    var handle: OpaquePointer?
    try check(git_config_new(&handle), "create config")
    self.handle = handle!
    for (level, path) in paths.enumerated() where access(path, F_OK) == 0 {
      let priority = git_config_level_t(rawValue: Int32(GIT_CONFIG_LEVEL_LOCAL.rawValue) + Int32(level))
      try check(git_config_add_file_ondisk(self.handle, path, priority, nil, 0), "read \(path)")
    }
  }

  deinit { git_config_free(handle) }

  /// The value of `key` (`section.name` or `section.subsection.name`), or nil.
  public func string(_ key: String) throws -> String? {
    var entry: UnsafeMutablePointer<git_config_entry>?
    let code = git_config_get_entry(&entry, handle, key)
    if code == GIT_ENOTFOUND.rawValue { return nil }
    try check(code, "read \(key)")
    guard let entry else { return nil }
    defer { git_config_entry_free(entry) }
    return Self.value(of: entry)
  }

  /// `key` as a git boolean (`true/yes/on/1`, `false/no/off/0`), or nil.
  public func bool(_ key: String) throws -> Bool? {
    guard try string(key) != nil else { return nil }
    var value: Int32 = 0
    try check(git_config_get_bool(&value, handle, key), "read \(key) as a boolean")
    return value != 0
  }

  /// `key` as an integer (with git's k/m/g suffixes), or nil.
  public func integer(_ key: String) throws -> Int64? {
    guard try string(key) != nil else { return nil }
    var value: Int64 = 0
    try check(git_config_get_int64(&value, handle, key), "read \(key) as a number")
    return value
  }

  /// Every key and value, in file order, for listing.
  public func entries() throws -> [(key: String, value: String)] {
    var iterator: OpaquePointer?
    try check(git_config_iterator_new(&iterator, handle), "list config")
    defer { git_config_iterator_free(iterator) }
    var out: [(String, String)] = []
    var entry: UnsafeMutablePointer<git_config_entry>?
    while git_config_next(&entry, iterator) == 0, let entry {
      out.append((String(cString: entry.pointee.name), Self.value(of: entry)))
    }
    return out
  }

  /// An entry's value. A key written without `=` has none: git reads it as
  /// the boolean true (found by fuzzing: it is a NULL pointer in libgit2).
  private static func value(of entry: UnsafeMutablePointer<git_config_entry>) -> String {
    let value: UnsafePointer<CChar>? = entry.pointee.value
    return value.map { String(cString: $0) } ?? "true"
  }

  /// Sets `key` to `value` in the single file at `path` (created if
  /// missing); libgit2 rewrites it through a lock file and a rename.
  public static func set(_ key: String, _ value: String, in path: String) throws {
    GitRepositoryLibrary.ensureInitialized()
    var handle: OpaquePointer?
    try check(git_config_open_ondisk(&handle, path), "open \(path)")
    defer { git_config_free(handle) }
    try check(git_config_set_string(handle, key, value), "set \(key) in \(path)")
  }

  /// Removes `key` from the file at `path`; a missing key is fine.
  public static func unset(_ key: String, in path: String) throws {
    GitRepositoryLibrary.ensureInitialized()
    var handle: OpaquePointer?
    try check(git_config_open_ondisk(&handle, path), "open \(path)")
    defer { git_config_free(handle) }
    let code = git_config_delete_entry(handle, key)
    if code != GIT_ENOTFOUND.rawValue { try check(code, "unset \(key) in \(path)") }
  }
}

/// One-time libgit2 set-up, shared by every entry point of this module.
enum GitRepositoryLibrary {
  private static let initialized: Bool = {
    git_libgit2_init()
    return true
  }()

  static func ensureInitialized() { _ = initialized }
}
