import Basics

/// The reusable per-thread working set for reading and writing objects: a
/// 1 MiB I/O buffer and lazily made codec streams. Memory stays bounded by
/// the number of threads, whatever the size of the files.
final class CodecContext {
  static let bufferSize = 1 << 20
  let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: CodecContext.bufferSize, alignment: 64)
  private var compressors: [Codec: StreamCodec] = [:]
  private var decompressors: [Codec: StreamCodec] = [:]

  deinit { buffer.deallocate() }

  /// A reset compressor for `codec` at `level`, or nil for raw.
  func compressor(_ codec: Codec, level: Int32) throws -> StreamCodec? {
    if codec == .none { return nil }
    if let existing = compressors[codec] {
      try existing.reset()
      return existing
    }
    let made = try makeCodecStream(codec, compressLevel: level)
    compressors[codec] = made
    return made
  }

  /// A reset decompressor for `codec`, or nil for raw.
  func decompressor(_ codec: Codec) throws -> StreamCodec? {
    if codec == .none { return nil }
    if let existing = decompressors[codec] {
      try existing.reset()
      return existing
    }
    let made = try makeCodecStream(codec, compressLevel: nil)
    decompressors[codec] = made
    return made
  }
}

/// A stack of contexts shared by the threads of one command.
final class ContextPool: @unchecked Sendable {
  private let free = Locked<[CodecContext]>([])

  func with<R>(_ body: (CodecContext) throws -> R) rethrows -> R {
    let context = free.withLock { $0.popLast() } ?? CodecContext()
    defer { free.withLock { $0.append(context) } }
    return try body(context)
  }
}
