import Basics

/// Where an S3 remote lives and how to address it, from its URL
/// (`s3://BUCKET/PREFIX`) and its `remote.NAME.*` settings. Parsing needs no
/// network, so `lode remote add` and `modify` catch typos at once.
struct S3Location: Sendable, Equatable {
  /// The URL as configured, for messages.
  let url: String
  let bucket: String
  /// The key prefix without slashes at either end; "" for the bucket's root.
  let prefix: String
  /// `endpointurl`: `http(s)://host[:port]`, or nil for AWS itself.
  let endpoint: Endpoint?
  /// `addressing`: `path` puts the bucket in the path, `virtual` in the host name.
  let addressing: Addressing
  let region: String?
  let profile: String?
  /// `multipart-threshold` and `multipart-chunksize`, in bytes.
  let multipartThreshold: Int64?
  let partSize: Int64?

  enum Addressing: String, Sendable {
    case auto, path, virtual
  }

  /// A scheme, host and optional port.
  struct Endpoint: Sendable, Equatable {
    let scheme: String
    let host: String
    let port: Int?
  }

  /// Settings an S3 remote understands (besides `url`).
  static let settingKeys: Set<String> = [
    "endpointurl", "region", "profile", "addressing", "multipart-threshold", "multipart-chunksize",
  ]
  /// Credential settings: only ever read from `.lode/config.local`.
  static let credentialKeys: Set<String> = ["access-key-id", "secret-access-key", "session-token"]

  init(url: String, settings: [String: String]) throws {
    guard url.hasPrefix("s3://") else { throw RemoteError.badS3URL(url: url, reason: "it must start with s3://") }
    let path = url.dropFirst("s3://".count)
    let slash = path.firstIndex(of: "/") ?? path.endIndex
    bucket = String(path[..<slash])
    if let problem = Self.bucketProblem(bucket) { throw RemoteError.badS3URL(url: url, reason: problem) }
    var prefix = path[slash...]
    while prefix.hasPrefix("/") { prefix = prefix.dropFirst() }
    while prefix.hasSuffix("/") { prefix = prefix.dropLast() }
    if !prefix.isEmpty {
      guard (try? RelativePath(validating: String(prefix))) != nil, !prefix.contains("?"), !prefix.contains("#") else {
        throw RemoteError.badS3URL(url: url, reason: "the prefix '\(prefix)' is not a clean relative path")
      }
    }
    self.url = url
    self.prefix = String(prefix)
    endpoint = try settings["endpointurl"].map(Self.parseEndpoint)
    let addressing = settings["addressing"] ?? "auto"
    guard let parsed = Addressing(rawValue: addressing) else {
      throw RemoteError.badSetting(key: "addressing", value: addressing, expected: "path, virtual or auto")
    }
    self.addressing = parsed
    region = settings["region"]
    if let region, !Self.isRegion(region) {
      throw RemoteError.badSetting(key: "region", value: region, expected: "a region name such as eu-west-1")
    }
    profile = settings["profile"]
    for key in settings.keys where key != "url" {
      let known = Self.settingKeys.contains(key.lowercased()) || Self.credentialKeys.contains(key.lowercased())
      if !known {
        throw RemoteError.unknownSetting(
          key: key, known: (["url"] + Self.settingKeys.sorted() + Self.credentialKeys.sorted()).joined(separator: ", "))
      }
    }
    multipartThreshold = try settings["multipart-threshold"].map { try Self.parseSize($0, key: "multipart-threshold") }
    partSize = try settings["multipart-chunksize"].map { try Self.parseSize($0, key: "multipart-chunksize") }
    if let partSize, partSize < 5 << 20 {
      throw RemoteError.badSetting(key: "multipart-chunksize", value: "\(partSize)", expected: "at least 5MiB")
    }
  }

  /// Whether `name` can be a region: it becomes part of a host name.
  static func isRegion(_ name: String) -> Bool {
    !name.isEmpty && name.count <= 64
      && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
  }

  /// Why `name` is not a valid bucket name (S3's rules), or nil.
  static func bucketProblem(_ name: String) -> String? {
    if name.isEmpty { return "it names no bucket" }
    if name.count < 3 || name.count > 63 { return "a bucket name has 3 to 63 characters" }
    let allowed = name.unicodeScalars.allSatisfy {
      ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "."
    }
    if !allowed { return "a bucket name has only lowercase letters, digits, '.' and '-'" }
    let edges = [name.first!, name.last!]
    if edges.contains(where: { $0 == "-" || $0 == "." }) {
      return "a bucket name starts and ends with a letter or digit"
    }
    if name.contains("..") { return "a bucket name has no '..'" }
    if name.split(separator: ".").count == 4 && name.split(separator: ".").allSatisfy({ UInt8($0) != nil }) {
      return "a bucket name is not an IP address"
    }
    return nil
  }

  static func parseEndpoint(_ text: String) throws -> Endpoint {
    let bad = RemoteError.badSetting(key: "endpointurl", value: text, expected: "http(s)://HOST[:PORT]")
    let scheme: String
    if text.hasPrefix("https://") {
      scheme = "https"
    } else if text.hasPrefix("http://") {
      scheme = "http"
    } else {
      throw bad
    }
    var rest = text.dropFirst(scheme.count + 3)
    while rest.hasSuffix("/") { rest = rest.dropLast() }
    // No user:password@ (it would sit in the committed config) and no path.
    if rest.isEmpty || rest.contains("@") || rest.contains("/") || rest.contains("?") { throw bad }
    var host = rest
    var port: Int?
    if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]") {
      guard let number = Int(rest[rest.index(after: colon)...]), (1...65535).contains(number) else { throw bad }
      host = rest[..<colon]
      port = number
    }
    if host.isEmpty { throw bad }
    return Endpoint(scheme: scheme, host: host.lowercased(), port: port)
  }

  /// `123`, `8MB`, `8MiB`, `1GB`: sizes the way the AWS CLI's s3 settings take them (MB = MiB).
  static func parseSize(_ text: String, key: String) throws -> Int64 {
    let units: [(String, Int64)] = [
      ("GiB", 1 << 30), ("GB", 1 << 30), ("MiB", 1 << 20), ("MB", 1 << 20), ("KiB", 1 << 10), ("KB", 1 << 10), ("B", 1),
    ]
    for (suffix, scale) in units + [("", 1)] where text.hasSuffix(suffix) {
      if let number = Int64(text.dropLast(suffix.count).trimmingSpaces), number > 0, number <= (Int64(1) << 40) / scale
      {
        return number * scale
      }
      break
    }
    throw RemoteError.badSetting(key: key, value: text, expected: "a size such as 64MB")
  }
}

extension Substring {
  fileprivate var trimmingSpaces: Substring {
    var slice = self
    while slice.hasPrefix(" ") { slice = slice.dropFirst() }
    while slice.hasSuffix(" ") { slice = slice.dropLast() }
    return slice
  }
}
