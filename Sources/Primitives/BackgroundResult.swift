#if canImport(Glibc)
import Glibc
#endif

/// One piece of work started now on a thread of its own, whose result one
/// caller picks up later: the function reads what every event will need while
/// the Lambda runtime is still fetching the first one. The work must touch
/// only what is its own or safe to share between threads.
package final class BackgroundResult<Value: Sendable>: @unchecked Sendable {
    private var value: Value?
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let finished = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    /// Starts `work`; nil when no thread could be made (the caller then does
    /// the work itself, when it needs it).
    package init?(_ work: @escaping () -> Value) {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        // Waits are measured on the monotonic clock: a wall-clock step cannot stretch them.
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(finished, &attributes)
        pthread_condattr_destroy(&attributes)
        // The thread holds the only other reference until it has stored the result.
        let entry = Unmanaged.passRetained(ThreadEntry { [self] in self.store(work()) })
        var thread = pthread_t()
        guard pthread_create(&thread, nil, runThreadEntry, entry.toOpaque()) == 0 else {
            entry.release()
            return nil
        }
        pthread_detach(thread)
    }

    deinit {
        pthread_cond_destroy(finished)
        pthread_mutex_destroy(mutex)
        finished.deallocate()
        mutex.deallocate()
    }

    /// The work's result, waiting for it at most `seconds`; nil if it has not
    /// finished by then (it goes on, and a later call can still get it).
    package func wait(seconds: Double) -> Value? {
        var limit = timespec.fromNow(seconds, on: CLOCK_MONOTONIC)
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while value == nil, pthread_cond_timedwait(finished, mutex, &limit) != ETIMEDOUT {}
        return value
    }

    private func store(_ result: Value) {
        pthread_mutex_lock(mutex)
        value = result
        pthread_cond_broadcast(finished)
        pthread_mutex_unlock(mutex)
    }
}

/// What a new thread runs; a class, so it crosses `pthread_create` as one pointer.
private final class ThreadEntry {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}

private func runThreadEntry(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    guard let context else { return nil }
    Unmanaged<ThreadEntry>.fromOpaque(context).takeRetainedValue().body()
    return nil
}
