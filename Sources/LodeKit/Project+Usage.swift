import Basics
import ObjectStore

/// What `lode du` found: how much data the scope tracks, how much of it is
/// distinct content, and how much the cache spends storing that content.
public struct DiskUsage: Sendable, Equatable {
  /// Files tracked in scope (a file in several versions counts in each).
  public var files = 0
  /// Their bytes, as the workspace holds them.
  public var logicalBytes: Int64 = 0
  /// Bytes of distinct content: identical files and identical chunks once.
  public var uniqueBytes: Int64 = 0
  /// Bytes the cache uses for that content (compressed), chunk lists and trees included.
  public var storedBytes: Int64 = 0
  /// Files whose content the cache lacks (not counted above).
  public var missing = 0
  /// The whole cache, whatever uses it.
  public var cacheObjects = 0
  public var cacheBytes: Int64 = 0

  /// Bytes saved by storing identical content once.
  public var dedupSavings: Int64 { logicalBytes - uniqueBytes }
  /// Bytes saved by compression (negative when chunk lists and trees cost more).
  public var compressionSavings: Int64 { uniqueBytes - storedBytes }
}

extension Project {
  /// Measures the data in `scope` against the cache (docs/commands.md, `lode du`).
  public func diskUsage(_ scope: DataScope) throws -> DiskUsage {
    var usage = DiskUsage()
    var files: [ObjectID: Int64] = [:]
    var listed = Set<ObjectID>()
    func storedSize(_ path: String) throws -> Int64 { try FileStat.of(path)?.size ?? 0 }
    for out in try outs(in: scope) {
      switch out.kind {
      case .file:
        usage.files += 1
        usage.logicalBytes += out.size
        files[out.id] = out.size
      case .dir:
        guard let tree = try cachedTree(out.id), let (path, _) = cache.locate(out.id) else {
          usage.missing += 1
          continue
        }
        usage.storedBytes += try storedSize(path)
        for entry in tree.entries {
          usage.files += 1
          usage.logicalBytes += entry.size
          files[entry.id] = entry.size
        }
      }
    }
    for (id, size) in files {
      guard let (path, codec) = cache.locate(id) else {
        usage.missing += 1
        continue
      }
      guard codec == .chunked else {
        if listed.insert(id).inserted {
          usage.uniqueBytes += size
          usage.storedBytes += try storedSize(path)
        }
        continue
      }
      usage.storedBytes += try storedSize(path)
      for chunk in try ChunkList(readingFile: path).entries where listed.insert(chunk.id).inserted {
        usage.uniqueBytes += chunk.size
        if let (chunkPath, _) = cache.locate(chunk.id) { usage.storedBytes += try storedSize(chunkPath) }
      }
    }
    for object in try cache.allObjects() {
      usage.cacheObjects += 1
      usage.cacheBytes += try storedSize(object.path)
    }
    return usage
  }
}
