import Basics

extension ObjectCache {
  /// Stores the file open at `fd` as content-defined chunks plus a chunk
  /// list under the whole file's id. The first `filled` bytes are already
  /// in the context's buffer. This thread reads and finds the cuts; the
  /// chunk writer's threads hash the whole file and hash and store each
  /// chunk (a chunk the cache already has costs no compression and no write).
  func writeChunked(fd: Int32, path: String, before: FileStat, filled first: Int, context: CodecContext) throws
    -> PendingObject
  {
    let writer = ChunkWriter(cache: self)
    var chunker = Chunker(sizes: policy.chunkSizes)
    var total: Int64 = 0
    do {
      var filled = first
      while filled > 0 {
        let data = UnsafeRawBufferPointer(rebasing: context.buffer[0..<filled])
        total += Int64(filled)
        var offset = 0
        while offset < filled {
          let rest = UnsafeRawBufferPointer(rebasing: data[offset...])
          if let cut = chunker.cut(rest) {
            writer.append(UnsafeRawBufferPointer(rebasing: rest[0..<cut]))
            writer.endChunk()
            offset += cut
          } else {
            writer.append(rest)
            offset = filled
          }
        }
        filled = try FileIO.readFull(fd, into: context.buffer, path: path)
      }
      writer.endChunk()
      try checkUnchanged(fd, path: path, before: before, bytesRead: total)
    } catch {
      discard((try? writer.finish())?.fresh ?? [])
      throw error
    }
    let (id, entries, fresh) = try writer.finish()
    if contains(id) {
      discard(fresh)
      return PendingObject(id: id, size: total, codec: .chunked, source: before, tempPath: nil)
    }
    let list = ChunkList(entries: entries).encoded()
    let folder = directory(of: id)
    var temp: TempFile?
    do {
      temp = try TempFile(in: folder, mode: 0o444, makingDirectory: true)
      try list.withUnsafeBytes { try FileIO.writeAll(temp!.fd, $0, path: temp!.path) }
    } catch {
      temp?.discard()
      discard(fresh)
      throw error
    }
    temp!.closeWithoutPublishing()
    return PendingObject(id: id, size: total, codec: .chunked, source: before, tempPath: temp!.path, chunks: fresh)
  }

  /// The chunk list of `id` when the cache stores it chunked.
  public func chunkList(of id: ObjectID) throws -> ChunkList? {
    let path = self.path(of: id, codec: .chunked)
    guard access(path, F_OK) == 0 else { return nil }
    return try ChunkList(readingFile: path)
  }

  /// Streams the content of the chunked file `id`, whose chunk list is at
  /// `listPath`, into `sink`, and throws unless the reassembled content
  /// hashes to `id` (with `hashing`; `releasing` as for `decode`). Chunks
  /// are not hashed one by one on the way (the whole file's hash covers
  /// them); only when the whole is wrong is each chunk checked, to name the
  /// damaged one.
  func decodeChunked(
    _ id: ObjectID, listPath: String, hashing: Bool = true, releasing: Bool = false, into sink: ByteSink
  ) throws -> Int64 {
    let list: ChunkList
    do { list = try ChunkList(readingFile: listPath) } catch let error as ObjectStoreError {
      throw ObjectStoreError.corrupt(id, path: listPath, detail: error.message)
    }
    let whole = hashing ? SHA256() : nil
    var total: Int64 = 0
    for entry in list.entries {
      let (path, codec) = try chunkLocation(entry.id, of: id, listPath: listPath)
      let size = try decodeStream(entry.id, path: path, codec: codec, releasing: releasing) { bytes in
        whole?.update(bytes)
        try sink(bytes)
      }
      if size != entry.size {
        try verifyChunks(list, of: id, listPath: listPath)
        throw ObjectStoreError.corrupt(
          id, path: listPath, detail: "chunk \(entry.id.short)… has \(size) bytes, not \(entry.size)")
      }
      total += size
    }
    if let actual = whole?.finalizeHex(), actual != id.hex {
      try verifyChunks(list, of: id, listPath: listPath)
      throw ObjectStoreError.corrupt(id, path: listPath, detail: "its chunks reassemble to \(actual.prefix(12))…")
    }
    return total
  }

  /// Where chunk `chunk` of `id` is stored; a chunk must be a byte stream.
  private func chunkLocation(_ chunk: ObjectID, of id: ObjectID, listPath: String) throws -> (String, Codec) {
    guard let (path, codec) = locate(chunk) else { throw ObjectStoreError.missingChunk(id, chunk: chunk) }
    if codec == .chunked {
      throw ObjectStoreError.corrupt(id, path: listPath, detail: "chunk \(chunk.short)… is itself a chunk list")
    }
    return (path, codec)
  }

  /// Decodes and hashes every chunk of `list`, throwing the first damage found.
  private func verifyChunks(_ list: ChunkList, of id: ObjectID, listPath: String) throws {
    for entry in list.entries {
      let (path, codec) = try chunkLocation(entry.id, of: id, listPath: listPath)
      try decode(entry.id, path: path, codec: codec) { _ in }
    }
  }

  /// Receives the chunk list of `id` from `producer` into a temp file and
  /// parses it. The result cannot be published until `verifyReceived`
  /// confirmed, once its chunks are in the cache, that they reassemble to `id`.
  func receiveChunkList(
    _ id: ObjectID, source: String, from producer: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void
  ) throws -> PendingObject {
    let temp = try TempFile(in: tempDirectory, mode: 0o444, makingDirectory: true)
    do {
      var bytes: [UInt8] = []
      try producer { encoded in
        guard bytes.count + encoded.count <= ChunkList.maximumEncodedSize else {
          throw ObjectStoreError.badChunkList(path: source, detail: "the list is too large")
        }
        bytes.append(contentsOf: encoded)
      }
      let list = try ChunkList(parsing: bytes, source: source)
      try bytes.withUnsafeBytes { try FileIO.writeAll(temp.fd, $0, path: temp.path) }
      temp.closeWithoutPublishing()
      return PendingObject(
        id: id, size: list.size, codec: .chunked, source: nil, tempPath: temp.path, awaitingChunks: list)
    } catch let error as ObjectStoreError {
      temp.discard()
      throw ObjectStoreError.corrupt(id, path: source, detail: error.message)
    } catch {
      temp.discard()
      throw error
    }
  }

  /// Checks that a received chunk list's chunks, now in the cache,
  /// reassemble to its id; the returned object can be published. Throws
  /// `corrupt` (naming `source`) or `missingChunk` otherwise.
  public func verifyReceived(_ pending: PendingObject, source: String) throws -> PendingObject {
    guard pending.awaitingChunks != nil, let temp = pending.tempPath else { return pending }
    do {
      _ = try decodeChunked(pending.id, listPath: temp) { _ in }
    } catch ObjectStoreError.corrupt(let id, _, let detail) where id == pending.id {
      throw ObjectStoreError.corrupt(id, path: source, detail: detail)
    }
    return PendingObject(id: pending.id, size: pending.size, codec: .chunked, source: nil, tempPath: temp)
  }
}
