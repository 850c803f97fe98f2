import Basics

/// A place that stores opaque, named, immutable objects: the whole
/// interface lode needs from a remote. Names are `/`-separated relative
/// paths (`objects/ab/cdef…zst`). Implementations publish atomically: a
/// reader sees a whole object or none, and two writers of the same name
/// (always the same bytes, since names are content ids) both succeed.
/// Every implementation passes the conformance suite in RemotesTests.
public protocol Remote: Sendable {
  /// Where the remote is, for messages (a folder path, a URL).
  var location: String { get }

  /// Fails with a clear error unless the remote can be read (and, with
  /// `write`, written): the folder exists, permissions allow it.
  func checkAccess(write: Bool) throws

  /// Whether an object called `name` exists.
  func exists(_ name: String) throws -> Bool

  /// The names of all objects under folder `prefix` (recursively), in no
  /// particular order. Unfinished uploads are never listed.
  func list(prefix: String) throws -> [String]

  /// Streams the bytes of `name` into `sink`; throws `RemoteError.notFound`.
  func get(_ name: String, into sink: (UnsafeRawBufferPointer) throws -> Void) throws

  /// Publishes the content of the local file at `path` as `name`, atomically.
  func put(_ name: String, fromFile path: String) throws

  /// Removes `name`; removing a missing object is not an error.
  func delete(_ name: String) throws

  /// Publishes many local files, each atomically, using up to `workers`
  /// threads; `uploaded` is called with each file's size as it lands.
  func putAll(_ uploads: [Upload], workers: Int, uploaded: @Sendable (Int64) -> Void) throws
}

/// A local file to publish under a remote name.
public struct Upload: Sendable {
  public let name: String
  public let path: String

  public init(name: String, path: String) {
    self.name = name
    self.path = path
  }
}

extension Remote {
  /// One `put` per file, in parallel.
  public func putAll(_ uploads: [Upload], workers: Int, uploaded: @Sendable (Int64) -> Void) throws {
    try parallelForEach(uploads.count, workers: workers) { index in
      try put(uploads[index].name, fromFile: uploads[index].path)
      uploaded((try? FileStat.of(uploads[index].path))??.size ?? 0)
    }
  }
}

/// Checks that `name` is a clean relative path, so no name from a listing
/// or a caller can address anything outside the remote's root.
func validatedName(_ name: String) throws -> String {
  try RelativePath(validating: name).string
}
