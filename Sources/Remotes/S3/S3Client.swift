import Basics

/// Internal knobs of an S3 remote; tests shrink them to exercise multipart
/// uploads, pagination and retries on small data.
struct S3Tuning: Sendable {
  /// Files larger than this go up as multipart uploads.
  var multipartThreshold: Int64 = 64 << 20
  /// The size of each part (S3's minimum is 5 MiB, except the last part).
  var partSize: Int64 = 64 << 20
  /// Parts of one object uploaded at the same time.
  var partWorkers = 4
  /// Keys asked for per listing page (S3's maximum is 1000).
  var listPageSize = 1000
  /// Tries per request before giving up.
  var maxAttempts = 8
  /// The first backoff, doubled after each failure up to `maxRetryDelay` (seconds).
  var firstRetryDelay = 0.1
  var maxRetryDelay = 5.0
}

/// One request to the bucket, rebuilt for every attempt.
struct S3Request {
  var method: String
  /// The object's full key, or nil for the bucket itself.
  var key: String?
  var query: [(String, String)] = []
  var headers: [(name: String, value: String)] = []
  var body: HTTPBody = .none
  var payloadHash = SigV4Signer.emptyPayloadHash
}

/// Signs requests for one bucket and sends them, retrying with backoff
/// what is worth retrying: network failures, 5xx answers, throttling.
final class S3Client: Sendable {
  let location: S3Location
  let signer: SigV4Signer
  let tuning: S3Tuning
  private let http: HTTPClient
  /// `scheme://host[:port]` requests go to, and the Host header that goes with it.
  private let origin: String
  private let host: String
  private let virtualHosted: Bool

  init(location: S3Location, region: String, credentials: AWSCredentials, tuning: S3Tuning) throws {
    self.location = location
    self.tuning = tuning
    guard S3Location.isRegion(region) else {
      throw RemoteError.badSetting(key: "region", value: region, expected: "a region name such as eu-west-1")
    }
    signer = SigV4Signer(credentials: credentials, region: region)
    let endpoint = location.endpoint ?? .init(scheme: "https", host: "s3.\(region).amazonaws.com", port: nil)
    switch location.addressing {
    case .path: virtualHosted = false
    case .virtual: virtualHosted = true
    // AWS itself prefers virtual hosts; other servers (MinIO, moto, Ceph) usually want paths.
    case .auto: virtualHosted = location.endpoint == nil && !location.bucket.contains(".")
    }
    let defaultPort = endpoint.scheme == "https" ? 443 : 80
    let port = endpoint.port.flatMap { $0 == defaultPort ? nil : ":\($0)" } ?? ""
    host = (virtualHosted ? "\(location.bucket)." : "") + endpoint.host + port
    origin = "\(endpoint.scheme)://\(host)"
    http = try HTTPClient()
  }

  /// Where requests go, for messages.
  var endpointDescription: String { origin }

  /// Sends the request `make` builds until it gets an answer that is not
  /// worth retrying, and returns that answer (any status). Body bytes of
  /// answers whose status passes `streams` go to `sink`.
  func send(
    _ operation: String, attempts: Int? = nil, streams: (Int, [String: String]) -> Bool = { _, _ in false },
    into sink: (UnsafeRawBufferPointer) throws -> Void = { _ in }, _ make: () -> S3Request
  ) throws -> HTTPResponse {
    let attempts = attempts ?? tuning.maxAttempts
    var delay = tuning.firstRetryDelay
    var lastProblem = ""
    for attempt in 1...attempts {
      if attempt > 1 {
        usleep(UInt32(Double.random(in: 0.5...1.0) * delay * 1_000_000))
        delay = min(delay * 2, tuning.maxRetryDelay)
      }
      do {
        let response = try http.perform(httpRequest(make()), streams: streams, into: sink)
        guard Self.isRetryable(response) else { return response }
        lastProblem = describe(response)
      } catch .transport(let detail) {
        lastProblem = "network: " + detail
        if attempt == attempts {
          throw RemoteError.unreachable(url: location.url, endpoint: origin, detail: redact(detail))
        }
      } catch .sink(let error) {
        throw error
      }
    }
    throw RemoteError.requestFailed(
      url: location.url, operation: operation, detail: redact(lastProblem) + " (gave up after \(attempts) tries)")
  }

  /// 5xx, 429 and S3's throttling and timeout codes are transient; other 4xx are final.
  static func isRetryable(_ response: HTTPResponse) -> Bool {
    if response.status >= 500 || response.status == 429 { return true }
    let code = S3XML.value("Code", in: response.body)
    return ["SlowDown", "RequestTimeout", "InternalError", "Throttling", "ThrottlingException"].contains(code ?? "")
  }

  /// The error for a final answer that is not the expected one.
  func failure(_ response: HTTPResponse, operation: String) -> RemoteError {
    let code = S3XML.value("Code", in: response.body) ?? ""
    if code == "NoSuchBucket" { return .bucketMissing(url: location.url) }
    let denied = ["AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken"]
    if response.status == 403 || denied.contains(code) {
      return .accessDenied(url: location.url, operation: operation, detail: redact(describe(response)))
    }
    return .requestFailed(url: location.url, operation: operation, detail: redact(describe(response)))
  }

  /// `HTTP 503 SlowDown: Please reduce your request rate.`: status, S3 code and message only.
  func describe(_ response: HTTPResponse) -> String {
    var text = "HTTP \(response.status)"
    if let code = S3XML.value("Code", in: response.body) { text += " \(code)" }
    if let message = S3XML.value("Message", in: response.body) { text += ": \(message)" }
    return text
  }

  /// `text` with every credential string replaced by `***`: server messages
  /// and library errors are shown to people and must never carry a secret.
  func redact(_ text: String) -> String {
    var out = text
    for secret in signer.credentials.secrets where !secret.isEmpty {
      while let range = out.range(of: secret) { out.replaceSubrange(range, with: "***") }
    }
    return out
  }

  private func httpRequest(_ request: S3Request) -> HTTPRequest {
    var path = virtualHosted ? "/" : "/\(location.bucket)/"
    if let key = request.key { path += key }
    let query = SigV4Signer.canonicalQuery(request.query)
    let headers = [(name: "host", value: host)] + request.headers
    let signing = signer.signingHeaders(
      method: request.method, path: path, query: request.query, headers: headers, payloadHash: request.payloadHash)
    let url = origin + SigV4Signer.encode(path, slash: false) + (query.isEmpty ? "" : "?" + query)
    return HTTPRequest(method: request.method, url: url, headers: headers + signing, body: request.body)
  }
}
