import Basics

/// An object written to a temp file and waiting to be published, or one the
/// cache already had (then `tempPath` is nil and nothing needs doing).
public struct PendingObject: Sendable {
  public let id: ObjectID
  /// The raw content size in bytes.
  public let size: Int64
  public let codec: Codec
  /// The source file's stat as it was read (nil for in-memory objects).
  public let source: FileStat?
  let tempPath: String?
  /// A chunked file's new chunks, published before its chunk list.
  let chunks: [PendingObject]
  /// A received chunk list not yet verified (`verifyReceived`): the chunks
  /// the cache must hold before it can be checked and published.
  public let awaitingChunks: ChunkList?

  init(
    id: ObjectID, size: Int64, codec: Codec, source: FileStat?, tempPath: String?, chunks: [PendingObject] = [],
    awaitingChunks: ChunkList? = nil
  ) {
    self.id = id
    self.size = size
    self.codec = codec
    self.source = source
    self.tempPath = tempPath
    self.chunks = chunks
    self.awaitingChunks = awaitingChunks
  }

  /// Whether publishing will add a new object to the cache.
  public var isNew: Bool { tempPath != nil }
}

extension ObjectCache {
  /// Bytes of the first chunk compressed to decide whether content shrinks.
  static let probeSize = 64 * 1024
  /// The same for each chunk of a chunked file: a GiB has a thousand
  /// chunks, and probing 64 KiB of each would cost 6 % of compressing it all.
  static let chunkProbeSize = 16 * 1024
  /// Bytes written to a large object between requests that the kernel
  /// start writing them to disk, so publishing's flush finds little left.
  /// Chunks of 256 KiB and more (1/32 of it) ask once they are written;
  /// small files leave it to the one flush of the whole batch.
  static let writebackInterval = 8 << 20

  /// Reads `path` once, hashing it and writing its encoded bytes to a temp
  /// file as it goes, so memory stays at one buffer whatever the size.
  /// `codecOverride` forces a codec (e.g. raw for link-based checkouts).
  /// Throws `changedWhileReading` if the file's size or mtime moved during
  /// the read: its id would not describe what was stored. `holdings` (from
  /// `holdings(replacingLookups:)`) answers whether the cache has the
  /// object instead of a lookup.
  public func write(file path: String, codecOverride: Codec? = nil, holdings: Set<ObjectID>? = nil) throws
    -> PendingObject
  {
    let fd = try FileIO.openRead(path)
    defer { close(fd) }
    let before = try FileStat.open(fd, path: path)
    return try contexts.with { context in
      var filled = try FileIO.readFull(fd, into: context.buffer, path: path)
      if let threshold = policy.chunkingThreshold, before.size >= threshold, codecOverride == nil {
        return try writeChunked(fd: fd, path: path, before: before, filled: filled, context: context)
      }
      if filled < context.buffer.count {
        return try writeWhole(
          UnsafeRawBufferPointer(rebasing: context.buffer[0..<filled]), fd: fd, path: path, before: before,
          codecOverride: codecOverride, holdings: holdings, context: context)
      }
      let sample = UnsafeRawBufferPointer(rebasing: context.buffer[0..<min(filled, Self.probeSize)])
      let codec = try codecOverride ?? chooseCodec(sample: sample, context: context)
      let compressor = try context.compressor(codec, level: policy.level)
      let temp = try TempFile(in: tempDirectory, mode: 0o444, makingDirectory: true)
      let hasher = SHA256()
      var total: Int64 = 0
      do {
        var unflushed = 0
        let sink: ByteSink = { bytes in
          try FileIO.writeAll(temp.fd, bytes, path: temp.path)
          unflushed += bytes.count
          if unflushed >= Self.writebackInterval {
            temp.startWriteback()
            unflushed = 0
          }
        }
        while true {
          let chunk = UnsafeRawBufferPointer(rebasing: context.buffer[0..<filled])
          hasher.update(chunk)
          total += Int64(filled)
          let atEnd = filled < context.buffer.count
          if let compressor {
            try compressor.process(chunk, final: atEnd, sink: sink)
          } else {
            try sink(chunk)
          }
          if atEnd { break }
          filled = try FileIO.readFull(fd, into: context.buffer, path: path)
          if filled == 0, let compressor {
            try compressor.process(UnsafeRawBufferPointer(start: nil, count: 0), final: true, sink: sink)
            break
          }
        }
        try checkUnchanged(fd, path: path, before: before, bytesRead: total)
      } catch {
        temp.discard()
        throw error
      }
      let id = ObjectID(trusted: hasher.finalizeHex())
      temp.closeWithoutPublishing()
      if holdings?.contains(id) ?? contains(id) {
        unlink(temp.path)
        return PendingObject(id: id, size: total, codec: codec, source: before, tempPath: nil)
      }
      return PendingObject(id: id, size: total, codec: codec, source: before, tempPath: temp.path)
    }
  }

  /// A file that fit in one buffer: its id is known before anything is
  /// written, so an object the cache has costs no write at all, and a new
  /// one is written straight into its fan-out folder (the publishing rename
  /// then stays within one directory).
  private func writeWhole(
    _ content: UnsafeRawBufferPointer, fd: Int32, path: String, before: FileStat, codecOverride: Codec?,
    holdings: Set<ObjectID>?, context: CodecContext
  ) throws -> PendingObject {
    let hasher = SHA256()
    hasher.update(content)
    let id = ObjectID(trusted: hasher.finalizeHex())
    try checkUnchanged(fd, path: path, before: before, bytesRead: Int64(content.count))
    if holdings?.contains(id) ?? contains(id) {
      return PendingObject(id: id, size: Int64(content.count), codec: .none, source: before, tempPath: nil)
    }
    return try storeNew(content, id: id, source: before, codecOverride: codecOverride, context: context)
  }

  /// Writes content whose id is known and new to the cache into a temp file
  /// in its fan-out folder, encoded with the codec its first bytes call for.
  func storeNew(
    _ content: UnsafeRawBufferPointer, id: ObjectID, source: FileStat?, codecOverride: Codec?, context: CodecContext,
    probeSize: Int = ObjectCache.probeSize
  ) throws -> PendingObject {
    let sample = UnsafeRawBufferPointer(rebasing: content[0..<min(content.count, probeSize)])
    let codec = try codecOverride ?? chooseCodec(sample: sample, context: context)
    let folder = directory(of: id)
    let temp = try TempFile(in: folder, mode: 0o444, makingDirectory: true)
    do {
      let sink: ByteSink = { try FileIO.writeAll(temp.fd, $0, path: temp.path) }
      if let compressor = try context.compressor(codec, level: policy.level) {
        try compressor.process(content, final: true, sink: sink)
      } else {
        try sink(content)
      }
    } catch {
      temp.discard()
      throw error
    }
    if content.count >= Self.writebackInterval / 32 { temp.startWriteback() }
    temp.closeWithoutPublishing()
    return PendingObject(id: id, size: Int64(content.count), codec: codec, source: source, tempPath: temp.path)
  }

  /// Encodes in-memory `bytes` (a tree listing) into a temp file.
  public func write(bytes: [UInt8]) throws -> PendingObject {
    let id = ObjectID.of(bytes)
    if contains(id) { return PendingObject(id: id, size: Int64(bytes.count), codec: .none, source: nil, tempPath: nil) }
    return try contexts.with { context in
      let codec = policy.codec
      let compressor = try context.compressor(codec, level: policy.level)
      let temp = try TempFile(in: tempDirectory, mode: 0o444, makingDirectory: true)
      do {
        let sink: ByteSink = { try FileIO.writeAll(temp.fd, $0, path: temp.path) }
        try bytes.withUnsafeBytes { raw in
          if let compressor { try compressor.process(raw, final: true, sink: sink) } else { try sink(raw) }
        }
      } catch {
        temp.discard()
        throw error
      }
      temp.closeWithoutPublishing()
      return PendingObject(id: id, size: Int64(bytes.count), codec: codec, source: nil, tempPath: temp.path)
    }
  }

  /// Makes pending objects visible under their ids, durably: their data is
  /// flushed before any is renamed into place (so no object whose bytes
  /// could be lost is ever visible), then the renames are flushed. Many
  /// objects are flushed with one `syncfs` instead of one fsync each.
  /// `alreadyPresent` answers which of a set of ids the cache holds, in
  /// place of asking the cache (a writer that holds the lock and wrote only
  /// what the cache lacked knows: `BatchPublisher`).
  public func publish(_ objects: [PendingObject], alreadyPresent: ((Set<ObjectID>) -> Set<ObjectID>)? = nil) throws {
    // A chunk list is never visible before its chunks.
    let chunks = objects.flatMap(\.chunks)
    if !chunks.isEmpty { try publishNow(chunks, alreadyPresent: alreadyPresent) }
    try publishNow(objects, alreadyPresent: alreadyPresent)
  }

  private func publishNow(_ objects: [PendingObject], alreadyPresent: ((Set<ObjectID>) -> Set<ObjectID>)?) throws {
    let fresh = objects.filter { $0.tempPath != nil }
    if let unverified = fresh.first(where: { $0.awaitingChunks != nil }) {
      throw ObjectStoreError.corrupt(unverified.id, path: unverified.tempPath!, detail: "chunk list not verified")
    }
    if fresh.isEmpty { return }
    let batch = fresh.count > 16
    if batch {
      try syncFileSystem()
    } else {
      for object in fresh { try syncFile(object.tempPath!) }
    }
    // Folder by folder (renames into one folder queue on its lock), a big
    // batch on all cores.
    let byFolder = Dictionary(grouping: fresh) { directory(of: $0.id) }
    let folders = Array(byFolder.keys)
    let ids = Set(fresh.map(\.id))
    let existing = alreadyPresent?(ids) ?? present(ids)
    try parallelForEach(folders.count, workers: batch ? ProcessorCount.value : 1) { index in
      var renamed = Set<ObjectID>()
      for object in byFolder[folders[index]]! {
        let temp = object.tempPath!
        // Published already, by another writer or earlier in this batch: identical content, keep it.
        if existing.contains(object.id) || !renamed.insert(object.id).inserted {
          unlink(temp)
          continue
        }
        try FileIO.rename(temp, path(of: object.id, codec: object.codec), makingDirectory: true)
      }
    }
    if batch {
      try syncFileSystem()
    } else {
      for folder in folders { try FileIO.syncDirectory(folder) }
    }
  }

  /// Deletes the temp files of objects that will not be published (a batch
  /// that failed part-way), so a failure leaves nothing behind.
  public func discard(_ objects: [PendingObject]) {
    for object in objects {
      if let temp = object.tempPath { unlink(temp) }
      discard(object.chunks)
    }
  }

  /// Picks the codec for content whose first bytes are `sample`: the
  /// policy's codec when a trial compression of the sample shrinks it enough.
  func chooseCodec(sample: UnsafeRawBufferPointer, context: CodecContext) throws -> Codec {
    guard let probe = try context.compressor(policy.codec, level: policy.level), sample.count > 0 else {
      return .none
    }
    var produced = 0
    try probe.process(sample, final: true) { produced += $0.count }
    let ratio = Double(produced) / Double(sample.count)
    return ratio <= policy.worthwhileRatio ? policy.codec : .none
  }

  private func syncFile(_ path: String) throws {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { throw systemError("open", path) }
    defer { close(fd) }
    try FileIO.sync(fd, path: path)
  }

  private func syncFileSystem() throws { try FileIO.syncFileSystem(containing: root) }
}
