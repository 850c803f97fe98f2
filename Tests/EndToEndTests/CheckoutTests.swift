import Foundation
import Testing

@Suite struct CheckoutTests {
  @Test func checkoutNeverOverwritesUncommittedChangesWithoutForce() throws {
    let repo = try TestRepo()
    try repo.write("a.csv", "v1\n")
    try repo.write("imgs/x.bin", "x1")
    try repo.write("imgs/y.bin", "y1")
    try repo.lodeOK("add", "a.csv", "imgs")
    try repo.write("a.csv", "my unsaved work\n")
    try repo.write("imgs/x.bin", "my unsaved x")
    try repo.write("imgs/new.bin", "brand new")
    try repo.sh("rm imgs/y.bin")
    let refused = try repo.lode("checkout")
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("a.csv, imgs/new.bin, imgs/x.bin"), "\(refused.stderr)")
    #expect(refused.stderr.contains("--force"))
    // Nothing was touched, not even the missing file that could have been restored.
    #expect(try repo.read("a.csv") == "my unsaved work\n")
    #expect(try repo.read("imgs/x.bin") == "my unsaved x")
    #expect(!repo.exists("imgs/y.bin"))
    try repo.lodeOK("checkout", "--force")
    #expect(try repo.read("a.csv") == "v1\n")
    #expect(try repo.read("imgs/x.bin") == "x1")
    #expect(try repo.read("imgs/y.bin") == "y1")
    #expect(!repo.exists("imgs/new.bin"))
  }

  @Test func checkoutSwitchesBetweenCommittedVersionsFreely() throws {
    let repo = try TestRepo()
    try repo.write("a.csv", "v1\n")
    try repo.lodeOK("add", "a.csv")
    try repo.git("commit", "-qm", "v1")
    try repo.write("a.csv", "v2\n")
    try repo.lodeOK("commit")
    try repo.git("commit", "-qam", "v2")
    try repo.git("checkout", "-q", "HEAD~1")
    // The workspace holds v2, which is in the cache: no --force needed.
    try repo.lodeOK("checkout")
    #expect(try repo.read("a.csv") == "v1\n")
    try repo.git("checkout", "-q", "main")
    try repo.lodeOK("checkout", "a.csv")
    #expect(try repo.read("a.csv") == "v2\n")
  }

  @Test func aCorruptObjectNeverReplacesAWorkspaceFile() throws {
    let repo = try TestRepo()
    try repo.lodeOK("config", "cache.compression", "none")
    try repo.write("a.csv", "the good content\n")
    try repo.lodeOK("add", "a.csv")
    let id = try repo.pointerID("a.csv.lode")
    let object = try #require(repo.cacheFile(id))
    try repo.sh("chmod u+w \(object) && printf 'evil bytes here!!\\n' > \(object)")
    let fsck = try repo.lode("fsck")
    #expect(fsck.status == 1)
    #expect(fsck.stdout.contains("damaged: \(id)"))
    #expect(fsck.stderr.contains("1 damaged object"))

    try repo.sh("rm a.csv")
    let checkout = try repo.lode("checkout")
    #expect(checkout.status == 1)
    #expect(checkout.stderr.contains("object \(id) is corrupt"), "\(checkout.stderr)")
    #expect(!repo.exists("a.csv"))
    #expect(try repo.sh("ls -A . | grep lode-tmp").stdout.isEmpty, "a temp file was left behind")
  }

  @Test func aMissingDirectoryAppearsWholeOrNotAtAll() throws {
    let repo = try TestRepo()
    try repo.lodeOK("config", "cache.compression", "none")
    for index in 0..<30 { try repo.write("images/d\(index % 3)/f\(index).txt", "image \(index)\n") }
    try repo.lodeOK("add", "images")
    let damagedID = try repo.sh("sha256sum images/d1/f7.txt").stdout.prefix(64)
    let object = try #require(repo.cacheFile(String(damagedID)))
    try repo.sh("cp \(object) good.bak && chmod u+w \(object) && printf 'evil\\n' > \(object)")
    try repo.sh("rm -r images")
    let checkout = try repo.lode("checkout")
    #expect(checkout.status == 1)
    #expect(checkout.stderr.contains("is corrupt"), "\(checkout.stderr)")
    #expect(!repo.exists("images"), "a directory was checked out in part")
    #expect(try repo.sh("ls -A . | grep lode-tmp").stdout.isEmpty, "a temp folder was left behind")

    // A folder a killed checkout left is deleted by the next one, which
    // builds the directory whole; a folder merely named like one is not.
    try repo.sh("mkdir -p .lode-tmp-0k1lled0f01de/d0 && echo partial > .lode-tmp-0k1lled0f01de/d0/f0.txt")
    try repo.sh("mkdir -p .lode-tmp-mine && echo mine > .lode-tmp-mine/notes.txt")
    try repo.sh("cp good.bak \(object) && rm good.bak")
    try repo.lodeOK("checkout")
    #expect(try repo.sh("find images -type f | wc -l").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "30")
    #expect(try repo.read("images/d1/f7.txt") == "image 7\n")
    #expect(try repo.sh("ls -A . | grep lode-tmp").stdout == ".lode-tmp-mine\n", "a temp folder was left behind")
    #expect(try repo.read(".lode-tmp-mine/notes.txt") == "mine\n")
    // lode refuses to track a path named like its temp files.
    let refused = try repo.lode("add", ".lode-tmp-mine")
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("named like lode's temp files"), "\(refused.stderr)")
    #expect(try repo.lodeOK("status").stdout == "Data and pointers are up to date.\n")
  }

  @Test func aCorruptCompressedObjectIsCaughtToo() throws {
    let repo = try TestRepo()
    try repo.write("a.csv", String(repeating: "compressible line\n", count: 10_000))
    try repo.lodeOK("add", "a.csv")
    let object = try #require(repo.cacheFile(try repo.pointerID("a.csv.lode")))
    #expect(object.hasSuffix(".zst"))
    try repo.sh("chmod u+w \(object) && printf 'XXXX' | dd of=\(object) bs=1 seek=100 conv=notrunc 2>/dev/null")
    try repo.write("a.csv", "precious local edit\n")
    let checkout = try repo.lode("checkout", "--force")
    #expect(checkout.status == 1)
    #expect(checkout.stderr.contains("is corrupt"), "\(checkout.stderr)")
    #expect(try repo.read("a.csv") == "precious local edit\n")
    #expect(try repo.lode("fsck").status == 1)
  }

  @Test func aMissingObjectIsNamedWithAPullHint() throws {
    let repo = try TestRepo()
    try repo.write("a.csv", "1\n")
    try repo.write("b.csv", "2\n")
    try repo.lodeOK("add", "a.csv", "b.csv")
    let id = try repo.pointerID("a.csv.lode")
    try repo.sh("rm -f \(repo.cacheFile(id)!) a.csv b.csv")
    let result = try repo.lode("checkout")
    #expect(result.status == 1)
    #expect(result.stderr.contains("objects missing from the cache for a.csv (object \(id.prefix(12)))"))
    #expect(result.stderr.contains("lode pull"))
    // What could be restored was.
    #expect(try repo.read("b.csv") == "2\n")
  }

  @Test(arguments: ["hardlink", "reflink"])
  func linkedCacheTypesWorkOrFallBackToCopies(type: String) throws {
    let repo = try TestRepo()
    try repo.lodeOK("config", "cache.type", type)
    try repo.write("a.csv", String(repeating: "abc\n", count: 1000))
    try repo.lodeOK("add", "a.csv")
    let object = try #require(repo.cacheFile(try repo.pointerID("a.csv.lode")))
    #expect(!object.hasSuffix(".zst"), "linked cache types store objects raw")
    try repo.sh("rm a.csv")
    let result = try repo.lodeOK("checkout")
    #expect(try repo.read("a.csv") == String(repeating: "abc\n", count: 1000))
    let links = try repo.sh("stat -c %h a.csv").stdout
    if type == "hardlink" {
      #expect(links == "2\n")
    } else {
      #expect(links == "1\n")
      #expect(result.stdout.contains("note:") || !result.stdout.isEmpty)
    }
    #expect(try repo.lodeOK("status").stdout == "Data and pointers are up to date.\n")
  }

  @Test func checkoutRefusesToWriteThroughASymlinkedFolder() throws {
    let repo = try TestRepo()
    try repo.write("data/sub/a.bin", "inside")
    try repo.lodeOK("add", "data")
    let outside = try TestRepo(gitInit: false, lodeInit: false)
    try repo.sh("rm -rf data/sub && ln -s \(outside.root) data/sub")
    let result = try repo.lode("checkout", "--force")
    #expect(result.status == 1)
    #expect(result.stderr.contains("symlink"), "\(result.stderr)")
    #expect(!outside.exists("a.bin"))
  }
}
