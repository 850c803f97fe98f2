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
    if length < sizes.average {
      let stop = min(count, index + (sizes.average - length))
      if let cut = Self.scan(base, from: index, to: stop, hash: &hash, mask: strictMask) {
        return startChunk(cutAt: cut)
      }
      length += stop - index
      index = stop
      if index == count { return nil }
    }
    let stop = min(count, index + (sizes.maximum - length))
    if let cut = Self.scan(base, from: index, to: stop, hash: &hash, mask: looseMask) {
      return startChunk(cutAt: cut)
    }
    length += stop - index
    if length >= sizes.maximum { return startChunk(cutAt: stop) }
    return nil
  }

  /// Rolls the gear hash over `base[from..<stop]` and returns the index
  /// just after the first byte that leaves `hash & mask` zero, or nil (with
  /// `hash` rolled to `stop`) when none does.
  ///
  /// Rolling is one long dependency chain, so the range is scanned in pairs
  /// of neighbouring blocks at once. The hash's top bits depend only on the
  /// last 64 bytes, so the second block of a pair starts from zero 64 bytes
  /// before its start and reaches exactly the hash the first would have
  /// handed it: the cuts are the ones a byte-at-a-time pass finds. Blocks
  /// are short, so little is scanned past a cut.
  @inline(__always)
  static func scan(
    _ base: UnsafePointer<UInt8>, from: Int, to stop: Int, hash: inout UInt64, mask: UInt64
  ) -> Int? {
    let gear = Gear.table
    let block = scanBlock
    var index = from
    var rolling = hash
    while stop - index >= 2 * block {
      let middle = index + block
      var second: UInt64 = 0
      for warm in (middle - 64)..<middle { second = (second << 1) &+ gear[Int(base[warm])] }
      var other = middle
      var secondCut: Int?
      while index < middle {
        rolling = (rolling << 1) &+ gear[Int(base[index])]
        second = (second << 1) &+ gear[Int(base[other])]
        index += 1
        other += 1
        if rolling & mask == 0 { return index }
        if second & mask == 0 {
          secondCut = other
          break
        }
      }
      if let secondCut {
        // The first block alone, to its end: a cut in it comes first.
        return rollAlone(base, from: &index, to: middle, hash: &rolling, mask: mask) ?? secondCut
      }
      index = other
      rolling = second
    }
    if let cut = rollAlone(base, from: &index, to: stop, hash: &rolling, mask: mask) { return cut }
    hash = rolling
    return nil
  }

  /// `scan` one byte at a time: the index after the first cut in
  /// `base[index..<stop]`, or nil with `index` and `hash` rolled to `stop`.
  @inline(__always)
  private static func rollAlone(
    _ base: UnsafePointer<UInt8>, from index: inout Int, to stop: Int, hash: inout UInt64, mask: UInt64
  ) -> Int? {
    let gear = Gear.table
    while index < stop {
      hash = (hash << 1) &+ gear[Int(base[index])]
      index += 1
      if hash & mask == 0 { return index }
    }
    return nil
  }

  /// Bytes in each block of a scanned pair: long next to the 64 bytes of
  /// warm-up, short next to a chunk.
  static let scanBlock = 16 << 10

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
