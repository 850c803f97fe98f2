import Foundation
import Testing

@Suite struct GcTests {
  /// v1 in an old commit, v2 in the workspace.
  private func twoVersions() throws -> (repo: TestRepo, old: String, new: String) {
    let repo = try TestRepo()
    try repo.write("model.bin", "version one\n")
    try repo.lodeOK("add", "model.bin")
    try repo.git("commit", "-qm", "v1")
    let old = try repo.pointerID("model.bin.lode")
    try repo.write("model.bin", "version two\n")
    try repo.lodeOK("commit")
    try repo.git("commit", "-qam", "v2")
    return (repo, old, try repo.pointerID("model.bin.lode"))
  }

  @Test func oldCommitsKeepTheirDataOnlyWhenAsked() throws {
    let (repo, old, new) = try twoVersions()
    let dry = try repo.lodeOK("gc", "--dry-run")
    #expect(dry.stdout.contains("would remove \(old)"))
    #expect(repo.cacheFile(old) != nil, "--dry-run removed something")
    #expect(try repo.lodeOK("gc", "--all-commits").stdout.hasPrefix("removed 0 objects"))
    #expect(repo.cacheFile(old) != nil)
    let plain = try repo.lodeOK("gc")
    #expect(plain.stdout.hasPrefix("removed 1 objects (12 B) from the cache; kept 1"), "\(plain.stdout)")
    #expect(repo.cacheFile(old) == nil)
    #expect(repo.cacheFile(new) != nil)
    #expect(try repo.lodeOK("fsck").stdout.contains(", 0 damaged"))
  }

  @Test func branchesAndTagsKeepTheirData() throws {
    let (repo, old, _) = try twoVersions()
    try repo.git("tag", "v1", "HEAD~1")
    try repo.lodeOK("gc", "--all-tags")
    #expect(repo.cacheFile(old) != nil)
    try repo.git("tag", "-d", "v1")
    try repo.git("branch", "keep", "HEAD~1")
    try repo.lodeOK("gc", "--all-branches")
    #expect(repo.cacheFile(old) != nil)
    try repo.lodeOK("gc", "--rev", "HEAD")
    #expect(repo.cacheFile(old) == nil)
  }

  @Test func theWorkspaceAlwaysKeepsItsDataIncludingDirectoryContents() throws {
    let repo = try TestRepo()
    for index in 0..<20 { try repo.write("set/f\(index)", "file \(index)\n") }
    try repo.lodeOK("add", "set")
    #expect(try repo.lodeOK("gc").stdout.hasPrefix("removed 0 objects"))
    try repo.sh("rm -rf set")
    try repo.lodeOK("checkout")
    #expect(try repo.read("set/f7") == "file 7\n")
  }

  @Test func gcWhileAddRunsLosesNothing() throws {
    let repo = try TestRepo()
    try repo.write("first.bin", "first\n")
    try repo.lodeOK("add", "first.bin")
    for index in 0..<2000 { try repo.write("many/f\(index)", String(repeating: "row \(index)\n", count: 50)) }
    try repo.write("big.bin", TestRepo.noise(count: 60 << 20, seed: 3))
    let add = try startLode(["add", "big.bin", "many"], in: repo.root)
    var gcRuns = 0
    while add.isRunning && gcRuns < 20 {
      let gc = try repo.lode("gc")
      #expect(gc.status == 0, "\(gc.output)")
      gcRuns += 1
    }
    add.waitUntilExit()
    #expect(add.terminationStatus == 0)
    try repo.lodeOK("gc")
    try repo.sh("rm -rf big.bin many first.bin")
    try repo.lodeOK("checkout")
    #expect(try repo.pointerID("big.bin.lode") == (try repo.sha256sum("big.bin")))
    #expect(try repo.lodeOK("status").stdout == "Data and pointers are up to date.\n")
  }

  @Test func cleaningARemoteNeedsForceWithoutATerminal() throws {
    let shared = try SharedSetup()
    let a = try shared.clone()
    try a.write("model.bin", "v1\n")
    try a.lodeOK("add", "model.bin")
    try a.lodeOK("push")
    try a.git("commit", "-qm", "v1")
    try a.write("model.bin", "v2\n")
    try a.lodeOK("commit")
    try a.lodeOK("push")
    let refused = try a.lode("gc", "--remote", "storage")
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("not cleaning remote storage without confirmation"))
    #expect(try a.lodeOK("gc", "--remote", "storage", "--all-commits", "--force").stdout.hasPrefix("removed 0 objects"))
    let cleaned = try a.lodeOK("gc", "--remote", "storage", "--force")
    #expect(cleaned.stdout.hasPrefix("removed 1 objects from remote storage; kept 1"), "\(cleaned.stdout)")
    #expect(try a.lodeOK("status", "--remote").stdout == "Cache and remote storage are in sync.\n")
  }
}

@Suite struct DiffTests {
  @Test func diffListsExactlyTheChangedFilesInsideADirectory() throws {
    let repo = try TestRepo()
    for name in ["keep", "change", "remove"] { try repo.write("images/\(name).bin", "\(name) v1\n") }
    try repo.write("table.csv", "t1\n")
    try repo.lodeOK("add", "images", "table.csv")
    try repo.git("commit", "-qm", "v1")
    try repo.write("images/change.bin", "change v2, longer\n")
    try repo.write("images/sub/new.bin", "new\n")
    try repo.sh("rm images/remove.bin")
    try repo.lodeOK("commit")
    try repo.git("commit", "-qam", "v2")

    let between = try repo.lodeOK("diff", "HEAD~1", "HEAD").stdout
    #expect(
      between == """
        modified: images/change.bin (10 B -> 18 B)
        deleted: images/remove.bin (10 B)
        added: images/sub/new.bin (4 B)

        """)
    #expect(try repo.lodeOK("diff").stdout == "No differences.\n")
    try repo.write("table.csv", "t2 in the workspace\n")
    #expect(try repo.lodeOK("diff").stdout == "modified: table.csv (3 B -> 20 B)\n")
    let json = try repo.lodeOK("diff", "--json", "HEAD~1", "HEAD").stdout
    let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: [[String: Any]]]
    #expect(decoded["added"]!.map { $0["path"] as! String } == ["images/sub/new.bin"])
    #expect(decoded["modified"]!.first!["old_size"] as! Int == 10)
  }
}
