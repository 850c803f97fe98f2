import Basics
import Formats
import GitBridge
import LodeKit
import ObjectStore
import Pipeline

/// The parsers lode runs on bytes it did not write: each must return or
/// throw, never crash, hang or allocate without bound.
enum FuzzTarget: String, CaseIterable {
  case pointer, tree, lockfile, pipeline, params, config, object

  func run(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    switch self {
    case .pointer: _ = try? Pointer(parsing: text, file: "fuzz.lode")
    case .tree: _ = try? Tree(decoding: bytes, id: FuzzTarget.anyID)
    case .lockfile: _ = try? Lockfile(parsing: text, file: "lode.lock")
    case .pipeline:
      if let pipeline = try? PipelineFile(text: text, readFile: { _ in nil }) { _ = try? StageGraph(pipeline) }
    case .params:
      for name in ["p.yaml", "p.json", "p.toml"] { _ = try? ParamsFile.parse(text, name: name) }
    case .config:
      let path = FuzzTarget.scratch + "/config"
      guard (try? AtomicFile.write(bytes, to: path)) != nil else { return }
      _ = try? ConfigFile(layers: [path]).entries()
    case .object:
      // Arbitrary bytes offered as a stored object in every codec: decoding
      // must fail cleanly (or verify) and never leave a temp file behind.
      let cache = ObjectCache(root: FuzzTarget.scratch + "/cache")
      for codec in Codec.allCases {
        let pending = try? cache.receive(FuzzTarget.anyID, codec: codec, source: "fuzz") { sink in
          try bytes.withUnsafeBytes { try sink($0) }
        }
        // A chunk list that parses waits for its chunks: check it, then drop it.
        if let pending {
          _ = try? cache.verifyReceived(pending, source: "fuzz")
          cache.discard([pending])
        }
      }
    }
  }

  static let anyID = try! ObjectID(validating: String(repeating: "a", count: 64))
  static let scratch: String = {
    let path = "/tmp/lode-fuzz-\(getpid())"
    try? FileIO.makeDirectories(path)
    return path
  }()

  /// The target named by `LODE_FUZZ_TARGET`.
  static var fromEnvironment: FuzzTarget {
    guard let name = getenv("LODE_FUZZ_TARGET").map({ String(cString: $0) }), let target = FuzzTarget(rawValue: name)
    else {
      writeStderr("set LODE_FUZZ_TARGET to one of: \(allCases.map(\.rawValue).joined(separator: ", "))\n")
      exit(2)
    }
    return target
  }
}

#if FUZZING
  /// libFuzzer's entry point.
  @_cdecl("LLVMFuzzerTestOneInput")
  public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzTarget.current.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
  }

  @_silgen_name("LLVMFuzzerRunDriver")
  private func runDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
  ) -> CInt

  extension FuzzTarget {
    nonisolated(unsafe) static var current = FuzzTarget.pointer
  }

  /// The executable's entry point under SwiftPM: hands over to libFuzzer's driver.
  @_cdecl("LodeFuzz_main")
  public func fuzzMain(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
  ) -> CInt {
    FuzzTarget.current = FuzzTarget.fromEnvironment
    var count = argc
    var arguments = argv
    return runDriver(&count, &arguments, fuzzOneInput)
  }
#else
  /// Without the fuzzer: `lode-fuzz TARGET FILE…` replays inputs (a crash
  /// libFuzzer found, or the seed corpus) through one target.
  @main
  struct Replay {
    static func main() throws {
      let arguments = CommandLine.arguments.dropFirst()
      guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
        writeStderr("usage: lode-fuzz \(FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")) FILE…\n")
        exit(2)
      }
      for file in arguments.dropFirst() { target.run(try FileIO.readFile(file)) }
      print("replayed \(arguments.count - 1) inputs through \(name)")
    }
  }
#endif
