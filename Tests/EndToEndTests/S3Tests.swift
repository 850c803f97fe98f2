import Foundation
import S3TestServer
import Testing

/// A bare git origin and an S3 remote (a fresh prefix in moto's bucket) that clones share.
final class S3Setup {
  let server = S3TestServer.shared!
  let origin: TestRepo
  let url: String
  let endpoint: String
  let settings: [(String, String)]

  init(endpoint: String? = nil, settings: [(String, String)] = []) throws {
    origin = try TestRepo(gitInit: false, lodeInit: false)
    try origin.sh("git init -q --bare -b main .")
    url = server.freshURL()
    self.endpoint = endpoint ?? server.endpoint
    self.settings = settings
  }

  /// A clone with lode initialised (first one) or pulled from git, the
  /// remote configured, and this machine's keys in `.lode/config.local`.
  func clone() throws -> TestRepo {
    let repo = try TestRepo(cloneOf: origin.root)
    if !repo.exists(".lode") {
      try repo.lodeOK("init")
      try repo.lodeOK("remote", "add", "-d", "storage", url)
      try repo.lodeOK("remote", "modify", "storage", "endpointurl", endpoint)
      for (key, value) in settings { try repo.lodeOK("remote", "modify", "storage", key, value) }
    }
    try repo.lodeOK("remote", "modify", "--local", "storage", "access-key-id", server.accessKeyID)
    try repo.lodeOK("remote", "modify", "--local", "storage", "secret-access-key", server.secretAccessKey)
    return repo
  }
}

@Suite(.enabled(if: S3TestServer.available, "\(S3TestServer.unavailable)"))
struct S3Tests {
  /// The full-size scenario: 20,000 small files and a 1 GiB file.
  @Test func twentyThousandFilesAndAGibibyteRoundTripThroughS3ThenGc() throws {
    let setup = try S3Setup()
    let a = try setup.clone()
    let started = Date()
    for file in 0..<20_000 {
      try a.write("many/\(file / 1000)/f\(file).txt", "small file \(file)\n")
    }
    try a.write("big.bin", TestRepo.noise(count: 1 << 30, seed: 42))
    try a.lodeOK("add", "many", "big.bin")
    try a.git("commit", "-qm", "data")
    try a.git("push", "-q", "origin", "main")
    // big.bin is stored as a chunk list plus its chunks (docs/formats.md).
    let bigID = try a.pointerID("big.bin.lode")
    let list = try a.read(".lode/cache/objects/\(bigID.prefix(2))/\(bigID.dropFirst(2)).chunks")
    let chunks = list.split(separator: "\n").count - 1
    #expect(chunks > 500)
    let push = try a.lodeOK("push", "-j", "8")
    #expect(push.stdout.hasPrefix("pushed \(20002 + chunks) objects"), "\(push.stdout)")
    let pushed = Date()
    // A chunk list already on the remote stands for its chunks: they are not asked about again.
    #expect(try a.lodeOK("push").stdout.hasPrefix("pushed 0 objects (0 B) to storage; 20002 already there"))

    let b = try setup.clone()
    try b.lodeOK("pull", "-j", "8")
    let pulled = Date()
    #expect(try b.sha256sum("big.bin") == (try a.sha256sum("big.bin")))
    #expect(try b.sh("cmp big.bin \(a.root)/big.bin && diff -r many \(a.root)/many").status == 0)
    #expect(try b.lodeOK("status").stdout == "Data and pointers are up to date.\n")

    // Drop 1,000 files; gc on the remote removes exactly their objects and
    // the old tree, and keeps the 19,000 files, the new tree and big.bin
    // (its chunk list and every chunk).
    try a.sh("rm -r many/7")
    try a.lodeOK("commit")
    try a.lodeOK("push")
    let gc = try a.lodeOK("gc", "-r", "storage", "--force")
    #expect(gc.stdout == "removed 1001 objects from remote storage; kept \(19002 + chunks)\n", "\(gc.stdout)")
    #expect(try a.lodeOK("gc", "-r", "storage", "--dry-run").stdout.contains("would remove 0 objects"))
    #expect(try a.lodeOK("status", "--remote").stdout == "Cache and remote storage are in sync.\n")
    print(
      "S3 full-size: push \(Int(pushed.timeIntervalSince(started))) s (incl. add), "
        + "pull \(Int(pulled.timeIntervalSince(pushed))) s, total \(Int(Date().timeIntervalSince(started))) s")
  }

  /// 10% of requests answered 503/500 or dropped (before or mid-answer): push and pull complete and verify.
  @Test func pushAndPullSurviveTenPercentOfRequestsFailing() throws {
    let server = S3TestServer.shared!
    let setup = try S3Setup(
      endpoint: server.faultyEndpoint, settings: [("multipart-threshold", "8MB"), ("multipart-chunksize", "5MB")])
    let before = try server.faultCounts(server.faultyEndpoint)
    let a = try setup.clone()
    // Whole-file objects, so large.bin goes up as a multipart upload (chunks are at most 4 MiB).
    try a.lodeOK("config", "--local", "cache.chunking", "false")
    for file in 0..<300 { try a.write("set/f\(file).bin", TestRepo.noise(count: 3000 + file, seed: UInt64(file))) }
    try a.write("large.bin", TestRepo.noise(count: 23 << 20, seed: 7))  // five parts
    try a.write("table.csv", String(repeating: "1,2,3,4\n", count: 200_000))
    try a.lodeOK("add", "set", "large.bin", "table.csv")
    #expect(try a.lodeOK("push", "-j", "6").stdout.hasPrefix("pushed 303 objects"))
    try a.git("commit", "-qm", "data")
    try a.git("push", "-q", "origin", "main")
    let b = try setup.clone()
    try b.lodeOK("pull", "-j", "6")
    for file in ["large.bin", "table.csv", "set/f0.bin", "set/f299.bin"] {
      #expect(try b.sha256sum(file) == (try a.sha256sum(file)))
    }
    #expect(try b.sh("diff -r set \(a.root)/set").status == 0)
    #expect(try b.lodeOK("fsck").stdout.contains(", 0 damaged"))
    #expect(try b.lodeOK("status", "--remote").stdout == "Cache and remote storage are in sync.\n")
    let after = try server.faultCounts(server.faultyEndpoint)
    #expect(after.faults - before.faults >= 30, "too few injected faults: \(before) -> \(after)")
  }
}
