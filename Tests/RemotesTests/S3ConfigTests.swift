import Basics
import Foundation
import Testing

@testable import Remotes

/// Parsing of `s3://` URLs and settings, and finding credentials and the
/// region the way the AWS CLI does; none of it touches the network.
@Suite struct S3ConfigTests {
  @Test(arguments: [
    ("s3://my-bucket", "my-bucket", ""), ("s3://my-bucket/", "my-bucket", ""),
    ("s3://my.bucket.1/data/lode/", "my.bucket.1", "data/lode"),
  ])
  func urlsNameABucketAndAPrefix(url: String, bucket: String, prefix: String) throws {
    let location = try S3Location(url: url, settings: [:])
    #expect(location.bucket == bucket)
    #expect(location.prefix == prefix)
    #expect(location.addressing == .auto)
  }

  @Test(arguments: [
    "s3://", "s3:///prefix", "s3://ab/x", "s3://Upper/x", "s3://under_score", "s3://-dash", "s3://a..b",
    "s3://192.168.1.1/x", "s3://bucket/../up", "s3://bucket/a//b", "s3://bucket/a?b",
  ])
  func badURLsAreRefusedWithTheReason(url: String) {
    #expect(throws: RemoteError.self) { try S3Location(url: url, settings: [:]) }
    #expect(throws: RemoteError.self) { try RemoteURL.validate(url, repositoryRoot: "/repo") }
  }

  @Test func settingsAreChecked() throws {
    let location = try S3Location(
      url: "s3://bucket/p",
      settings: [
        "endpointurl": "http://127.0.0.1:9000/", "addressing": "virtual", "region": "eu-west-1", "profile": "work",
        "multipart-threshold": "100MB", "multipart-chunksize": "8MiB",
      ])
    #expect(location.endpoint == .init(scheme: "http", host: "127.0.0.1", port: 9000))
    #expect(location.addressing == .virtual)
    #expect(location.multipartThreshold == 100 << 20)
    #expect(location.partSize == 8 << 20)
    for (key, value) in [
      ("endpointurl", "ftp://host"), ("endpointurl", "https://user:pw@host"), ("endpointurl", "http://host:99999"),
      ("endpointurl", "https://host/path"), ("addressing", "dns"), ("multipart-chunksize", "1MB"),
      ("multipart-threshold", "lots"),
    ] {
      #expect(throws: RemoteError.self, "\(key) = \(value)") {
        try S3Location(url: "s3://bucket", settings: [key: value])
      }
    }
  }

  @Test func environmentVariablesComeBeforeTheDefaultProfile() throws {
    let files = try SharedFiles()
    let environment = files.environment([
      "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret", "AWS_SESSION_TOKEN": "env-token",
    ])
    let credentials = try #require(try environment.credentials(profileSetting: nil))
    #expect(credentials.accessKeyID == "AKIDENV")
    #expect(credentials.sessionToken == "env-token")
    #expect("\(credentials)" == "AWSCredentials(redacted)")
    // A profile named in the remote's settings wins, like `aws --profile`.
    #expect(try environment.credentials(profileSetting: "work")?.accessKeyID == "AKIDWORK")
  }

  @Test func profilesComeFromTheCredentialsFileThenTheConfigFile() throws {
    let files = try SharedFiles()
    #expect(try files.environment([:]).credentials(profileSetting: nil)?.accessKeyID == "AKIDDEFAULT")
    #expect(
      try files.environment(["AWS_PROFILE": "work"]).credentials(profileSetting: nil)?.secretAccessKey == "work secret")
    #expect(try files.environment([:]).credentials(profileSetting: "inconfig")?.accessKeyID == "AKIDCONFIG")
    #expect(try files.environment([:]).credentials(profileSetting: "absent") == nil)
    #expect(try AWSEnvironment(variables: ["HOME": "/nonexistent"]).credentials(profileSetting: nil) == nil)
  }

  @Test func theRegionComesFromTheSettingTheEnvironmentOrTheProfile() throws {
    let files = try SharedFiles()
    #expect(
      try files.environment(["AWS_REGION": "ap-south-1"]).region(setting: "eu-north-1", profileSetting: nil)
        == "eu-north-1")
    #expect(
      try files.environment(["AWS_DEFAULT_REGION": "ap-south-1"]).region(setting: nil, profileSetting: nil)
        == "ap-south-1")
    #expect(try files.environment([:]).region(setting: nil, profileSetting: "work") == "eu-west-3")
    #expect(try files.environment([:]).region(setting: nil, profileSetting: nil) == "us-east-1")
  }

  @Test func openingWithoutCredentialsNamesTheProfile() throws {
    let files = try SharedFiles()
    #expect(throws: RemoteError.noCredentials(url: "s3://bucket/x", profile: "missing")) {
      try S3Remote(url: "s3://bucket/x", settings: ["profile": "missing"], environment: files.environment([:]))
    }
  }
}

/// A credentials file and a config file in a temporary folder.
struct SharedFiles {
  let folder: String

  init() throws {
    folder = NSTemporaryDirectory() + "lode-aws-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try """
    [default]
    aws_access_key_id = AKIDDEFAULT
    aws_secret_access_key = default-secret

    [work]
    # a comment
    aws_access_key_id=AKIDWORK
    aws_secret_access_key = work secret
    """.write(toFile: folder + "/credentials", atomically: true, encoding: .utf8)
    try """
    [default]
    region = us-east-1
    [profile work]
    region = eu-west-3
    [profile inconfig]
    aws_access_key_id = AKIDCONFIG
    aws_secret_access_key = config-secret
    """.write(toFile: folder + "/config", atomically: true, encoding: .utf8)
  }

  func environment(_ extra: [String: String]) -> AWSEnvironment {
    var variables = ["AWS_SHARED_CREDENTIALS_FILE": folder + "/credentials", "AWS_CONFIG_FILE": folder + "/config"]
    for (key, value) in extra { variables[key] = value }
    return AWSEnvironment(variables: variables)
  }
}
