import Foundation

/// A real S3-compatible server on loopback (moto, with signatures and IAM
/// policies enforced) plus fault-injecting proxies in front of it, started
/// once per test process by `s3_server.py` and stopped when the process ends
/// (the script exits when its stdin closes).
public final class S3TestServer: @unchecked Sendable {
  /// moto itself.
  public let endpoint: String
  /// A proxy failing 10% of requests (503, 500, dropped before or during the answer).
  public let faultyEndpoint: String
  /// A proxy cutting every response body of 1 MiB or more off half-way.
  public let cuttingEndpoint: String
  public let bucket: String
  /// Keys of a user allowed everything, and of one allowed nothing.
  public let accessKeyID: String
  public let secretAccessKey: String
  public let deniedAccessKeyID: String
  public let deniedSecretAccessKey: String
  private let process: Process
  private let stdin: Pipe
  private let python: String

  /// The shared server, or nil when no Python with moto is installed.
  public static let shared: S3TestServer? = {
    do { return try start() } catch {
      reason = "the S3 test server did not start: \(error)"
      return nil
    }
  }()

  /// Why `shared` is nil, for the skip message (starts the server first, so the reason is known).
  public static var unavailable: String {
    _ = shared
    return reason
  }

  nonisolated(unsafe) private static var reason =
    "no Python with moto[server] (LODE_TEST_PYTHON, bench/.venv or python3 on PATH; .ci/run installs it)"

  /// Whether S3 tests can run; starts the server on first use.
  public static var available: Bool { shared != nil }

  /// The repository's root, found from this file's path.
  public static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

  /// A python3 that can import moto's server and boto3.
  static func python() -> String? {
    let environment = ProcessInfo.processInfo.environment
    let candidates =
      [environment["LODE_TEST_PYTHON"], repositoryRoot + "/bench/.venv/bin/python3"]
      + (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/python3" }
    for candidate in candidates.compactMap({ $0 }) where FileManager.default.isExecutableFile(atPath: candidate) {
      let probe = Process()
      probe.executableURL = URL(fileURLWithPath: candidate)
      probe.arguments = ["-c", "import moto.server, boto3"]
      probe.standardOutput = FileHandle.nullDevice
      probe.standardError = FileHandle.nullDevice
      guard (try? probe.run()) != nil else { continue }
      probe.waitUntilExit()
      if probe.terminationStatus == 0 { return candidate }
    }
    return nil
  }

  private static func start() throws -> S3TestServer? {
    guard let python = python() else { return nil }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [repositoryRoot + "/Tests/S3Server/s3_server.py", "--fail-rate", "0.1"]
    let stdin = Pipe()
    let stdout = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = FileHandle.nullDevice
    try process.run()
    var line = Data()
    while !line.contains(UInt8(ascii: "\n")) {
      let chunk = stdout.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      line.append(chunk)
    }
    guard let info = try JSONSerialization.jsonObject(with: line) as? [String: String] else {
      throw CocoaError(.fileReadCorruptFile)
    }
    return S3TestServer(info: info, process: process, stdin: stdin, python: python)
  }

  private init(info: [String: String], process: Process, stdin: Pipe, python: String) {
    self.python = python
    endpoint = info["endpoint"]!
    faultyEndpoint = info["faulty_endpoint"]!
    cuttingEndpoint = info["cutting_endpoint"]!
    bucket = info["bucket"]!
    accessKeyID = info["access_key_id"]!
    secretAccessKey = info["secret_access_key"]!
    deniedAccessKeyID = info["denied_access_key_id"]!
    deniedSecretAccessKey = info["denied_secret_access_key"]!
    self.process = process
    self.stdin = stdin
  }

  /// A fresh `s3://` URL (its own prefix in the shared bucket) for one test.
  public func freshURL() -> String {
    "s3://\(bucket)/test-\(UUID().uuidString.lowercased())"
  }

  /// How many requests a proxy has seen and how many it failed on purpose.
  public func faultCounts(_ proxy: String) throws -> (requests: Int, faults: Int) {
    // Foundation on Linux has no HTTP without FoundationNetworking; the server's Python does.
    let probe = Process()
    probe.executableURL = URL(fileURLWithPath: python)
    probe.arguments = [
      "-c", "import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())",
      proxy + "/__lode_faults",
    ]
    let output = Pipe()
    probe.standardOutput = output
    try probe.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    probe.waitUntilExit()
    let counts = try JSONSerialization.jsonObject(with: data) as? [String: Int] ?? [:]
    return (counts["requests"] ?? 0, counts["faults"] ?? 0)
  }

  /// Environment variables that give lode the allowed user's keys and nothing else from this machine.
  public var environment: [String: String] {
    [
      "AWS_ACCESS_KEY_ID": accessKeyID, "AWS_SECRET_ACCESS_KEY": secretAccessKey, "AWS_REGION": "us-east-1",
      "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/lode-test-credentials",
      "AWS_CONFIG_FILE": "/nonexistent/lode-test-config",
    ]
  }
}
