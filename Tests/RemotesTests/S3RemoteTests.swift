import Basics
import Foundation
import S3TestServer
import Testing

@testable import Remotes

/// The S3 remote against a real S3-compatible server (moto, with SigV4 and
/// IAM policies enforced) on loopback, directly and through proxies that
/// fail requests. The shared conformance suite runs it too.
@Suite(.enabled(if: S3TestServer.available, "\(S3TestServer.unavailable)"))
struct S3RemoteTests {
  /// An S3 remote on a fresh prefix, with small parts and listing pages so
  /// small tests exercise multipart uploads and pagination.
  static func remote(
    _ endpoint: String, accessKeyID: String? = nil, secret: String? = nil, url: String? = nil, attempts: Int = 8
  ) throws -> S3Remote {
    let server = S3TestServer.shared!
    var tuning = S3Tuning()
    tuning.multipartThreshold = 2_000_000
    tuning.partSize = 5 << 20
    tuning.listPageSize = 2
    tuning.maxAttempts = attempts
    tuning.firstRetryDelay = 0.02
    let location = try S3Location(url: url ?? server.freshURL(), settings: ["endpointurl": endpoint])
    let credentials = AWSCredentials(
      accessKeyID: accessKeyID ?? server.accessKeyID, secretAccessKey: secret ?? server.secretAccessKey,
      sessionToken: nil)
    return try S3Remote(location: location, region: "us-east-1", credentials: credentials, tuning: tuning)
  }

  static func file(_ bytes: [UInt8]) throws -> String {
    let path = NSTemporaryDirectory() + "lode-s3-upload-\(UUID().uuidString)"
    try AtomicFile.write(bytes, to: path)
    return path
  }

  static func bytes(_ count: Int, seed: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761 &+ seed) >> 7) }
  }

  static func get(_ remote: Remote, _ name: String) throws -> [UInt8] {
    var out: [UInt8] = []
    try remote.get(name) { out.append(contentsOf: $0) }
    return out
  }

  @Test func aLargeObjectGoesUpInPartsAndComesBackWhole() throws {
    let remote = try Self.remote(S3TestServer.shared!.endpoint)
    let bytes = Self.bytes(12 << 20, seed: 1)  // three parts of 5, 5 and 2 MiB
    try remote.put("objects/ab/big", fromFile: try Self.file(bytes))
    #expect(try Self.get(remote, "objects/ab/big") == bytes)
    #expect(try remote.list(prefix: "objects") == ["objects/ab/big"])
    let empty = try Self.file([])
    try remote.put("objects/ab/empty", fromFile: empty)
    #expect(try Self.get(remote, "objects/ab/empty").isEmpty)
  }

  @Test func virtualHostedAddressingReachesTheSameBucket() throws {
    let server = S3TestServer.shared!
    let url = server.freshURL()
    let port = server.endpoint.split(separator: ":").last!
    let path = try Self.remote(server.endpoint, url: url)
    try path.put("objects/ab/x", fromFile: try Self.file([1, 2, 3]))
    // bucket.localhost resolves to loopback; the bucket is then in the host name.
    let location = try S3Location(
      url: url, settings: ["endpointurl": "http://localhost:\(port)", "addressing": "virtual"])
    let virtual = try S3Remote(
      location: location, region: "us-east-1",
      credentials: AWSCredentials(
        accessKeyID: server.accessKeyID, secretAccessKey: server.secretAccessKey, sessionToken: nil),
      tuning: S3Tuning())
    #expect(try Self.get(virtual, "objects/ab/x") == [1, 2, 3])
    #expect(try virtual.list(prefix: "objects") == ["objects/ab/x"])
  }

  @Test func downloadsCutOffHalfWayResumeWithoutRepeatingBytes() throws {
    let server = S3TestServer.shared!
    let url = server.freshURL()
    let bytes = Self.bytes(9 << 20, seed: 2)
    try Self.remote(server.endpoint, url: url).put("objects/cd/cut", fromFile: try Self.file(bytes))
    // This proxy cuts every body of 1 MiB or more in half: 9 MiB arrives in five pieces.
    let cutting = try Self.remote(server.cuttingEndpoint, url: url)
    var chunks = 0
    var received: [UInt8] = []
    try cutting.get("objects/cd/cut") {
      received.append(contentsOf: $0)
      chunks += 1
    }
    #expect(received.count == bytes.count)
    #expect(received == bytes)
    #expect(chunks > 1)
  }

  @Test func tenPercentOfRequestsFailingIsSurvived() throws {
    let server = S3TestServer.shared!
    let before = try server.faultCounts(server.faultyEndpoint)
    let remote = try Self.remote(server.faultyEndpoint)
    let uploads = try (0..<60).map { index in
      Upload(name: "objects/\(index % 5)a/f\(index)", path: try Self.file(Self.bytes(1000 + index * 97, seed: index)))
    }
    try remote.putAll(uploads, workers: 4) { _ in }
    let large = Self.bytes(11 << 20, seed: 9)
    try remote.put("objects/ff/large", fromFile: try Self.file(large))
    #expect(try remote.list(prefix: "objects").count == 61)
    for (index, upload) in uploads.enumerated() {
      #expect(try Self.get(remote, upload.name) == Self.bytes(1000 + index * 97, seed: index))
      #expect(try remote.exists(upload.name))
    }
    #expect(try Self.get(remote, "objects/ff/large") == large)
    for upload in uploads { try remote.delete(upload.name) }
    #expect(try remote.list(prefix: "objects") == ["objects/ff/large"])
    let after = try server.faultCounts(server.faultyEndpoint)
    #expect(after.faults - before.faults >= 10, "the proxy injected too few faults to prove anything: \(after)")
  }

  @Test func accessErrorsNameTheRemoteAndNeverTheSecret() throws {
    let server = S3TestServer.shared!
    let secret = "LODE-TEST-SECRET-do-not-print-0123456789"
    let cases: [(Remote, String)] = [
      (try Self.remote(server.endpoint, url: "s3://lode-missing-bucket/x"), "does not exist"),
      (
        try Self.remote(server.endpoint, accessKeyID: server.deniedAccessKeyID, secret: server.deniedSecretAccessKey),
        "access denied"
      ),
      (try Self.remote(server.endpoint, secret: secret), "access denied"),
      (try Self.remote("http://127.0.0.1:9", attempts: 2), "cannot reach http://127.0.0.1:9"),
    ]
    for (remote, expected) in cases {
      do {
        try remote.checkAccess(write: true)
        Issue.record("checkAccess passed for \(remote.location)")
      } catch let error as RemoteError {
        #expect(error.message.contains(expected), "\(error.message)")
        #expect(error.message.contains(remote.location))
        #expect(!"\(error.message) \(error.hint ?? "")".contains(secret))
        #expect(
          !error.message.contains(server.secretAccessKey) && !error.message.contains(server.deniedSecretAccessKey))
      }
    }
    let denied = try Self.remote(
      server.endpoint, accessKeyID: server.deniedAccessKeyID, secret: server.deniedSecretAccessKey)
    #expect(throws: RemoteError.self) { try denied.put("objects/ab/x", fromFile: try Self.file([1])) }
  }

  @Test func aMissingObjectIsNotFoundAndARetriedErrorGivesUp() throws {
    let remote = try Self.remote(S3TestServer.shared!.endpoint)
    #expect(throws: RemoteError.notFound(name: "objects/zz/none", remote: remote.location)) {
      try Self.get(remote, "objects/zz/none")
    }
    #expect(try !remote.exists("objects/zz/none"))
    try remote.delete("objects/zz/none")
  }
}
