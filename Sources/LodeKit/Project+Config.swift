import Basics
import GitBridge
import Remotes

extension Project {
  var configPath: String { lodeDirectory + "/config" }
  var localConfigPath: String { lodeDirectory + "/config.local" }

  /// The effective value of `key` (config.local over config), or nil.
  public func configValue(_ key: String) throws -> String? {
    try ConfigFile(layers: [configPath, localConfigPath]).string(key)
  }

  /// Every effective setting, later layers last.
  public func configEntries() throws -> [(key: String, value: String)] {
    try ConfigFile(layers: [configPath, localConfigPath]).entries()
  }

  /// Every effective setting for display: credentials are shown as `***`.
  public func displayedConfigEntries() throws -> [(key: String, value: String)] {
    try configEntries().map { RemoteURL.isCredentialConfigKey($0.key) ? ($0.key, "***") : $0 }
  }

  /// Sets `key` in `.lode/config` (or `config.local`), validating known keys first.
  public func setConfig(_ key: String, _ value: String, local: Bool) throws {
    if !local && RemoteURL.isCredentialConfigKey(key) {
      let parts = key.split(separator: ".")
      throw RemoteError.credentialsInCommittedConfig(
        remote: parts.dropFirst().dropLast().joined(separator: "."), key: String(parts.last ?? ""))
    }
    let lock = try lock(for: "config")
    defer { withExtendedLifetime(lock) {} }
    let path = local ? localConfigPath : configPath
    try ConfigFile.set(key, value, in: path)
    do {
      _ = try Settings(config: ConfigFile(layers: [configPath, localConfigPath]), file: path)
    } catch {
      try ConfigFile.unset(key, in: path)
      throw error
    }
    if !local { _ = try stage([Project.directoryName + "/config"], enabled: settings.autostage) }
  }

  /// Removes `key` from `.lode/config` (or `config.local`).
  public func unsetConfig(_ key: String, local: Bool) throws {
    let lock = try lock(for: "config")
    defer { withExtendedLifetime(lock) {} }
    try ConfigFile.unset(key, in: local ? localConfigPath : configPath)
    if !local { _ = try stage([Project.directoryName + "/config"], enabled: settings.autostage) }
  }
}
