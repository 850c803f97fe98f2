// Every module above Basics sees the C library through this one import, so
// the platform switch is written once.
#if canImport(Glibc)
  @_exported import Glibc
#elseif canImport(Musl)
  @_exported import Musl
#elseif canImport(Darwin)
  @_exported import Darwin
#endif

/// The current `errno` as a `BasicsError.system` for `operation` on `path`.
public func systemError(_ operation: String, _ path: String) -> BasicsError {
  .system(operation: operation, path: path, errno: errno)
}

/// Nanoseconds since the epoch on the coarse real-time clock, the clock the
/// kernel stamps file modification times with. A file whose mtime is earlier
/// than this reading cannot be modified again without its mtime changing.
public func coarseNowNanoseconds() -> Int64 {
  var ts = timespec()
  #if os(Linux)
    clock_gettime(CLOCK_REALTIME_COARSE, &ts)
  #else
    clock_gettime(CLOCK_REALTIME, &ts)
  #endif
  return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
}

/// Seconds on a monotonic clock, for measuring waits and rates.
public func monotonicSeconds() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
