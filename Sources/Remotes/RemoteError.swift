import Basics

/// Failures of remotes and their configuration.
public enum RemoteError: LodeError, Equatable {
  /// The object is not on the remote.
  case notFound(name: String, remote: String)
  /// The remote's folder does not exist.
  case folderMissing(path: String)
  /// The remote's folder exists but cannot be written (or read).
  case notAccessible(path: String, write: Bool)
  /// The URL's scheme is not one lode supports.
  case unsupportedURL(String)
  /// No remote of that name is configured.
  case unknownRemote(String)
  /// No remote was named and there is no default.
  case noDefaultRemote
  /// A remote of that name already exists.
  case remoteExists(String)
  /// A remote name that cannot be used in the config file.
  case badName(String)
  /// An `s3://` URL that cannot be a bucket and prefix.
  case badS3URL(url: String, reason: String)
  /// A remote setting with a value lode cannot use.
  case badSetting(key: String, value: String, expected: String)
  /// A setting an S3 remote does not know (its value is never echoed: it may be a secret).
  case unknownSetting(key: String, known: String)
  /// A credential setting was asked to go, or found, in the committed `.lode/config`.
  case credentialsInCommittedConfig(remote: String, key: String)
  /// libcurl, which S3 remotes talk HTTP through, could not be loaded.
  case httpUnavailable(detail: String)
  /// No access key was found for an S3 remote.
  case noCredentials(url: String, profile: String)
  /// The S3 bucket does not exist.
  case bucketMissing(url: String)
  /// The S3 server refused the credentials or the operation.
  case accessDenied(url: String, operation: String, detail: String)
  /// The S3 endpoint could not be reached, even after retries.
  case unreachable(url: String, endpoint: String, detail: String)
  /// An S3 request failed for another reason (after retries, if it was worth retrying).
  case requestFailed(url: String, operation: String, detail: String)

  public var message: String {
    switch self {
    case .notFound(let name, let remote): return "\(name) is not on the remote \(remote)"
    case .folderMissing(let path): return "the remote folder \(path) does not exist"
    case .notAccessible(let path, let write):
      return "the remote folder \(path) is not \(write ? "writable" : "readable")"
    case .unsupportedURL(let url): return "unsupported remote URL '\(url.debugEscaped)'"
    case .unknownRemote(let name): return "no remote named '\(name.debugEscaped)'"
    case .noDefaultRemote: return "no remote named and no default remote set"
    case .remoteExists(let name): return "a remote named '\(name.debugEscaped)' already exists"
    case .badName(let name): return "'\(name.debugEscaped)' is not a valid remote name"
    case .badS3URL(let url, let reason): return "bad S3 remote URL '\(url.debugEscaped)': \(reason)"
    case .badSetting(let key, let value, let expected):
      return "bad remote setting \(key) = '\(value.debugEscaped)': expected \(expected)"
    case .unknownSetting(let key, let known):
      return "unknown S3 remote setting '\(key.debugEscaped)' (known: \(known))"
    case .credentialsInCommittedConfig(let remote, let key):
      return "remote.\(remote).\(key) is a credential and must not be in .lode/config, which git commits"
    case .httpUnavailable(let detail): return "S3 remotes need libcurl, which could not be loaded (\(detail))"
    case .noCredentials(let url, let profile):
      return "no AWS credentials for \(url): none in the environment or in profile '\(profile.debugEscaped)'"
    case .bucketMissing(let url): return "the bucket of the remote \(url) does not exist"
    case .accessDenied(let url, let operation, let detail):
      return "access denied to the remote \(url) (\(operation)): \(detail)"
    case .unreachable(let url, let endpoint, let detail):
      return "cannot reach \(endpoint) for the remote \(url): \(detail)"
    case .requestFailed(let url, let operation, let detail):
      return "\(operation) on the remote \(url) failed: \(detail)"
    }
  }

  public var hint: String? {
    switch self {
    case .notFound: return "push it from a machine that has it, or check the remote's URL"
    case .folderMissing: return "create it (mkdir -p) or fix the URL with 'lode remote modify NAME url URL'"
    case .notAccessible: return "check the folder's permissions and that the file system is mounted read-write"
    case .unsupportedURL: return "use a folder path, a file:// URL or s3://BUCKET/PREFIX"
    case .unknownRemote: return "see 'lode remote list'"
    case .noDefaultRemote:
      return "add one with 'lode remote add -d NAME URL' or pick one with 'lode remote default NAME'"
    case .remoteExists: return "use 'lode remote modify NAME url URL' to change it"
    case .badName: return "use letters, digits, '-', '_' and '.'"
    case .badS3URL: return "use s3://BUCKET or s3://BUCKET/PREFIX"
    case .badSetting: return "fix it with 'lode remote modify NAME KEY VALUE' (see docs/remotes.md)"
    case .unknownSetting: return "remove it with 'lode config --unset remote.NAME.KEY' (see docs/remotes.md)"
    case .credentialsInCommittedConfig:
      return
        "use AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile in ~/.aws/credentials, or 'lode remote modify --local'"
    case .httpUnavailable: return "install libcurl (Debian: apt-get install libcurl4)"
    case .noCredentials:
      return "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add the profile to ~/.aws/credentials"
    case .bucketMissing:
      return "create the bucket, or fix the URL with 'lode remote modify NAME url s3://BUCKET/PREFIX'"
    case .accessDenied:
      return
        "check the credentials and that they allow s3:ListBucket, s3:GetObject, s3:PutObject (and s3:DeleteObject for gc)"
    case .unreachable: return "check the network and the remote's endpointurl and region settings"
    case .requestFailed: return "run the command again; transfers resume where they stopped"
    }
  }
}
