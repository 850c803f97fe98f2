import Basics

/// How objects are named outside the cache (on remotes): the same relative
/// layout as inside it, `objects/<2 hex>/<62 hex><codec suffix>`, so a remote
/// holds objects exactly as the cache stores them and nothing is re-encoded.
public enum ObjectName {
  /// The relative name of `id` encoded with `codec`.
  public static func of(_ id: ObjectID, codec: Codec) -> String {
    "objects/" + id.hex.prefix(2) + "/" + id.hex.dropFirst(2) + codec.suffix
  }

  /// The fan-out folder holding `id`'s names.
  public static func folder(of id: ObjectID) -> String { "objects/" + id.hex.prefix(2) }

  /// The id and codec a name stands for, or nil for anything else.
  public static func parse(_ name: String) -> (ObjectID, Codec)? {
    let parts = name.split(separator: "/")
    guard parts.count == 3, parts[0] == "objects", parts[1].utf8.count == 2,
      let (rest, codec) = ObjectCache.parse(name: String(parts[2])),
      let id = try? ObjectID(validating: String(parts[1]) + rest)
    else { return nil }
    return (id, codec)
  }
}

extension ObjectCache {
  /// Receives the encoded bytes of `id` (as stored elsewhere with `codec`)
  /// from `producer`, writing them to a temp file while decoding and hashing
  /// them. Unless the content hashes to `id`, the temp file is deleted and
  /// `corrupt` is thrown naming `source`: bad bytes never enter the cache.
  /// A chunk list comes back awaiting its chunks (`verifyReceived`).
  public func receive(
    _ id: ObjectID, codec: Codec, source: String,
    from producer: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void
  ) throws -> PendingObject {
    if codec == .chunked { return try receiveChunkList(id, source: source, from: producer) }
    // The temp file sits in the object's own folder, so publishing is a
    // rename within one folder (parallel receives then do not queue on the
    // file system's cross-folder rename lock).
    let folder = directory(of: id)
    let temp = try TempFile(in: folder, mode: 0o444, makingDirectory: true)
    do {
      let size = try contexts.with { context -> Int64 in
        let hasher = SHA256()
        var total: Int64 = 0
        let decoder = try context.decompressor(codec)
        func hashed(_ bytes: UnsafeRawBufferPointer) {
          hasher.update(bytes)
          total += Int64(bytes.count)
        }
        do {
          try producer { encoded in
            try FileIO.writeAll(temp.fd, encoded, path: temp.path)
            if let decoder { try decoder.process(encoded, final: false, sink: hashed) } else { hashed(encoded) }
          }
          try decoder?.process(UnsafeRawBufferPointer(start: nil, count: 0), final: true, sink: hashed)
        } catch let error as ObjectStoreError {
          throw ObjectStoreError.corrupt(id, path: source, detail: error.message)
        }
        let actual = hasher.finalizeHex()
        guard actual == id.hex else {
          throw ObjectStoreError.corrupt(id, path: source, detail: "content hashes to \(actual.prefix(12))…")
        }
        return total
      }
      temp.closeWithoutPublishing()
      return PendingObject(id: id, size: size, codec: codec, source: nil, tempPath: temp.path)
    } catch {
      temp.discard()
      throw error
    }
  }
}
