import Foundation
import Testing

/// The package's `hooks/` folder, found from this file's path.
private let hooksFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("hooks").path

@Suite struct HooksTests {
  static let names = ["post-checkout", "post-merge", "pre-commit", "pre-push"]

  @Test func installedHooksEqualTheFilesInHooksAndUninstallRestores() throws {
    let repo = try TestRepo()
    try repo.write(".git/hooks/post-merge", "#!/bin/sh\necho mine\n")
    try repo.lodeOK("install")
    for name in Self.names {
      let installed = try Data(contentsOf: URL(fileURLWithPath: repo.path(".git/hooks/\(name)")))
      let shipped = try Data(contentsOf: URL(fileURLWithPath: hooksFolder + "/" + name))
      #expect(installed == shipped, "\(name) differs from hooks/\(name)")
      #expect(try repo.sh("test -x .git/hooks/\(name)").status == 0)
    }
    #expect(try repo.read(".git/hooks/post-merge.lode-chained") == "#!/bin/sh\necho mine\n")
    #expect(try repo.lodeOK("install").stdout.contains("already installed"))
    try repo.lodeOK("install", "--uninstall")
    #expect(try repo.read(".git/hooks/post-merge") == "#!/bin/sh\necho mine\n")
    #expect(!repo.exists(".git/hooks/post-checkout") && !repo.exists(".git/hooks/post-merge.lode-chained"))
  }

  @Test func installHonoursCoreHooksPath() throws {
    let repo = try TestRepo()
    try repo.git("config", "core.hooksPath", "githooks")
    try repo.lodeOK("install")
    #expect(repo.exists("githooks/pre-push"))
    #expect(!repo.exists(".git/hooks/pre-push"))
  }

  @Test func checkoutAndMergeCarryTheData() throws {
    let repo = try TestRepo()
    try repo.lodeOK("install")
    try repo.write("data/table.csv", "v1\n")
    try repo.write("images/a.bin", "a1")
    try repo.lodeOK("add", "data/table.csv", "images")
    try repo.gitWithLode("commit", "-qm", "v1")
    try repo.gitWithLode("checkout", "-q", "-b", "other")
    try repo.write("data/table.csv", "v2 on other\n")
    try repo.write("images/b.bin", "b2")
    try repo.lodeOK("commit")
    try repo.gitWithLode("commit", "-qam", "v2")

    try repo.gitWithLode("checkout", "-q", "main")
    #expect(try repo.read("data/table.csv") == "v1\n")
    #expect(!repo.exists("images/b.bin"))
    try repo.gitWithLode("checkout", "-q", "other")
    #expect(try repo.read("data/table.csv") == "v2 on other\n")
    #expect(try repo.read("images/b.bin") == "b2")

    try repo.gitWithLode("checkout", "-q", "main")
    let merge = try repo.gitWithLode("merge", "-q", "other")
    #expect(merge.status == 0, "\(merge.output)")
    #expect(try repo.read("data/table.csv") == "v2 on other\n")
    #expect(try repo.read("images/b.bin") == "b2")
    #expect(try repo.lodeOK("status").stdout == "Data and pointers are up to date.\n")
  }

  @Test func checkoutHookNeverClobbersUncommittedWork() throws {
    let repo = try TestRepo()
    try repo.lodeOK("install")
    try repo.write("a.csv", "v1\n")
    try repo.lodeOK("add", "a.csv")
    try repo.gitWithLode("commit", "-qm", "v1")
    try repo.gitWithLode("checkout", "-q", "-b", "other")
    try repo.write("a.csv", "v2\n")
    try repo.lodeOK("commit")
    try repo.gitWithLode("commit", "-qam", "v2")
    try repo.write("a.csv", "unsaved work\n")
    let switched = try repo.gitWithLode("checkout", "-q", "main")
    #expect(switched.status == 0)
    #expect(switched.stderr.contains("lode: data not updated"), "\(switched.stderr)")
    #expect(try repo.read("a.csv") == "unsaved work\n")
  }

  @Test func checkoutHookStaysQuietForFileCheckoutsAndRebases() throws {
    let repo = try TestRepo()
    try repo.lodeOK("install")
    try repo.write("a.csv", "v1\n")
    try repo.write("notes.txt", "n1\n")
    try repo.lodeOK("add", "a.csv")
    try repo.git("add", "notes.txt")
    try repo.gitWithLode("commit", "-qm", "v1")
    try repo.gitWithLode("checkout", "-q", "-b", "topic")
    try repo.write("a.csv", "v2\n")
    try repo.lodeOK("commit")
    try repo.gitWithLode("commit", "-qam", "v2")
    try repo.gitWithLode("checkout", "-q", "main")
    try repo.write("notes.txt", "n2\n")
    try repo.gitWithLode("commit", "-qam", "notes")
    // A file checkout (flag 0) leaves the data alone.
    try repo.write("notes.txt", "scratch\n")
    let fileCheckout = try repo.gitWithLode("checkout", "topic", "--", "notes.txt")
    #expect(!fileCheckout.stderr.contains("lode:"), "\(fileCheckout.stderr)")
    // Each step of a rebase checks out commits: the hook stays out of it.
    try repo.gitWithLode("checkout", "-q", "topic")
    let rebase = try repo.gitWithLode("rebase", "main")
    #expect(rebase.status == 0, "\(rebase.output)")
    #expect(!rebase.stderr.contains("lode:"), "\(rebase.stderr)")
  }

  @Test func gitPushUploadsTheDataAndFailsWhenTheUploadFails() throws {
    let shared = try SharedSetup()
    let a = try shared.clone()
    try a.write(".git/hooks/pre-push", "#!/bin/sh\necho \"user hook $1\" >> user-hook.log\ncat >> user-hook.log\n")
    try a.sh("chmod +x .git/hooks/pre-push")
    try a.lodeOK("install")
    try a.write("model.bin", TestRepo.noise(count: 100_000, seed: 8))
    try a.write("images/x.bin", "x")
    try a.lodeOK("add", "model.bin", "images")
    try a.gitWithLode("commit", "-qm", "data")
    let push = try a.gitWithLode("push", "-q", "origin", "main")
    #expect(push.status == 0, "\(push.output)")
    #expect(push.stderr.contains("lode: pushed 3 objects"), "\(push.stderr)")
    // The user's own pre-push hook still ran, with git's arguments and stdin.
    let log = try a.read("user-hook.log")
    #expect(log.hasPrefix("user hook origin\nrefs/heads/main "), "\(log)")

    let b = try shared.clone()
    try b.lodeOK("pull")
    #expect(try b.sha256sum("model.bin") == (try a.sha256sum("model.bin")))

    // An upload that cannot happen stops git push.
    try a.write("model.bin", "changed\n")
    try a.lodeOK("commit")
    try a.gitWithLode("commit", "-qam", "change")
    try a.lodeOK("remote", "modify", "storage", "url", "/nonexistent/lode-store")
    let failed = try a.gitWithLode("push", "-q", "origin", "main")
    #expect(failed.status != 0)
    #expect(failed.stderr.contains("lode: could not upload the data of this push"), "\(failed.stderr)")
    #expect(failed.stderr.contains("does not exist"))
    let remoteHead = try shared.origin.sh("git rev-parse main").stdout
    let localHead = try a.git("rev-parse", "HEAD").stdout
    #expect(remoteHead != localHead, "git push went through although the data upload failed")
  }

  @Test func preCommitWarnsAndBlocksOnlyWhenStrict() throws {
    let repo = try TestRepo()
    try repo.lodeOK("install")
    try repo.write("a.csv", "v1\n")
    try repo.lodeOK("add", "a.csv")
    try repo.gitWithLode("commit", "-qm", "v1")
    try repo.write("a.csv", "changed\n")
    try repo.write("notes.txt", "n")
    try repo.git("add", "notes.txt")
    let warned = try repo.gitWithLode("commit", "-qm", "notes")
    #expect(warned.status == 0)
    #expect(warned.stderr.contains("tracked data changed but its pointer was not updated: a.csv"))
    try repo.lodeOK("config", "core.strictHooks", "true")
    try repo.write("notes.txt", "n2")
    try repo.git("add", "notes.txt")
    let blocked = try repo.gitWithLode("commit", "-qm", "notes 2")
    #expect(blocked.status != 0)
    #expect(blocked.stderr.contains("commit stopped (core.strictHooks)"))
  }

  @Test func hooksDoNothingWithoutLodeOrWithoutLodeDirectory() throws {
    let repo = try TestRepo(lodeInit: false)
    for name in Self.names {
      try repo.sh("cp '\(hooksFolder)/\(name)' .git/hooks/\(name)")
    }
    try repo.write("x.txt", "x")
    try repo.git("add", "x.txt")
    // No .lode/ here: every hook is silent and successful.
    let commit = try repo.gitWithLode("commit", "-qm", "x")
    #expect(commit.status == 0 && commit.stderr.isEmpty, "\(commit.output)")
    // No lode on PATH at all.
    let plain = try run("/bin/sh", ["-c", "PATH=/usr/bin:/bin git checkout -q -b next"], in: repo.root)
    #expect(plain.status == 0 && plain.stderr.isEmpty, "\(plain.output)")
  }
}
