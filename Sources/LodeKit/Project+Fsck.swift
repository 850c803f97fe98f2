import Basics
import ObjectStore

/// What `lode fsck` found.
public struct FsckResult: Sendable {
  /// Objects checked.
  public var checked = 0
  /// Bytes of decoded content checked.
  public var bytes: Int64 = 0
  /// Objects whose bytes do not match their id or cannot be read, with the reason.
  public var damaged: [(id: ObjectID, path: String, problem: String)] = []
}

extension Project {
  /// Verifies every object in the cache against its id, on all cores.
  public func fsck() throws -> FsckResult {
    let objects = try cache.allObjects()
    let result = Locked(FsckResult())
    let progress = Progress("verifying", totalItems: objects.count)
    defer { progress.finish() }
    let cache = self.cache
    try parallelForEach(objects.count) { index in
      let object = objects[index]
      do {
        let size = try cache.verify(object)
        result.withLock {
          $0.checked += 1
          $0.bytes += size
        }
        progress.advance(bytes: size)
      } catch let error as LodeError {
        let problem: String
        if case ObjectStoreError.corrupt(_, _, let detail) = error { problem = detail } else { problem = error.message }
        result.withLock {
          $0.checked += 1
          $0.damaged.append((object.id, object.path, problem))
        }
      }
    }
    return result.withLock { r in
      r.damaged.sort { $0.id < $1.id }
      return r
    }
  }
}
