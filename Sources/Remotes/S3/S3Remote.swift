import Basics

/// A remote in an S3 bucket (AWS, or any S3-compatible server: MinIO, Ceph,
/// moto). Object `NAME` is the key `PREFIX/NAME`. S3 publishes an object
/// atomically when its PUT (or multipart upload) completes, so readers
/// never see a partial object, and concurrent writers of one name (always
/// the same bytes) both succeed; unfinished multipart uploads are never listed.
public final class S3Remote: Remote {
  let client: S3Client
  /// `PREFIX/`, or "" for the bucket's root.
  let keyBase: String

  /// Opens the remote at `url` with its settings; resolves credentials and
  /// the region now (files and environment only, no network).
  convenience init(url: String, settings: [String: String], environment: AWSEnvironment = AWSEnvironment()) throws {
    let location = try S3Location(url: url, settings: settings)
    var tuning = S3Tuning()
    if let threshold = location.multipartThreshold { tuning.multipartThreshold = threshold }
    if let partSize = location.partSize { tuning.partSize = partSize }
    let credentials: AWSCredentials
    if let id = settings["access-key-id"], let secret = settings["secret-access-key"] {
      credentials = AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: settings["session-token"])
    } else if let found = try environment.credentials(profileSetting: location.profile) {
      credentials = found
    } else {
      throw RemoteError.noCredentials(url: url, profile: environment.profileName(setting: location.profile))
    }
    let region = try environment.region(setting: location.region, profileSetting: location.profile)
    try self.init(location: location, region: region, credentials: credentials, tuning: tuning)
  }

  init(location: S3Location, region: String, credentials: AWSCredentials, tuning: S3Tuning) throws {
    client = try S3Client(location: location, region: region, credentials: credentials, tuning: tuning)
    keyBase = location.prefix.isEmpty ? "" : location.prefix + "/"
  }

  public var location: String { client.location.url }

  /// Lists one key under the prefix: proves the endpoint answers, the bucket
  /// exists and the credentials are valid. A write is not probed (it would
  /// leave a trace); a push without write permission fails on its first
  /// upload with the same clear access-denied error.
  public func checkAccess(write: Bool) throws {
    let response = try client.send("ListObjectsV2", attempts: min(3, client.tuning.maxAttempts)) {
      S3Request(method: "GET", query: [("list-type", "2"), ("prefix", keyBase), ("max-keys", "1")])
    }
    guard response.status == 200 else { throw client.failure(response, operation: "ListObjectsV2") }
  }

  public func exists(_ name: String) throws -> Bool {
    try size(ofKey: key(name), operation: "HeadObject \(name)") != nil
  }

  /// The size of the object at `key`, or nil if there is none.
  func size(ofKey key: String, operation: String) throws -> Int64? {
    let response = try client.send(operation) { S3Request(method: "HEAD", key: key) }
    if response.status == 404 { return nil }
    guard response.status == 200 else { throw client.failure(response, operation: operation) }
    return Int64(response.headers["content-length"] ?? "") ?? 0
  }

  /// Pages through ListObjectsV2 with continuation tokens.
  public func list(prefix: String) throws -> [String] {
    let folder = keyBase + (try validatedName(prefix)) + "/"
    var names: [String] = []
    var token: String?
    var seenTokens = Set<String>()
    repeat {
      var query = [("list-type", "2"), ("prefix", folder), ("max-keys", "\(client.tuning.listPageSize)")]
      if let token { query.append(("continuation-token", token)) }
      let response = try client.send("ListObjectsV2") { S3Request(method: "GET", query: query) }
      guard response.status == 200 else { throw client.failure(response, operation: "ListObjectsV2") }
      // A listing is untrusted: keep only clean names under the folder asked for.
      for key in S3XML.values("Key", in: response.body) where key.hasPrefix(folder) {
        if let name = try? validatedName(String(key.dropFirst(keyBase.count))) { names.append(name) }
      }
      let truncated = S3XML.value("IsTruncated", in: response.body) == "true"
      token = truncated ? S3XML.value("NextContinuationToken", in: response.body) : nil
      // A truncated page without a new token would end the listing short, or never end it.
      if truncated, token == nil || !seenTokens.insert(token!).inserted {
        throw RemoteError.requestFailed(
          url: location, operation: "ListObjectsV2", detail: "the server's listing does not continue properly")
      }
    } while token != nil
    return names
  }

  /// Streams the object into `sink`. A transfer cut off half-way resumes
  /// with a Range request from the first byte not yet delivered (and
  /// If-Match on the ETag), so the sink never sees a byte twice.
  public func get(_ name: String, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
    let key = try key(name)
    let operation = "GetObject \(name)"
    var delivered: Int64 = 0
    var etag: String?
    var skip: Int64 = 0
    var streamed = false
    var total: Int64?
    let response = try client.send(
      operation,
      streams: { status, headers in
        if delivered == 0 { etag = headers["etag"] }
        if status == 200, total == nil { total = headers["content-length"].flatMap { Int64($0) } }
        // A server that ignores Range answers 200 with the whole object again.
        skip = status == 200 ? delivered : 0
        let resumesRight = status == 206 && headers["content-range"]?.hasPrefix("bytes \(delivered)-") == true
        streamed = status == 200 || resumesRight
        return streamed
      },
      into: { bytes in
        var bytes = bytes
        if skip > 0 {
          let dropped = Int(min(skip, Int64(bytes.count)))
          skip -= Int64(dropped)
          bytes = UnsafeRawBufferPointer(rebasing: bytes[dropped...])
          if bytes.isEmpty { return }
        }
        try sink(bytes)
        delivered += Int64(bytes.count)
      }
    ) {
      streamed = false
      var request = S3Request(method: "GET", key: key)
      if delivered > 0 {
        request.headers.append(("range", "bytes=\(delivered)-"))
        if let etag { request.headers.append(("if-match", etag)) }
      }
      return request
    }
    if response.status == 404 { throw RemoteError.notFound(name: name, remote: location) }
    // Cut off after the last byte: the resumed request asks for nothing and gets 416.
    if response.status == 416, let total, delivered == total { return }
    // An empty object has no body to stream; a resumed answer must have streamed.
    let empty = response.status == 200 && delivered == 0 && response.body.isEmpty
    guard streamed || empty else { throw client.failure(response, operation: operation) }
  }

  public func put(_ name: String, fromFile path: String) throws {
    let key = try key(name)
    guard let size = try FileStat.following(path)?.size else { throw systemError("stat", path) }
    if size > client.tuning.multipartThreshold {
      try putMultipart(key: key, name: name, path: path, size: size)
      return
    }
    let hash = try Self.sha256(of: path, offset: 0, length: size)
    let response = try client.send("PutObject \(name)") {
      S3Request(method: "PUT", key: key, body: .file(path: path, offset: 0, length: size), payloadHash: hash)
    }
    guard response.status == 200 else { throw client.failure(response, operation: "PutObject \(name)") }
  }

  public func delete(_ name: String) throws {
    let key = try key(name)
    let response = try client.send("DeleteObject \(name)") { S3Request(method: "DELETE", key: key) }
    guard [200, 204, 404].contains(response.status) else {
      throw client.failure(response, operation: "DeleteObject \(name)")
    }
  }

  /// The full key of object `name` (checked to be a clean relative path).
  func key(_ name: String) throws -> String {
    keyBase + (try validatedName(name))
  }

  /// The SHA-256 of a byte range of a file, which SigV4 signs as the payload hash.
  static func sha256(of path: String, offset: Int64, length: Int64) throws -> String {
    let fd = try FileIO.openRead(path)
    defer { close(fd) }
    let hasher = SHA256()
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
    defer { buffer.deallocate() }
    var position = offset
    while position < offset + length {
      let wanted = Int(min(Int64(buffer.count), offset + length - position))
      let count = pread(fd, buffer.baseAddress, wanted, off_t(position))
      if count < 0 { throw systemError("read", path) }
      if count == 0 { throw BasicsError.system(operation: "read (file shrank)", path: path, errno: EIO) }
      hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
      position += Int64(count)
    }
    return hasher.finalizeHex()
  }
}
