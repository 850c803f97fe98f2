import Foundation
import Testing

/// The outcome of running a command.
struct RunResult {
  let status: Int32
  let stdout: String
  let stderr: String

  /// stdout and stderr together, for assertions that do not care which.
  var output: String { stdout + stderr }
}

/// The `lode` binary under test: `LODE_BIN`, or the one built next to this test bundle.
let lodeBinary: String = {
  if let path = ProcessInfo.processInfo.environment["LODE_BIN"] { return path }
  let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
  return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("lode").path
}()

/// Runs `executable` with `arguments` in `directory`, capturing output
/// through files (no pipe can fill up and stall the child).
func run(
  _ executable: String, _ arguments: [String], in directory: String, environment: [String: String] = [:],
  stdin: String? = nil
) throws -> RunResult {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  process.currentDirectoryURL = URL(fileURLWithPath: directory)
  var env = ProcessInfo.processInfo.environment
  env["LODE_NO_PROGRESS"] = "1"
  for (key, value) in environment { env[key] = value }
  process.environment = env
  let outPath = NSTemporaryDirectory() + "lode-test-out-\(UUID().uuidString)"
  let errPath = outPath + ".err"
  FileManager.default.createFile(atPath: outPath, contents: nil)
  FileManager.default.createFile(atPath: errPath, contents: nil)
  defer {
    try? FileManager.default.removeItem(atPath: outPath)
    try? FileManager.default.removeItem(atPath: errPath)
  }
  process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
  process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
  if let stdin {
    let pipe = Pipe()
    process.standardInput = pipe
    try process.run()
    pipe.fileHandleForWriting.write(Data(stdin.utf8))
    try pipe.fileHandleForWriting.close()
  } else {
    process.standardInput = FileHandle.nullDevice
    try process.run()
  }
  process.waitUntilExit()
  return RunResult(
    status: process.terminationStatus,
    stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
    stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
}

/// Starts the built lode in `directory` without waiting for it; its output is discarded.
func startLode(_ arguments: [String], in directory: String) throws -> Process {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: lodeBinary)
  process.arguments = arguments
  process.currentDirectoryURL = URL(fileURLWithPath: directory)
  process.standardOutput = FileHandle.nullDevice
  process.standardError = FileHandle.nullDevice
  var environment = ProcessInfo.processInfo.environment
  environment["LODE_NO_PROGRESS"] = "1"
  process.environment = environment
  try process.run()
  return process
}

/// A temporary real git repository, deleted when the test ends.
final class TestRepo {
  let root: String

  /// A clone of the git repository at `origin` (lode data is not cloned: pull it).
  convenience init(cloneOf origin: String) throws {
    try self.init(gitInit: false, lodeInit: false)
    let result = try run("/usr/bin/git", ["clone", "-q", origin, root], in: "/")
    #expect(result.status == 0, "git clone failed: \(result.output)")
    try git("config", "user.email", "test@lode.invalid")
    try git("config", "user.name", "lode test")
  }

  init(gitInit: Bool = true, lodeInit: Bool = true) throws {
    let template = NSTemporaryDirectory() + "lode-e2e-XXXXXX"
    var bytes = Array(template.utf8CString)
    guard let made = mkdtemp(&bytes) else { throw CocoaError(.fileWriteUnknown) }
    let resolved = realpath(made, nil)!
    root = String(cString: resolved)
    free(resolved)
    if gitInit {
      try git("init", "-q", "-b", "main", ".")
      try git("config", "user.email", "test@lode.invalid")
      try git("config", "user.name", "lode test")
      try git("config", "commit.gpgsign", "false")
    }
    if lodeInit { try lodeOK("init") }
  }

  deinit {
    _ = try? run("/bin/chmod", ["-R", "u+w", root], in: "/")
    try? FileManager.default.removeItem(atPath: root)
  }

  /// Runs lode in the repository (or `subdirectory` of it).
  @discardableResult
  func lode(_ arguments: String..., in subdirectory: String = "", environment: [String: String] = [:]) throws
    -> RunResult
  {
    try run(lodeBinary, arguments, in: path(subdirectory), environment: environment)
  }

  /// Runs lode with an argument array (built up by a test) and extra environment.
  func lode(_ arguments: [String], environment: [String: String]) throws -> RunResult {
    try run(lodeBinary, arguments, in: root, environment: environment)
  }

  /// Runs lode and records a test failure unless it exits 0.
  @discardableResult
  func lodeOK(
    _ arguments: String..., in subdirectory: String = "", environment: [String: String] = [:],
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> RunResult {
    let result = try run(lodeBinary, arguments, in: path(subdirectory), environment: environment)
    #expect(
      result.status == 0, "lode \(arguments.joined(separator: " ")) failed: \(result.output)",
      sourceLocation: sourceLocation)
    return result
  }

  /// Runs git in the repository and requires success.
  @discardableResult
  func git(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> RunResult {
    let result = try run("/usr/bin/git", arguments, in: root)
    #expect(
      result.status == 0, "git \(arguments.joined(separator: " ")) failed: \(result.output)",
      sourceLocation: sourceLocation)
    return result
  }

  /// Runs git with the built lode first on PATH, as an installed lode would be for git's hooks.
  @discardableResult
  func gitWithLode(_ arguments: String..., stdin: String? = nil) throws -> RunResult {
    let path = URL(fileURLWithPath: lodeBinary).deletingLastPathComponent().path
    let current = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return try run("/usr/bin/git", arguments, in: root, environment: ["PATH": path + ":" + current], stdin: stdin)
  }

  /// Runs a shell command in the repository.
  @discardableResult
  func sh(_ command: String) throws -> RunResult {
    try run("/bin/sh", ["-c", command], in: root)
  }

  func path(_ relative: String) -> String { relative.isEmpty ? root : root + "/" + relative }

  func write(_ relative: String, _ text: String) throws {
    try write(relative, Data(text.utf8))
  }

  func write(_ relative: String, _ data: Data) throws {
    let url = URL(fileURLWithPath: path(relative))
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try data.write(to: url)
  }

  func read(_ relative: String) throws -> String {
    try String(contentsOfFile: path(relative), encoding: .utf8)
  }

  /// After a SIGKILL: a kill while libgit2 was writing the git index leaves
  /// `.git/index.lock`, as a killed git does, and every later git write
  /// refuses until it is deleted (lode's error says so, see BadInputTests).
  /// Deletes it as the user would.
  func removeIndexLockLeftByAKill() {
    unlink(path(".git/index.lock"))
  }

  func exists(_ relative: String) -> Bool {
    var st = stat()
    return lstat(path(relative), &st) == 0
  }

  /// `sha256sum` of a file, as the coreutils tool prints it.
  func sha256sum(_ relative: String) throws -> String {
    let result = try run("/usr/bin/sha256sum", [path(relative)], in: root)
    return String(result.stdout.prefix(64))
  }

  /// The `sha256:` value of a pointer file.
  func pointerID(_ pointer: String) throws -> String {
    let text = try read(pointer)
    let line = text.split(separator: "\n").first { $0.contains("sha256:") } ?? ""
    return line.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
  }

  /// The path of the cache file holding `id` (any codec), if present.
  func cacheFile(_ id: String) -> String? {
    let base = ".lode/cache/objects/\(id.prefix(2))/\(id.dropFirst(2))"
    return ["", ".zst", ".zlib", ".chunks"].map { base + $0 }.first { exists($0) }
  }

  /// Deterministic pseudo-random bytes (xorshift), fast enough for hundreds of MiB.
  static func noise(count: Int, seed: UInt64) -> Data {
    var state = (seed &+ 1) &* 0x9E37_79B9_7F4A_7C15 | 1
    var data = Data(count: count)
    data.withUnsafeMutableBytes { raw in
      let words = raw.bindMemory(to: UInt64.self)
      for index in 0..<words.count {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        words[index] = state
      }
      for index in (words.count * 8)..<count {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        raw[index] = UInt8(truncatingIfNeeded: state)
      }
    }
    return data
  }
}
