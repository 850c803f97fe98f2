import Foundation
import Testing

@Suite struct StatusTests {
  @Test func statusNamesEachKindOfChange() throws {
    let repo = try TestRepo()
    try repo.write("a.csv", "1\n")
    try repo.write("b.csv", "2\n")
    try repo.write("imgs/x.bin", "x")
    try repo.write("imgs/y.bin", "y")
    try repo.lodeOK("add", "a.csv", "b.csv", "imgs")
    #expect(try repo.lodeOK("status").stdout == "Data and pointers are up to date.\n")
    try repo.write("a.csv", "changed\n")
    try repo.sh("rm b.csv imgs/x.bin; echo z > imgs/z.bin; echo Y > imgs/y.bin")
    let status = try repo.lodeOK("status").stdout
    #expect(
      status == """
        a.csv: modified
        b.csv: missing
        imgs: modified
        \tremoved: imgs/x.bin
        \tmodified: imgs/y.bin
        \tadded: imgs/z.bin

        """)
    let json = try repo.lodeOK("status", "--json").stdout
    let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
    let paths = decoded["paths"] as! [[String: Any]]
    #expect(paths.map { $0["state"] as! String } == ["modified", "missing", "modified"])
    #expect(paths.allSatisfy { $0["in_cache"] as! Bool })
    // Status can be scoped to paths, named from a subdirectory too.
    #expect(try repo.lodeOK("status", "a.csv").stdout == "a.csv: modified\n")
    try FileManager.default.createDirectory(atPath: repo.path("sub"), withIntermediateDirectories: true)
    #expect(try repo.lodeOK("status", "../b.csv", in: "sub").stdout == "b.csv: missing\n")
  }

  @Test func statusReportsObjectsMissingFromTheCache() throws {
    let repo = try TestRepo()
    try repo.write("a.csv", "1\n")
    try repo.lodeOK("add", "a.csv")
    try repo.sh("rm -rf .lode/cache/objects")
    #expect(try repo.lodeOK("status").stdout == "a.csv: clean (not in cache)\n")
  }

  /// A directory found complete is remembered until the cache changes: one
  /// object deleted afterwards is noticed at once.
  @Test func theRememberedCompletenessOfADirectoryEndsWhenTheCacheChanges() throws {
    let repo = try TestRepo()
    for index in 0..<300 { try repo.write("set/f\(index).txt", "file \(index)\n") }
    try repo.lodeOK("add", "set")
    usleep(20_000)  // past the clock tick in which the cache's folders last changed
    #expect(try repo.lodeOK("status").stdout == "Data and pointers are up to date.\n")
    #expect(try repo.read(".lode/cache/present").contains(try repo.pointerID("set.lode")))
    let id = try repo.sha256sum("set/f7.txt")
    try repo.sh("rm -f .lode/cache/objects/\(id.prefix(2))/\(id.dropFirst(2))*")
    #expect(try repo.lodeOK("status").stdout == "set: clean (not in cache)\n")
  }

  /// The cache's folders are trusted to fingerprint its holdings only once
  /// the clock has passed their stamps: a folder stamped in the future (or
  /// in the current tick) keeps the completeness of a tree unrecorded.
  @Test func aCacheFolderStampedAheadOfTheClockIsNotTrusted() throws {
    let repo = try TestRepo()
    for index in 0..<50 { try repo.write("set/f\(index).txt", "file \(index)\n") }
    try repo.lodeOK("add", "set")
    let folder = try repo.sh("ls .lode/cache/objects | head -1").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    try repo.sh("touch -d '+1 hour' .lode/cache/objects/\(folder)")
    #expect(try repo.lodeOK("status").stdout == "Data and pointers are up to date.\n")
    #expect(!repo.exists(".lode/cache/present"), "a fingerprint with an unsettled folder was recorded")
    try repo.sh("touch -d '1 minute ago' .lode/cache/objects/\(folder)")
    usleep(20_000)  // past the tick of the touch's ctime
    #expect(try repo.lodeOK("status").stdout == "Data and pointers are up to date.\n")
    #expect(try repo.read(".lode/cache/present").contains(try repo.pointerID("set.lode")))
  }

  /// The stat index: a file whose size, mtime, ctime and inode are unchanged
  /// is never read again. LODE_TRACE=hash makes lode name every file it reads to hash.
  @Test func unchangedFilesAreNeverReadAgain() throws {
    let repo = try TestRepo()
    for index in 0..<20 { try repo.write("set/f\(index).txt", "file \(index)\n") }
    try repo.write("single.bin", TestRepo.noise(count: 4096, seed: 5))
    // Files written in the same clock tick as lode reads them are re-read (racy
    // timestamps); age them so this test sees the steady state.
    try repo.sh("touch -d '2 minutes ago' set/* single.bin")
    let trace = ["LODE_TRACE": "hash"]
    let add = try repo.lode("add", "set", "single.bin", environment: trace)
    #expect(add.stderr.components(separatedBy: "lode-trace: hash").count - 1 == 21)
    let status = try repo.lode("status", environment: trace)
    #expect(status.stdout == "Data and pointers are up to date.\n")
    #expect(!status.stderr.contains("lode-trace: hash"), "status re-read files: \(status.stderr)")
    let again = try repo.lode("add", "set", "single.bin", environment: trace)
    #expect(!again.stderr.contains("lode-trace: hash"), "add re-read files: \(again.stderr)")

    // A changed file is read again, and only that one.
    try repo.write("set/f3.txt", "changed\n")
    let changed = try repo.lode("status", environment: trace)
    #expect(changed.stderr == "lode-trace: hash set/f3.txt\n")
    #expect(changed.stdout.contains("modified: set/f3.txt"))
    // Touching a file (same content, new mtime) re-reads it once, then trusts it again.
    try repo.sh("touch -d '1 minute ago' single.bin")
    #expect(try repo.lode("status", environment: trace).stderr.contains("hash single.bin"))
    #expect(!(try repo.lode("status", environment: trace).stderr.contains("hash single.bin")))
  }

  /// A directory that status found clean is remembered by its scan's
  /// fingerprint (`.lode/cache/clean-trees`): the next status of the
  /// unchanged directory reads neither its files nor the stat index, and any
  /// change to a file's name, content, mode or presence ends that.
  @Test func aCleanDirectoryIsRememberedUntilAnyFileChanges() throws {
    let repo = try TestRepo()
    for index in 0..<20 { try repo.write("set/sub\(index % 3)/f\(index).txt", "file \(index)\n") }
    let stamp = "touch -d '2020-01-01 00:00:00' set/*/*"
    try repo.sh(stamp)
    try repo.lodeOK("add", "set")
    let trace = ["LODE_TRACE": "hash"]
    func remembered() throws -> Bool {
      usleep(20_000)  // past the clock tick of the last change
      try repo.lodeOK("status")
      guard try repo.read(".lode/cache/clean-trees").hasSuffix(" set\n") else { return false }
      // Without the stat index, only the memo can spare reading every file.
      try repo.sh("rm -f .lode/state")
      let status = try repo.lode("status", environment: trace)
      #expect(status.stdout == "Data and pointers are up to date.\n")
      return !status.stderr.contains("lode-trace: hash")
    }
    #expect(try remembered())
    let changes: [(change: String, undo: String, seen: String)] = [
      // Same size and the same mtime as before: only the ctime tells.
      (
        "printf 'FILE 3\\n' > set/sub0/f3.txt; \(stamp)", "printf 'file 3\\n' > set/sub0/f3.txt",
        "modified: set/sub0/f3.txt"
      ),
      ("chmod +x set/sub1/f4.txt", "chmod -x set/sub1/f4.txt", "modified: set/sub1/f4.txt"),
      ("echo new > set/sub2/new.txt", "rm set/sub2/new.txt", "added: set/sub2/new.txt"),
      ("mv set/sub2/f5.txt set/f5.txt", "mv set/f5.txt set/sub2/f5.txt", "removed: set/sub2/f5.txt"),
    ]
    for (change, undo, seen) in changes {
      try repo.sh(change)
      let status = try repo.lodeOK("status").stdout
      #expect(status.contains(seen), "after \(change): \(status)")
      try repo.sh(undo + "; " + stamp)
      #expect(try remembered(), "after undoing \(change)")
    }
  }

  /// A scan in which a file changed in the current clock tick (or later:
  /// here, an hour from now) is never remembered as clean: the same tick
  /// could still hold a write that keeps the file's stat.
  @Test func aDirectoryWithAFileNewerThanItsScanIsNotRemembered() throws {
    let repo = try TestRepo()
    for index in 0..<5 { try repo.write("set/f\(index).txt", "file \(index)\n") }
    try repo.lodeOK("add", "set")
    try repo.sh("touch -d '+1 hour' set/f2.txt")
    #expect(try repo.lodeOK("status").stdout == "Data and pointers are up to date.\n")
    #expect(try repo.lodeOK("status").stdout == "Data and pointers are up to date.\n")
    let memo = (try? repo.read(".lode/cache/clean-trees")) ?? ""
    #expect(!memo.contains(" set\n"), "remembered: \(memo)")
    try repo.sh("rm -f .lode/state")
    #expect(try repo.lode("status", environment: ["LODE_TRACE": "hash"]).stderr.contains("hash set/f2.txt"))
  }

  /// On a file system that keeps whole seconds, a write later in the same
  /// second keeps the mtime, so a whole-second mtime is trusted only once
  /// the file was read a full second after it.
  @Test func aFileStampedInWholeSecondsIsTrustedOnlyTwoSecondsAfterItsStamp() throws {
    let repo = try TestRepo()
    try repo.write("a.txt", "a\n")
    // Just after a second begins, stamp the file with that whole second.
    var now = timespec()
    repeat {
      usleep(10_000)
      clock_gettime(CLOCK_REALTIME, &now)
    } while now.tv_nsec > 200_000_000
    try repo.sh("touch -d @\(now.tv_sec) a.txt")
    let trace = ["LODE_TRACE": "hash"]
    try repo.lodeOK("add", "a.txt")
    #expect(try repo.lode("status", environment: trace).stderr.contains("hash a.txt"))
    sleep(1)  // past the second, not yet past two (FAT keeps even seconds)
    #expect(try repo.lode("status", environment: trace).stderr.contains("hash a.txt"))
    sleep(1)
    #expect(try repo.lode("status", environment: trace).stderr.contains("hash a.txt"))
    #expect(!(try repo.lode("status", environment: trace).stderr.contains("hash a.txt")))
  }
}
