import Basics
import Formats
import Testing

@testable import Pipeline

private func parse(_ text: String, files: [String: String] = [:]) throws -> PipelineFile {
  try PipelineFile(text: text, readFile: { files[$0] })
}

@Suite struct PipelineFileTests {
  @Test func theDvcSchemaParses() throws {
    let pipeline = try parse(
      """
      stages:
        prepare:
          cmd: python prepare.py
          wdir: src
          deps:
          - prepare.py
          - ../data/raw
          params:
          - prepare.split
          - ../config.toml:
            - seed
          outs:
          - ../data/prepared
          - cache.db:
              cache: false
              persist: true
          metrics:
          - ../metrics.json:
              cache: false
          plots:
          - ../plots.csv
          frozen: true
          always_changed: true
          desc: split the data
        train:
          cmd:
          - python train.py
          - echo done
          deps: [data/prepared]
          outs: [model.pkl]
      """)
    let prepare = try pipeline.stage("prepare")
    #expect(prepare.workingDirectory == "src")
    #expect(prepare.deps == ["src/prepare.py", "data/raw"])
    #expect(
      prepare.params == [
        ParamReference(file: "src/params.yaml", key: "prepare.split"), ParamReference(file: "config.toml", key: "seed"),
      ])
    #expect(prepare.outputs.map(\.path) == ["data/prepared", "src/cache.db", "metrics.json", "plots.csv"])
    #expect(prepare.outputs.map(\.cache) == [true, false, false, true])
    #expect(prepare.outputs[1].persist && prepare.frozen && prepare.alwaysChanged)
    #expect(try pipeline.stage("train").commands == ["python train.py", "echo done"])
  }

  @Test func varsAndParamsYamlInterpolate() throws {
    let pipeline = try parse(
      """
      vars:
      - config.json
      - model: resnet
        size: 3
      stages:
        train:
          cmd: train --model ${model} --lr ${train.lr} --layers ${layers.1} --size ${size} --cost \\${literal}
          outs: ["models/${model}.pkl"]
      """,
      files: ["params.yaml": "train:\n  lr: 0.01\n", "config.json": "{\"layers\": [64, 128]}"])
    let stage = try pipeline.stage("train")
    #expect(stage.command == "train --model resnet --lr 0.01 --layers 128 --size 3 --cost ${literal}")
    #expect(stage.outputs.map(\.path) == ["models/resnet.pkl"])
  }

  @Test func foreachExpandsListsAndMappingsWithDvcNames() throws {
    let pipeline = try parse(
      """
      vars:
      - regions: [us, eu]
      stages:
        build:
          foreach: ${regions}
          do:
            cmd: make ${item}
            outs: ["out/${item}"]
        train:
          foreach:
            small: {lr: 0.1}
            large: {lr: 0.01}
          do:
            cmd: train ${key} ${item.lr}
        mixed:
          foreach:
          - {name: a}
          - {name: b}
          do:
            cmd: echo ${item.name}
      """)
    #expect(
      pipeline.stages.map(\.name) == [
        "build@us", "build@eu", "train@small", "train@large", "mixed@0", "mixed@1",
      ])
    #expect(try pipeline.stage("train@large").command == "train large 0.01")
    #expect(try pipeline.stage("build@eu").outputs.map(\.path) == ["out/eu"])
  }

  @Test(arguments: [
    ("stages:\n  a:\n    cmd: x\n    colour: red\n", "lode.yaml:4: unknown field 'colour'"),
    ("stages:\n  a:\n    deps: [x]\n", "lode.yaml:3: stage a: missing cmd"),
    ("stages:\n  a:\n    cmd: [unclosed\n", "lode.yaml:4:"),
    ("stages:\n  a:\n    cmd: echo ${nope}\n", "lode.yaml:3: '${nope}' is not defined"),
    (
      "stages:\n  a:\n    cmd: x\n    outs: [../../etc/passwd]\n",
      "lode.yaml:4: '../../etc/passwd' leaves the repository"
    ),
    ("stages:\n  a:\n    cmd: x\n    deps: [/etc/passwd]\n", "lode.yaml:4: '/etc/passwd' must be relative"),
  ])
  func badPipelinesNameTheLine(text: String, expected: String) {
    do {
      _ = try parse(text)
      Issue.record("parsed: \(text)")
    } catch let error as LodeError {
      #expect(error.message.hasPrefix(expected), "\(error.message)")
    } catch {
      Issue.record("\(error)")
    }
  }
}

@Suite struct StageGraphTests {
  private func graph(_ text: String) throws -> StageGraph { try StageGraph(try parse(text)) }

  @Test func edgesFollowOutsIntoDepsIncludingFoldersAndOrderIsTopological() throws {
    let graph = try graph(
      """
      stages:
        report: {cmd: r, deps: [data/features/a.csv, model]}
        train: {cmd: t, deps: [data/features], outs: [model]}
        featurize: {cmd: f, deps: [data/prepared], outs: [data/features]}
        prepare: {cmd: p, deps: [raw], outs: [data/prepared]}
      """)
    #expect(graph.order == ["prepare", "featurize", "train", "report"])
    #expect(graph.upstream["report"] == ["featurize", "train"])
    #expect(
      try graph.selection(targets: ["train"], singleStage: false, downstream: false) == [
        "prepare", "featurize", "train",
      ])
    #expect(try graph.selection(targets: ["train"], singleStage: true, downstream: false) == ["train"])
    #expect(
      try graph.selection(targets: ["featurize"], singleStage: true, downstream: true) == [
        "featurize", "train", "report",
      ])
  }

  @Test func duplicateAndNestedOutsAreRefusedNamingTheStages() {
    #expect(throws: PipelineError.duplicateOut(path: "model", stages: ["a", "b"])) {
      try graph("stages:\n  a: {cmd: x, outs: [model]}\n  b: {cmd: y, outs: [model]}\n")
    }
    #expect(throws: PipelineError.duplicateOut(path: "data/x", stages: ["a", "b"])) {
      try graph("stages:\n  a: {cmd: x, outs: [data]}\n  b: {cmd: y, outs: [data/x]}\n")
    }
  }

  @Test func cyclesAreRefusedNamingTheStages() {
    do {
      _ = try graph(
        "stages:\n  a: {cmd: x, deps: [c.out], outs: [a.out]}\n  b: {cmd: y, deps: [a.out], outs: [b.out]}\n  c: {cmd: z, deps: [b.out], outs: [c.out]}\n"
      )
      Issue.record("no cycle found")
    } catch let error as PipelineError {
      guard case .cycle(let stages) = error else {
        Issue.record("\(error)")
        return
      }
      #expect(Set(stages) == ["a", "b", "c"])
      #expect(stages.first == stages.last)
    } catch {
      Issue.record("\(error)")
    }
  }
}
