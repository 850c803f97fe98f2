import Basics

/// Failures of lode's project use-cases, each naming the file or path it is about.
public enum LodeKitError: LodeError, Equatable {
  /// The git work tree has no `.lode/` directory.
  case notInitialized(workTree: String)
  /// `lode init` found an existing `.lode/`.
  case alreadyInitialized(path: String)
  /// A path given on the command line is outside the repository.
  case outsideRepository(path: String)
  /// A path the user asked for does not exist.
  case noSuchPath(path: String)
  /// A path git already tracks cannot also be tracked by lode.
  case trackedByGit(path: String)
  /// Paths under `.lode/` or `.git/` cannot be added.
  case reservedPath(path: String)
  /// A path component is named like lode's temp files, which checkout deletes.
  case tempFileName(path: String)
  /// The path lies inside a directory lode already tracks.
  case insideTrackedDirectory(path: String, directory: String)
  /// The directory contains paths lode already tracks on their own.
  case containsTrackedPaths(path: String, pointers: [String])
  /// A symlink lode will not follow (it points outside the repository, or lies inside a tracked directory).
  case symlink(path: String, target: String, outside: Bool)
  /// Something other than a regular file or directory (socket, device, FIFO).
  case unsupportedFileType(path: String)
  /// The path is not tracked by lode.
  case notTracked(path: String)
  /// Checkout would overwrite or delete workspace files with changes the cache does not hold.
  case uncommittedChanges(paths: [String])
  /// Checking out would write through a symlink or over a non-directory.
  case unsafeWorkspace(path: String, detail: String)
  /// A configuration value is not one of the allowed ones.
  case badConfigValue(key: String, value: String, allowed: String)
  /// Some objects failed verification.
  case damagedObjects(count: Int)
  /// Some tracked paths could not be checked out because their objects are missing.
  case missingObjects(paths: [String])
  /// A directory's tree object is needed but neither the cache nor the remote has it.
  case unknownTree(path: String)
  /// Cleaning a remote was not confirmed.
  case gcNotConfirmed(remote: String)
  /// `lode repro` found no lode.yaml.
  case noPipeline(root: String)
  /// `lode hook` was given a hook name it does not know.
  case unknownHook(String)
  /// Objects of these paths are not on the remote.
  case notOnRemote(paths: [String], remote: String)
  /// Objects downloaded from the remote did not match their ids and were refused.
  case corruptOnRemote(count: Int, remote: String)

  public var message: String {
    switch self {
    case .notInitialized(let root): return "\(root) is not a lode project (no .lode directory)"
    case .alreadyInitialized(let path): return "\(path) already exists"
    case .outsideRepository(let path): return "\(path) is outside the repository"
    case .noSuchPath(let path): return "\(path) does not exist"
    case .trackedByGit(let path): return "\(path) is already tracked by git"
    case .reservedPath(let path): return "\(path) is inside lode's or git's own directory"
    case .tempFileName(let path):
      return "\(path) is named like lode's temp files (.lode-tmp-*), which checkout deletes; rename it"
    case .insideTrackedDirectory(let path, let directory):
      return "\(path) is inside \(directory), which lode already tracks"
    case .containsTrackedPaths(let path, let pointers):
      return "\(path) contains paths lode already tracks: \(listed(pointers))"
    case .symlink(let path, let target, let outside):
      return outside
        ? "\(path) is a symlink to \(target), outside the repository"
        : "\(path) is a symlink (to \(target)); lode tracks regular files and directories"
    case .unsupportedFileType(let path): return "\(path) is not a regular file or directory"
    case .notTracked(let path): return "\(path) is not tracked by lode"
    case .uncommittedChanges(let paths):
      return "checkout would overwrite changes that are not in the cache: \(listed(paths))"
    case .unsafeWorkspace(let path, let detail): return "refusing to write \(path): \(detail)"
    case .badConfigValue(let key, let value, let allowed):
      return "\(key) = '\(value.debugEscaped)' is not valid (allowed: \(allowed))"
    case .damagedObjects(let count): return "\(count) damaged object\(count == 1 ? "" : "s") in the cache"
    case .missingObjects(let paths): return "objects missing from the cache for \(listed(paths))"
    case .unknownTree(let path): return "the tree of \(path) is not in the cache, so the files it lists are unknown"
    case .gcNotConfirmed(let remote): return "not cleaning remote \(remote) without confirmation"
    case .noPipeline(let root): return "no lode.yaml in \(root)"
    case .unknownHook(let name): return "unknown hook '\(name.debugEscaped)'"
    case .notOnRemote(let paths, let remote): return "objects missing on remote \(remote) for \(listed(paths))"
    case .corruptOnRemote(let count, let remote):
      return
        "\(count) object\(count == 1 ? "" : "s") on remote \(remote) \(count == 1 ? "is" : "are") damaged; nothing damaged entered the cache"
    }
  }

  public var hint: String? {
    switch self {
    case .notInitialized: return "run 'lode init' at the top of the git work tree"
    case .alreadyInitialized: return "use 'lode init --force' to repair it (config and cache are kept)"
    case .outsideRepository: return "lode tracks paths inside the git work tree only"
    case .trackedByGit(let path): return "run 'git rm -r --cached \(path)' first to let lode track it"
    case .insideTrackedDirectory(_, let directory): return "run 'lode commit \(directory)' to record changes inside it"
    case .containsTrackedPaths: return "run 'lode remove' on those paths first"
    case .symlink: return "add the symlink's target instead"
    case .notTracked: return "run 'lode add' to track it"
    case .uncommittedChanges: return "run 'lode commit' to keep them, or 'lode checkout --force' to discard them"
    case .unsafeWorkspace: return "move the symlink or file out of the way and run the command again"
    case .damagedObjects: return "delete the damaged objects and 'lode pull' them, or re-add the data"
    case .missingObjects: return "run 'lode pull' to fetch them from a remote"
    case .unknownTree: return "run 'lode fetch' with the same options first, so lode knows every file in use"
    case .noPipeline: return "add stages with 'lode stage add' (docs/pipelines.md)"
    case .gcNotConfirmed: return "run it on a terminal to answer the prompt, or add --force"
    case .notOnRemote: return "run 'lode push' on a machine that has them"
    case .corruptOnRemote:
      return "delete the damaged files on the remote and 'lode push' them again from a machine with good copies"
    default: return nil
    }
  }
}

private func listed(_ paths: [String]) -> String {
  let shown = paths.prefix(5).joined(separator: ", ")
  return paths.count > 5 ? "\(shown) and \(paths.count - 5) more" : shown
}
