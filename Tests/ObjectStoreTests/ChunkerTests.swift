import Basics
import Foundation
import Testing

@testable import ObjectStore

/// The chunk sizes of `bytes`, fed to a chunker in pieces of `piece` bytes.
func cuts(_ bytes: [UInt8], sizes: ChunkSizes = .standard, piece: Int = 1 << 20) -> [Int] {
  var chunker = Chunker(sizes: sizes)
  var lengths: [Int] = []
  var current = 0
  bytes.withUnsafeBytes { all in
    var start = 0
    while start < all.count {
      var buffer = UnsafeRawBufferPointer(rebasing: all[start..<min(all.count, start + piece)])
      start += buffer.count
      while let cut = chunker.cut(buffer) {
        lengths.append(current + cut)
        current = 0
        buffer = UnsafeRawBufferPointer(rebasing: buffer[cut...])
      }
      current += buffer.count
    }
  }
  if current > 0 { lengths.append(current) }
  return lengths
}

let smallChunks = ChunkSizes(minimum: 2048, average: 8192, maximum: 32768)

@Suite struct ChunkerTests {
  @Test func chunksStayWithinTheirSizesAndAverageNearTheTarget() {
    let bytes = noise(24 << 20, seed: 7)
    let lengths = cuts(bytes)
    #expect(lengths.reduce(0, +) == bytes.count)
    for length in lengths.dropLast() {
      #expect(length >= ChunkSizes.standard.minimum && length <= ChunkSizes.standard.maximum)
    }
    let average = bytes.count / lengths.count
    #expect(average > 640 << 10 && average < 1600 << 10, "average chunk \(average)")
  }

  @Test(arguments: [1, 4095, 65536, 1 << 20, 5 << 20])
  func cutsDoNotDependOnHowTheBytesArrive(piece: Int) {
    let bytes = noise(600_000, seed: 3)
    #expect(cuts(bytes, sizes: smallChunks, piece: piece) == cuts(bytes, sizes: smallChunks, piece: 600_000))
  }

  @Test func anInsertionMovesOnlyTheCutsNearIt() {
    let original = noise(2_000_000, seed: 11)
    var edited = original
    edited.insert(contentsOf: noise(5000, seed: 12), at: 1_000_000)
    func chunks(_ bytes: [UInt8]) -> Set<[UInt8]> {
      var start = 0
      var found = Set<[UInt8]>()
      for length in cuts(bytes, sizes: smallChunks) {
        found.insert(Array(bytes[start..<start + length]))
        start += length
      }
      return found
    }
    let before = chunks(original)
    let after = chunks(edited)
    let changed = after.subtracting(before)
    let changedBytes = changed.reduce(0) { $0 + $1.count }
    #expect(changedBytes < 5000 + 3 * smallChunks.maximum, "\(changedBytes) bytes in new chunks")
    #expect(before.intersection(after).count > before.count - 4)
  }

  @Test(arguments: [1, 1000, 4095, 65536, 1 << 20])
  func cutsMatchAByteAtATimeReference(piece: Int) {
    // Noise, text-like bytes with few values, and runs that force maximum-size chunks.
    var mixed = noise(300_000, seed: 21).map { $0 % 7 }
    mixed += [UInt8](repeating: 9, count: 100_000) + noise(200_000, seed: 22)
    for bytes in [noise(700_000, seed: 20), mixed] {
      #expect(cuts(bytes, sizes: smallChunks, piece: piece) == referenceCuts(bytes, sizes: smallChunks))
    }
    if piece >= 65536 {
      let big = noise(12 << 20, seed: 23)
      #expect(cuts(big, piece: piece) == referenceCuts(big, sizes: .standard))
    }
  }

  @Test func scanningInPairsOfBlocksFindsTheCutsOfOneRollingPass() {
    // The second block of a pair starts from a warmed-up hash; cuts in its
    // first bytes are where a short warm-up would show. Start scans so a
    // cut falls there, and compare with one rolling pass.
    let bytes = noise(1 << 20, seed: 30)
    let mask = ~UInt64(0) << 52  // a cut every ~4 KiB
    var rolled: [UInt64] = []  // the hash after each byte, rolling from the start
    var hash: UInt64 = 0
    for byte in bytes {
      hash = (hash << 1) &+ Gear.table[Int(byte)]
      rolled.append(hash)
    }
    let hits = rolled.indices.filter { rolled[$0] & mask == 0 }
    let block = Chunker.scanBlock
    var checked = 0
    bytes.withUnsafeBufferPointer { buffer in
      for hit in hits where hit > block + 200 {
        for lead in [0, 1, 31, 63] {
          let from = hit - block - lead
          var incoming = rolled[from - 1]
          let found = Chunker.scan(buffer.baseAddress!, from: from, to: bytes.count, hash: &incoming, mask: mask)
          #expect(found == hits.first { $0 >= from }! + 1)
          checked += 1
        }
      }
    }
    #expect(checked > 100)
  }

  @Test func uniformContentIsCutAtTheMaximum() {
    let lengths = cuts([UInt8](repeating: 0, count: 200_000), sizes: smallChunks)
    #expect(lengths.dropLast().allSatisfy { $0 == smallChunks.maximum })
  }

  @Test func theGearTableNeverChanges() {
    // Changing it would move every cut and stop new versions sharing chunks with old ones.
    #expect(Gear.table[0] == 964_326_887_749_802_423)
    #expect(Gear.table[255] == 7_611_058_408_872_947_252)
    #expect(cuts(noise(3 << 20, seed: 5)) == [1_845_491, 1_227_034, 73_203])
  }
}

/// The chunk sizes of `bytes` by the chunker's rule applied one byte at a
/// time, the plainest way: what the two-stream scan must agree with.
func referenceCuts(_ bytes: [UInt8], sizes: ChunkSizes) -> [Int] {
  let bits = UInt64(sizes.average.trailingZeroBitCount)
  let strict = ~UInt64(0) << (64 - (bits + 2))
  let loose = ~UInt64(0) << (64 - (bits - 2))
  var lengths: [Int] = []
  var length = 0
  var hash: UInt64 = 0
  for byte in bytes {
    length += 1
    if length > sizes.minimum {
      hash = (hash << 1) &+ Gear.table[Int(byte)]
      let mask = length <= sizes.average ? strict : loose
      if hash & mask == 0 || length == sizes.maximum {
        lengths.append(length)
        length = 0
        hash = 0
      }
    }
  }
  if length > 0 { lengths.append(length) }
  return lengths
}

@Suite struct ChunkListTests {
  let id = ObjectID.of([1, 2, 3])

  @Test func roundTripsAndSumsItsSizes() throws {
    let list = ChunkList(entries: [.init(id: id, size: 10), .init(id: ObjectID.of([4]), size: 5)])
    let parsed = try ChunkList(parsing: list.encoded(), source: "x")
    #expect(parsed == list)
    #expect(parsed.size == 15)
    #expect(String(decoding: list.encoded(), as: UTF8.self).hasPrefix("lode-chunks 1\n\(id.hex) 10\n"))
  }

  @Test(arguments: [
    "lode-chunks 2\n", "lode-chunks 1\n", "lode-chunks 1\nabc 1\n", "lode-chunks 1\nID 0\n", "lode-chunks 1\nID 01\n",
    "lode-chunks 1\nID -1\n", "lode-chunks 1\nID 1", "lode-chunks 1\nID  1\n", "lode-chunks 1\nID 1 x\n",
    "lode-chunks 1\nID 99999999999\n", "lode-chunks 1\n\n",
  ])
  func refusesDamagedLists(text: String) {
    let bytes = Array(text.replacingOccurrences(of: "ID", with: id.hex).utf8)
    #expect(throws: ObjectStoreError.self) { try ChunkList(parsing: bytes, source: "x") }
  }
}
