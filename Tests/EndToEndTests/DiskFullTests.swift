import Foundation
import Testing

/// Whether this machine lets the tests mount a small tmpfs (root in most CI
/// containers); the disk-full tests are skipped otherwise.
let canMountTmpfs: Bool = {
  guard getuid() == 0, let probe = try? TestRepo(gitInit: false, lodeInit: false),
    let mounted = try? run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", probe.root], in: "/"),
    mounted.status == 0
  else { return false }
  _ = try? run("/bin/umount", [probe.root], in: "/")
  return true
}()

/// A git repository with lode on its own tiny file system.
private final class SmallDisk {
  let repo: TestRepo

  init(megabytes: Int) throws {
    repo = try TestRepo(gitInit: false, lodeInit: false)
    let mount = try run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", repo.root], in: "/")
    #expect(mount.status == 0, "\(mount.output)")
    try repo.git("init", "-q", "-b", "main", ".")
    try repo.git("config", "user.email", "test@lode.invalid")
    try repo.git("config", "user.name", "lode test")
    try repo.lodeOK("init")
  }

  /// Fills the disk until `free` KiB remain.
  func fill(leavingKiB free: Int) throws {
    let stats = try repo.sh("df -k --output=avail . | tail -1").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let available = Int(stats) ?? 0
    try repo.sh("head -c \(max(0, available - free) * 1024) /dev/zero > filler.bin")
  }

  deinit { _ = try? run("/bin/umount", ["-l", repo.root], in: "/") }
}

@Suite(.enabled(if: canMountTmpfs, "needs root to mount a small tmpfs"))
struct DiskFullTests {
  @Test func addOnAFullDiskFailsCleanlyAndKeepsTheData() throws {
    let disk = try SmallDisk(megabytes: 8)
    let repo = disk.repo
    try repo.write("model.bin", TestRepo.noise(count: 5 << 20, seed: 31))
    let before = try repo.sha256sum("model.bin")
    let add = try repo.lode("add", "model.bin")
    #expect(add.status == 1)
    #expect(add.stderr.contains("No space left on device"), "\(add.stderr)")
    #expect(add.stderr.contains("hint: free some disk space"))
    #expect(!repo.exists("model.bin.lode"))
    #expect(try repo.sha256sum("model.bin") == before)
    #expect(try repo.sh("find .lode -name '.lode-tmp-*'").stdout.isEmpty, "a temp file was left behind")
    #expect(try repo.lodeOK("fsck").stdout.contains(", 0 damaged"))
  }

  @Test func addingAFolderOnAFullDiskFailsCleanlyAndWorksOnceThereIsRoom() throws {
    let disk = try SmallDisk(megabytes: 46)
    let repo = disk.repo
    // 6,000 files of 4 KiB (24 MB): the data fits, and a first batch of
    // 4,096 objects in the cache, but not a second copy of all of it.
    for index in 0..<6000 {
      try repo.write("images/d\(index % 8)/f\(index).bin", TestRepo.noise(count: 4 << 10, seed: UInt64(500 + index)))
    }
    let before = try repo.sh("cd images && find . -type f | sort | xargs sha256sum").stdout
    let add = try repo.lode("add", "images")
    #expect(add.status == 1)
    #expect(add.stderr.contains("No space left on device"), "\(add.stderr)")
    #expect(!repo.exists("images.lode"))
    #expect(try repo.sh("cd images && find . -type f | sort | xargs sha256sum").stdout == before)
    #expect(try repo.sh("find .lode -name '.lode-tmp-*'").stdout.isEmpty, "a temp file was left behind")
    #expect(try repo.lodeOK("fsck").stdout.contains(", 0 damaged"))
    // With room (half the files gone), the folder is added and checks out whole.
    try repo.sh("rm images/d[0-3]/*")
    try repo.lodeOK("add", "images")
    try repo.sh("rm -r images")
    try repo.lodeOK("checkout")
    #expect(try repo.sh("cd images && find . -type f | wc -l").stdout.contains("3000"))
    #expect(try repo.lodeOK("fsck").stdout.contains(", 0 damaged"))
  }

  @Test func checkoutOnAFullDiskWritesNoPartialFile() throws {
    let disk = try SmallDisk(megabytes: 8)
    let repo = disk.repo
    try repo.write("model.bin", TestRepo.noise(count: 2 << 20, seed: 32))
    try repo.lodeOK("add", "model.bin")
    try repo.sh("rm model.bin")
    try disk.fill(leavingKiB: 512)
    let checkout = try repo.lode("checkout")
    #expect(checkout.status == 1)
    #expect(checkout.stderr.contains("No space left on device"), "\(checkout.stderr)")
    #expect(!repo.exists("model.bin"), "a partial file was left in the workspace")
    #expect(try repo.sh("find . -name '.lode-tmp-*'").stdout.isEmpty)
    try repo.sh("rm filler.bin")
    try repo.lodeOK("checkout")
    #expect(try repo.pointerID("model.bin.lode") == (try repo.sha256sum("model.bin")))
  }

  @Test func fetchOnAFullDiskLeavesTheCacheClean() throws {
    let shared = try SharedSetup()
    let a = try shared.clone()
    try a.write("model.bin", TestRepo.noise(count: 3 << 20, seed: 33))
    try a.lodeOK("add", "model.bin")
    try a.lodeOK("push")
    try a.git("commit", "-qm", "model")
    try a.git("push", "-q", "origin", "main")
    let disk = try SmallDisk(megabytes: 8)
    let repo = disk.repo
    try repo.git("remote", "add", "origin", shared.origin.root)
    try repo.git("fetch", "-q", "origin")
    try repo.git("reset", "-q", "--hard", "origin/main")
    try disk.fill(leavingKiB: 1024)
    let pull = try repo.lode("pull")
    #expect(pull.status == 1)
    #expect(pull.stderr.contains("No space left on device"), "\(pull.stderr)")
    #expect(try repo.sh("find .lode -name '.lode-tmp-*'").stdout.isEmpty)
    #expect(try repo.lodeOK("fsck").stdout.contains(", 0 damaged"))
    try repo.sh("rm filler.bin")
    try repo.lodeOK("pull")
    #expect(try repo.sha256sum("model.bin") == (try a.sha256sum("model.bin")))
  }
}
