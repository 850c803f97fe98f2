import CCrypto

/// HMAC-SHA256 over OpenSSL's libcrypto: the keyed hash AWS Signature
/// Version 4 chains to derive its signing key and sign each request.
public enum HMACSHA256 {
  /// The 32-byte HMAC-SHA256 of `message` under `key`.
  public static func mac(key: [UInt8], message: [UInt8]) -> [UInt8] {
    var digest = [UInt8](repeating: 0, count: 32)
    var length: UInt32 = 0
    key.withUnsafeBytes { keyBytes in
      message.withUnsafeBytes { messageBytes in
        // HMAC() never reads through a null pointer when its length is 0,
        // but it needs a valid address: an empty array has none.
        let dummy: UInt8 = 0
        withUnsafePointer(to: dummy) { empty in
          let keyPointer = keyBytes.baseAddress ?? UnsafeRawPointer(empty)
          let messagePointer = (messageBytes.baseAddress ?? UnsafeRawPointer(empty)).assumingMemoryBound(to: UInt8.self)
          _ = HMAC(EVP_sha256(), keyPointer, Int32(key.count), messagePointer, message.count, &digest, &length)
        }
      }
    }
    return digest
  }

  /// The HMAC-SHA256 of the UTF-8 bytes of `message` under `key`.
  public static func mac(key: [UInt8], message: String) -> [UInt8] {
    mac(key: key, message: Array(message.utf8))
  }
}
