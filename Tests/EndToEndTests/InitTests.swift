import Foundation
import Testing

@Suite struct InitTests {
  @Test func initFromASubdirectoryCreatesLodeAtTheTopAndStagesIt() throws {
    let repo = try TestRepo(lodeInit: false)
    try FileManager.default.createDirectory(atPath: repo.path("a/b"), withIntermediateDirectories: true)
    try repo.lodeOK("init", in: "a/b")
    #expect(repo.exists(".lode/config"))
    #expect(repo.exists(".lode/.gitignore"))
    #expect(!repo.exists("a/b/.lode"))
    let staged = try repo.git("diff", "--cached", "--name-only").stdout
    #expect(staged == ".lode/.gitignore\n.lode/config\n")
    // The config is git-config syntax: git itself can read it.
    let value = try repo.git("config", "--file", ".lode/config", "core.autostage").stdout
    #expect(value == "true\n")
  }

  @Test func secondInitFailsUnlessForced() throws {
    let repo = try TestRepo()
    try repo.write(".lode/config", "[core]\n\tautostage = true\n[cache]\n\tcompression = zlib\n")
    let again = try repo.lode("init")
    #expect(again.status == 1)
    #expect(again.stderr.hasPrefix("error: "))
    #expect(again.stderr.contains(".lode already exists"))
    #expect(again.stderr.contains("--force"))
    try repo.lodeOK("init", "--force")
    // --force keeps the user's settings.
    #expect(try repo.read(".lode/config").contains("compression = zlib"))
  }

  @Test func initOutsideGitSuggestsGitInit() throws {
    let dir = try TestRepo(gitInit: false, lodeInit: false)
    let result = try dir.lode("init", environment: ["GIT_CEILING_DIRECTORIES": Path.parentOf(dir.root)])
    #expect(result.status == 1)
    #expect(result.stderr.contains("not inside a git repository"))
    #expect(result.stderr.contains("git init"))
    #expect(!dir.exists(".lode"))
  }

  @Test func commandsOutsideALodeProjectSayToRunInit() throws {
    let repo = try TestRepo(lodeInit: false)
    let result = try repo.lode("status")
    #expect(result.status == 1)
    #expect(result.stderr.contains("not a lode project"))
    #expect(result.stderr.contains("lode init"))
  }

  @Test func versionPrintsTheVersion() throws {
    let repo = try TestRepo(gitInit: false, lodeInit: false)
    let long = try repo.lode("--version")
    let short = try repo.lode("version")
    #expect(long.status == 0 && short.status == 0)
    #expect(short.stdout == "lode \(long.stdout)")
  }
}

enum Path {
  static func parentOf(_ path: String) -> String { URL(fileURLWithPath: path).deletingLastPathComponent().path }
}
