import Basics
import ObjectStore
import Remotes

/// How a tracked path's objects are spread between the cache and a remote.
public struct RemotePathStatus: Sendable {
  public enum State: String, Sendable {
    /// Both the cache and the remote have every object.
    case inSync = "in sync"
    /// The cache has objects the remote lacks: run `lode push`.
    case notPushed = "not pushed"
    /// The remote has objects the cache lacks: run `lode pull`.
    case missingLocally = "missing locally"
    /// Some objects are in neither place.
    case missing = "missing everywhere"
  }
  public let dataPath: String
  public let state: State
  /// Objects counted for this path, and how many of them are in each place.
  public let objects: Int
  public let local: Int
  public let onRemote: Int
}

extension Project {
  /// Compares the cache with remote `name` (default when nil) for every
  /// tracked path, or those named.
  public func remoteStatus(_ userPaths: [String], remote name: String?, jobs: Int? = nil) throws
    -> (remote: String, paths: [RemotePathStatus])
  {
    let (remoteName, remote) = try openRemote(name)
    try remote.checkAccess(write: false)
    var perPath: [(String, [ObjectID])] = []
    for tracked in try selectTracked(userPaths) {
      var ids = [tracked.out.id]
      if tracked.out.kind == .dir, let tree = try cachedTree(tracked.out.id) { ids += tree.entries.map(\.id) }
      perPath.append((tracked.dataPath, Array(Set(ids))))
    }
    let index = try RemoteIndex(
      remote: remote, ids: Array(Set(perPath.flatMap(\.1))), workers: jobs ?? defaultTransferJobs)
    let statuses = perPath.map { path, ids in
      let local = ids.filter(cache.contains)
      let remoteCount = ids.filter(index.contains).count
      let notPushed = local.contains { !index.contains($0) }
      let nowhere = ids.contains { !cache.contains($0) && !index.contains($0) }
      let state: RemotePathStatus.State =
        notPushed ? .notPushed : nowhere ? .missing : local.count < ids.count ? .missingLocally : .inSync
      return RemotePathStatus(
        dataPath: path, state: state, objects: ids.count, local: local.count, onRemote: remoteCount)
    }
    return (remoteName, statuses)
  }
}
