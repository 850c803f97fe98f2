import Basics
import CCurl

/// One HTTP request, with its body (if any) read from memory or a file range.
struct HTTPRequest {
  var method: String
  var url: String
  var headers: [(name: String, value: String)]
  var body: HTTPBody = .none
}

/// What a request sends. A file range is re-read from its offset by every
/// attempt, so a retried upload always sends the whole body again.
enum HTTPBody {
  case none
  case bytes([UInt8])
  case file(path: String, offset: Int64, length: Int64)
}

/// A response: status, headers (lowercased names) and the body when it was collected.
struct HTTPResponse {
  var status: Int
  var headers: [String: String]
  var body: [UInt8]
}

/// Why an exchange did not produce a response.
enum HTTPFailure: Error {
  /// The network failed (refused, reset, timed out, cut off mid-body): worth retrying.
  case transport(String)
  /// The caller's sink threw: never retried, rethrown as is.
  case sink(Error)
}

/// Synchronous HTTP over libcurl's easy API: one request at a time per
/// thread, handles (and their open connections) reused across requests.
final class HTTPClient: @unchecked Sendable {
  private let curl: Curl
  private let pool: CurlHandlePool

  init() throws {
    curl = try Curl.shared.get()
    pool = CurlHandlePool(curl: curl)
  }

  /// Sends `request`. Body bytes of responses whose status and headers pass
  /// `streams` go to `sink` as they arrive; others are collected into the response.
  func perform(
    _ request: HTTPRequest, streams: (Int, [String: String]) -> Bool = { _, _ in false },
    into sink: (UnsafeRawBufferPointer) throws -> Void = { _ in }
  ) throws(HTTPFailure) -> HTTPResponse {
    do {
      return try pool.withHandle { handle in try exchange(request, handle: handle, streams: streams, sink: sink) }
    } catch let failure as HTTPFailure {
      throw failure
    } catch {
      throw .transport("\(error)")
    }
  }

  private func exchange(
    _ request: HTTPRequest, handle: OpaquePointer, streams: (Int, [String: String]) -> Bool,
    sink: (UnsafeRawBufferPointer) throws -> Void
  ) throws -> HTTPResponse {
    try withoutActuallyEscaping(streams) { streams in
      try withoutActuallyEscaping(sink) { sink in
        let state = ExchangeState(curl: curl, handle: handle, streams: streams, sink: sink, body: request.body)
        defer { state.close() }
        try state.openBody()
        return try run(request, handle: handle, state: state)
      }
    }
  }

  private func run(_ request: HTTPRequest, handle: OpaquePointer, state: ExchangeState) throws -> HTTPResponse {
    var list: UnsafeMutablePointer<curl_slist>? = nil
    for header in request.headers + [("Expect", ""), ("Accept", "")] {
      list = curl.slistAppend(list, header.value.isEmpty ? "\(header.name):" : "\(header.name): \(header.value)")
    }
    defer { curl.slistFree(list) }
    var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    let context = Unmanaged.passUnretained(state).toOpaque()
    return try request.url.withCString { url in
      try request.method.withCString { method in
        try errorBuffer.withUnsafeMutableBufferPointer { errors in
          curl.set(handle, CURLOPT_URL, url)
          curl.set(handle, CURLOPT_CUSTOMREQUEST, method)
          curl.set(handle, CURLOPT_HTTPHEADER, UnsafeRawPointer(list))
          curl.set(handle, CURLOPT_ERRORBUFFER, UnsafeRawPointer(errors.baseAddress))
          curl.set(handle, CURLOPT_NOSIGNAL, 1)
          curl.set(handle, CURLOPT_CONNECTTIMEOUT, 15)
          // A transfer that moves nothing for a minute is dead: fail and retry it.
          curl.set(handle, CURLOPT_LOW_SPEED_LIMIT, 1)
          curl.set(handle, CURLOPT_LOW_SPEED_TIME, 60)
          if request.method == "HEAD" { curl.set(handle, CURLOPT_NOBODY, 1) }
          if let length = state.bodyLength {
            curl.set(handle, CURLOPT_UPLOAD, 1)
            curl.set(handle, CURLOPT_INFILESIZE_LARGE, offset: length)
            curl.set(handle, CURLOPT_READFUNCTION, callback: readCallback)
            curl.set(handle, CURLOPT_READDATA, UnsafeRawPointer(context))
          }
          curl.set(handle, CURLOPT_WRITEFUNCTION, callback: writeCallback)
          curl.set(handle, CURLOPT_WRITEDATA, UnsafeRawPointer(context))
          curl.set(handle, CURLOPT_HEADERFUNCTION, callback: headerCallback)
          curl.set(handle, CURLOPT_HEADERDATA, UnsafeRawPointer(context))
          let code = curl.easyPerform(handle)
          if let error = state.sinkError { throw HTTPFailure.sink(error) }
          if code != CURLE_OK {
            let detail = String(cString: errors.baseAddress!)
            throw HTTPFailure.transport(detail.isEmpty ? curl.message(code) : detail)
          }
          return HTTPResponse(
            status: curl.info(handle, CURLINFO_RESPONSE_CODE), headers: state.headers, body: state.body)
        }
      }
    }
  }
}

/// The mutable state of one exchange, reached from libcurl's C callbacks.
private final class ExchangeState {
  let curl: Curl
  let handle: OpaquePointer
  let streams: (Int, [String: String]) -> Bool
  let sink: (UnsafeRawBufferPointer) throws -> Void
  let requestBody: HTTPBody
  var headers: [String: String] = [:]
  var body: [UInt8] = []
  var sinkError: Error?
  var streaming: Bool?
  var fd: Int32 = -1
  var position: Int64 = 0

  init(
    curl: Curl, handle: OpaquePointer, streams: @escaping (Int, [String: String]) -> Bool,
    sink: @escaping (UnsafeRawBufferPointer) throws -> Void, body: HTTPBody
  ) {
    self.curl = curl
    self.handle = handle
    self.streams = streams
    self.sink = sink
    self.requestBody = body
  }

  var bodyLength: Int64? {
    switch requestBody {
    case .none: return nil
    case .bytes(let bytes): return Int64(bytes.count)
    case .file(_, _, let length): return length
    }
  }

  func openBody() throws {
    if case .file(let path, let offset, _) = requestBody {
      fd = try FileIO.openRead(path)
      position = offset
    }
  }

  func close() { if fd >= 0 { Glibc.close(fd) } }

  /// Fills curl's upload buffer; returns the byte count, 0 at the end, or abort.
  func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
    switch requestBody {
    case .none: return 0
    case .bytes(let bytes):
      let count = min(capacity, bytes.count - Int(position))
      bytes.withUnsafeBytes { source in
        UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + Int(position), byteCount: count)
      }
      position += Int64(count)
      return count
    case .file(_, let offset, let length):
      let wanted = min(Int64(capacity), offset + length - position)
      if wanted <= 0 { return 0 }
      let count = pread(fd, buffer, Int(wanted), off_t(position))
      if count <= 0 { return Int(CURL_READFUNC_ABORT) }
      position += Int64(count)
      return count
    }
  }

  /// Takes response bytes: streamed to the sink for wanted statuses, else kept.
  func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
    if streaming == nil { streaming = streams(curl.info(handle, CURLINFO_RESPONSE_CODE), headers) }
    if streaming! {
      do { try sink(bytes) } catch {
        sinkError = error
        return false
      }
    } else {
      // Listings and error pages are small; anything larger is not what was asked for.
      guard body.count + bytes.count <= Self.collectedBodyLimit else { return false }
      body.append(contentsOf: bytes)
    }
    return true
  }

  /// The most bytes of a response kept in memory (a ListObjectsV2 page of
  /// 1,000 keys is about 300 KB).
  static let collectedBodyLimit = 8 << 20

  func header(_ line: String) {
    if line.hasPrefix("HTTP/") {
      headers = [:]  // a new response (after a 100 Continue) starts over
      return
    }
    guard let colon = line.firstIndex(of: ":") else { return }
    let name = line[..<colon].lowercased()
    headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: " \t\r\n")
  }
}

private let readCallback: lode_curl_data_callback = { buffer, size, count, context in
  let state = Unmanaged<ExchangeState>.fromOpaque(context!).takeUnretainedValue()
  return state.read(into: buffer!, capacity: size * count)
}

private let writeCallback: lode_curl_data_callback = { buffer, size, count, context in
  let state = Unmanaged<ExchangeState>.fromOpaque(context!).takeUnretainedValue()
  let bytes = UnsafeRawBufferPointer(start: buffer, count: size * count)
  return state.write(bytes) ? size * count : 0
}

private let headerCallback: lode_curl_data_callback = { buffer, size, count, context in
  let state = Unmanaged<ExchangeState>.fromOpaque(context!).takeUnretainedValue()
  let bytes = UnsafeRawBufferPointer(start: buffer, count: size * count)
  state.header(String(decoding: bytes, as: UTF8.self))
  return size * count
}

extension Substring {
  /// The text without leading and trailing spaces, tabs, CR and LF.
  fileprivate func trimmingCharacters(in set: String) -> String {
    let blanks = Set(set.unicodeScalars)
    var scalars = Substring.UnicodeScalarView(unicodeScalars)
    while let first = scalars.first, blanks.contains(first) { scalars.removeFirst() }
    while let last = scalars.last, blanks.contains(last) { scalars.removeLast() }
    return String(scalars)
  }
}
