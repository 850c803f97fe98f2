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
/// be trusted to move on the next change of the file: a change within the
/// same granule of the file system's clock keeps the stamp. A stamp that is
/// a whole second may come from a file system that keeps whole seconds, or
/// FAT's two: trusted two seconds on. A whole 10 ms may be exFAT's granule:
/// 10 ms on. Any other stamp has a finer granule than the coarse clock's
/// tick: the next nanosecond. (A finer file system whose stamp falls on such
/// a boundary by chance is only trusted later.) Reading a file at or after
/// this time makes the reading trustworthy to a stat check.
public func settledAt(_ stamp: Int64) -> Int64 {
  if stamp % 1_000_000_000 == 0 { return stamp + 2_000_000_000 }
  if stamp % 10_000_000 == 0 { return stamp + 10_000_000 }
  return stamp + 1
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
