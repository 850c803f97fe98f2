/// How an object's bytes are stored. The codec is part of the object's file
/// name (its suffix), so a cache can hold objects of every codec at once and
/// each file is a standard stream its own tool can read (`zstd -d`, zlib).
public enum Codec: String, CaseIterable, Sendable {
  /// The raw bytes: `sha256sum` of the file prints its id; links can share it.
  case none
  /// A zstd frame.
  case zstd
  /// A zlib (RFC 1950) stream.
  case zlib
  /// Not a byte stream: a chunk list naming the chunk objects whose
  /// concatenation is the content (ChunkList). Never chosen as a compression.
  case chunked

  /// The file-name suffix that marks the codec.
  public var suffix: String {
    switch self {
    case .none: return ""
    case .zstd: return ".zst"
    case .zlib: return ".zlib"
    case .chunked: return ".chunks"
    }
  }

  /// A codec name as written in configuration (`zstd`, `zlib`, `none`).
  public init(configName: String) throws {
    guard let codec = Codec(rawValue: configName), codec != .chunked else {
      throw ObjectStoreError.unknownCodec(configName)
    }
    self = codec
  }
}

/// How new objects are encoded.
public struct CompressionPolicy: Sendable, Equatable {
  /// The codec for content that shrinks.
  public var codec: Codec
  /// The codec's level (zstd 1–19, zlib 1–9).
  public var level: Int32
  /// Content whose sample compresses to more than this fraction of its size
  /// is stored raw: compressing it would cost time and save little.
  public var worthwhileRatio: Double
  /// Files of at least this many bytes are stored as content-defined chunks
  /// (docs/formats.md); nil stores every file as one object.
  public var chunkingThreshold: Int64?
  /// Where chunks are cut.
  public var chunkSizes = ChunkSizes.standard

  /// Twice the largest chunk: smaller files gain little from chunking.
  public static let defaultChunkingThreshold: Int64 = 8 << 20

  /// zstd level 1: on this machine it is as small as level 3 on tabular data
  /// and several times faster than any zlib level (docs/formats.md).
  public static let standard = CompressionPolicy(
    codec: .zstd, level: 1, worthwhileRatio: 0.9, chunkingThreshold: defaultChunkingThreshold)

  public init(codec: Codec, level: Int32, worthwhileRatio: Double, chunkingThreshold: Int64? = nil) {
    self.codec = codec
    self.level = level
    self.worthwhileRatio = worthwhileRatio
    self.chunkingThreshold = chunkingThreshold
  }
}
