import Foundation
import Testing

/// A 4-stage pipeline in dvc.yaml's schema, run the same way by lode and DVC.
let pipelineYAML = """
  stages:
    prepare:
      cmd: mkdir -p data/prepared && head -n 8 data/raw.csv > data/prepared/train.csv && tail -n 2 data/raw.csv > data/prepared/test.csv
      deps:
      - data/raw.csv
      params:
      - prepare.split
      outs:
      - data/prepared
    featurize:
      cmd: mkdir -p data/features && awk -F, '{print $1 * 2}' data/prepared/train.csv > data/features/train.txt
      deps:
      - data/prepared
      outs:
      - data/features
    train:
      cmd: cp data/features/train.txt model.pkl && echo epochs=${train.epochs} >> model.pkl
      deps:
      - data/features
      params:
      - train.epochs
      outs:
      - model.pkl
    evaluate:
      cmd: printf '{"lines":%s}\\n' $(wc -l < model.pkl) > metrics.json
      deps:
      - model.pkl
      - data/prepared
      metrics:
      - metrics.json:
          cache: false

  """

/// The steps of the scenario and the stages each must run, written down from
/// DVC 3's documented behaviour: a stage runs when its command, a dep's
/// content or a param changed (or it never ran); unchanged stages are
/// skipped; a combination that ran before comes from the run-cache; a
/// deleted out comes back from the cache without running.
let pipelineSteps: [(name: String, change: String, runs: Set<String>)] = [
  ("first repro", "", ["prepare", "featurize", "train", "evaluate"]),
  ("second repro", "", []),
  ("train's param changes", "sed -i 's/epochs: 10/epochs: 20/' params.yaml", ["train", "evaluate"]),
  ("the param is set back", "sed -i 's/epochs: 20/epochs: 10/' params.yaml", []),
  ("the raw data changes", "sed -i '1s/^/0,zero\\n/' data/raw.csv", ["prepare", "featurize", "train", "evaluate"]),
  ("an out is deleted", "rm model.pkl", []),
]

private func pipelineRepository(gitInit: Bool = true, lodeInit: Bool = true) throws -> TestRepo {
  let repo = try TestRepo(gitInit: gitInit, lodeInit: lodeInit)
  try writePipelineInputs(repo)
  return repo
}

/// A clone of `shared` with the pipeline's inputs added and the pipeline run once.
private func clonedPipeline(_ shared: SharedSetup) throws -> TestRepo {
  let repo = try shared.clone()
  try writePipelineInputs(repo)
  try repo.write("lode.yaml", pipelineYAML)
  try repo.lodeOK("add", "data/raw.csv")
  try repo.lodeOK("repro")
  return repo
}

/// The raw data and params the pipeline reads.
private func writePipelineInputs(_ repo: TestRepo) throws {
  try repo.write("data/raw.csv", (1...20).map { "\($0),row\($0)" }.joined(separator: "\n") + "\n")
  try repo.write("params.yaml", "prepare:\n  split: 0.2\ntrain:\n  epochs: 10\n")
}

/// Stages lode ran, from its `stage: running, reason` lines.
private func ranStages(_ output: String) -> Set<String> {
  Set(
    output.split(separator: "\n").compactMap { line in
      line.contains(": running, ") ? String(line.prefix { $0 != ":" }) : nil
    })
}

/// The dvc binary for side-by-side checks: LODE_TEST_DVC, the benchmark's venv, or PATH.
let dvcBinary: String? = {
  let candidates: [String?] =
    [
      ProcessInfo.processInfo.environment["LODE_TEST_DVC"],
      URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("bench/.venv/bin/dvc").path,
    ] + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { Optional("\($0)/dvc") }
  return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
}()

@Suite struct PipelineTests {
  @Test func reproRunsOnlyWhatChangedAndSaysWhy() throws {
    let repo = try pipelineRepository()
    try repo.write("lode.yaml", pipelineYAML)
    var outputs: [String] = []
    for step in pipelineSteps {
      if !step.change.isEmpty { try repo.sh(step.change) }
      let result = try repo.lodeOK("repro")
      outputs.append(result.stdout)
      #expect(ranStages(result.stdout) == step.runs, "\(step.name):\n\(result.stdout)")
    }
    #expect(outputs[1] == "prepare: up to date\nfeaturize: up to date\ntrain: up to date\nevaluate: up to date\n")
    #expect(outputs[2].contains("train: running, param train.epochs changed 10 -> 20\n"))
    #expect(outputs[2].contains("evaluate: running, dep model.pkl changed\n"))
    #expect(outputs[3].contains("train: restored from run-cache\n"), "\(outputs[3])")
    #expect(outputs[4].contains("prepare: running, dep data/raw.csv changed\n"))
    #expect(outputs[5].contains("train: restored from cache, out model.pkl was missing\n"), "\(outputs[5])")
    #expect(try repo.read("model.pkl").hasSuffix("epochs=10\n"))
    // The lock is in git, the cached outs are git-ignored, the metrics are not.
    let staged = try repo.git("diff", "--cached", "--name-only").stdout
    #expect(staged.contains("lode.lock\n") && staged.contains("data/.gitignore\n"))
    #expect(try repo.read("data/.gitignore") == "/prepared\n/features\n")
    #expect(try run("/usr/bin/git", ["check-ignore", "metrics.json"], in: repo.root).status == 1)
    #expect(try repo.read("lode.lock").contains("    - path: model.pkl\n      kind: file\n"))
  }

  @Test(.enabled(if: dvcBinary != nil, "DVC is not installed (LODE_TEST_DVC, bench/.venv or PATH)"))
  func decisionsMatchDvc() throws {
    let dvc = dvcBinary!
    let repo = try pipelineRepository(lodeInit: false)
    try repo.write("dvc.yaml", pipelineYAML)
    try repo.sh("'\(dvc)' init -q && '\(dvc)' config core.analytics false")
    for step in pipelineSteps {
      if !step.change.isEmpty { try repo.sh(step.change) }
      let result = try repo.sh("'\(dvc)' repro 2>&1")
      #expect(result.status == 0, "\(result.output)")
      let ran = Set(
        result.stdout.split(separator: "\n").compactMap { line -> String? in
          guard line.hasPrefix("Running stage '") else { return nil }
          return String(line.dropFirst("Running stage '".count).prefix { $0 != "'" })
        })
      #expect(ran == step.runs, "DVC, \(step.name):\n\(result.stdout)")
    }
  }

  /// A stage's outputs are read right after the stage wrote them, often in
  /// the same clock tick; lode waits for the tick to pass before reading, so
  /// the next command trusts them instead of reading them again.
  @Test func outputsAStageJustWroteAreNotReadAgainByTheNextRun() throws {
    let repo = try TestRepo()
    try repo.write(
      "lode.yaml", "stages:\n  make:\n    cmd: echo ${n} > out.txt\n    params: [n]\n    outs: [out.txt]\n")
    for round in 0..<5 {
      try repo.write("params.yaml", "n: \(round)\n")
      try repo.lodeOK("repro")
      let again = try repo.lode("repro", environment: ["LODE_TRACE": "hash"])
      #expect(again.status == 0)
      #expect(!again.stderr.contains("lode-trace: hash"), "round \(round): \(again.stderr)")
    }
  }

  @Test func parallelStagesOverlapAndLockLikeASerialRun() throws {
    let diamond = """
      stages:
        source:
          cmd: echo base > base.txt
          outs: [base.txt]
        left:
          cmd: date +%s.%N > ../left.start && echo left says hi && sleep 1 && cat base.txt > left.txt && date +%s.%N > ../left.end
          deps: [base.txt]
          outs: [left.txt]
        right:
          cmd: date +%s.%N > ../right.start && sleep 1 && cat base.txt base.txt > right.txt && date +%s.%N > ../right.end
          deps: [base.txt]
          outs: [right.txt]
        join:
          cmd: cat left.txt right.txt > joined.txt
          deps: [left.txt, right.txt]
          outs: [joined.txt]

      """
    var locks: [String] = []
    for jobs in ["1", "2"] {
      let repo = try TestRepo()
      try repo.write("lode.yaml", diamond.replacingOccurrences(of: "../", with: "times/"))
      try repo.sh("mkdir times")
      let result = try repo.lodeOK("repro", "-j", jobs)
      #expect(ranStages(result.stdout) == ["source", "left", "right", "join"])
      locks.append(try repo.read("lode.lock"))
      let times = try ["left.start", "left.end", "right.start", "right.end"].map {
        Double(try repo.read("times/" + $0).trimmingCharacters(in: .whitespacesAndNewlines))!
      }
      let overlap = times[0] < times[3] && times[2] < times[1]
      #expect(overlap == (jobs == "2"), "-j \(jobs): left \(times[0])–\(times[1]), right \(times[2])–\(times[3])")
      // Output is streamed; with stages side by side each line names its stage.
      #expect(result.stdout.contains(jobs == "2" ? "[left] left says hi\n" : "\nleft says hi\n"), "\(result.stdout)")
    }
    #expect(locks[0] == locks[1])
  }

  @Test(arguments: [
    ("cycle", "the stages depend on each other in a cycle"),
    ("duplicate", "is an out of more than one stage: a, b"),
    ("missingDep", "b: dependency nothing.txt does not exist"),
    ("failing", "b: the command failed (exit status 3)"),
    ("notProduced", "b: the command did not produce its out b.txt"),
    ("malformed", "lode.yaml:7: while parsing a flow sequence"),
    ("unknownParam", "b: param 'train.nope' is not in params.yaml"),
    ("trackedOut", "b: out b.txt is also tracked by b.txt.lode"),
  ])
  func pipelineErrorsAreClearAndLeaveTheLockAlone(scenario: String, expected: String) throws {
    let repo = try TestRepo()
    try repo.write("params.yaml", "train:\n  lr: 1\n")
    try repo.write("lode.yaml", "stages:\n  a:\n    cmd: echo a > a.txt\n    outs: [a.txt]\n")
    try repo.lodeOK("repro")
    let lockBefore = try repo.read("lode.lock")
    let stageB: String
    switch scenario {
    case "cycle":
      try repo.write(
        "lode.yaml",
        "stages:\n  a:\n    cmd: echo a > a.txt\n    deps: [b.txt]\n    outs: [a.txt]\n  b:\n    cmd: echo b > b.txt\n    deps: [a.txt]\n    outs: [b.txt]\n"
      )
      stageB = ""
    case "duplicate": stageB = "    cmd: echo b > a.txt\n    outs: [a.txt]\n"
    case "missingDep": stageB = "    cmd: echo b > b.txt\n    deps: [nothing.txt]\n    outs: [b.txt]\n"
    case "failing": stageB = "    cmd: echo partial > b.txt; exit 3\n    deps: [a.txt]\n    outs: [b.txt]\n"
    case "notProduced": stageB = "    cmd: echo nothing\n    deps: [a.txt]\n    outs: [b.txt]\n"
    case "malformed": stageB = "    cmd: [broken\n"
    case "unknownParam": stageB = "    cmd: echo b > b.txt\n    params: [train.nope]\n    outs: [b.txt]\n"
    default:
      try repo.write("b.txt", "tracked\n")
      try repo.lodeOK("add", "b.txt")
      stageB = "    cmd: echo b > b.txt\n    outs: [b.txt]\n"
    }
    if !stageB.isEmpty {
      try repo.write("lode.yaml", "stages:\n  a:\n    cmd: echo a > a.txt\n    outs: [a.txt]\n  b:\n" + stageB)
    }
    let result = try repo.lode("repro")
    #expect(result.status == 1)
    #expect(result.stderr.hasPrefix("error: "), "\(result.output)")
    #expect(result.stderr.contains(expected), "\(result.stderr)")
    #expect(try repo.read("lode.lock") == lockBefore)
  }

  @Test func statusCheckoutPushAndPullCoverPipelineOuts() throws {
    let shared = try SharedSetup()
    let a = try clonedPipeline(shared)
    try a.sh("rm -rf data/features")
    #expect(try a.lodeOK("status").stdout == "data/features: missing\n")
    try a.lodeOK("checkout")
    #expect(try a.lodeOK("status").stdout == "Data and pointers are up to date.\n")
    try a.lodeOK("push")
    try a.git("add", "-A")
    try a.git("commit", "-qm", "pipeline")
    try a.git("push", "-q", "origin", "main")
    let b = try shared.clone()
    try b.lodeOK("pull")
    #expect(try b.read("model.pkl") == (try a.read("model.pkl")))
    #expect(try b.lodeOK("repro").stdout.contains("evaluate: up to date"))
  }

  @Test func stageAddKeepsTheRestOfTheFileAsWritten() throws {
    let repo = try TestRepo()
    let original =
      "# my pipeline\nstages:\n    # the first stage\n    prep:\n        cmd: echo hi > hi.txt   # say hi\n        outs: [hi.txt]\n\n# trailing notes\nvars:\n- x: 1\n"
    try repo.write("lode.yaml", original)
    try repo.lodeOK(
      "stage", "add", "-n", "shout", "-d", "hi.txt", "-o", "loud.txt", "-p", "x", "--", "tr", "a-z", "A-Z", "<",
      "hi.txt", ">", "loud.txt")
    let edited = try repo.read("lode.yaml")
    #expect(
      edited.hasPrefix(
        "# my pipeline\nstages:\n    # the first stage\n    prep:\n        cmd: echo hi > hi.txt   # say hi\n        outs: [hi.txt]\n    shout:\n"
      ), "\(edited)")
    #expect(edited.hasSuffix("\n# trailing notes\nvars:\n- x: 1\n"), "\(edited)")
    try repo.write("params.yaml", "x: 1\n")
    try repo.lodeOK("repro")
    #expect(try repo.read("loud.txt") == "HI\n")
    let again = try repo.lode("stage", "add", "-n", "shout", "--", "true")
    #expect(again.status == 1 && again.stderr.contains("already exists"))
    try repo.lodeOK(
      "stage", "add", "--force", "-n", "shout", "-d", "hi.txt", "-o", "loud.txt", "--", "cp", "hi.txt", "loud.txt")
    #expect(try repo.read("lode.yaml").contains("    shout:\n      cmd: cp hi.txt loud.txt\n"))
    #expect(try repo.lodeOK("repro").stdout.contains("shout: running, param x removed"))
  }

  @Test func paramsAndMetricsDiffReadRevisionsThroughGit() throws {
    let repo = try pipelineRepository()
    try repo.write("lode.yaml", pipelineYAML)
    try repo.lodeOK("repro")
    try repo.git("add", "-A")
    try repo.git("commit", "-qm", "v1")
    try repo.sh("sed -i 's/epochs: 10/epochs: 20/' params.yaml")
    let params = try repo.lodeOK("params", "diff").stdout
    #expect(params.contains("params.yaml  train.epochs  10    20         +10"), "\(params)")
    #expect(!params.contains("prepare.split"))
    try repo.sh("sed -i '1s/^/0,zero\\n/' data/raw.csv")
    try repo.lodeOK("repro")
    #expect(try repo.lodeOK("metrics", "show").stdout.contains("metrics.json  lines   9"))
    try repo.git("add", "-A")
    try repo.git("commit", "-qm", "v2")
    let metrics = try repo.lodeOK("metrics", "diff", "HEAD~1", "HEAD").stdout
    #expect(metrics.contains("metrics.json  lines   9     9     0") == false)
    let json = try repo.lodeOK("metrics", "diff", "--all", "--json", "HEAD~1", "HEAD").stdout
    let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: [String: [String: Any]]]
    #expect(decoded["metrics.json"]?["lines"]?["old"] as? Int == 9)
    #expect(try repo.lodeOK("dag", "--mermaid").stdout.contains("node0 --> node1"))
  }
}

@Suite struct RunCacheTransferTests {
  @Test func pushAndPullCarryTheRunCacheToAnotherClone() throws {
    let shared = try SharedSetup()
    let a = try clonedPipeline(shared)
    try a.sh("sed -i 's/epochs: 10/epochs: 20/' params.yaml")
    try a.lodeOK("repro")
    try a.lodeOK("push", "--run-cache")
    try a.git("add", "-A")
    try a.git("commit", "-qm", "epochs 20")
    try a.git("push", "-q", "origin", "main")

    let b = try shared.clone()
    try b.lodeOK("pull", "--run-cache")
    try b.sh("sed -i 's/epochs: 20/epochs: 10/' params.yaml")
    let repro = try b.lodeOK("repro").stdout
    #expect(repro.contains("train: restored from run-cache"), "\(repro)")
    #expect(!repro.contains("running"), "\(repro)")
    #expect(try b.read("model.pkl").hasSuffix("epochs=10\n"))
  }
}
