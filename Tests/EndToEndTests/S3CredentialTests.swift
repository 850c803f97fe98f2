import Foundation
import S3TestServer
import Testing

@Suite(.enabled(if: S3TestServer.available, "\(S3TestServer.unavailable)"))
struct S3CredentialTests {
  static let canaryKey = "AKIALODECANARY0000001"
  static let canarySecret = "LodeCanarySecret/0123456789abcdef+XYZ"
  static let canaryToken = "LodeCanarySessionToken0123456789"

  /// Push, pull and every failure, with real and with distinctive fake keys:
  /// no key, secret or token ever shows in output, errors, `.lode/` files
  /// other than config.local, or anything git would commit.
  @Test func credentialsNeverReachTheCommittedConfigTheOutputOrErrors() throws {
    let server = S3TestServer.shared!
    let repo = try TestRepo()
    try repo.lodeOK("remote", "add", "-d", "storage", server.freshURL())
    try repo.lodeOK("remote", "modify", "storage", "endpointurl", server.endpoint)
    try repo.lodeOK("remote", "add", "missing", "s3://lode-missing-bucket/x")
    try repo.lodeOK("remote", "modify", "missing", "endpointurl", server.endpoint)
    try repo.lodeOK("remote", "add", "down", "s3://lode-test/x")
    try repo.lodeOK("remote", "modify", "down", "endpointurl", "http://127.0.0.1:9")
    try repo.write("data.csv", String(repeating: "a,b\n", count: 10_000))
    try repo.lodeOK("add", "data.csv")
    var outputs: [RunResult] = []
    let real = server.environment
    outputs.append(try repo.lodeOK("push", environment: real))
    try repo.sh("rm -rf .lode/cache")
    outputs.append(try repo.lodeOK("pull", "--force", environment: real))
    outputs.append(try repo.lodeOK("status", "--remote", environment: real))

    var fake = real
    fake["AWS_ACCESS_KEY_ID"] = Self.canaryKey
    fake["AWS_SECRET_ACCESS_KEY"] = Self.canarySecret
    var wrongSecret = real
    wrongSecret["AWS_SECRET_ACCESS_KEY"] = Self.canarySecret
    var withToken = real
    withToken["AWS_SESSION_TOKEN"] = Self.canaryToken
    for (arguments, environment, expected) in [
      (["push"], fake, "access denied to the remote s3://"),
      (["pull"], wrongSecret, "access denied to the remote s3://"),
      (["push"], withToken, ""),
      (["push", "-r", "missing"], real, "the bucket of the remote s3://lode-missing-bucket/x does not exist"),
      (["fetch", "-r", "down"], real, "cannot reach http://127.0.0.1:9 for the remote s3://lode-test/x"),
    ] {
      let result = try repo.lode(arguments, environment: environment)
      if !expected.isEmpty {
        #expect(result.status == 1)
        #expect(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
      }
      outputs.append(result)
    }

    let refused = try repo.lode("remote", "modify", "storage", "secret-access-key", Self.canarySecret)
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("remote.storage.secret-access-key is a credential and must not be in .lode/config"))
    outputs.append(refused)
    // Other spellings and the generic config command are refused the same way.
    for attempt in [
      ["remote", "modify", "storage", "Secret-Access-Key", Self.canarySecret],
      ["config", "remote.storage.secret-access-key", Self.canarySecret],
      ["config", "remote.storage.Session-Token", Self.canaryToken],
    ] {
      let result = try repo.lode(attempt, environment: [:])
      #expect(
        result.status == 1 && result.stderr.contains("must not be in .lode/config"), "\(attempt): \(result.output)")
      outputs.append(result)
    }
    try repo.lodeOK("remote", "modify", "--local", "storage", "access-key-id", Self.canaryKey)
    try repo.lodeOK("remote", "modify", "--local", "storage", "secret-access-key", Self.canarySecret)
    let local = try repo.lode(["push"], environment: real)
    #expect(local.stderr.contains("access denied"), "config.local keys come first: \(local.stderr)")
    outputs.append(local)
    let listed = try repo.lodeOK("config", "--list")
    #expect(listed.stdout.contains("remote.storage.secret-access-key=***"), "\(listed.stdout)")
    outputs.append(listed)

    let secrets = [Self.canaryKey, Self.canarySecret, Self.canaryToken, server.accessKeyID, server.secretAccessKey]
    let committed = try repo.sh(
      "cat .lode/config; git diff --cached; git status --porcelain --ignored; "
        + "find .lode -type f ! -name config.local ! -path '*/cache/*' -exec cat {} +"
    ).stdout
    for secret in secrets {
      for output in outputs { #expect(!output.output.contains(secret), "leaked in: \(output.output)") }
      #expect(!committed.contains(secret))
    }
    #expect(try repo.read(".lode/config.local").contains(Self.canarySecret))
    #expect(try repo.git("check-ignore", ".lode/config.local").status == 0)

    // Put there by hand, a credential in the committed config is refused, and not echoed.
    try repo.git("config", "--file", ".lode/config", "remote.storage.secret-access-key", Self.canarySecret)
    let handEdited = try repo.lode(["push"], environment: real)
    #expect(handEdited.status == 1)
    #expect(handEdited.stderr.contains("must not be in .lode/config"), "\(handEdited.stderr)")
    #expect(!handEdited.output.contains(Self.canarySecret))
  }

}

/// Needs no server: checking happens offline.
@Suite struct S3RemoteConfigTests {
  /// `remote add` and `modify` check the URL and settings at once, offline.
  @Test func s3URLsAndSettingsAreCheckedWhenAdded() throws {
    let repo = try TestRepo()
    let bad = try repo.lode("remote", "add", "bad", "s3://Bad_Bucket/x")
    #expect(bad.status == 1)
    #expect(bad.stderr.contains("bad S3 remote URL 's3://Bad_Bucket/x'"), "\(bad.stderr)")
    try repo.lodeOK("remote", "add", "ok", "s3://bucket-name/pre/fix")
    #expect(try repo.lodeOK("remote", "list").stdout == "ok\ts3://bucket-name/pre/fix\n")
    let userinfo = try repo.lode("remote", "modify", "ok", "endpointurl", "https://user:pw@example.com")
    #expect(userinfo.stderr.contains("bad remote setting endpointurl"), "\(userinfo.stderr)")
    #expect(try repo.lode("remote", "modify", "ok", "addressing", "dns").stderr.contains("path, virtual or auto"))
    // A region becomes part of a host name; an unknown setting is refused without echoing its value.
    #expect(try repo.lode("remote", "modify", "ok", "region", "evil.com/").stderr.contains("bad remote setting region"))
    let typo = try repo.lode("remote", "modify", "ok", "endpoint-url", "https://hidden.example")
    #expect(typo.status == 1 && typo.stderr.contains("unknown S3 remote setting 'endpoint-url'"), "\(typo.stderr)")
    #expect(!typo.output.contains("hidden.example"))
    try repo.lodeOK("remote", "modify", "ok", "region", "eu-west-1")
    try repo.lodeOK("remote", "modify", "ok", "addressing", "virtual")
    #expect(try repo.read(".lode/config").contains("region = eu-west-1"))
    try repo.write("a.csv", "1\n")
    try repo.lodeOK("add", "a.csv")
    let none = try repo.lode(
      ["push", "-r", "ok"],
      environment: [
        "AWS_ACCESS_KEY_ID": "", "AWS_PROFILE": "", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/c",
        "AWS_CONFIG_FILE": "/nonexistent/c",
      ])
    #expect(none.status == 1)
    #expect(none.stderr.contains("no AWS credentials for s3://bucket-name/pre/fix"), "\(none.stderr)")
  }
}
