import Foundation
import Testing

@Suite struct CommitRemoveTests {
  @Test func commitRecordsWorkspaceChangesAndStagesThem() throws {
    let repo = try TestRepo()
    try repo.write("a.csv", "v1\n")
    try repo.write("imgs/x.bin", "x")
    try repo.lodeOK("add", "a.csv", "imgs")
    try repo.git("commit", "-qm", "track")
    try repo.write("a.csv", "v2\n")
    try repo.write("imgs/y.bin", "y")
    let result = try repo.lodeOK("commit")
    #expect(result.stdout.contains("a.csv: recorded"))
    #expect(result.stdout.contains("imgs: recorded (2 files"))
    #expect(try repo.git("diff", "--cached", "--name-only").stdout == "a.csv.lode\nimgs.lode\n")
    #expect(try repo.pointerID("a.csv.lode") == (try repo.sha256sum("a.csv")))
    #expect(try repo.lodeOK("status").stdout == "Data and pointers are up to date.\n")
    // Nothing changed: nothing rewritten.
    let again = try repo.lodeOK("commit", "a.csv")
    #expect(again.stdout.hasPrefix("a.csv: unchanged"))
  }

  @Test func commitOfAnUntrackedPathSaysSo() throws {
    let repo = try TestRepo()
    try repo.write("a.csv", "v1\n")
    let result = try repo.lode("commit", "a.csv")
    #expect(result.status == 1)
    #expect(result.stderr.contains("a.csv is not tracked by lode"))
    #expect(result.stderr.contains("lode add"))
  }

  @Test func removeStopsTrackingAndKeepsTheData() throws {
    let repo = try TestRepo()
    try repo.write(".gitignore", "*.log\n")
    try repo.write("a.csv", "v1\n")
    try repo.write("data/b.csv", "v1\n")
    try repo.lodeOK("add", "a.csv", "data/b.csv")
    try repo.git("commit", "-qm", "track")
    try repo.lodeOK("remove", "a.csv", "data/b.csv.lode")
    #expect(!repo.exists("a.csv.lode") && !repo.exists("data/b.csv.lode"))
    #expect(try repo.read("a.csv") == "v1\n" && (try repo.read("data/b.csv")) == "v1\n")
    #expect(try repo.read(".gitignore") == "*.log\n")
    #expect(!repo.exists("data/.gitignore"), "an emptied .gitignore lode created is deleted")
    let staged = try repo.git("diff", "--cached", "--name-status").stdout
    #expect(staged == "M\t.gitignore\nD\ta.csv.lode\nD\tdata/.gitignore\nD\tdata/b.csv.lode\n")
    #expect(try repo.lodeOK("status").stdout == "No tracked paths.\n")
  }

  @Test func aDirectoryArgumentSelectsTheTrackedPathsInsideIt() throws {
    let repo = try TestRepo()
    try repo.write("data/a.csv", "1\n")
    try repo.write("data/b.csv", "2\n")
    try repo.write("other.csv", "3\n")
    try repo.lodeOK("add", "data/a.csv", "data/b.csv", "other.csv")
    try repo.sh("rm data/a.csv data/b.csv other.csv")
    try repo.lodeOK("checkout", "data")
    #expect(repo.exists("data/a.csv") && repo.exists("data/b.csv") && !repo.exists("other.csv"))
  }
}
