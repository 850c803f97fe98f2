import Foundation
import Testing

@Suite struct RoundTripTests {
  /// A 300 MiB file and 5,000 small files: added, deleted, checked out byte-identical.
  @Test func largeFileAndManySmallFilesSurviveDeleteAndCheckout() throws {
    let repo = try TestRepo()
    try repo.write("model.bin", TestRepo.noise(count: 300 << 20, seed: 42))
    for index in 0..<5000 {
      let text = String(repeating: "row \(index),", count: 1 + index % 40) + "\n"
      try repo.write("many/d\(index % 10)/f\(index).txt", text)
    }
    try repo.sh("chmod +x many/d3/f3.txt")
    let before = try repo.sh("find many -type f -exec sha256sum {} + | sort; sha256sum model.bin").stdout

    let add = try repo.lode("add", "model.bin", "many", environment: ["LODE_MEASURE_RSS": "1"])
    #expect(add.status == 0, "\(add.output)")
    #expect(try repo.pointerID("model.bin.lode") == (try repo.sha256sum("model.bin")))
    #expect(try repo.read("many.lode").contains("nfiles: 5000"))

    try repo.sh("rm -rf model.bin many")
    #expect(try repo.lodeOK("status").stdout.contains("many: missing"))
    try repo.lodeOK("checkout")
    let after = try repo.sh("find many -type f -exec sha256sum {} + | sort; sha256sum model.bin").stdout
    #expect(after == before)
    #expect(try repo.sh("test -x many/d3/f3.txt && test ! -x many/d3/f4.txt").status == 0)
    #expect(try repo.lodeOK("status").stdout == "Data and pointers are up to date.\n")
    #expect(try repo.lodeOK("fsck").stdout.contains(", 0 damaged"))
  }

  /// Streaming: adding a large file needs a few tens of MiB, whatever its size.
  @Test func addingALargeFileUsesBoundedMemory() throws {
    let repo = try TestRepo()
    try repo.write("big.bin", TestRepo.noise(count: 256 << 20, seed: 7))
    let text = String(repeating: "2024-01-01,sensor-17,42.125,ok\n", count: 4 << 20)
    try repo.write("big.csv", text)
    let result = try repo.sh("/usr/bin/time -f 'maxrss=%M' '\(lodeBinary)' add big.bin big.csv")
    #expect(result.status == 0, "\(result.output)")
    let rss = result.stderr.split(separator: "\n").last { $0.hasPrefix("maxrss=") }.flatMap { Int($0.dropFirst(7)) }
    let kib = try #require(rss, "no RSS reported: \(result.stderr)")
    #expect(kib < 64 * 1024, "peak RSS \(kib) KiB while adding 256 MiB files")
  }

  @Test(arguments: ["zstd", "zlib", "none"])
  func everyCodecRoundTrips(codec: String) throws {
    let repo = try TestRepo()
    try repo.lodeOK("config", "cache.compression", codec)
    let text = String(repeating: "a,b,c,1.5,2.5\n", count: 100_000)
    try repo.write("table.csv", text)
    try repo.write("noise.bin", TestRepo.noise(count: 1 << 20, seed: 9))
    try repo.lodeOK("add", "table.csv", "noise.bin")
    let tableObject = try #require(repo.cacheFile(try repo.pointerID("table.csv.lode")))
    let noiseObject = try #require(repo.cacheFile(try repo.pointerID("noise.bin.lode")))
    let suffix = ["zstd": ".zst", "zlib": ".zlib", "none": ""][codec]!
    #expect(tableObject.hasSuffix("/" + String(try repo.pointerID("table.csv.lode").dropFirst(2)) + suffix))
    // Incompressible content is stored raw whatever the codec: the cache file is the data.
    #expect(!noiseObject.hasSuffix(".zst") && !noiseObject.hasSuffix(".zlib"))
    #expect(try repo.sha256sum(noiseObject) == (try repo.pointerID("noise.bin.lode")))
    try repo.sh("rm table.csv noise.bin")
    try repo.lodeOK("checkout")
    #expect(try repo.read("table.csv") == text)
    #expect(try repo.lodeOK("fsck").stdout.contains(", 0 damaged"))
  }

  @Test func emptyFilesAndEmptyDirectoriesAreFine() throws {
    let repo = try TestRepo()
    try repo.write("empty.txt", "")
    try repo.write("dir/empty.txt", "")
    try FileManager.default.createDirectory(atPath: repo.path("hollow"), withIntermediateDirectories: true)
    try repo.lodeOK("add", "empty.txt", "dir", "hollow")
    #expect(try repo.pointerID("empty.txt.lode") == (try repo.sha256sum("empty.txt")))
    try repo.sh("rm -rf empty.txt dir hollow")
    try repo.lodeOK("checkout")
    #expect(try repo.read("empty.txt") == "")
    #expect(try repo.read("dir/empty.txt") == "")
    #expect(try repo.sh("test -d hollow").status == 0)
  }
}
