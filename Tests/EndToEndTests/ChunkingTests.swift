import Foundation
import Testing

/// Bytes of every object file under `folder` (a remote or a cache).
func objectBytes(_ repo: TestRepo, _ folder: String) throws -> Int64 {
  let total = try repo.sh("find \(folder)/objects -type f -printf '%s\\n' | awk '{s+=$1} END {print s+0}'").stdout
  return Int64(total.trimmingCharacters(in: .whitespacesAndNewlines))!
}

/// Large files are stored as content-defined chunks: a new version costs
/// only the chunks that changed, in the cache and on the wire.
@Suite struct ChunkingTests {
  @Test func appendingRowsToAPushedCSVPushesOnlyTheNewChunks() throws {
    let shared = try SharedSetup()
    let a = try shared.clone()
    let rows =
      "awk -v from=FROM -v to=TO 'BEGIN{srand(from); for(i=from;i<to;i++) printf \"%d,%.4f,%d,sensor-%d\\n\", i, rand()*1000, int(rand()*1000000), i%97}'"
    func rowsCommand(_ from: Int, _ to: Int) -> String {
      rows.replacingOccurrences(of: "FROM", with: "\(from)").replacingOccurrences(of: "TO", with: "\(to)")
    }
    try a.sh(rowsCommand(0, 8_600_000) + " > data.csv")
    let size = Int64(try FileManager.default.attributesOfItem(atPath: a.path("data.csv"))[.size] as! Int)
    #expect(size > 256 << 20)
    try a.lodeOK("add", "data.csv")
    try a.lodeOK("push")
    let before = try objectBytes(shared.storage, shared.storage.root)
    try a.sh(rowsCommand(8_600_000, 8_686_000) + " >> data.csv")  // 1 % more rows
    try a.lodeOK("add", "data.csv")
    try a.git("commit", "-qm", "data")
    try a.git("push", "-q", "origin", "HEAD:main")
    try a.lodeOK("push")
    let sent = try objectBytes(shared.storage, shared.storage.root) - before
    #expect(sent > 0 && sent < size / 20, "the second push sent \(sent) bytes of a \(size)-byte file")

    let b = try shared.clone()
    try b.lodeOK("pull")
    #expect(try b.sha256sum("data.csv") == (try a.sha256sum("data.csv")))
    #expect(try b.lodeOK("fsck").stdout.contains(", 0 damaged"))
  }

  /// Chunked adds hash with lode's own code for the SHA instructions where
  /// the CPU has them, with OpenSSL elsewhere: both store the same objects.
  @Test func bothWaysOfHashingAChunkedFileStoreTheSameObjects() throws {
    let content = TestRepo.noise(count: 40 << 20, seed: 51)
    var listings: [String] = []
    for setting in ["1", "0"] {
      let repo = try TestRepo()
      try repo.write("big.bin", content)
      try repo.lodeOK("add", "big.bin", environment: ["LODE_SHA_EXTENSIONS": setting])
      #expect(try repo.pointerID("big.bin.lode") == (try repo.sha256sum("big.bin")))
      listings.append(try repo.sh("cd .lode/cache/objects && find . -type f | sort").stdout)
      try repo.sh("rm big.bin")
      try repo.lodeOK("checkout", "big.bin")
      #expect(try Data(contentsOf: URL(fileURLWithPath: repo.path("big.bin"))) == content)
    }
    #expect(listings[0] == listings[1])
    #expect(listings[0].split(separator: "\n").count > 20, "a 40 MiB file is stored as chunks")
  }

  @Test func insertingAMiBInTheMiddleOfABinaryFilePushesUnder3Percent() throws {
    let shared = try SharedSetup()
    let a = try shared.clone()
    let size = 512 << 20
    let original = TestRepo.noise(count: size, seed: 41)
    try a.write("weights.bin", original)
    try a.lodeOK("add", "weights.bin")
    try a.lodeOK("push")
    let before = try objectBytes(shared.storage, shared.storage.root)
    var edited = original.prefix(size / 2)
    edited.append(TestRepo.noise(count: 1 << 20, seed: 42))
    edited.append(original.suffix(from: size / 2))
    try a.write("weights.bin", edited)
    try a.lodeOK("add", "weights.bin")
    try a.git("commit", "-qm", "weights")
    try a.git("push", "-q", "origin", "HEAD:main")
    let push = try a.lodeOK("push")
    let sent = try objectBytes(shared.storage, shared.storage.root) - before
    #expect(sent > 1 << 20 && sent < Int64(size) * 3 / 100, "sent \(sent) bytes: \(push.stdout)")

    let b = try shared.clone()
    try b.lodeOK("pull")
    #expect(try b.sha256sum("weights.bin") == (try a.sha256sum("weights.bin")))
  }

  @Test func fiveVersionsOfAModelTakeLessThanTwiceOneVersion() throws {
    let repo = try TestRepo()
    let size: Int64 = 1 << 30
    try repo.write("model.bin", TestRepo.noise(count: Int(size), seed: 51))
    var ids: [String] = []
    for version in 1...5 {
      if version > 1 {
        // A tenth of the bytes change: eight 12.8 MiB regions, in other places each time.
        for region in 0..<8 {
          let offset = (region * 128 + version * 13) % 1008
          try repo.sh(
            "dd if=/dev/urandom of=model.bin bs=100K count=131 seek=\(offset * 10) conv=notrunc status=none")
        }
      }
      try repo.lodeOK("add", "model.bin")
      try repo.git("commit", "-qm", "version \(version)")
      try repo.git("tag", "v\(version)")
      ids.append(try repo.pointerID("model.bin.lode"))
    }
    #expect(Set(ids).count == 5)
    let cached = try objectBytes(repo, repo.path(".lode/cache"))
    #expect(cached < 2 * size, "the cache holds \(cached) bytes for five versions of \(size)")
    let usage = try repo.lodeOK("du", "--all-commits", "--json").stdout
    let numbers = try JSONSerialization.jsonObject(with: Data(usage.utf8)) as! [String: Any]
    #expect(numbers["logicalBytes"] as? Int64 == 5 * size)
    #expect((numbers["uniqueBytes"] as! Int64) < 2 * size)
    #expect(numbers["cacheBytes"] as? Int64 == cached)

    // Every version reassembles from the shared chunks, verified.
    try repo.git("checkout", "-q", "v2")
    try repo.lodeOK("checkout")
    #expect(try repo.sha256sum("model.bin") == ids[1])
    // gc of the workspace's data alone keeps exactly the chunks v2 uses.
    try repo.lodeOK("gc")
    #expect(try objectBytes(repo, repo.path(".lode/cache")) < size + (64 << 20))
    try repo.sh("rm model.bin")
    try repo.lodeOK("checkout")
    #expect(try repo.sha256sum("model.bin") == ids[1])
    #expect(try repo.lodeOK("fsck").stdout.contains(", 0 damaged"))
  }

  @Test func aDamagedChunkOnTheRemoteIsRefusedAndTheFileIsNotCheckedOut() throws {
    let shared = try SharedSetup()
    let a = try shared.clone()
    try a.write("big.bin", TestRepo.noise(count: 20 << 20, seed: 61))
    try a.lodeOK("add", "big.bin")
    try a.git("commit", "-qm", "big")
    try a.git("push", "-q", "origin", "HEAD:main")
    try a.lodeOK("push")
    let id = try a.pointerID("big.bin.lode")
    let list = try shared.storage.read("objects/\(id.prefix(2))/\(id.dropFirst(2)).chunks")
    let chunk = String(list.split(separator: "\n")[3].prefix(64))
    let chunkPath = "objects/\(chunk.prefix(2))/\(chunk.dropFirst(2))"
    try shared.storage.sh(
      "chmod u+w \(chunkPath) && printf 'XXXX' | dd of=\(chunkPath) bs=1 seek=1000 conv=notrunc status=none")

    let b = try shared.clone()
    let pull = try b.lode("pull")
    #expect(pull.status != 0)
    #expect(pull.output.contains("object \(chunk) is corrupt"), "\(pull.output)")
    #expect(!b.exists("big.bin"))
    #expect(b.cacheFile(id) == nil && b.cacheFile(chunk) == nil)
    #expect(try b.lodeOK("fsck").stdout.contains(", 0 damaged"))
  }

  @Test func gcOnARemoteKeepsTheChunksLiveFilesShare() throws {
    let shared = try SharedSetup()
    let a = try shared.clone()
    let first = TestRepo.noise(count: 24 << 20, seed: 71)
    try a.write("big.bin", first)
    try a.lodeOK("add", "big.bin")
    try a.git("commit", "-qm", "one")
    try a.lodeOK("push")
    var second = first
    second.append(TestRepo.noise(count: 3 << 20, seed: 72))
    try a.write("big.bin", second)
    try a.lodeOK("add", "big.bin")
    try a.git("commit", "-qm", "two")
    try a.git("push", "-q", "origin", "HEAD:main")
    try a.lodeOK("push")
    let before = try objectBytes(shared.storage, shared.storage.root)
    // Only the current version is in scope: its chunk list and chunks stay.
    let gc = try a.lodeOK("gc", "--remote", "storage", "--force")
    #expect(gc.stdout.hasPrefix("removed "), "\(gc.stdout)")
    let after = try objectBytes(shared.storage, shared.storage.root)
    #expect(after < before && after >= Int64(second.count), "\(before) → \(after)")
    let b = try shared.clone()
    try b.lodeOK("pull")
    #expect(try b.sha256sum("big.bin") == (try a.sha256sum("big.bin")))
    // A fresh clone whose cache lacks the list reads it from the remote.
    let c = try shared.clone()
    #expect(try c.lodeOK("gc", "--remote", "storage", "--force").stdout.hasPrefix("removed 0 objects"))
  }

  @Test func aChunkListIsNeverPushedAheadOfAChunkTheCacheLacks() throws {
    let shared = try SharedSetup()
    let a = try shared.clone()
    try a.write("big.bin", TestRepo.noise(count: 20 << 20, seed: 81))
    try a.lodeOK("add", "big.bin")
    let id = try a.pointerID("big.bin.lode")
    let list = try a.read(".lode/cache/objects/\(id.prefix(2))/\(id.dropFirst(2)).chunks")
    let chunk = String(list.split(separator: "\n")[2].prefix(64))
    try a.sh("rm -f .lode/cache/objects/\(chunk.prefix(2))/\(chunk.dropFirst(2))*")
    let push = try a.lode("push")
    #expect(push.status != 0 && push.stderr.contains("big.bin"), "\(push.output)")
    #expect(!shared.storage.exists("objects/\(id.prefix(2))/\(id.dropFirst(2)).chunks"))
    // Once the cache is whole again, the next push completes the remote.
    try a.sh("rm -rf .lode/cache .lode/state")
    try a.lodeOK("add", "big.bin")
    try a.lodeOK("push")
    try a.git("commit", "-qm", "big")
    try a.git("push", "-q", "origin", "HEAD:main")
    let b = try shared.clone()
    try b.lodeOK("pull")
    #expect(try b.sha256sum("big.bin") == id)
  }
}
