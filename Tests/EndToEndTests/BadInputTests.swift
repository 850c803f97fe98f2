import Foundation
import Testing

@Suite struct BadInputTests {
  /// Each bad pointer file: a one-line error naming the file (and line), exit 1, file untouched.
  @Test(arguments: [
    ("version: 1\nouts: [\n", "a.csv.lode:"),
    (
      "version: 1\nouts:\n- path: ../x\n  kind: file\n  sha256: \(String(repeating: "a", count: 64))\n  size: 1\n",
      "a.csv.lode:3: unsafe path '../x'"
    ),
    (
      "version: 1\nouts:\n- path: /etc/passwd\n  kind: file\n  sha256: \(String(repeating: "a", count: 64))\n  size: 1\n",
      "a.csv.lode:3: unsafe path '/etc/passwd'"
    ),
    (
      "version: 99\nouts:\n- path: a.csv\n  kind: file\n  sha256: \(String(repeating: "a", count: 64))\n  size: 1\n",
      "a.csv.lode: version 99 is newer than this lode understands"
    ),
    (
      "version: 1\nouts:\n- path: a.csv\n  kind: file\n  sha256: nothex\n  size: 1\n",
      "a.csv.lode:5: 'nothex' is not an object id"
    ),
    (
      "version: 1\nouts:\n- path: a.csv\n  kind: file\n  sha256: \(String(repeating: "a", count: 64))\n  size: 1\n  colour: red\n",
      "a.csv.lode:7: unknown field 'colour'"
    ),
  ])
  func malformedPointersAreClearErrors(text: String, expected: String) throws {
    let repo = try TestRepo()
    try repo.write("a.csv.lode", text)
    for command in [["status"], ["checkout"], ["commit"]] {
      let result = try run(lodeBinary, command, in: repo.root)
      #expect(result.status == 1)
      #expect(result.stderr.hasPrefix("error: \(expected)"), "lode \(command[0]): \(result.stderr)")
      #expect(result.stderr.split(separator: "\n").count <= 2)
    }
    #expect(try repo.read("a.csv.lode") == text)
    #expect(!repo.exists("x") && !repo.exists("../x"))
  }

  /// A tree object (hash-valid, so it came from a hostile remote or hand) whose entry says `..`.
  @Test(arguments: ["../escape.txt", "a/../../escape.txt", "/tmp/escape.txt"])
  func hostileTreeEntriesNeverEscapeTheRepository(entry: String) throws {
    let repo = try TestRepo()
    let payload = "owned\n"
    try repo.write("payload.txt", payload)
    try repo.lodeOK("add", "payload.txt")
    let fileID = try repo.pointerID("payload.txt.lode")
    let tree = "lode-tree 1\n\(fileID) \(payload.utf8.count) 100644 \(entry)\n"
    try repo.write("tree.txt", tree)
    let treeID = try repo.sha256sum("tree.txt")
    try repo.sh(
      "mkdir -p .lode/cache/objects/\(treeID.prefix(2)) && cp tree.txt .lode/cache/objects/\(treeID.prefix(2))/\(treeID.dropFirst(2))"
    )
    try repo.write(
      "data.lode", "version: 1\nouts:\n- path: data\n  kind: dir\n  sha256: \(treeID)\n  size: 6\n  nfiles: 1\n")
    let result = try repo.lode("checkout", "data")
    #expect(result.status == 1)
    #expect(result.stderr.contains("tree \(treeID.prefix(12)):2: unsafe path"), "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: repo.root + "/../escape.txt"))
    #expect(!FileManager.default.fileExists(atPath: "/tmp/escape.txt"))
    #expect(try repo.lode("status").status == 1)
  }

  /// A `.git/index.lock` left by a killed git (or lode, killed while
  /// libgit2 wrote the index): add stores the data and writes the pointer,
  /// then fails naming the lock file and what to do; after the user deletes
  /// it, the same add stages the pointer.
  @Test func aLeftoverGitIndexLockIsNamedWithWhatToDo() throws {
    let repo = try TestRepo()
    try repo.write("a.csv", "1,2\n")
    try repo.write(".git/index.lock", "")
    let refused = try repo.lode("add", "a.csv")
    #expect(refused.status == 1)
    let lockFile = repo.path(".git/index.lock")
    #expect(
      refused.stderr == """
        error: \(lockFile) exists: another git process is writing the index, or one was killed
        hint: if no git or lode is running, delete \(lockFile) and run the command again

        """)
    try repo.sh("rm .git/index.lock")
    try repo.lodeOK("add", "a.csv")
    #expect(try repo.git("diff", "--cached", "--name-only").stdout.contains("a.csv.lode"))
    #expect(try repo.lodeOK("status").stdout == "Data and pointers are up to date.\n")
  }

  @Test func aBusyLockNamesItsHolderAfterTheConfiguredWait() throws {
    let repo = try TestRepo()
    try repo.lodeOK("config", "core.lockTimeout", "1")
    try repo.write("a.csv", "1\n")
    // Hold the lock the way a running lode does: flock plus a note of who holds it.
    try repo.write(".lode/lock", "pid 4242 (lode add big.bin)\n")
    let holder = Process()
    holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
    holder.arguments = ["--no-fork", repo.path(".lode/lock"), "sleep", "30"]
    try holder.run()
    // SIGKILL: the test runner's ignored SIGTERM is inherited by its children.
    defer { kill(holder.processIdentifier, SIGKILL) }
    while try repo.sh("flock -n .lode/lock true").status == 0 { usleep(10_000) }
    let result = try repo.lode("add", "a.csv")
    #expect(result.status == 1)
    #expect(result.stderr.contains("the repository is busy: pid 4242 (lode add big.bin) holds"), "\(result.stderr)")
    #expect(result.stderr.contains("core.lockTimeout"))
    #expect(!repo.exists("a.csv.lode"))
    kill(holder.processIdentifier, SIGKILL)
    holder.waitUntilExit()
    try repo.lodeOK("add", "a.csv")
  }

  /// Found by fuzzing: a key with no `=` has no value in libgit2 (a NULL);
  /// git reads it as the boolean true.
  @Test func aConfigKeyWithoutAValueReadsAsTrue() throws {
    let repo = try TestRepo()
    try repo.write(".lode/config", "[core]\n\tautostage\n\tstrictHooks\n")
    #expect(try repo.lodeOK("config", "--list").stdout == "core.autostage=true\ncore.stricthooks=true\n")
    #expect(try repo.lodeOK("status").stdout == "No tracked paths.\n")
  }

  @Test func badConfigValuesAreRefused() throws {
    let repo = try TestRepo()
    let result = try repo.lode("config", "cache.compression", "lzma")
    #expect(result.status == 1)
    #expect(result.stderr.contains("cache.compression = 'lzma' is not valid"))
    #expect(try repo.lode("config", "cache.compression").status == 1, "the bad value was kept")
    try repo.write(".lode/config", "[cache\n")
    let broken = try repo.lode("status")
    #expect(broken.status == 1)
    #expect(broken.stderr.contains(".lode/config"), "\(broken.stderr)")
  }
}
