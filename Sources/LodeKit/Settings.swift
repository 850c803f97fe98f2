import Basics
import GitBridge
import ObjectStore

/// How checkout puts cache content into the workspace.
public enum CacheType: String, Sendable, CaseIterable {
  /// An independent copy (the default: editing it cannot harm the cache).
  case copy
  /// A hard link to the cache file (read-only, no extra space; raw objects only).
  case hardlink
  /// A copy-on-write clone (no extra space where the file system supports it).
  case reflink
}

/// The settings lode reads from `.lode/config` and `.lode/config.local`
/// (the latter wins). Every key is documented in docs/commands.md.
public struct Settings: Sendable, Equatable {
  public var compression: CompressionPolicy = .standard
  public var cacheType: CacheType = .copy
  /// Stage pointer and `.gitignore` changes in the git index.
  public var autostage = true
  /// Whether the pre-commit hook blocks a commit (instead of only warning).
  public var strictHooks = false
  /// Seconds a command waits for another to release `.lode/lock`.
  public var lockTimeout: Double = 10

  public init() {}

  /// Reads the settings from `config` (layered files), validating each value.
  public init(config: ConfigFile, file: String) throws {
    if let name = try config.string("cache.compression") {
      guard let codec = Codec(rawValue: name), codec != .chunked else {
        throw LodeKitError.badConfigValue(key: "cache.compression", value: name, allowed: "zstd, zlib, none")
      }
      compression.codec = codec
    }
    if let level = try config.integer("cache.level") {
      let range: ClosedRange<Int64> = compression.codec == .zlib ? 1...9 : 1...19
      guard range.contains(level) else {
        throw LodeKitError.badConfigValue(
          key: "cache.level", value: String(level), allowed: "\(range.lowerBound)-\(range.upperBound)")
      }
      compression.level = Int32(level)
    }
    if let type = try config.string("cache.type") {
      guard let parsed = CacheType(rawValue: type) else {
        throw LodeKitError.badConfigValue(key: "cache.type", value: type, allowed: "copy, hardlink, reflink")
      }
      cacheType = parsed
    }
    if try config.bool("cache.chunking") == false { compression.chunkingThreshold = nil }
    autostage = try config.bool("core.autostage") ?? true
    strictHooks = try config.bool("core.stricthooks") ?? false
    if let timeout = try config.integer("core.locktimeout") {
      lockTimeout = Double(timeout)
    }
  }
}
