import Basics
import Testing

@testable import Remotes

/// SigV4 against the examples AWS publishes: the "get-vanilla" case of the
/// Signature Version 4 test suite and the S3 examples of "Signature
/// Calculations for the Authorization Header" (GET with Range, PUT with a
/// payload, ListObjects), plus HMAC-SHA256 against RFC 4231.
@Suite struct S3SignatureTests {
  static let s3Example = SigV4Signer(
    credentials: AWSCredentials(
      accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      sessionToken: nil),
    region: "us-east-1")
  static let s3Date = AmzDate(stamp: "20130524T000000Z")
  static let emptyHash = SigV4Signer.emptyPayloadHash

  @Test func hmacMatchesRFC4231() {
    let mac = HMACSHA256.mac(key: Array("Jefe".utf8), message: "what do ya want for nothing?")
    #expect(hexString(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    let long = HMACSHA256.mac(
      key: [UInt8](repeating: 0xaa, count: 131), message: "Test Using Larger Than Block-Size Key - Hash Key First")
    #expect(hexString(long) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
  }

  @Test func getVanillaFromTheSigV4TestSuite() {
    let signer = SigV4Signer(
      credentials: AWSCredentials(
        accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: nil),
      region: "us-east-1", service: "service")
    let authorization = signer.authorization(
      method: "GET", path: "/", query: [],
      headers: [("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")],
      payloadHash: Self.emptyHash, date: AmzDate(stamp: "20150830T123600Z"))
    #expect(
      authorization == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        + "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
  }

  @Test func s3GetObjectWithRange() {
    let headers = Self.s3Example.signingHeaders(
      method: "GET", path: "/test.txt", query: [],
      headers: [("host", "examplebucket.s3.amazonaws.com"), ("range", "bytes=0-9")], payloadHash: Self.emptyHash,
      date: Self.s3Date)
    #expect(headers.map(\.name) == ["x-amz-date", "x-amz-content-sha256", "Authorization"])
    #expect(
      headers.last!.value == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
        + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
  }

  @Test func s3PutObjectSignsThePayloadAndEncodesTheKey() {
    let payload = SHA256.hex(of: Array("Welcome to Amazon S3.".utf8))
    #expect(payload == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
    let headers = Self.s3Example.signingHeaders(
      method: "PUT", path: "/test$file.text", query: [],
      headers: [
        ("Host", "examplebucket.s3.amazonaws.com"), ("Date", "Fri, 24 May 2013 00:00:00 GMT"),
        ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
      ], payloadHash: payload, date: Self.s3Date)
    #expect(headers.last!.value.hasSuffix("Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"))
  }

  @Test func s3ListObjectsSortsAndEncodesTheQuery() {
    let headers = Self.s3Example.signingHeaders(
      method: "GET", path: "/", query: [("prefix", "J"), ("max-keys", "2")],
      headers: [("host", "examplebucket.s3.amazonaws.com")], payloadHash: Self.emptyHash, date: Self.s3Date)
    #expect(headers.last!.value.hasSuffix("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"))
  }

  @Test func temporaryCredentialsSignTheSessionToken() {
    let signer = SigV4Signer(
      credentials: AWSCredentials(accessKeyID: "AKID", secretAccessKey: "secret", sessionToken: "token"),
      region: "eu-west-1")
    let headers = signer.signingHeaders(
      method: "GET", path: "/", query: [], headers: [("host", "h")], payloadHash: Self.emptyHash, date: Self.s3Date)
    #expect(headers.contains { $0.name == "x-amz-security-token" && $0.value == "token" })
    #expect(headers.last!.value.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token"))
  }

  @Test(arguments: [
    ("objects/ab/cd.zst", false, "objects/ab/cd.zst"), ("a b+c=d/é", false, "a%20b%2Bc%3Dd/%C3%A9"),
    ("x/y~z", true, "x%2Fy~z"),
  ])
  func uriEncodingFollowsSigV4(text: String, slash: Bool, expected: String) {
    #expect(SigV4Signer.encode(text, slash: slash) == expected)
  }
}
