import Basics
import CZlib
import CZstd

/// Receives the output of a streaming codec, one buffer at a time.
typealias ByteSink = (UnsafeRawBufferPointer) throws -> Void

/// A streaming compressor or decompressor. Instances are reused across
/// objects (their contexts are costly to create) but used by one thread at
/// a time.
protocol StreamCodec: AnyObject {
  /// Feeds `input`; `final` flushes and ends the stream. Output goes to `sink`.
  func process(_ input: UnsafeRawBufferPointer, final: Bool, sink: ByteSink) throws
  /// Prepares for a new stream.
  func reset() throws
}

private let outputCapacity = 256 * 1024

/// zstd in either direction, on one reusable context.
final class ZstdStream: StreamCodec {
  private let compressing: Bool
  private let cctx: OpaquePointer?
  private let dctx: OpaquePointer?
  private let output = UnsafeMutableRawBufferPointer.allocate(byteCount: outputCapacity, alignment: 16)
  /// The decoder's last answer that made progress: 0 once a frame is complete.
  private var frameRemaining = 1

  init(compressLevel level: Int32?, workers: Int32 = 0) throws {
    compressing = level != nil
    if let level {
      cctx = ZSTD_createCCtx()
      dctx = nil
      try check(ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level))
      // Multithreading is optional in libzstd builds; without it, one core it is.
      if workers > 0 { _ = ZSTD_CCtx_setParameter(cctx, ZSTD_c_nbWorkers, workers) }
    } else {
      cctx = nil
      dctx = ZSTD_createDCtx()
    }
  }

  deinit {
    if let cctx { ZSTD_freeCCtx(cctx) }
    if let dctx { ZSTD_freeDCtx(dctx) }
    output.deallocate()
  }

  func reset() throws {
    if let cctx { try check(ZSTD_CCtx_reset(cctx, ZSTD_reset_session_only)) }
    if let dctx { try check(ZSTD_DCtx_reset(dctx, ZSTD_reset_session_only)) }
    frameRemaining = 1
  }

  func process(_ input: UnsafeRawBufferPointer, final: Bool, sink: ByteSink) throws {
    var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
    while true {
      var outBuffer = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
      let remaining: Int
      if compressing {
        remaining = try check(
          ZSTD_compressStream2(cctx, &outBuffer, &inBuffer, final ? ZSTD_e_end : ZSTD_e_continue))
      } else {
        let before = inBuffer.pos
        remaining = try check(ZSTD_decompressStream(dctx, &outBuffer, &inBuffer))
        if inBuffer.pos > before || outBuffer.pos > 0 { frameRemaining = remaining }
      }
      if outBuffer.pos > 0 { try sink(UnsafeRawBufferPointer(rebasing: output[0..<outBuffer.pos])) }
      let inputDone = inBuffer.pos == inBuffer.size
      if compressing {
        if inputDone && (!final || remaining == 0) { return }
      } else {
        // The decoder may hold output back until it has room; loop while it fills the buffer.
        if inputDone && outBuffer.pos < outBuffer.size {
          if final && frameRemaining != 0 { throw ObjectStoreError.codec("zstd stream is truncated") }
          return
        }
      }
    }
  }

  @discardableResult
  private func check(_ code: Int) throws -> Int {
    if ZSTD_isError(code) != 0 { throw ObjectStoreError.codec(String(cString: ZSTD_getErrorName(code))) }
    return code
  }
}

/// zlib in either direction, on one reusable `z_stream`.
final class ZlibStream: StreamCodec {
  private let compressing: Bool
  private var stream = z_stream()
  private let output = UnsafeMutableRawBufferPointer.allocate(byteCount: outputCapacity, alignment: 16)

  init(compressLevel level: Int32?) throws {
    compressing = level != nil
    let size = Int32(MemoryLayout<z_stream>.size)
    // deflateInit2/inflateInit are macros Swift cannot see: call the functions they expand to.
    let status =
      if let level {
        deflateInit2_(&stream, level, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY, zlibVersion(), size)
      } else {
        inflateInit_(&stream, zlibVersion(), size)
      }
    if status != Z_OK { throw ObjectStoreError.codec("zlib init failed (\(status))") }
  }

  deinit {
    if compressing { deflateEnd(&stream) } else { inflateEnd(&stream) }
    output.deallocate()
  }

  func reset() throws {
    let status = compressing ? deflateReset(&stream) : inflateReset(&stream)
    if status != Z_OK { throw ObjectStoreError.codec("zlib reset failed (\(status))") }
  }

  func process(_ input: UnsafeRawBufferPointer, final: Bool, sink: ByteSink) throws {
    // avail_in is 32-bit: feed big inputs in slices.
    var offset = 0
    repeat {
      let slice = min(input.count - offset, 1 << 30)
      let last = offset + slice == input.count
      stream.next_in = UnsafeMutablePointer(
        mutating: input.baseAddress?.advanced(by: offset).assumingMemoryBound(to: Bytef.self))
      stream.avail_in = uInt(slice)
      try drain(finishing: final && last, sink: sink)
      offset += slice
    } while offset < input.count
  }

  private func drain(finishing: Bool, sink: ByteSink) throws {
    while true {
      stream.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
      stream.avail_out = uInt(output.count)
      let status =
        compressing ? deflate(&stream, finishing ? Z_FINISH : Z_NO_FLUSH) : inflate(&stream, Z_NO_FLUSH)
      let produced = output.count - Int(stream.avail_out)
      if produced > 0 { try sink(UnsafeRawBufferPointer(rebasing: output[0..<produced])) }
      switch status {
      case Z_STREAM_END: return
      case Z_OK, Z_BUF_ERROR:
        if stream.avail_in == 0 && stream.avail_out != 0 {
          if finishing && !compressing { throw ObjectStoreError.codec("zlib stream is truncated") }
          if !finishing || !compressing { return }
        }
      default:
        throw ObjectStoreError.codec("zlib error \(status)")
      }
    }
  }
}

/// Makes the streaming codec for `codec`, or nil for raw storage.
func makeCodecStream(_ codec: Codec, compressLevel: Int32?) throws -> StreamCodec? {
  switch codec {
  case .none: return nil
  case .zstd: return try ZstdStream(compressLevel: compressLevel)
  case .zlib: return try ZlibStream(compressLevel: compressLevel.map { min(max($0, 1), 9) })
  case .chunked: throw ObjectStoreError.codec("a chunk list is not a byte stream")
  }
}
