#if canImport(Glibc)
import Glibc
#endif

/// Lambda sends the runtime SIGTERM before it shuts a sandbox down (when
/// extensions are registered; "Lambda execution environment lifecycle",
/// shutdown phase). Its default action ends the process without a word;
/// here a thread of its own waits for the signal, logs one line and exits 0,
/// as a runtime that stopped on request should.
package enum ShutdownSignal {
    /// Blocks SIGTERM in the calling thread, and so in every thread started
    /// after it (libcurl's resolver threads too), then waits for it on a new
    /// thread. Call it before any other thread exists.
    /// - Parameter logger: used by that thread alone.
    package static func handle(logging logger: Logger) {
        var signals = terminationSignals()
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        shutdownLogger = logger
        var thread = pthread_t()
        if pthread_create(&thread, nil, waitForTermination, nil) == 0 {
            pthread_detach(thread)
        } else {
            // No thread, no message: let SIGTERM end the process as it would have.
            pthread_sigmask(SIG_UNBLOCK, &signals, nil)
        }
    }
}

/// Set once, before the waiting thread starts; read only by it.
nonisolated(unsafe) private var shutdownLogger: Logger?

private func terminationSignals() -> sigset_t {
    var signals = sigset_t()
    sigemptyset(&signals)
    sigaddset(&signals, SIGTERM)
    return signals
}

private func waitForTermination(_: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    var signals = terminationSignals()
    var received: Int32 = 0
    while sigwait(&signals, &received) != 0 {}
    shutdownLogger?.info("SIGTERM received: shutting down")
    // Nothing is buffered (every log line is one write), and the main thread
    // may be inside libcurl: leave without running exit handlers.
    _exit(0)
}
