import Foundation
import Testing

@Suite struct CrashTests {
  /// SIGKILL at several moments during the add of a large file: the cache
  /// stays valid (fsck clean), no pointer is half-written, and a second add
  /// completes the work.
  @Test(arguments: [0.05, 0.2, 0.4, 0.7])
  func killDuringAddLeavesNothingCorrupt(delay: Double) throws {
    let repo = try TestRepo()
    try repo.write("big.bin", TestRepo.noise(count: 200 << 20, seed: 11))
    try repo.write("big.csv", String(repeating: "1,2,3,4,5,6,7,8,9\n", count: 4 << 20))
    let process = try startLode(["add", "big.csv", "big.bin"], in: repo.root)
    usleep(UInt32(delay * 1_000_000))
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    repo.removeIndexLockLeftByAKill()

    let fsck = try repo.lode("fsck")
    #expect(fsck.status == 0, "\(fsck.output)")
    for pointer in ["big.bin.lode", "big.csv.lode"] where repo.exists(pointer) {
      // A pointer that exists is complete and its object is in the cache.
      #expect(try repo.read(pointer).hasSuffix("\n"))
      #expect(repo.cacheFile(try repo.pointerID(pointer)) != nil)
    }
    try repo.lodeOK("add", "big.csv", "big.bin")
    #expect(try repo.pointerID("big.bin.lode") == (try repo.sha256sum("big.bin")))
    #expect(try repo.sh("ls -A .lode/cache/tmp 2>/dev/null").stdout.isEmpty, "temp files were not cleaned up")
    #expect(try repo.lode("fsck").status == 0)
  }
}
