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
}
