import Basics

/// What a hook run decided: lines for the user (git shows them) and the exit status.
public struct HookOutcome: Sendable {
  public var messages: [String] = []
  public var exitStatus: Int32 = 0
}

extension Project {
  /// Runs git hook `name` with git's arguments and standard input (docs/hooks.md).
  public func runHook(_ name: String, arguments: [String], input: String) throws -> HookOutcome {
    switch name {
    case "post-checkout":
      // Only branch checkouts (flag 1), and not the steps of a rebase.
      guard arguments.count >= 3, arguments[2] == "1", !git.isRebasing else { return HookOutcome() }
      return syncAfterGit()
    case "post-merge":
      return syncAfterGit()
    case "pre-commit":
      return try warnAboutUncommittedData()
    case "pre-push":
      return try uploadPushedData(remoteName: arguments.first ?? "", input: input)
    default:
      throw LodeKitError.unknownHook(name)
    }
  }

  /// Brings workspace data to the new pointers without clobbering work:
  /// never fails the git command, says what it could not do.
  private func syncAfterGit() -> HookOutcome {
    var outcome = HookOutcome()
    do {
      let result = try checkout([], force: false)
      if !result.written.isEmpty || !result.deleted.isEmpty {
        outcome.messages.append(
          "lode: \(counted(result.written.count, "file")) updated, \(result.deleted.count) deleted")
      }
      if !result.missing.isEmpty {
        outcome.messages.append("lode: \(LodeKitError.missingObjects(paths: result.missing).message); run 'lode pull'")
      }
    } catch let error as LodeError {
      outcome.messages.append("lode: data not updated: \(error.message)")
      if let hint = error.hint { outcome.messages.append("lode: \(hint)") }
    } catch {
      outcome.messages.append("lode: data not updated: \(error)")
    }
    return outcome
  }

  private func warnAboutUncommittedData() throws -> HookOutcome {
    var outcome = HookOutcome()
    let changed = try status([]).filter { $0.state != .clean }.map(\.dataPath)
    guard !changed.isEmpty else { return outcome }
    let names = changed.prefix(5).joined(separator: ", ") + (changed.count > 5 ? " and \(changed.count - 5) more" : "")
    outcome.messages.append("lode: tracked data changed but its pointer was not updated: \(names)")
    outcome.messages.append("lode: run 'lode commit' to record it (or 'lode checkout' to drop the changes)")
    if settings.strictHooks {
      outcome.messages.append("lode: commit stopped (core.strictHooks); 'git commit --no-verify' skips this check")
      outcome.exitStatus = 1
    }
    return outcome
  }

  /// Uploads the objects named by the commits `git push` sends: those
  /// reachable from the pushed refs and not from what the remote has.
  private func uploadPushedData(remoteName: String, input: String) throws -> HookOutcome {
    let zero = String(repeating: "0", count: 40)
    var tips: [String] = []
    var known: [String] = []
    for line in input.split(separator: "\n") {
      let fields = line.split(separator: " ").map(String.init)
      guard fields.count == 4 else { continue }
      if fields[1] != zero { tips.append(fields[1]) }
      if fields[3] != zero { known.append(fields[3]) }
    }
    var outcome = HookOutcome()
    guard !tips.isEmpty else { return outcome }
    var scope = DataScope()
    scope.workspace = false
    scope.commits = try git.commits(from: tips, hiding: known, hidingGlobs: ["refs/remotes/\(remoteName)/*"])
    guard !scope.commits.isEmpty else { return outcome }
    do {
      let result = try push(scope, remote: nil, jobs: nil)
      if !result.missing.isEmpty { throw LodeKitError.missingObjects(paths: result.missing) }
      outcome.messages.append(
        "lode: pushed \(result.transferred) objects (\(formatBytes(result.transferredBytes))) to \(result.remote)")
    } catch let error as LodeError {
      outcome.messages.append("lode: could not upload the data of this push: \(error.message)")
      if let hint = error.hint { outcome.messages.append("lode: \(hint)") }
      outcome.messages.append("lode: git push stopped; fix the above, or skip this check with 'git push --no-verify'")
      outcome.exitStatus = 1
    }
    return outcome
  }
}
