import Basics

/// The reusable per-thread working set for reading and writing objects: a
/// 1 MiB I/O buffer and lazily made codec streams. Memory stays bounded by
/// the number of threads, whatever the size of the files.
final class CodecContext {
  static let bufferSize = 1 << 20
  let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: CodecContext.bufferSize, alignment: 64)
  private var streams: [StreamKey: StreamCodec] = [:]

  private struct StreamKey: Hashable {
    let codec: Codec
    let compressing: Bool
  }

  deinit { buffer.deallocate() }

  /// A reset compressor for `codec` at `level`, or nil for raw.
  func compressor(_ codec: Codec, level: Int32) throws -> StreamCodec? {
    try stream(StreamKey(codec: codec, compressing: true), level: level)
  }

  /// A reset decompressor for `codec`, or nil for raw.
  func decompressor(_ codec: Codec) throws -> StreamCodec? {
    try stream(StreamKey(codec: codec, compressing: false), level: nil)
  }

  private func stream(_ key: StreamKey, level: Int32?) throws -> StreamCodec? {
    if key.codec == .none { return nil }
    if let existing = streams[key] {
      try existing.reset()
      return existing
    }
    let made = try makeCodecStream(key.codec, compressLevel: level)
    streams[key] = made
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
