import Basics
import Formats
import ObjectStore
import Testing

@testable import Pipeline

@Suite struct TOMLTests {
  @Test func tomlParamsFilesRead() throws {
    let value = try ParamsFile.parse(
      """
      # training settings
      title = "run \\"one\\""
      seed = 1_000
      [train]
      lr = 1e-3
      epochs = 10
      layers = [64, 128,
        256]   # trailing
      name = 'literal \\ string'
      enabled = true
      [train.optimizer]
      kind = "adam"
      betas = { b1 = 0.9, b2 = 0.999 }
      [[runs]]
      id = 1
      [[runs]]
      id = 2
      when = 1979-05-27T07:32:00Z
      """, name: "params.toml")
    #expect(value.lookup("title") == .string("run \"one\""))
    #expect(value.lookup("seed") == .int(1000))
    #expect(value.lookup("train.lr") == .double(0.001))
    #expect(value.lookup("train.layers.2") == .int(256))
    #expect(value.lookup("train.name") == .string("literal \\ string"))
    #expect(value.lookup("train.optimizer.betas.b2") == .double(0.999))
    #expect(value.lookup("runs.1.id") == .int(2))
    #expect(value.lookup("runs.1.when") == .string("1979-05-27T07:32:00Z"))
    #expect(value.lookup("train.enabled") == .bool(true))
  }

  @Test(arguments: ["a = ", "a = 1\na = 2", "[t\n", "a = \"open", "a = what", "a = 1 2"])
  func badTomlIsAnErrorWithALine(text: String) {
    #expect(throws: FormatError.self) { try ParamsFile.parse(text, name: "p.toml") }
  }

  @Test func jsonAndYamlParamsRead() throws {
    #expect(try ParamsFile.parse("{\"a\": {\"b\": [1, 2.5, \"x\"]}}", name: "p.json").lookup("a.b.1") == .double(2.5))
    #expect(try ParamsFile.parse("a:\n  b: '10'\n", name: "p.yml").lookup("a.b") == .string("10"))
    #expect(throws: PipelineError.self) { try ParamsFile.parse("x", name: "params.py") }
  }
}

@Suite struct LockfileTests {
  @Test func renderedLocksParseBackAndAreSorted() throws {
    let id = try ObjectID(validating: String(repeating: "c", count: 64))
    let lock = Lockfile(stages: [
      "train": LockEntry(
        command: "python train.py --lr 0.1",
        deps: [
          LockedPath(path: "z.py", kind: .file, id: id, size: 1, fileCount: nil),
          LockedPath(path: "data", kind: .dir, id: id, size: 9, fileCount: 3),
        ],
        params: ["params.yaml": ["train.lr": .double(0.1), "train.layers": .list([.int(1), .int(2)])]],
        outs: [LockedPath(path: "metrics.json", kind: .file, id: id, size: 5, fileCount: nil, cached: false)]),
      "prepare": LockEntry(command: "p", deps: [], params: [:], outs: []),
    ])
    let text = lock.rendered()
    #expect(text.range(of: "prepare:")!.lowerBound < text.range(of: "train:")!.lowerBound)
    #expect(text.range(of: "path: data")!.lowerBound < text.range(of: "path: z.py")!.lowerBound)
    #expect(text.contains("train.layers: [1, 2]\n        train.lr: 0.1\n"))
    #expect(try Lockfile(parsing: text, file: "lode.lock") == lock)
    #expect(try Lockfile(parsing: text, file: "lode.lock").rendered() == text)
  }

  @Test func newerOrHostileLocksAreRefused() {
    #expect(throws: FormatError.self) { try Lockfile(parsing: "version: 2\nstages: {}\n", file: "lode.lock") }
    let hostile =
      "version: 1\nstages:\n  a:\n    cmd: x\n    outs:\n    - path: ../../x\n      kind: file\n      sha256: \(String(repeating: "a", count: 64))\n      size: 1\n"
    #expect(throws: FormatError.self) { try Lockfile(parsing: hostile, file: "lode.lock") }
  }

  @Test func valuesHaveOneCanonicalForm() {
    #expect(Value.map([("b", .int(1)), ("a", .string("x"))]).canonical == "{\"a\": \"x\", \"b\": 1}")
    #expect(Value.double(3).canonical == "3.0")
    #expect(Value.double(3) != Value.int(3))
  }
}
