import Basics

/// The local content-addressed object store (docs/formats.md):
/// `objects/<2 hex>/<62 hex><codec suffix>` under `root`, temp files under
/// `tmp/`. Objects are immutable and read-only once published; an object
/// that already exists is never rewritten. Safe to share between threads.
public final class ObjectCache: @unchecked Sendable {
  /// The cache directory (`.lode/cache`).
  public let root: String
  /// How new objects are encoded.
  public let policy: CompressionPolicy
  let contexts = ContextPool()

  public init(root: String, policy: CompressionPolicy = .standard) {
    self.root = root
    self.policy = policy
  }

  var objectsDirectory: String { root + "/objects" }
  var tempDirectory: String { root + "/tmp" }

  /// The fan-out folder of `id`.
  func directory(of id: ObjectID) -> String {
    objectsDirectory + "/" + id.hex.prefix(2)
  }

  /// Where `id` lives, or would live, when stored with `codec`.
  public func path(of id: ObjectID, codec: Codec) -> String {
    directory(of: id) + "/" + id.hex.dropFirst(2) + codec.suffix
  }

  /// Where `id` is stored and how, or nil when the cache lacks it.
  public func locate(_ id: ObjectID) -> (path: String, codec: Codec)? {
    for codec in Codec.allCases {
      let candidate = path(of: id, codec: codec)
      if access(candidate, F_OK) == 0 { return (candidate, codec) }
    }
    return nil
  }

  /// Whether the cache holds `id` (in any codec).
  public func contains(_ id: ObjectID) -> Bool { locate(id) != nil }

  /// Which of `ids` the cache holds. Many ids are answered by listing their
  /// fan-out folders (a few hundred readdirs) rather than a lookup per id.
  public func present(_ ids: Set<ObjectID>) -> Set<ObjectID> {
    if ids.count < 512 { return ids.filter(contains) }
    return listed(Array(Set(ids.map { String($0.hex.prefix(2)) }))) { ids.contains($0) }
  }

  /// Every id the cache holds, from a listing of its fan-out folders, when
  /// listing costs less than `lookups` single lookups (each of which tries
  /// every codec's name); nil when it would not. A snapshot: it stays true
  /// only for a writer that holds the repository lock (and re-checks at
  /// publishing what it adds itself).
  public func holdings(replacingLookups lookups: Int) -> Set<ObjectID>? {
    guard lookups >= 512 else { return nil }
    let folders = ((try? FileIO.listDirectory(objectsDirectory)) ?? []).map(\.name).filter { $0.utf8.count == 2 }
    // A directory's size is its blocks; an entry takes about 80 bytes of one.
    let bytes = folders.reduce(Int64(0)) { $0 + ((try? FileStat.of(objectsDirectory + "/" + $1))??.size ?? 0) }
    guard bytes / 80 <= Int64(lookups) * 16 else { return nil }
    return listed(folders) { _ in true }
  }

  /// The ids in fan-out `folders` that `keep` accepts, listed on all cores.
  private func listed(_ folders: [String], keeping keep: @Sendable (ObjectID) -> Bool) -> Set<ObjectID> {
    let found = Locked(Set<ObjectID>())
    try? parallelForEach(folders.count) { index in
      var local = Set<ObjectID>()
      for (name, _) in (try? FileIO.listDirectory(objectsDirectory + "/" + folders[index])) ?? [] {
        guard let (rest, _) = Self.parse(name: name), let id = try? ObjectID(validating: folders[index] + rest),
          keep(id)
        else { continue }
        local.insert(id)
      }
      found.withLock { $0.formUnion(local) }
    }
    return found.withLock { $0 }
  }

  /// Every object file in the cache; leftover temp files and foreign names are skipped.
  public func allObjects() throws -> [CachedObject] {
    var found: [CachedObject] = []
    for (fanout, _) in try FileIO.listDirectory(objectsDirectory) ?? [] where fanout.utf8.count == 2 {
      let folder = objectsDirectory + "/" + fanout
      for (name, _) in try FileIO.listDirectory(folder) ?? [] {
        guard let (rest, codec) = Self.parse(name: name),
          let id = try? ObjectID(validating: fanout + rest)
        else { continue }
        found.append(CachedObject(id: id, codec: codec, path: folder + "/" + name))
      }
    }
    return found.sorted { $0.id < $1.id }
  }

  /// Splits an object file name into its 62 hex digits and its codec.
  static func parse(name: String) -> (String, Codec)? {
    for codec in Codec.allCases.reversed() where !codec.suffix.isEmpty && name.hasSuffix(codec.suffix) {
      return (String(name.dropLast(codec.suffix.count)), codec)
    }
    return name.utf8.count == 62 ? (name, .none) : nil
  }

  /// Deletes temp files left by interrupted writers: those in `tmp/`, and
  /// with `everywhere` those in the fan-out folders too (small objects are
  /// written there; listing every folder is left to gc). Call only while
  /// holding the repository lock, so no live writer's temp file is removed.
  public func removeLeftoverTempFiles(everywhere: Bool = false) {
    var folders = [tempDirectory]
    if everywhere {
      folders += ((try? FileIO.listDirectory(objectsDirectory)) ?? []).map { objectsDirectory + "/" + $0.name }
    }
    for folder in folders {
      for (name, _) in (try? FileIO.listDirectory(folder)) ?? [] where name.hasPrefix(TempFile.prefix) {
        unlink(folder + "/" + name)
      }
    }
  }
}

/// An object file found in the cache.
public struct CachedObject: Sendable, Equatable {
  public let id: ObjectID
  public let codec: Codec
  public let path: String
}
