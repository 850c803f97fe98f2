import Basics

/// What `lode install` did to one hook.
public struct HookChange: Sendable {
  public enum Action: String, Sendable {
    case installed, alreadyInstalled = "already installed", chained = "installed, chaining to the existing hook"
    case removed, restored = "removed, restored the earlier hook", leftAlone = "left alone (not lode's)"
  }
  public let name: String
  public let path: String
  public let action: Action
}

extension Project {
  /// The suffix under which a hook that existed before `lode install` is
  /// kept; lode's hook runs it first.
  static let chainedSuffix = ".lode-chained"

  /// Puts lode's hooks into the repository's hooks folder (honouring
  /// `core.hooksPath`). An existing hook is never overwritten: it is kept
  /// as `NAME.lode-chained` and lode's hook runs it first.
  public func installHooks() throws -> [HookChange] {
    let folder = try git.hooksDirectory()
    try FileIO.makeDirectories(folder)
    var changes: [HookChange] = []
    for (name, script) in HookScripts.all {
      let path = folder + "/" + name
      let wanted = Array((script + "\n").utf8)
      let existing = try FileIO.readFileIfPresent(path)
      if existing == wanted {
        changes.append(HookChange(name: name, path: path, action: .alreadyInstalled))
        continue
      }
      var action = HookChange.Action.installed
      if existing != nil {
        let chained = path + Self.chainedSuffix
        if try FileStat.of(chained) != nil {
          throw LodeKitError.unsafeWorkspace(
            path: chained, detail: "it exists already, so \(path) cannot be kept there")
        }
        try FileIO.rename(path, chained)
        action = .chained
      }
      try AtomicFile.write(wanted, to: path, mode: 0o777)
      changes.append(HookChange(name: name, path: path, action: action))
    }
    return changes
  }

  /// Removes lode's hooks and puts back the hooks they chained to.
  public func uninstallHooks() throws -> [HookChange] {
    let folder = try git.hooksDirectory()
    var changes: [HookChange] = []
    for (name, script) in HookScripts.all {
      let path = folder + "/" + name
      let chained = path + Self.chainedSuffix
      guard try FileIO.readFileIfPresent(path) == Array((script + "\n").utf8) else {
        if try FileStat.of(path) != nil { changes.append(HookChange(name: name, path: path, action: .leftAlone)) }
        continue
      }
      if try FileStat.of(chained) != nil {
        try FileIO.rename(chained, path)
        changes.append(HookChange(name: name, path: path, action: .restored))
      } else {
        try FileIO.removeFile(path)
        changes.append(HookChange(name: name, path: path, action: .removed))
      }
    }
    return changes
  }
}
