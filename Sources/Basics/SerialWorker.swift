/// A thread of its own that runs submitted jobs one at a time, in order.
/// Unlike a Dispatch queue it never waits for a pool thread, so a pool
/// worker (inside `parallelForEach`) can hand it work and block on the result.
public final class SerialWorker: @unchecked Sendable {
  private var jobs: [() -> Void] = []
  private var closed = false
  private var mutex = pthread_mutex_t()
  private var wakeUp = pthread_cond_t()
  private var thread = pthread_t()

  public init() {
    pthread_mutex_init(&mutex, nil)
    pthread_cond_init(&wakeUp, nil)
    let box = Unmanaged.passRetained(self).toOpaque()
    let status = pthread_create(
      &thread, nil,
      { raw in
        let worker = Unmanaged<SerialWorker>.fromOpaque(raw!).takeRetainedValue()
        worker.run()
        return nil
      }, box)
    precondition(status == 0, "cannot start a thread (\(status))")
  }

  deinit {
    pthread_cond_destroy(&wakeUp)
    pthread_mutex_destroy(&mutex)
  }

  /// Queues `job`; it runs after every job submitted before it.
  public func submit(_ job: @escaping () -> Void) {
    pthread_mutex_lock(&mutex)
    jobs.append(job)
    pthread_cond_signal(&wakeUp)
    pthread_mutex_unlock(&mutex)
  }

  /// Runs the queued jobs to the end and stops the thread. Call once.
  public func finish() {
    pthread_mutex_lock(&mutex)
    closed = true
    pthread_cond_signal(&wakeUp)
    pthread_mutex_unlock(&mutex)
    pthread_join(thread, nil)
  }

  private func run() {
    while true {
      pthread_mutex_lock(&mutex)
      while jobs.isEmpty && !closed { pthread_cond_wait(&wakeUp, &mutex) }
      if jobs.isEmpty {
        pthread_mutex_unlock(&mutex)
        return
      }
      let batch = jobs
      jobs.removeAll(keepingCapacity: true)
      pthread_mutex_unlock(&mutex)
      for job in batch { job() }
    }
  }
}
