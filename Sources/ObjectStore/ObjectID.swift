import Basics

/// The id of an object: the SHA-256 of its raw, uncompressed content, as 64
/// lowercase hex digits, so `sha256sum` of a data file prints its id.
public struct ObjectID: Hashable, Comparable, Sendable, CustomStringConvertible {
  public let hex: String

  /// Accepts exactly 64 lowercase hex digits; anything else is
  /// `ObjectStoreError.invalidID`, so an id from a file can never be used as a path trick.
  public init(validating hex: String) throws {
    guard hex.utf8.count == 64, hex.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) })
    else { throw ObjectStoreError.invalidID(hex) }
    self.hex = hex
  }

  /// Wraps a digest lode computed itself.
  init(trusted hex: String) { self.hex = hex }

  /// The id of `bytes`.
  public static func of(_ bytes: [UInt8]) -> ObjectID { ObjectID(trusted: SHA256.hex(of: bytes)) }

  /// The id of the bytes in `buffer`.
  static func of(_ buffer: UnsafeRawBufferPointer) -> ObjectID {
    let hasher = SHA256()
    hasher.update(buffer)
    return ObjectID(trusted: hasher.finalizeHex())
  }

  public var description: String { hex }
  /// The first 12 hex digits, for messages.
  public var short: String { String(hex.prefix(12)) }

  public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool { lhs.hex < rhs.hex }
}
