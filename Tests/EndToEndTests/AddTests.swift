import Foundation
import Testing

@Suite struct AddTests {
  @Test func addStagesThePointerAndGitignoreAndGitIgnoresTheData() throws {
    let repo = try TestRepo()
    try repo.git("commit", "-qm", "init lode")
    try repo.write("data/table.csv", String(repeating: "1,2,3\n", count: 1000))
    try repo.write("images/a.bin", TestRepo.noise(count: 5000, seed: 1))
    try repo.write("images/sub/b.bin", TestRepo.noise(count: 7000, seed: 2))
    try repo.lodeOK("add", "data/table.csv", "images")
    let staged = try repo.git("diff", "--cached", "--name-only").stdout
    #expect(staged == ".gitignore\ndata/.gitignore\ndata/table.csv.lode\nimages.lode\n")
    let ignored = try repo.git("check-ignore", "data/table.csv", "images", "images/sub/b.bin").stdout
    #expect(ignored == "data/table.csv\nimages\nimages/sub/b.bin\n")
    #expect(try repo.read("data/.gitignore") == "/table.csv\n")
    // The pointer's id is what sha256sum prints.
    #expect(try repo.pointerID("data/table.csv.lode") == (try repo.sha256sum("data/table.csv")))
    let pointer = try repo.read("images.lode")
    #expect(pointer.contains("kind: dir\n"))
    #expect(pointer.contains("nfiles: 2\n"))
    #expect(pointer.contains("size: 12000\n"))
  }

  @Test func addingAgainNeverDuplicatesTheGitignoreLine() throws {
    let repo = try TestRepo()
    try repo.write(".gitignore", "*.tmp")
    try repo.write("model.bin", TestRepo.noise(count: 100, seed: 3))
    try repo.lodeOK("add", "model.bin")
    try repo.lodeOK("add", "model.bin")
    #expect(try repo.read(".gitignore") == "*.tmp\n/model.bin\n")
  }

  @Test func noStageLeavesTheIndexAloneAndSaysWhatToRun() throws {
    let repo = try TestRepo()
    try repo.git("commit", "-qm", "init lode")
    try repo.write("model.bin", TestRepo.noise(count: 100, seed: 3))
    let result = try repo.lodeOK("add", "--no-stage", "model.bin")
    #expect(try repo.git("diff", "--cached", "--name-only").stdout.isEmpty)
    #expect(result.stdout.contains("git add .gitignore model.bin.lode"))
  }

  @Test func autostageOffInConfigLeavesTheIndexAlone() throws {
    let repo = try TestRepo()
    try repo.lodeOK("config", "core.autostage", "false")
    try repo.git("commit", "-qm", "init lode")
    try repo.write("model.bin", TestRepo.noise(count: 100, seed: 3))
    try repo.lodeOK("add", "model.bin")
    #expect(try repo.git("diff", "--cached", "--name-only").stdout.isEmpty)
  }

  @Test func namesWithSpacesUnicodeAndGlobCharactersAreIgnoredExactly() throws {
    let repo = try TestRepo()
    for name in ["my data.csv", "données ü.bin", "[raw]*.txt", "#notes", "-dash"] {
      try repo.write(name, "content of \(name)\n")
      try repo.lodeOK("add", "--", name)
      let ignored = try run("/usr/bin/git", ["check-ignore", "--", name], in: repo.root)
      #expect(ignored.status == 0, "\(name) is not ignored")
    }
    // Only the exact names are ignored, not what the glob characters would match.
    try repo.write("[raw]x.txt", "other")
    #expect(try run("/usr/bin/git", ["check-ignore", "[raw]x.txt"], in: repo.root).status == 1)
    #expect(try repo.read("my data.csv.lode").contains("path: my data.csv\n"))
  }

  @Test(arguments: [
    ("outside", "is outside the repository"),
    ("tracked", "already tracked by git"),
    ("lodeDir", "inside lode's or git's own directory"),
    ("inside", "which lode already tracks"),
    ("symlinkOut", "outside the repository"),
    ("missing", "does not exist"),
    ("containsPointer", "contains paths lode already tracks"),
  ])
  func addRefusesWithAClearError(scenario: String, expected: String) throws {
    let repo = try TestRepo()
    var path = ""
    switch scenario {
    case "outside":
      path = "../elsewhere.bin"
    case "tracked":
      try repo.write("code.py", "print(1)\n")
      try repo.git("add", "code.py")
      path = "code.py"
    case "lodeDir":
      path = ".lode/config"
    case "inside":
      try repo.write("images/a.bin", "a")
      try repo.lodeOK("add", "images")
      path = "images/a.bin"
    case "symlinkOut":
      try FileManager.default.createSymbolicLink(atPath: repo.path("link"), withDestinationPath: "/etc")
      path = "link"
    case "missing":
      path = "nothing-here"
    default:
      try repo.write("outer/inner.bin", "x")
      try repo.lodeOK("add", "outer/inner.bin")
      path = "outer"
    }
    let before = try repo.git("status", "--porcelain", "--ignored").stdout
    let result = try repo.lode("add", path)
    #expect(result.status == 1)
    #expect(result.stderr.hasPrefix("error: "), "\(result.stderr)")
    #expect(result.stderr.contains(expected), "\(result.stderr)")
    #expect(result.stderr.split(separator: "\n").count <= 2)
    #expect(try repo.git("status", "--porcelain", "--ignored").stdout == before, "add changed the repository")
  }

  @Test func trackedByGitSuggestsGitRmCached() throws {
    let repo = try TestRepo()
    try repo.write("data/x.csv", "1\n")
    try repo.git("add", "data")
    let result = try repo.lode("add", "data")
    #expect(result.status == 1)
    #expect(result.stderr.contains("git rm -r --cached data"))
  }

  /// A folder of many files is checked against one listing of the cache:
  /// objects the cache already has are not stored again, files with the
  /// same content within the folder are stored once, and the cache stays
  /// consistent.
  @Test func aLargeFolderStoresOnlyWhatTheCacheLacksAndEachContentOnce() throws {
    let repo = try TestRepo()
    for index in 0..<200 { try repo.write("old/f\(index).txt", "shared \(index)\n") }
    try repo.lodeOK("add", "old")
    // 600 files: 200 with content the cache has, 400 new made of 200 distinct contents.
    for index in 0..<200 { try repo.write("big/d\(index % 7)/shared\(index).txt", "shared \(index)\n") }
    for index in 0..<400 { try repo.write("big/d\(index % 5)/new\(index).txt", "new \(index % 200)\n") }
    let objectsBefore = try repo.sh("find .lode/cache/objects -type f | wc -l").stdout
    let added = try repo.lodeOK("add", "big").stdout
    #expect(added.contains("big: recorded (600 files"), "\(added)")
    #expect(added.contains("; 201 new objects)"), "\(added)")  // 200 contents and the tree
    let objectsAfter = try repo.sh("find .lode/cache/objects -type f | wc -l").stdout
    #expect(
      Int(objectsAfter.trimmingCharacters(in: .whitespacesAndNewlines))! == Int(
        objectsBefore.trimmingCharacters(in: .whitespacesAndNewlines))! + 201)
    #expect(try repo.sh("find .lode/cache -name '.lode-tmp-*'").stdout.isEmpty)
    #expect(try repo.lode("fsck").status == 0)
    try repo.sh("rm -rf big")
    try repo.lodeOK("checkout", "big")
    #expect(try repo.read("big/d3/new8.txt") == "new 8\n")
    #expect(try repo.lodeOK("status").stdout == "Data and pointers are up to date.\n")
  }
}
