import Basics

/// A remote held in memory: the fake for unit tests of code above remotes.
public final class InMemoryRemote: Remote, @unchecked Sendable {
  private let objects = Locked([String: [UInt8]]())

  public init() {}

  public var location: String { "memory" }

  public func checkAccess(write: Bool) throws {}

  public func exists(_ name: String) throws -> Bool {
    let name = try validatedName(name)
    return objects.withLock { $0[name] != nil }
  }

  public func list(prefix: String) throws -> [String] {
    let folder = try validatedName(prefix) + "/"
    return objects.withLock { $0.keys.filter { $0.hasPrefix(folder) } }
  }

  public func get(_ name: String, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
    let name = try validatedName(name)
    guard let bytes = objects.withLock({ $0[name] }) else { throw RemoteError.notFound(name: name, remote: location) }
    try bytes.withUnsafeBytes { try sink($0) }
  }

  public func put(_ name: String, fromFile path: String) throws {
    let name = try validatedName(name)
    let bytes = try FileIO.readFile(path)
    objects.withLock { $0[name] = bytes }
  }

  public func delete(_ name: String) throws {
    let name = try validatedName(name)
    _ = objects.withLock { $0.removeValue(forKey: name) }
  }

  /// Replaces an object's bytes (tests use it to simulate damage on the remote).
  public func overwrite(_ name: String, with bytes: [UInt8]) {
    objects.withLock { $0[name] = bytes }
  }
}
