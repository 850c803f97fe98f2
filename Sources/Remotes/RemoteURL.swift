import Basics

/// Turns a configured remote URL into a `Remote`. A plain path or a
/// `file://` URL is a folder; a relative path is relative to the repository
/// root. `s3://BUCKET/PREFIX` is an S3 bucket, configured by the remote's
/// other settings (`endpointurl`, `region`, `profile`, `addressing`, …).
public enum RemoteURL {
  /// Opens the remote (for S3: resolves credentials and loads libcurl; no request yet).
  public static func open(_ url: String, settings: [String: String] = [:], repositoryRoot: String) throws -> Remote {
    if url.hasPrefix("s3://") { return try S3Remote(url: url, settings: settings) }
    return try folder(url, repositoryRoot: repositoryRoot)
  }

  /// Checks a URL and its settings without opening anything (no network,
  /// no credentials needed), for `lode remote add` and `modify`.
  public static func validate(_ url: String, settings: [String: String] = [:], repositoryRoot: String) throws {
    if url.hasPrefix("s3://") {
      _ = try S3Location(url: url, settings: settings)
    } else {
      _ = try folder(url, repositoryRoot: repositoryRoot)
    }
  }

  /// Whether `key` holds a credential, which must never be committed.
  public static func isCredentialSetting(_ key: String) -> Bool {
    S3Location.credentialKeys.contains(key.lowercased())  // git-config names ignore case
  }

  /// Whether the full config key `remote.NAME.KEY` holds a credential.
  public static func isCredentialConfigKey(_ key: String) -> Bool {
    let lowered = key.lowercased()
    guard lowered.hasPrefix("remote."), let dot = lowered.lastIndex(of: ".") else { return false }
    return isCredentialSetting(String(lowered[lowered.index(after: dot)...]))
  }

  private static func folder(_ url: String, repositoryRoot: String) throws -> FilesystemRemote {
    if url.hasPrefix("file://") {
      let path = String(url.dropFirst("file://".count))
      guard path.hasPrefix("/") else { throw RemoteError.unsupportedURL(url) }
      return FilesystemRemote(root: Path.normalize(path, against: "/"))
    }
    if url.contains("://") || url.isEmpty { throw RemoteError.unsupportedURL(url) }
    return FilesystemRemote(root: Path.normalize(url, against: repositoryRoot))
  }
}
