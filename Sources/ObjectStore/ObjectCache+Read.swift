import Basics

extension ObjectCache {
  /// Streams the decoded content of `id` into `sink` while hashing it, and
  /// throws `corrupt` unless the content hashes to `id`. The sink may
  /// already have received bytes when that happens: callers write to temp
  /// files and discard them on error, so bad bytes never reach a workspace.
  /// Returns the content size.
  @discardableResult
  public func decode(_ id: ObjectID, into sink: (UnsafeRawBufferPointer) throws -> Void) throws -> Int64 {
    guard let (path, codec) = locate(id) else { throw ObjectStoreError.missing(id) }
    return try decode(id, path: path, codec: codec, into: sink)
  }

  /// As `decode(_:into:)` for a known object file.
  @discardableResult
  public func decode(
    _ id: ObjectID, path: String, codec: Codec, into sink: (UnsafeRawBufferPointer) throws -> Void
  ) throws -> Int64 {
    try decode(id, path: path, codec: codec, hashing: true, releasing: false, into: sink)
  }

  /// As `decode(_:into:)`; without `hashing` the content is not checked
  /// against `id` (this process verified it already), and with `releasing`
  /// each file's pages leave the page cache once read.
  @discardableResult
  func decode(_ id: ObjectID, path: String, codec: Codec, hashing: Bool, releasing: Bool, into sink: ByteSink)
    throws -> Int64
  {
    if codec == .chunked {
      return try decodeChunked(id, listPath: path, hashing: hashing, releasing: releasing, into: sink)
    }
    guard hashing else { return try decodeStream(id, path: path, codec: codec, releasing: releasing, into: sink) }
    let hasher = SHA256()
    let total = try decodeStream(id, path: path, codec: codec) { bytes in
      hasher.update(bytes)
      try sink(bytes)
    }
    let actual = hasher.finalizeHex()
    guard actual == id.hex else {
      throw ObjectStoreError.corrupt(id, path: path, detail: "content hashes to \(actual.prefix(12))…")
    }
    return total
  }

  /// Decodes the byte stream at `path` into `sink` without checking it
  /// against `id` (named in errors); callers hash what they receive. With
  /// `releasing`, the file's pages leave the page cache once read.
  func decodeStream(_ id: ObjectID, path: String, codec: Codec, releasing: Bool = false, into sink: ByteSink)
    throws -> Int64
  {
    let fd = try FileIO.openRead(path)
    defer {
      if releasing { FileIO.releasePages(fd) }
      close(fd)
    }
    return try contexts.with { context in
      var total: Int64 = 0
      let decoder: StreamCodec?
      do { decoder = try context.decompressor(codec) } catch { throw corrupt(id, path, error) }
      func countingSink(_ bytes: UnsafeRawBufferPointer) throws {
        total += Int64(bytes.count)
        try sink(bytes)
      }
      while true {
        let filled = try FileIO.read(fd, into: context.buffer, path: path)
        let chunk = UnsafeRawBufferPointer(rebasing: context.buffer[0..<filled])
        if let decoder {
          do {
            try decoder.process(chunk, final: filled == 0, sink: countingSink)
          } catch let error as ObjectStoreError {
            throw corrupt(id, path, error)
          }
        } else {
          try countingSink(chunk)
        }
        if filled == 0 { break }
      }
      return total
    }
  }

  /// The verified content of a small object (a tree listing).
  public func read(_ id: ObjectID) throws -> [UInt8] {
    var bytes: [UInt8] = []
    try decode(id) { bytes.append(contentsOf: $0) }
    return bytes
  }

  /// Checks that `object` decodes and hashes to its id; returns its content size.
  @discardableResult
  public func verify(_ object: CachedObject) throws -> Int64 {
    try decode(object.id, path: object.path, codec: object.codec) { _ in }
  }

  /// Writes the verified content of `id` to `destination` through a temp file
  /// in the destination's directory, renamed into place only once the
  /// content matched its id: a corrupt object never replaces a file.
  /// `verified`: the caller hashed this object's content against its id
  /// earlier in this process (as it arrived from a remote); it is copied
  /// without hashing it again, and its pages are released from the page
  /// cache once read: an object just fetched is not read again soon, the
  /// workspace copy is the one in use (and, on a VM, the pages just freed
  /// are the cheapest to write that copy into). Objects that were already
  /// in the cache keep their pages: a later checkout of them reads memory.
  /// `inPlace`: `destination` is inside a folder that is itself temporary
  /// (a new directory being checked out whole), so the file is written
  /// under its own name; it is deleted if its content does not verify.
  public func export(
    _ id: ObjectID, to destination: String, executable: Bool, verified: Bool = false, inPlace: Bool = false
  ) throws {
    let mode: mode_t = executable ? 0o777 : 0o666
    let temp =
      inPlace
      ? try TempFile(exactly: destination, mode: mode) : try TempFile(in: Path.parent(of: destination), mode: mode)
    do {
      guard let (path, codec) = locate(id) else { throw ObjectStoreError.missing(id) }
      try decode(id, path: path, codec: codec, hashing: !verified, releasing: verified) {
        try FileIO.writeAll(temp.fd, $0, path: temp.path)
      }
      // Workspace files can be rebuilt from the cache, so they are renamed
      // (atomic) without an fsync each; the cache and pointers are durable.
      if inPlace { temp.closeWithoutPublishing() } else { try temp.publish(as: destination, durable: false) }
    } catch {
      temp.discard()
      throw error
    }
  }

  private func corrupt(_ id: ObjectID, _ path: String, _ error: Error) -> ObjectStoreError {
    .corrupt(id, path: path, detail: "\(error)")
  }
}
