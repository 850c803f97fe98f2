import Basics
import GitBridge

/// What `lode init` did.
public struct InitResult: Sendable {
  public let root: String
  /// Repository paths staged in git (empty when git ignores them or staging is off).
  public let staged: [String]
}

extension Project {
  /// The committed `.lode/.gitignore`: everything in `.lode/` that is per-machine.
  static let lodeGitignore = """
    # Per-machine lode state: never committed.
    /config.local
    /cache/
    /tmp/
    /state
    /lock

    """

  /// Creates `.lode/` at the top of the work tree around the current
  /// directory: `config` (git-config syntax) and `.gitignore`, both staged in
  /// git. An existing `.lode/` is an error unless `force`, which rewrites
  /// `.gitignore`, creates a missing config and keeps the config and cache.
  public static func initialize(force: Bool, stage: Bool = true) throws -> InitResult {
    let git = try GitRepository.discover()
    let lode = git.workTree + "/" + directoryName
    if try FileStat.of(lode) != nil && !force {
      throw LodeKitError.alreadyInitialized(path: lode)
    }
    try FileIO.makeDirectories(lode)
    let lock = try FileLock(path: lode + "/lock", timeout: Settings().lockTimeout, description: "lode init")
    defer { withExtendedLifetime(lock) {} }
    try AtomicFile.write(lodeGitignore, to: lode + "/.gitignore")
    let config = lode + "/config"
    let configMissing = try FileStat.of(config) == nil
    if configMissing {
      try AtomicFile.write("", to: config)
      // Written through libgit2 so the file is exactly what git-config syntax readers expect.
      try ConfigFile.set("core.autostage", "true", in: config)
    }
    try FileIO.makeDirectories(lode + "/cache")
    let project = try Project(git: git)
    let paths = [directoryName + "/config", directoryName + "/.gitignore"]
    let skipped = try project.stage(paths, enabled: stage && project.settings.autostage)
    let staged = stage && project.settings.autostage ? paths.filter { !skipped.contains($0) } : []
    return InitResult(root: git.workTree, staged: staged)
  }
}
