import Basics

/// What `lode remove` did for one path.
public struct RemoveResult: Sendable {
  public let dataPath: String
  public let pointerPath: String
  public let staged: Bool
}

extension Project {
  /// Stops tracking each path: deletes its pointer file and its `.gitignore`
  /// line and stages both changes. The data and the cache are left alone.
  public func remove(_ userPaths: [String], stage: Bool?) throws -> [RemoveResult] {
    let lock = try lock(for: "remove")
    defer { withExtendedLifetime(lock) {} }
    var results: [RemoveResult] = []
    for path in try selectTracked(userPaths, includePipeline: false) {
      try FileIO.removeFile(absolute(path.pointerPath))
      let folder = Path.parent(of: path.dataPath)
      _ = try Gitignore.remove(path.out.path.string, in: absolute(folder))
      let staging = stage ?? settings.autostage
      _ = try self.stage([path.pointerPath, Path.join(folder, ".gitignore")], enabled: staging)
      results.append(RemoveResult(dataPath: path.dataPath, pointerPath: path.pointerPath, staged: staging))
    }
    return results
  }
}
