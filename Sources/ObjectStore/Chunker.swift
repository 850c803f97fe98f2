/// Sizes of content-defined chunks (docs/formats.md, "Chunked files").
public struct ChunkSizes: Sendable, Equatable {
  /// No cut is made before this many bytes (and the gear hash skips them).
  public let minimum: Int
  /// The expected size: cuts are hard to find before it and easy after.
  public let average: Int
  /// A chunk that reaches this size is cut whatever its content.
  public let maximum: Int

  /// 256 KiB / 1 MiB / 4 MiB: about 1,000 chunks a GiB, so a chunk list
  /// stays near 75 KiB a GiB while one edit costs one or two chunks.
  public static let standard = ChunkSizes(minimum: 256 << 10, average: 1 << 20, maximum: 4 << 20)

  /// Sizes must be powers of two with minimum < average < maximum.
  public init(minimum: Int, average: Int, maximum: Int) {
    precondition(average.nonzeroBitCount == 1 && minimum < average && average < maximum)
    self.minimum = minimum
    self.average = average
    self.maximum = maximum
  }
}

/// A FastCDC-style content-defined chunker with normalized chunking. A
/// 64-bit gear hash rolls over the bytes (`h = h << 1 + gear[byte]`, so
/// `h`'s top bits depend on the last ~64 bytes only); a cut falls after a
/// byte where the top bits of `h` are all zero. Before `average` the test
/// uses two more bits than log2(average), after it two fewer, which pulls
/// chunk sizes toward the average. The same bytes always cut at the same
/// places, so an insertion moves only the cuts next to it.
///
/// Streaming: feed consecutive buffers to `cut(_:)`; it remembers where the
/// current chunk started.
public struct Chunker {
  public let sizes: ChunkSizes
  private let strictMask: UInt64
  private let looseMask: UInt64
  private var length = 0
  private var hash: UInt64 = 0

  public init(sizes: ChunkSizes = .standard) {
    self.sizes = sizes
    let bits = sizes.average.trailingZeroBitCount
    strictMask = ~UInt64(0) << UInt64(64 - (bits + 2))
    looseMask = ~UInt64(0) << UInt64(64 - (bits - 2))
  }

  /// How many leading bytes of `data` complete the current chunk, or nil
  /// when all of `data` belongs to it (the chunk goes on in the next buffer).
  /// After a cut, the next call starts a new chunk with the remaining bytes.
  public mutating func cut(_ data: UnsafeRawBufferPointer) -> Int? {
    guard let base = data.baseAddress?.assumingMemoryBound(to: UInt8.self), !data.isEmpty else { return nil }
    let count = data.count
    var index = 0
    if length < sizes.minimum {
      index = min(sizes.minimum - length, count)
      length += index
      if length < sizes.minimum { return nil }
    }
    let gear = Gear.table
    var hash = self.hash
    if length < sizes.average {
      let start = index
      let stop = min(count, index + (sizes.average - length))
      while index < stop {
        hash = (hash << 1) &+ gear[Int(base[index])]
        index += 1
        if hash & strictMask == 0 { return startChunk(cutAt: index) }
      }
      length += index - start
      if index == count {
        self.hash = hash
        return nil
      }
    }
    let start = index
    let stop = min(count, index + (sizes.maximum - length))
    while index < stop {
      hash = (hash << 1) &+ gear[Int(base[index])]
      index += 1
      if hash & looseMask == 0 { return startChunk(cutAt: index) }
    }
    length += index - start
    if length >= sizes.maximum { return startChunk(cutAt: index) }
    self.hash = hash
    return nil
  }

  private mutating func startChunk(cutAt index: Int) -> Int {
    length = 0
    hash = 0
    return index
  }
}

/// The gear table: 256 fixed pseudo-random words from splitmix64 with a
/// fixed seed. It must never change: it decides where every cut falls, and
/// the same cuts are what let two versions of a file share chunks.
enum Gear {
  nonisolated(unsafe) static let table: UnsafePointer<UInt64> = {
    let words = UnsafeMutablePointer<UInt64>.allocate(capacity: 256)
    var state: UInt64 = 0x6c6f_6465_6364_6331  // "lodecdc1"
    for index in 0..<256 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      words[index] = z ^ (z >> 31)
    }
    return UnsafePointer(words)
  }()
}
