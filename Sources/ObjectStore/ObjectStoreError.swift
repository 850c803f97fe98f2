import Basics

/// Failures of the object cache.
public enum ObjectStoreError: LodeError, Equatable {
  /// A string that should be an object id is not 64 lowercase hex digits.
  case invalidID(String)
  /// The object is not in the cache.
  case missing(ObjectID)
  /// The object's bytes (at `path`) do not hash to its id, or do not decode.
  case corrupt(ObjectID, path: String, detail: String)
  /// A codec name in the configuration is unknown.
  case unknownCodec(String)
  /// The compression library reported an error.
  case codec(String)
  /// A file changed while lode was reading it, so its id cannot be trusted.
  case changedWhileReading(path: String)
  /// A chunk list does not parse.
  case badChunkList(path: String, detail: String)
  /// A chunked file's chunk is not in the cache.
  case missingChunk(ObjectID, chunk: ObjectID)

  public var message: String {
    switch self {
    case .invalidID(let text): return "'\(text.debugEscaped)' is not an object id (64 lowercase hex digits)"
    case .missing(let id): return "object \(id) is not in the cache"
    case .corrupt(let id, let path, let detail): return "object \(id) is corrupt (\(path)): \(detail)"
    case .unknownCodec(let name): return "unknown compression '\(name.debugEscaped)' (use zstd, zlib or none)"
    case .codec(let detail): return "compression failed: \(detail)"
    case .changedWhileReading(let path): return "\(path) changed while it was being read"
    case .badChunkList(let path, let detail): return "chunk list \(path) is damaged: \(detail)"
    case .missingChunk(let id, let chunk): return "object \(id) is incomplete: its chunk \(chunk) is not in the cache"
    }
  }

  public var hint: String? {
    switch self {
    case .missing, .missingChunk: return "run 'lode pull' to fetch it from a remote"
    case .corrupt, .badChunkList:
      return "run 'lode fsck' to list damaged objects; delete them and 'lode pull' or re-add the data"
    case .unknownCodec: return "set cache.compression in .lode/config to zstd, zlib or none"
    case .changedWhileReading: return "wait until the file is no longer being written and run the command again"
    default: return nil
    }
  }
}
