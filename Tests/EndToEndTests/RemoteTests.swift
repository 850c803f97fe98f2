import Foundation
import Testing

/// A bare git repository and a lode remote folder that several clones share.
final class SharedSetup {
  let origin: TestRepo
  let storage: TestRepo

  init() throws {
    origin = try TestRepo(gitInit: false, lodeInit: false)
    try origin.sh("git init -q --bare -b main .")
    storage = try TestRepo(gitInit: false, lodeInit: false)
  }

  /// A clone of origin with lode initialised (first one) or pulled, and the remote configured.
  func clone() throws -> TestRepo {
    let repo = try TestRepo(cloneOf: origin.root)
    if !repo.exists(".lode") {
      try repo.lodeOK("init")
      try repo.lodeOK("remote", "add", "-d", "storage", storage.root)
    }
    return repo
  }
}

@Suite struct RemoteTests {
  @Test func dataTravelsBetweenClonesThroughTheRemote() throws {
    let shared = try SharedSetup()
    let a = try shared.clone()
    try a.write("data.csv", String(repeating: "1,2,3\n", count: 50_000))
    try a.write("images/a.bin", TestRepo.noise(count: 70_000, seed: 1))
    try a.write("images/b/c.bin", TestRepo.noise(count: 5_000, seed: 2))
    try a.lodeOK("add", "data.csv", "images")
    #expect(try a.lodeOK("status", "--remote").stdout.contains("data.csv: not pushed"))
    let push = try a.lodeOK("push")
    #expect(push.stdout.hasPrefix("pushed 4 objects"))
    #expect(try a.lodeOK("status", "--remote").stdout == "Cache and remote storage are in sync.\n")
    #expect(try a.lodeOK("push").stdout.hasPrefix("pushed 0 objects (0 B) to storage; 4 already there"))
    try a.git("commit", "-qm", "data")
    try a.git("push", "-q", "origin", "main")

    let b = try shared.clone()
    #expect(try b.lodeOK("status").stdout.contains("data.csv: missing (not in cache)"))
    #expect(try b.lodeOK("status", "--remote").stdout.contains("missing locally"))
    try b.lodeOK("pull")
    for file in ["data.csv", "images/a.bin", "images/b/c.bin"] {
      #expect(try b.sha256sum(file) == (try a.sha256sum(file)))
    }
    try b.write("images/a.bin", TestRepo.noise(count: 1000, seed: 3))
    try b.lodeOK("commit")
    try b.lodeOK("push")
    try b.git("commit", "-qam", "change a.bin")
    try b.git("push", "-q", "origin", "main")

    try a.git("pull", "-q", "origin", "main")
    try a.lodeOK("pull")
    #expect(try a.sha256sum("images/a.bin") == (try b.sha256sum("images/a.bin")))
    #expect(try a.lodeOK("status").stdout == "Data and pointers are up to date.\n")
  }

  /// Pull copies the objects it just received and verified without hashing
  /// them again, but an object the cache already had is hashed as by
  /// checkout: damage in it is caught, and the file is not written.
  @Test func pullStillCatchesDamageInAnObjectTheCacheAlreadyHad() throws {
    let shared = try SharedSetup()
    let a = try shared.clone()
    try a.lodeOK("config", "cache.compression", "none")
    try a.write("old.csv", "the good content\n")
    try a.write("new/x.bin", TestRepo.noise(count: 70_000, seed: 4))
    try a.write("big.bin", TestRepo.noise(count: 20 << 20, seed: 5))  // chunked
    try a.lodeOK("add", "old.csv", "new", "big.bin")
    try a.lodeOK("push")
    try a.git("commit", "-qm", "data")
    try a.git("push", "-q", "origin", "main")
    let b = try shared.clone()
    try b.write("old.csv", "the good content\n")
    try b.lodeOK("config", "cache.compression", "none")
    try b.lodeOK("add", "old.csv")  // now in b's cache before the pull
    let id = try b.pointerID("old.csv.lode")
    let object = try #require(b.cacheFile(id))
    try b.sh("chmod u+w \(object) && printf 'evil bytes here!!\\n' > \(object) && rm old.csv")
    let pull = try b.lode("pull")
    #expect(pull.status == 1)
    #expect(pull.stderr.contains("object \(id) is corrupt"), "\(pull.stderr)")
    #expect(!b.exists("old.csv"))
    // What the pull received reached the workspace intact.
    #expect(try b.sha256sum("new/x.bin") == (try a.sha256sum("new/x.bin")))
    #expect(try b.sha256sum("big.bin") == (try a.sha256sum("big.bin")))
  }

  @Test func concurrentPushesOfOverlappingDataBothSucceedAndVerify() throws {
    let shared = try SharedSetup()
    let repos = [try shared.clone(), try shared.clone()]
    for (index, repo) in repos.enumerated() {
      for file in 0..<300 {
        try repo.write("set/common\(file).bin", TestRepo.noise(count: 2000 + file, seed: UInt64(file)))
      }
      for file in 0..<100 {
        try repo.write("set/own\(file).bin", TestRepo.noise(count: 3000, seed: UInt64(1000 * (index + 1) + file)))
      }
      try repo.write("big.bin", TestRepo.noise(count: 20 << 20, seed: 77))
      try repo.lodeOK("add", "set", "big.bin")
    }
    let processes = try repos.map { repo in
      let process = try startLode(["push", "-j", "8"], in: repo.root)
      return process
    }
    for process in processes {
      process.waitUntilExit()
      #expect(process.terminationStatus == 0)
    }
    // The remote's layout is the cache's: adopt it as a cache and verify every object.
    let checker = try TestRepo()
    try checker.sh("mkdir -p .lode/cache && cp -r \(shared.storage.root)/objects .lode/cache/objects")
    let fsck = try checker.lodeOK("fsck")
    // Every object of both caches (files, chunks, chunk lists, trees), once.
    let names = try repos.map { try $0.sh("cd .lode/cache && find objects -type f").stdout }.joined()
    let distinct = Set(names.split(separator: "\n")).count
    #expect(distinct > 503)
    #expect(fsck.stdout.contains("\(distinct) objects checked"), "\(fsck.stdout)")
    #expect(fsck.stdout.contains(", 0 damaged"))
    #expect(try shared.storage.sh("find . -name '.lode-tmp-*'").stdout.isEmpty)
  }

  @Test func aCorruptObjectOnTheRemoteNeverEntersTheCache() throws {
    let shared = try SharedSetup()
    let a = try shared.clone()
    try a.write("good.csv", "good\n")
    try a.write("bad.csv", String(repeating: "this will be damaged\n", count: 1000))
    try a.lodeOK("add", "good.csv", "bad.csv")
    try a.lodeOK("push")
    try a.git("commit", "-qm", "data")
    try a.git("push", "-q", "origin", "main")
    let id = try a.pointerID("bad.csv.lode")
    let object = try #require(
      try shared.storage.sh("ls objects/\(id.prefix(2))/\(id.dropFirst(2))*").stdout.split(separator: "\n").first)
    try shared.storage.sh(
      "chmod u+w \(object) && printf 'XXXXXXXX' | dd of=\(object) bs=1 seek=20 conv=notrunc 2>/dev/null")

    let b = try shared.clone()
    let pull = try b.lode("pull")
    #expect(pull.status == 1)
    #expect(pull.stdout.contains("refused: object \(id) is corrupt (\(shared.storage.root)/objects/"), "\(pull.stdout)")
    #expect(pull.stderr.contains("1 object on remote storage is damaged"), "\(pull.stderr)")
    #expect(b.cacheFile(id) == nil, "the damaged object entered the cache")
    #expect(try b.lodeOK("fsck").stdout.contains(", 0 damaged"))
    #expect(try b.read("good.csv") == "good\n")
    #expect(!b.exists("bad.csv"))
  }

  @Test func pushAllCommitsUploadsDataNoLongerInTheWorkspace() throws {
    let shared = try SharedSetup()
    let a = try shared.clone()
    try a.write("model.bin", "version one\n")
    try a.write("dir/x.txt", "old x\n")
    try a.lodeOK("add", "model.bin", "dir")
    try a.git("commit", "-qm", "v1")
    let old = try a.git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    try a.write("model.bin", "version two\n")
    try a.write("dir/x.txt", "new x\n")
    try a.lodeOK("commit")
    try a.git("commit", "-qam", "v2")
    try a.git("push", "-q", "origin", "main")
    #expect(try a.lodeOK("push").stdout.hasPrefix("pushed 3 objects"))  // v2 only
    let all = try a.lodeOK("push", "--all-commits")
    #expect(all.stdout.hasPrefix("pushed 3 objects"), "\(all.stdout)")  // v1's file, tree and dir entry

    let b = try shared.clone()
    try b.git("checkout", "-q", old)
    try b.lodeOK("pull")
    #expect(try b.read("model.bin") == "version one\n")
    #expect(try b.read("dir/x.txt") == "old x\n")
    // --rev fetches another revision's data without checking it out.
    try b.git("checkout", "-q", "main")
    let fetch = try b.lodeOK("fetch", "--rev", old)
    #expect(fetch.stdout.contains("fetched 3 objects"), "\(fetch.stdout)")
  }

  @Test func remoteErrorsAreClear() throws {
    let repo = try TestRepo()
    try repo.write("a.csv", "1\n")
    try repo.lodeOK("add", "a.csv")
    let noDefault = try repo.lode("push")
    #expect(noDefault.status == 1)
    #expect(noDefault.stderr.contains("no default remote"))
    #expect(noDefault.stderr.contains("lode remote add -d"))
    let unknown = try repo.lode("push", "-r", "nope")
    #expect(unknown.status == 1)
    #expect(unknown.stderr.contains("no remote named 'nope'"))
    try repo.lodeOK("remote", "add", "gone", "/nonexistent/lode-store")
    let missing = try repo.lode("push", "-r", "gone")
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("the remote folder /nonexistent/lode-store does not exist"))
    #expect(try repo.lode("pull", "-r", "gone").stderr.contains("does not exist"))
    let duplicate = try repo.lode("remote", "add", "gone", "/elsewhere")
    #expect(duplicate.stderr.contains("already exists"))
    #expect(try repo.lode("remote", "add", "ftp", "ftp://bucket/x").stderr.contains("unsupported remote URL"))
    // A folder lode may read but not write. Root may write anywhere, so as
    // root the check runs lode as user nobody on a repository it owns.
    let readOnly = try TestRepo(gitInit: false, lodeInit: false)
    try readOnly.sh("chmod 755 . && mkdir objects && chmod 555 . objects")
    try repo.lodeOK("remote", "add", "ro", readOnly.root)
    let denied: RunResult
    if getuid() == 0 {
      try repo.sh("chmod 755 \(repo.root) && chown -R 65534:65534 \(repo.root)")
      denied = try run(
        "/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", lodeBinary, "push", "-r", "ro"],
        in: repo.root, environment: ["HOME": repo.root])
    } else {
      denied = try repo.lode("push", "-r", "ro")
    }
    #expect(denied.status == 1)
    #expect(denied.stderr.contains("the remote folder \(readOnly.root) is not writable"), "\(denied.stderr)")
  }

  @Test func remoteCommandsEditTheConfigThroughGitConfigSyntax() throws {
    let repo = try TestRepo()
    try repo.lodeOK("remote", "add", "first", "../one")
    try repo.lodeOK("remote", "add", "-d", "second", "file:///srv/two")
    #expect(try repo.lodeOK("remote", "list").stdout == "first\t../one\nsecond\tfile:///srv/two\t(default)\n")
    try repo.lodeOK("remote", "default", "first")
    #expect(try repo.lodeOK("remote", "default").stdout == "first\n")
    try repo.lodeOK("remote", "modify", "second", "url", "/srv/three")
    #expect(try repo.git("config", "--file", ".lode/config", "remote.second.url").stdout == "/srv/three\n")
    try repo.lodeOK("remote", "remove", "first")
    #expect(try repo.lodeOK("remote", "list").stdout == "second\t/srv/three\n")
    #expect(try run("/usr/bin/git", ["config", "--file", ".lode/config", "core.remote"], in: repo.root).status == 1)
    try repo.lodeOK("remote", "add", "--local", "mine", "/srv/mine")
    #expect(try repo.read(".lode/config.local").contains("/srv/mine"))
    #expect(try repo.git("diff", "--cached", "--name-only").stdout.contains(".lode/config"))
  }

  @Test func anInterruptedPushLeavesOnlyTempFilesAndARerunCompletes() throws {
    let shared = try SharedSetup()
    let a = try shared.clone()
    for file in 0..<3000 { try a.write("many/f\(file).bin", TestRepo.noise(count: 4096, seed: UInt64(file))) }
    try a.write("big.bin", TestRepo.noise(count: 100 << 20, seed: 5))
    try a.lodeOK("add", "many", "big.bin")
    try a.git("commit", "-qm", "data")
    try a.git("push", "-q", "origin", "main")
    let process = try startLode(["push", "-j", "2"], in: a.root)
    usleep(300_000)
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    // Whatever the remote holds under an object name is complete.
    let checker = try TestRepo()
    try checker.sh("mkdir -p .lode/cache && cp -r \(shared.storage.root)/objects .lode/cache/ 2>/dev/null; true")
    #expect(try checker.lode("fsck").status == 0)
    try a.lodeOK("push")
    let b = try shared.clone()
    try b.lodeOK("pull")
    #expect(try b.sha256sum("big.bin") == (try a.sha256sum("big.bin")))
    #expect(try b.lodeOK("status").stdout == "Data and pointers are up to date.\n")
  }
}
