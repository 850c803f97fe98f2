// Single-core throughput of the hot loops (`make bench` prints it): the
// content-defined chunker, SHA-256 and zstd level 1, in memory, on 256 MiB of
// pseudo-random bytes. Each is run three times; the best run is reported.
import Basics
import ObjectStore

let size = 256 << 20
let data = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 64)
var state: UInt64 = 0x9E37_79B9_7F4A_7C15
for index in stride(from: 0, to: size, by: 8) {
  state ^= state << 13
  state ^= state >> 7
  state ^= state << 17
  data.storeBytes(of: state, toByteOffset: index, as: UInt64.self)
}
let input = UnsafeRawBufferPointer(data)

func seconds(_ body: () -> Void) -> Double {
  var best = Double.infinity
  for _ in 0..<3 {
    var start = timespec()
    var end = timespec()
    clock_gettime(CLOCK_MONOTONIC, &start)
    body()
    clock_gettime(CLOCK_MONOTONIC, &end)
    best = min(best, Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9)
  }
  return best
}

func report(_ name: String, _ time: Double, _ note: String = "") {
  let rate = Double(size) / time / 1e9
  print("\(name): \((rate * 100).rounded() / 100) GB/s\(note)")
}

var chunks = 0
report(
  "chunker (gear hash, 256 KiB / 1 MiB / 4 MiB)",
  seconds {
    var chunker = Chunker()
    var rest = input
    chunks = 0
    while let cut = chunker.cut(rest) {
      chunks += 1
      rest = UnsafeRawBufferPointer(rebasing: rest[cut...])
    }
  }, ", \(chunks + 1) chunks")
report(
  "SHA-256 (OpenSSL)",
  seconds {
    let hasher = SHA256()
    hasher.update(input)
    _ = hasher.finalizeHex()
  })
if StreamAndPieceHasher.isSupported {
  report(
    "SHA-256 of a stream and its 1 MiB pieces side by side (bytes a second, each hashed twice)",
    seconds {
      let hasher = StreamAndPieceHasher()
      var offset = 0
      while offset < size {
        _ = hasher.next(UnsafeRawBufferPointer(rebasing: input[offset..<min(size, offset + (1 << 20))]))
        offset += 1 << 20
      }
      _ = hasher.finalizeHex()
    })
}
