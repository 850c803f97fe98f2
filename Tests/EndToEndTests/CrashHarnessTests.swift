import Basics
import Foundation
import Testing

/// A small deterministic generator, so every kill moment can be replayed.
private struct SeededRandom {
  var state: UInt64
  mutating func next(below bound: UInt64) -> UInt64 {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return (state >> 33) % bound
  }
}

/// Starts lode with `arguments` in `repo` and SIGKILLs it after `micros` µs.
private func killLode(_ arguments: [String], in directory: String, after micros: UInt64) throws {
  let process = try startLode(arguments, in: directory)
  kills.withLock { $0 += 1 }
  usleep(UInt32(micros))
  kill(process.processIdentifier, SIGKILL)
  process.waitUntilExit()
}

/// What must hold after any kill: the cache verifies, every pointer, lock
/// and config file parses, and no temp file masquerades as data.
private func expectConsistent(_ repo: TestRepo, _ context: String) throws {
  let fsck = try repo.lode("fsck")
  #expect(fsck.status == 0, "\(context): fsck: \(fsck.output)")
  let status = try repo.lode("status")
  #expect(status.status == 0, "\(context): a pointer or lock no longer parses: \(status.output)")
  #expect(try repo.sh("git config --file .lode/config --list").status == 0, "\(context): config damaged")
}

/// Every workspace file under `folder` must be one of the `allowed` versions (by sha256).
private func expectWholeVersions(_ repo: TestRepo, _ folder: String, allowed: Set<String>, _ context: String) throws {
  let sums = try repo.sh("find \(folder) -type f ! -name '.lode-tmp-*' -exec sha256sum {} + 2>/dev/null | cut -c1-64")
    .stdout
  // The next command that takes the lock clears lode's temp files; none may outlive it.
  let strays = sums.split(separator: "\n").filter { !allowed.contains(String($0)) }
  #expect(strays.isEmpty, "\(context): \(strays.count) files are neither their old nor their new version")
}

/// Rounds of each scenario: a few in `make test`, many in `make stress`
/// (LODE_STRESS_ROUNDS=30: 7 kills a round, 210 in all).
private let rounds = Int(ProcessInfo.processInfo.environment["LODE_STRESS_ROUNDS"] ?? "") ?? 3
private let kills = Locked(0)

@Suite(.serialized) struct CrashHarnessTests {
  static let seed: UInt64 = 20_261_130

  private func dataset(_ repo: TestRepo, version: Int) throws -> Set<String> {
    var sums = Set<String>()
    for index in 0..<150 {
      let text = String(repeating: "v\(version) file \(index)\n", count: 40 + index)
      try repo.write("data/f\(index).txt", text)
      sums.insert(try repo.sha256sum("data/f\(index).txt"))
    }
    try repo.write("data/big.bin", TestRepo.noise(count: 24 << 20, seed: UInt64(version)))
    sums.insert(try repo.sha256sum("data/big.bin"))
    return sums
  }

  @Test func killsDuringAddCommitCheckoutAndGcLeaveAConsistentRepository() throws {
    var random = SeededRandom(state: Self.seed)
    for round in 0..<rounds {
      let repo = try TestRepo()
      let v1 = try dataset(repo, version: 1)
      try killLode(["add", "data"], in: repo.root, after: 20_000 + random.next(below: 300_000))
      repo.removeIndexLockLeftByAKill()
      try expectConsistent(repo, "round \(round), add")
      try repo.lodeOK("add", "data")
      try repo.git("commit", "-qm", "v1")

      let v2 = try dataset(repo, version: 2)
      try killLode(["commit"], in: repo.root, after: 20_000 + random.next(below: 300_000))
      repo.removeIndexLockLeftByAKill()
      try expectConsistent(repo, "round \(round), commit")
      try repo.lodeOK("commit")
      try repo.git("commit", "-qam", "v2")

      try repo.git("checkout", "-q", "HEAD~1", "--", "data.lode")
      try killLode(["checkout"], in: repo.root, after: 10_000 + random.next(below: 200_000))
      repo.removeIndexLockLeftByAKill()
      try expectConsistent(repo, "round \(round), checkout")
      try expectWholeVersions(repo, "data", allowed: v1.union(v2), "round \(round), checkout")
      let rerun = try repo.lode("checkout")
      #expect(rerun.status == 0, "round \(round): checkout after the kill: \(rerun.output)")
      try expectWholeVersions(repo, "data", allowed: v1, "round \(round), after checkout")
      #expect(try repo.sh("find data -name '.lode-tmp-*'").stdout.isEmpty, "round \(round): temp files left")

      try repo.git("checkout", "-q", "HEAD", "--", "data.lode")
      try repo.lodeOK("checkout")
      try killLode(["gc"], in: repo.root, after: random.next(below: 100_000))
      repo.removeIndexLockLeftByAKill()
      try expectConsistent(repo, "round \(round), gc")
      try repo.lodeOK("gc")
      try repo.lodeOK("checkout")
      try expectWholeVersions(repo, "data", allowed: v2, "round \(round), after gc")
      #expect(try repo.lodeOK("status").stdout == "Data and pointers are up to date.\n")
    }
  }

  @Test func killsDuringPushPullAndReproAreCompletedByARerun() throws {
    var random = SeededRandom(state: Self.seed + 1)
    for round in 0..<rounds {
      let shared = try SharedSetup()
      let a = try shared.clone()
      let v1 = try dataset(a, version: 1)
      try a.write(
        "lode.yaml",
        "stages:\n  copy:\n    cmd: cp data/big.bin copy.bin\n    deps: [data/big.bin]\n    outs: [copy.bin]\n")
      try a.lodeOK("add", "data")
      try killLode(["repro"], in: a.root, after: 10_000 + random.next(below: 200_000))
      a.removeIndexLockLeftByAKill()
      usleep(200_000)  // the stage's own command outlives lode's SIGKILL; let it finish
      try expectConsistent(a, "round \(round), repro")
      try a.lodeOK("repro")
      try killLode(["push"], in: a.root, after: 10_000 + random.next(below: 200_000))
      a.removeIndexLockLeftByAKill()
      try expectConsistent(a, "round \(round), push")
      try a.lodeOK("push")
      try a.git("add", "-A")
      try a.git("commit", "-qm", "v1")
      try a.git("push", "-q", "origin", "main")

      let b = try shared.clone()
      try killLode(["pull"], in: b.root, after: 10_000 + random.next(below: 200_000))
      b.removeIndexLockLeftByAKill()
      try expectConsistent(b, "round \(round), pull")
      try expectWholeVersions(b, "data", allowed: v1, "round \(round), pull")
      try b.lodeOK("pull")
      #expect(try b.sha256sum("copy.bin") == (try a.sha256sum("data/big.bin")))
      #expect(try b.lodeOK("status").stdout == "Data and pointers are up to date.\n")
    }
    print("crash harness: \(kills.withLock { $0 }) kills so far, every invariant held")
  }
}
