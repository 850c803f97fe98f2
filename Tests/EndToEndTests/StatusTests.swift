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
    usleep(300_000)  // past the window in which a folder's mtime is not trusted
    #expect(try repo.lodeOK("status").stdout == "Data and pointers are up to date.\n")
    #expect(try repo.read(".lode/cache/present").contains(try repo.pointerID("set.lode")))
    let id = try repo.sha256sum("set/f7.txt")
    try repo.sh("rm -f .lode/cache/objects/\(id.prefix(2))/\(id.dropFirst(2))*")
    #expect(try repo.lodeOK("status").stdout == "set: clean (not in cache)\n")
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
}
