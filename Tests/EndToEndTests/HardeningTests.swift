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

  /// Sizes and offsets are 64-bit throughout; zlib's 32-bit counters are fed
  /// in slices. Unchunked, the whole file is one zstd or zlib stream; chunked,
  /// its zeros are one chunk stored once.
  @Test(arguments: [("zstd", false), ("zlib", false), ("zstd", true)])
  func aFileOver4GiBRoundTrips(codec: String, chunking: Bool) throws {
    let repo = try TestRepo()
    try repo.lodeOK("config", "cache.compression", codec)
    try repo.lodeOK("config", "cache.chunking", String(chunking))
    // Sparse zeros with noise just below and above the 4 GiB mark.
    try repo.sh(
      "truncate -s 4200M big.bin && head -c 1048576 /dev/urandom | dd of=big.bin bs=1M seek=4095 conv=notrunc 2>/dev/null && head -c 1048576 /dev/urandom | dd of=big.bin bs=1M seek=4190 conv=notrunc 2>/dev/null"
    )
    let before = try repo.sha256sum("big.bin")
    try repo.lodeOK("add", "big.bin")
    #expect(try repo.pointerID("big.bin.lode") == before)
    #expect(try repo.read("big.bin.lode").contains("size: 4404019200\n"))
    #expect(repo.cacheFile(before)?.hasSuffix(".chunks") == chunking)
    if chunking {
      // About 1,000 chunks of zeros are one object; the noise adds a few.
      let objects = Int(try repo.sh("find .lode/cache/objects -type f | wc -l").stdout.dropLast())!
      #expect(objects < 20, "\(objects) objects")
    }
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
  /// add, commit, repro and gc started together: each waits its turn for
  /// the lock (or fails with the lock message); no update is lost.
  @Test func mixedWritersAllLandOrFailWithTheLockMessage() throws {
    let repo = try TestRepo()
    try repo.write("tracked/a.bin", TestRepo.noise(count: 4 << 20, seed: 1))
    try repo.lodeOK("add", "tracked")
    try repo.write("tracked/a.bin", TestRepo.noise(count: 4 << 20, seed: 2))
    try repo.write("fresh/b.bin", TestRepo.noise(count: 8 << 20, seed: 3))
    try repo.write(
      "lode.yaml",
      "stages:\n  sum:\n    cmd: sha256sum fresh/b.bin > sum.txt\n    deps: [fresh/b.bin]\n    outs: [sum.txt]\n")
    let commands = [["add", "fresh"], ["commit", "tracked"], ["repro"], ["gc"]]
    let processes = try commands.map { arguments -> (Process, String) in
      let process = Process()
      process.executableURL = URL(fileURLWithPath: lodeBinary)
      process.arguments = arguments
      process.currentDirectoryURL = URL(fileURLWithPath: repo.root)
      let errors = NSTemporaryDirectory() + "lode-mixed-\(UUID().uuidString)"
      _ = FileManager.default.createFile(atPath: errors, contents: nil)
      process.standardOutput = FileHandle.nullDevice
      process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
      try process.run()
      return (process, errors)
    }
    for (index, (process, errors)) in processes.enumerated() {
      process.waitUntilExit()
      let stderr = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
      if process.terminationStatus != 0 {
        // A stage's dep may not exist yet when repro runs first; anything else must be the lock.
        #expect(
          stderr.contains("the repository is busy") || stderr.contains("dependency fresh/b.bin"),
          "\(commands[index]): \(stderr)")
        try repo.lodeOK(commands[index][0], commands[index].count > 1 ? commands[index][1] : "--force")
      }
    }
    try repo.lodeOK("repro")
    #expect(repo.exists("fresh.lode"), "add lost")
    // Clean status means the commit of tracked/ landed too (its content changed).
    #expect(try repo.read("sum.txt").contains("fresh/b.bin"))
    #expect(try repo.lodeOK("status").stdout == "Data and pointers are up to date.\n")
    #expect(try repo.lodeOK("fsck").stdout.contains(", 0 damaged"))
  }

  /// Several writers at once: each waits for the lock and succeeds; nothing is lost.
  @Test func concurrentAddsAndCommitsAllLand() throws {
    let repo = try TestRepo()
    for index in 0..<4 { try repo.write("set\(index)/f.bin", TestRepo.noise(count: 8 << 20, seed: UInt64(index))) }
    let processes = try (0..<4).map { index -> Process in
      let process = try startLode(["add", "set\(index)"], in: repo.root)
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

@Suite struct HostileWorkspaceTests {
  /// A folder inside the repository replaced by a symlink to a folder outside it.
  private func plant(_ repo: TestRepo, at folder: String) throws -> TestRepo {
    let outside = try TestRepo(gitInit: false, lodeInit: false)
    try outside.write("precious.txt", "must survive\n")
    try outside.write("out.bin", "outside out\n")
    try repo.sh("rm -rf \(folder) && ln -s \(outside.root) \(folder)")
    return outside
  }

  @Test func reproNeverDeletesOrReadsThroughASymlinkedFolder() throws {
    let repo = try TestRepo()
    try repo.write(
      "lode.yaml",
      "stages:\n  make:\n    cmd: mkdir -p build && echo built > build/out.bin\n    outs: [build/out.bin]\n")
    try repo.lodeOK("repro")
    let outside = try plant(repo, at: "build")
    let result = try repo.lode("repro", "--force")
    #expect(result.status == 1)
    #expect(result.stderr.contains("refusing to write build: it is a symlink"), "\(result.stderr)")
    #expect(try outside.read("out.bin") == "outside out\n")
    #expect(try outside.read("precious.txt") == "must survive\n")
  }

  @Test func pullNeverWritesThroughASymlinkedFolder() throws {
    let shared = try SharedSetup()
    let a = try shared.clone()
    try a.write("data/sub/a.bin", "from the remote\n")
    try a.lodeOK("add", "data")
    try a.lodeOK("push")
    try a.git("commit", "-qm", "data")
    try a.git("push", "-q", "origin", "main")
    let b = try shared.clone()
    try b.sh("mkdir -p data")
    let outside = try plant(b, at: "data/sub")
    let pull = try b.lode("pull", "--force")
    #expect(pull.status == 1)
    #expect(pull.stderr.contains("symlink"), "\(pull.stderr)")
    #expect(!outside.exists("a.bin"))
    #expect(try outside.read("precious.txt") == "must survive\n")
  }

  @Test func anUnreadableFileIsAClearErrorAndNothingIsRecorded() throws {
    let repo = try TestRepo()
    try repo.write("secret.bin", "no entry\n")
    try repo.sh("chmod 000 secret.bin")
    let add: RunResult
    if getuid() == 0 {
      // Root reads anything: run lode as user nobody on a repository it owns.
      try repo.sh("chmod 755 \(repo.root) && chown -R 65534:65534 \(repo.root)")
      add = try run(
        "/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", lodeBinary, "add", "secret.bin"],
        in: repo.root, environment: ["HOME": repo.root])
    } else {
      add = try repo.lode("add", "secret.bin")
    }
    #expect(add.status == 1)
    #expect(add.stderr.contains("secret.bin': Permission denied"), "\(add.stderr)")
    #expect(add.stderr.contains("hint: check the permissions"))
    #expect(!repo.exists("secret.bin.lode"))
  }
}
