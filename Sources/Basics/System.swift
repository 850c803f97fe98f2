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

/// The first reading of the coarse clock at which a file's time `stamp` can
/// be trusted to move on the next change of the file: the next nanosecond,
/// or the next second when the stamp is a whole second (a file system that
/// keeps whole seconds, where a change within the same second keeps the
/// stamp). Reading a file at or after this time makes the reading
/// trustworthy to a stat check.
public func settledAt(_ stamp: Int64) -> Int64 {
  stamp % 1_000_000_000 == 0 ? stamp + 1_000_000_000 : stamp + 1
}

/// Waits (at most `limit` nanoseconds, a few clock ticks) until the coarse
/// clock has passed `mtime`, and returns its reading then. Reading a file
/// only after that makes the reading trustworthy to a stat check: a later
/// write would stamp a later mtime. Without the wait, a file written in the
/// same tick as it was read must be read again next time.
public func coarseNowAfter(_ mtime: Int64, limit: Int64 = 20_000_000) -> Int64 {
  var now = coarseNowNanoseconds()
  if mtime < now || mtime - now > limit { return now }
  while now <= mtime {
    usleep(500)
    now = coarseNowNanoseconds()
  }
  return now
}

/// Seconds on a monotonic clock, for measuring waits and rates.
public func monotonicSeconds() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
