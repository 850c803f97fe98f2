import Basics

/// Turns a configured remote URL into a `Remote`. A plain path or a
/// `file://` URL is a folder; a relative path is relative to the repository root.
public enum RemoteURL {
  public static func open(_ url: String, repositoryRoot: String) throws -> Remote {
    if url.hasPrefix("file://") {
      let path = String(url.dropFirst("file://".count))
      guard path.hasPrefix("/") else { throw RemoteError.unsupportedURL(url) }
      return FilesystemRemote(root: Path.normalize(path, against: "/"))
    }
    if url.contains("://") || url.isEmpty { throw RemoteError.unsupportedURL(url) }
    return FilesystemRemote(root: Path.normalize(url, against: repositoryRoot))
  }
}
