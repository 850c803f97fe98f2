import CSHA256Pair

/// The SHA-256 of a byte stream and, at the same time, of each piece it is
/// fed in: a chunked file's id and its chunks' ids from one pass over the
/// bytes. Both hashes run side by side with the x86 SHA instructions, which
/// costs about 0.7 of hashing twice (docs/benchmarks.md). Only where
/// `isSupported`; elsewhere hash the two with `SHA256`.
public final class StreamAndPieceHasher {
  /// Whether this CPU has the SHA instructions (and `LODE_SHA_EXTENSIONS=0`
  /// does not turn them off, which tests use to cover the other path).
  public static let isSupported =
    lode_sha256_pair_supported() != 0 && getenv("LODE_SHA_EXTENSIONS").map { String(cString: $0) } != "0"

  private var stream = lode_sha256()

  public init() {
    precondition(Self.isSupported, "the CPU lacks the SHA instructions")
    lode_sha256_init(&stream)
  }

  /// Feeds `piece` to the stream's hash and returns the piece's own SHA-256
  /// as 64 lowercase hex digits.
  public func next(_ piece: UnsafeRawBufferPointer) -> String {
    var own = lode_sha256()
    lode_sha256_init(&own)
    if let base = piece.baseAddress?.assumingMemoryBound(to: UInt8.self), !piece.isEmpty {
      lode_sha256_update_pair(&stream, base, piece.count, &own, base, piece.count)
    }
    return Self.digest(&own)
  }

  /// The stream's SHA-256 as 64 lowercase hex digits; call once, last.
  public func finalizeHex() -> String { Self.digest(&stream) }

  private static func digest(_ context: inout lode_sha256) -> String {
    var bytes = [UInt8](repeating: 0, count: 32)
    lode_sha256_final(&context, &bytes)
    return hexString(bytes)
  }
}
