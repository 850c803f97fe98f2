import Basics
import CCurl

/// libcurl's easy API, loaded with dlopen on first use (see CCurl/shim.h for
/// why it is not linked). Loading and `curl_global_init` happen once, under
/// Swift's lazy-global lock, before any thread makes a request.
final class Curl: @unchecked Sendable {
  typealias EasyInit = @convention(c) () -> OpaquePointer?
  typealias EasyHandleCall = @convention(c) (OpaquePointer?) -> Void
  typealias EasyPerform = @convention(c) (OpaquePointer?) -> CURLcode
  typealias StrError = @convention(c) (CURLcode) -> UnsafePointer<CChar>?
  typealias SlistAppend =
    @convention(c) (UnsafeMutablePointer<curl_slist>?, UnsafePointer<CChar>?) ->
    UnsafeMutablePointer<curl_slist>?
  typealias SlistFree = @convention(c) (UnsafeMutablePointer<curl_slist>?) -> Void
  typealias GlobalInit = @convention(c) (Int) -> CURLcode

  let easyInit: EasyInit
  let easyCleanup: EasyHandleCall
  let easyReset: EasyHandleCall
  let easyPerform: EasyPerform
  let strerror: StrError
  let slistAppend: SlistAppend
  let slistFree: SlistFree
  let setopt: UnsafeMutableRawPointer
  let getinfo: UnsafeMutableRawPointer

  /// The loaded library, or the reason it could not be loaded.
  static let shared: Result<Curl, RemoteError> = load()

  private init(library: UnsafeMutableRawPointer) throws {
    func symbol(_ name: String) throws -> UnsafeMutableRawPointer {
      guard let pointer = dlsym(library, name) else { throw RemoteError.httpUnavailable(detail: "no \(name)") }
      return pointer
    }
    easyInit = unsafeBitCast(try symbol("curl_easy_init"), to: EasyInit.self)
    easyCleanup = unsafeBitCast(try symbol("curl_easy_cleanup"), to: EasyHandleCall.self)
    easyReset = unsafeBitCast(try symbol("curl_easy_reset"), to: EasyHandleCall.self)
    easyPerform = unsafeBitCast(try symbol("curl_easy_perform"), to: EasyPerform.self)
    strerror = unsafeBitCast(try symbol("curl_easy_strerror"), to: StrError.self)
    slistAppend = unsafeBitCast(try symbol("curl_slist_append"), to: SlistAppend.self)
    slistFree = unsafeBitCast(try symbol("curl_slist_free_all"), to: SlistFree.self)
    setopt = try symbol("curl_easy_setopt")
    getinfo = try symbol("curl_easy_getinfo")
    let globalInit = unsafeBitCast(try symbol("curl_global_init"), to: GlobalInit.self)
    if globalInit(Int(CURL_GLOBAL_DEFAULT)) != CURLE_OK {
      throw RemoteError.httpUnavailable(detail: "curl_global_init failed")
    }
  }

  private static func load() -> Result<Curl, RemoteError> {
    // The OpenSSL build first (Debian's libcurl4), then the GnuTLS one.
    for name in ["libcurl.so.4", "libcurl-gnutls.so.4", "libcurl.so", "libcurl.4.dylib"] {
      guard let library = dlopen(name, RTLD_NOW | RTLD_LOCAL) else { continue }
      do { return .success(try Curl(library: library)) } catch let error as RemoteError {
        return .failure(error)
      } catch { return .failure(.httpUnavailable(detail: "\(error)")) }
    }
    return .failure(.httpUnavailable(detail: "libcurl.so.4 not found"))
  }

  func set(_ handle: OpaquePointer, _ option: CURLoption, _ value: Int) {
    _ = lode_curl_setopt_long(setopt, UnsafeMutableRawPointer(handle), option, value)
  }

  func set(_ handle: OpaquePointer, _ option: CURLoption, _ value: UnsafeRawPointer?) {
    _ = lode_curl_setopt_pointer(setopt, UnsafeMutableRawPointer(handle), option, value)
  }

  func set(_ handle: OpaquePointer, _ option: CURLoption, offset: Int64) {
    _ = lode_curl_setopt_offset(setopt, UnsafeMutableRawPointer(handle), option, curl_off_t(offset))
  }

  func set(_ handle: OpaquePointer, _ option: CURLoption, callback: lode_curl_data_callback) {
    _ = lode_curl_setopt_callback(setopt, UnsafeMutableRawPointer(handle), option, callback)
  }

  func info(_ handle: OpaquePointer, _ item: CURLINFO) -> Int {
    var value = 0
    _ = lode_curl_getinfo_long(getinfo, UnsafeMutableRawPointer(handle), item, &value)
    return value
  }

  func message(_ code: CURLcode) -> String {
    strerror(code).map { String(cString: $0) } ?? "curl error \(code.rawValue)"
  }
}

/// Easy handles kept between requests, so each worker thread reuses a warm
/// connection (keep-alive) instead of a new TCP (and TLS) handshake per object.
final class CurlHandlePool: @unchecked Sendable {
  private let curl: Curl
  private let idle = Locked([OpaquePointer]())

  init(curl: Curl) { self.curl = curl }

  deinit { for handle in idle.withLock({ $0 }) { curl.easyCleanup(handle) } }

  /// Runs `body` with a handle of its own, reset to defaults (its connections stay open).
  func withHandle<R>(_ body: (OpaquePointer) throws -> R) throws -> R {
    guard let handle = idle.withLock({ $0.popLast() }) ?? curl.easyInit() else {
      throw RemoteError.httpUnavailable(detail: "curl_easy_init failed")
    }
    curl.easyReset(handle)
    defer {
      // Reset again before it idles: no option may point at memory the request owned.
      curl.easyReset(handle)
      idle.withLock { $0.append(handle) }
    }
    return try body(handle)
  }
}
