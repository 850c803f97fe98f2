import Foundation
import Testing

@Suite struct OddFileTests {
  @Test func symlinksInsideATrackedDirectoryAreRefusedByName() throws {
    let repo = try TestRepo()
    try repo.write("data/a.bin", "a")
    try repo.sh("ln -s a.bin data/alias.bin")
    let result = try repo.lode("add", "data")
    #expect(result.status == 1)
    #expect(result.stderr.contains("data/alias.bin is a symlink (to a.bin)"), "\(result.stderr)")
    #expect(!repo.exists("data.lode"))
  }

  @Test func hardLinkedFilesAreStoredAndRestoredAsOrdinaryFiles() throws {
    let repo = try TestRepo()
    try repo.write("data/a.bin", "shared content")
    try repo.sh("ln data/a.bin data/b.bin")
    try repo.lodeOK("add", "data")
    #expect(try repo.read("data.lode").contains("nfiles: 2"))
    try repo.sh("rm -rf data")
    try repo.lodeOK("checkout")
    #expect(try repo.read("data/b.bin") == "shared content")
    #expect(try repo.sh("stat -c %h data/a.bin").stdout == "1\n")
  }

  /// Sizes and offsets are 64-bit throughout; zlib's 32-bit counters are fed in slices.
  @Test(arguments: ["zstd", "zlib"])
  func aFileOver4GiBRoundTrips(codec: String) throws {
    let repo = try TestRepo()
    try repo.lodeOK("config", "cache.compression", codec)
    // Sparse zeros with noise just below and above the 4 GiB mark.
    try repo.sh(
      "truncate -s 4200M big.bin && head -c 1048576 /dev/urandom | dd of=big.bin bs=1M seek=4095 conv=notrunc 2>/dev/null && head -c 1048576 /dev/urandom | dd of=big.bin bs=1M seek=4190 conv=notrunc 2>/dev/null"
    )
    let before = try repo.sha256sum("big.bin")
    try repo.lodeOK("add", "big.bin")
    #expect(try repo.pointerID("big.bin.lode") == before)
    #expect(try repo.read("big.bin.lode").contains("size: 4404019200\n"))
    try repo.sh("rm big.bin")
    try repo.lodeOK("checkout")
    #expect(try repo.sha256sum("big.bin") == before)
  }

  @Test func aFileThatChangesWhileItIsAddedIsNeverRecordedWrongly() throws {
    let repo = try TestRepo()
    try repo.write("growing.bin", TestRepo.noise(count: 150 << 20, seed: 21))
    let writer = Process()
    writer.executableURL = URL(fileURLWithPath: "/bin/sh")
    writer.arguments = ["-c", "for i in $(seq 1 200); do echo more >> growing.bin; sleep 0.01; done"]
    writer.currentDirectoryURL = URL(fileURLWithPath: repo.root)
    try writer.run()
    let add = try repo.lode("add", "growing.bin")
    writer.waitUntilExit()
    if add.status == 0 {
      // Recorded: the pointer names exactly the bytes that were stored.
      let id = try repo.pointerID("growing.bin.lode")
      #expect(repo.cacheFile(id) != nil)
    } else {
      #expect(add.stderr.contains("growing.bin changed while it was being read"), "\(add.stderr)")
      #expect(!repo.exists("growing.bin.lode"))
    }
    #expect(try repo.lodeOK("fsck").stdout.contains(", 0 damaged"))
    try repo.lodeOK("add", "growing.bin")
    #expect(try repo.pointerID("growing.bin.lode") == (try repo.sha256sum("growing.bin")))
  }
}

@Suite struct ConcurrencyTests {
  /// Several writers at once: each waits for the lock and succeeds; nothing is lost.
  @Test func concurrentAddsAndCommitsAllLand() throws {
    let repo = try TestRepo()
    for index in 0..<4 { try repo.write("set\(index)/f.bin", TestRepo.noise(count: 8 << 20, seed: UInt64(index))) }
    let processes = try (0..<4).map { index -> Process in
      let process = Process()
      process.executableURL = URL(fileURLWithPath: lodeBinary)
      process.arguments = ["add", "set\(index)"]
      process.currentDirectoryURL = URL(fileURLWithPath: repo.root)
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      return process
    }
    for process in processes {
      process.waitUntilExit()
      #expect(process.terminationStatus == 0)
    }
    for index in 0..<4 { #expect(repo.exists("set\(index).lode")) }
    #expect(try repo.read(".gitignore").split(separator: "\n").sorted() == ["/set0", "/set1", "/set2", "/set3"])
    #expect(try repo.lodeOK("status").stdout == "Data and pointers are up to date.\n")
    #expect(try repo.lodeOK("fsck").stdout.contains(", 0 damaged"))
  }
}
