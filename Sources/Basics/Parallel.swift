import Dispatch

/// Runs `body` for every index in `0..<count` on all cores, each worker
/// taking the next index from a shared counter so uneven items balance out.
/// The first error stops new items from starting and is rethrown.
public func parallelForEach(
  _ count: Int, workers: Int = ProcessorCount.value, _ body: @Sendable (Int) throws -> Void
) throws {
  if count == 0 { return }
  let state = ParallelState()
  let workerCount = max(1, min(workers, count))
  if workerCount == 1 {
    for index in 0..<count { try body(index) }
    return
  }
  DispatchQueue.concurrentPerform(iterations: workerCount) { _ in
    while let index = state.next(limit: count) {
      do { try body(index) } catch { state.fail(error) }
    }
  }
  if let error = state.firstError { throw error }
}

/// The number of cores lode spreads work over.
public enum ProcessorCount {
  public static let value: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}

/// A mutex-protected box for results gathered by parallel workers.
public final class Locked<Value>: @unchecked Sendable {
  private var value: Value
  private var mutex = pthread_mutex_t()

  public init(_ value: Value) {
    self.value = value
    pthread_mutex_init(&mutex, nil)
  }

  deinit { pthread_mutex_destroy(&mutex) }

  /// Runs `body` with exclusive access to the value.
  public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    return try body(&value)
  }
}

private final class ParallelState: @unchecked Sendable {
  private let inner = Locked<(next: Int, error: Error?)>((0, nil))

  func next(limit: Int) -> Int? {
    inner.withLock { state in
      if state.error != nil || state.next >= limit { return nil }
      defer { state.next += 1 }
      return state.next
    }
  }

  func fail(_ error: Error) {
    inner.withLock { state in if state.error == nil { state.error = error } }
  }

  var firstError: Error? { inner.withLock { $0.error } }
}
