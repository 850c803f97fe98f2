import Basics
import GitBridge
import ObjectStore

/// A git work tree with a `.lode/` directory: the root of every use-case.
public final class Project {
  /// The work tree root (absolute, symlink-free).
  public let root: String
  public let git: GitRepository
  public let settings: Settings
  public let cache: ObjectCache
  /// The stat index, shared by the use-cases of one command.
  let statIndex: StatIndex

  /// The parts parallel workers may use.
  var workspace: Workspace { Workspace(root: root, cache: cache, statIndex: statIndex) }

  /// The `.lode` directory's name.
  public static let directoryName = ".lode"

  /// Opens the project around the current directory.
  public static func open() throws -> Project {
    let git = try GitRepository.discover()
    let lode = git.workTree + "/" + directoryName
    guard try FileStat.following(lode)?.kind == .directory else {
      throw LodeKitError.notInitialized(workTree: git.workTree)
    }
    return try Project(git: git)
  }

  init(git: GitRepository) throws {
    self.git = git
    self.root = git.workTree
    let lode = root + "/" + Project.directoryName
    let configPath = lode + "/config"
    let config = try ConfigFile(layers: [configPath, lode + "/config.local"])
    self.settings = try Settings(config: config, file: configPath)
    var policy = settings.compression
    // Linked checkouts need the cache file to be the raw bytes.
    if settings.cacheType != .copy {
      policy.codec = .none
      policy.chunkingThreshold = nil
    }
    self.cache = ObjectCache(root: lode + "/cache", policy: policy)
    self.statIndex = StatIndex(path: lode + "/state")
  }

  /// `.lode/` inside the work tree.
  public var lodeDirectory: String { root + "/" + Project.directoryName }

  /// Takes the repository lock for a command that changes lode's state,
  /// then clears temp files that interrupted commands left behind.
  public func lock(for command: String) throws -> FileLock {
    let lock = try FileLock(
      path: lodeDirectory + "/lock", timeout: settings.lockTimeout, description: "lode \(command)")
    cache.removeLeftoverTempFiles()
    return lock
  }

  /// The absolute path of repository-relative `path`.
  public func absolute(_ path: String) -> String { path.isEmpty ? root : root + "/" + path }

  /// Stages `paths` (repository-relative) in the git index when autostage is
  /// on; returns the paths git ignores and that were therefore not staged.
  func stage(_ paths: [String], enabled: Bool) throws -> [String] {
    guard enabled else { return [] }
    var skipped: [String] = []
    var toStage: [String] = []
    for path in paths {
      if try git.isIgnored(path) { skipped.append(path) } else { toStage.append(path) }
    }
    if toStage.isEmpty { return skipped }
    let index = try GitIndex(git)
    if try index.stage(toStage) { try index.write() }
    return skipped
  }
}
