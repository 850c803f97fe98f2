import Testing

@testable import Basics

@Suite struct StreamAndPieceHasherTests {
  /// Pieces of every length around the 64-byte block and its padding edges,
  /// and long ones, each checked against OpenSSL, as is the whole stream.
  @Test(.enabled(if: StreamAndPieceHasher.isSupported))
  func agreesWithOpenSSLOnEveryPieceAndTheWholeStream() {
    var lengths = Array(0...130) + [191, 192, 193, 1000, 4096, 4097, 65_536 + 13, 1 << 20]
    var seed: UInt64 = 5
    for _ in 0..<40 {
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      lengths.append(Int(seed >> 45))
    }
    let total = lengths.reduce(0, +)
    var bytes = [UInt8](repeating: 0, count: total)
    for index in bytes.indices {
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      bytes[index] = UInt8(truncatingIfNeeded: seed >> 56)
    }
    let hasher = StreamAndPieceHasher()
    var offset = 0
    bytes.withUnsafeBytes { all in
      for length in lengths {
        let piece = UnsafeRawBufferPointer(rebasing: all[offset..<offset + length])
        #expect(hasher.next(piece) == SHA256.hex(of: Array(piece)), "piece of \(length) bytes")
        offset += length
      }
    }
    #expect(hasher.finalizeHex() == SHA256.hex(of: bytes))
  }

  @Test(.enabled(if: StreamAndPieceHasher.isSupported))
  func anEmptyStreamHashesLikeNothing() {
    #expect(StreamAndPieceHasher().finalizeHex() == SHA256.hex(of: []))
  }
}
