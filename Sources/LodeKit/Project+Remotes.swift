import Basics
import GitBridge
import Remotes

/// A configured remote.
public struct RemoteConfig: Sendable, Equatable {
  public let name: String
  public let url: String
  public let isDefault: Bool
  /// Every `remote.NAME.*` setting, including `url`.
  public let settings: [String: String]
}

extension Project {
  /// The configured remotes, sorted by name.
  public func remotes() throws -> [RemoteConfig] {
    let entries = try configEntries()
    var found: [String: [String: String]] = [:]
    var defaultName: String?
    for (key, value) in entries {
      if key == "core.remote" { defaultName = value }
      guard key.hasPrefix("remote."), let dot = key.lastIndex(of: ".") else { continue }
      let name = String(key[key.index(key.startIndex, offsetBy: 7)..<dot])
      if name.isEmpty { continue }
      found[name, default: [:]][String(key[key.index(after: dot)...])] = value
    }
    return found.keys.sorted().compactMap { name in
      guard let url = found[name]?["url"] else { return nil }
      return RemoteConfig(name: name, url: url, isDefault: name == defaultName, settings: found[name]!)
    }
  }

  /// Adds remote `name` at `url` in `.lode/config` (or config.local), optionally as the default.
  public func addRemote(_ name: String, url: String, makeDefault: Bool, local: Bool) throws {
    try Self.checkRemoteName(name)
    if try remotes().contains(where: { $0.name == name }) { throw RemoteError.remoteExists(name) }
    try RemoteURL.validate(url, repositoryRoot: root)
    try setConfig("remote.\(name).url", url, local: local)
    if makeDefault { try setConfig("core.remote", name, local: local) }
  }

  /// Removes remote `name` (from whichever config file has it) and unsets it as default.
  public func removeRemote(_ name: String) throws {
    guard let remote = try remotes().first(where: { $0.name == name }) else { throw RemoteError.unknownRemote(name) }
    for local in [false, true] {
      for key in remote.settings.keys { try unsetConfig("remote.\(name).\(key)", local: local) }
      if try configValue("core.remote") == name { try unsetConfig("core.remote", local: local) }
    }
  }

  /// Makes `name` the default remote.
  public func setDefaultRemote(_ name: String, local: Bool) throws {
    guard try remotes().contains(where: { $0.name == name }) else { throw RemoteError.unknownRemote(name) }
    try setConfig("core.remote", name, local: local)
  }

  /// Sets `remote.NAME.KEY`, checking the URL and settings it makes (no
  /// network). Credentials may only go into `.lode/config.local`.
  public func modifyRemote(_ name: String, key: String, value: String, local: Bool) throws {
    guard let remote = try remotes().first(where: { $0.name == name }) else { throw RemoteError.unknownRemote(name) }
    if RemoteURL.isCredentialSetting(key) && !local {
      throw RemoteError.credentialsInCommittedConfig(remote: name, key: key)
    }
    var settings = remote.settings
    settings[key] = value
    try RemoteURL.validate(settings["url"] ?? remote.url, settings: settings, repositoryRoot: root)
    try setConfig("remote.\(name).\(key)", value, local: local)
  }

  /// Opens remote `name`, or the default remote when `name` is nil.
  public func openRemote(_ name: String?) throws -> (name: String, remote: Remote) {
    let all = try remotes()
    let chosen: RemoteConfig?
    if let name {
      chosen = all.first { $0.name == name }
      if chosen == nil { throw RemoteError.unknownRemote(name) }
    } else {
      chosen = all.first(where: \.isDefault)
      if chosen == nil { throw RemoteError.noDefaultRemote }
    }
    let remote = chosen!
    // Credentials are read from config.local only; one in the committed file is refused, never used.
    let committed = try ConfigFile(layers: [configPath])
    for key in remote.settings.keys where RemoteURL.isCredentialSetting(key) {
      if try committed.string("remote.\(remote.name).\(key)") != nil {
        throw RemoteError.credentialsInCommittedConfig(remote: remote.name, key: key)
      }
    }
    return (remote.name, try RemoteURL.open(remote.url, settings: remote.settings, repositoryRoot: root))
  }

  static func checkRemoteName(_ name: String) throws {
    let allowed = name.unicodeScalars.allSatisfy {
      ($0.properties.isAlphabetic && $0.isASCII) || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)
    }
    if name.isEmpty || !allowed || name.hasPrefix(".") { throw RemoteError.badName(name) }
  }
}
