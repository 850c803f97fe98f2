import Basics

/// AWS Signature Version 4 (header form), as S3 and every S3-compatible
/// server check it: a canonical request is hashed into a string to sign,
/// which is HMAC-signed with a key derived from the secret, the date, the
/// region and the service. The payload's real SHA-256 is signed, so the
/// server also checks that the body arrived intact.
struct SigV4Signer: Sendable {
  let credentials: AWSCredentials
  let region: String
  var service = "s3"

  /// SHA-256 of an empty body.
  static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

  /// The headers that make a request signed: `x-amz-date`,
  /// `x-amz-content-sha256`, `x-amz-security-token` (temporary
  /// credentials) and `Authorization`. `headers` must include `host`.
  func signingHeaders(
    method: String, path: String, query: [(String, String)], headers: [(name: String, value: String)],
    payloadHash: String, date: AmzDate = .now()
  ) -> [(name: String, value: String)] {
    var added: [(name: String, value: String)] = [
      ("x-amz-date", date.stamp), ("x-amz-content-sha256", payloadHash),
    ]
    if let token = credentials.sessionToken { added.append(("x-amz-security-token", token)) }
    let authorization = self.authorization(
      method: method, path: path, query: query, headers: headers + added, payloadHash: payloadHash, date: date)
    return added + [("Authorization", authorization)]
  }

  /// The `Authorization` header for a request whose headers (all signed) are `headers`.
  func authorization(
    method: String, path: String, query: [(String, String)], headers: [(name: String, value: String)],
    payloadHash: String, date: AmzDate
  ) -> String {
    let canonical = Self.canonicalHeaders(headers)
    let request = [
      method, Self.encode(path, slash: false), Self.canonicalQuery(query), canonical.text, canonical.names,
      payloadHash,
    ].joined(separator: "\n")
    let scope = "\(date.day)/\(region)/\(service)/aws4_request"
    let toSign = ["AWS4-HMAC-SHA256", date.stamp, scope, SHA256.hex(of: Array(request.utf8))].joined(separator: "\n")
    let signature = hexString(HMACSHA256.mac(key: signingKey(day: date.day), message: toSign))
    return "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), "
      + "SignedHeaders=\(canonical.names), Signature=\(signature)"
  }

  /// The key derived from the secret for one day, region and service.
  func signingKey(day: String) -> [UInt8] {
    var key = HMACSHA256.mac(key: Array("AWS4\(credentials.secretAccessKey)".utf8), message: day)
    for part in [region, service, "aws4_request"] { key = HMACSHA256.mac(key: key, message: part) }
    return key
  }

  /// Lowercased names, values trimmed with inner runs of spaces collapsed, sorted by name.
  static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> (text: String, names: String) {
    let lines = headers.map { header -> (String, String) in
      let words = header.value.split(separator: " ", omittingEmptySubsequences: true)
      return (header.name.lowercased(), words.joined(separator: " "))
    }.sorted { $0.0 < $1.0 }
    return (lines.map { "\($0.0):\($0.1)\n" }.joined(), lines.map(\.0).joined(separator: ";"))
  }

  /// Query parameters encoded and sorted by name, then value.
  static func canonicalQuery(_ query: [(String, String)]) -> String {
    query.map { (encode($0.0, slash: true), encode($0.1, slash: true)) }
      .sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }
      .map { "\($0.0)=\($0.1)" }.joined(separator: "&")
  }

  /// RFC 3986 percent-encoding of everything but unreserved characters
  /// (and `/` unless `slash`), with uppercase hex, as SigV4 requires.
  static func encode(_ text: String, slash: Bool) -> String {
    let hex = Array("0123456789ABCDEF".utf8)
    var out: [UInt8] = []
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
        UInt8(ascii: "~"):
        out.append(byte)
      case UInt8(ascii: "/") where !slash: out.append(byte)
      default: out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
      }
    }
    return String(decoding: out, as: UTF8.self)
  }
}

/// A request's timestamp in SigV4's two forms: `20130524T000000Z` and `20130524`.
struct AmzDate: Sendable {
  let stamp: String
  var day: String { String(stamp.prefix(8)) }

  init(stamp: String) { self.stamp = stamp }

  /// The current UTC time.
  static func now() -> AmzDate {
    var seconds = time(nil)
    var parts = tm()
    gmtime_r(&seconds, &parts)
    var buffer = [CChar](repeating: 0, count: 32)
    strftime(&buffer, buffer.count, "%Y%m%dT%H%M%SZ", &parts)
    return AmzDate(stamp: buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
  }
}
