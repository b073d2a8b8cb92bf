import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Runs independent pieces of work on a few threads: the regions of one
/// account's sweep, each waiting on the network. Plain threads, not Swift
/// concurrency: the function is synchronous, and only sweeps need this.
package enum Concurrently {
    /// `body(0)` … `body(count - 1)` on at most `width` threads at once (the
    /// calling thread is one of them; with a width of 1 no thread is made),
    /// the results in index order. Each call of `body` must touch only what
    /// is its own, or what is safe to share between threads.
    package static func map<Result>(_ count: Int, width: Int, _ body: (Int) -> Result) -> [Result] {
        let width = max(1, min(width, count))
        guard width > 1 else { return (0..<count).map(body) }
        return withoutActuallyEscaping(body) { body in
            let work = Work(count: count, body: body)
            let context = Unmanaged<AnyObject>.passRetained(work)
            var threads: [pthread_t] = []
            for _ in 1..<width {
                var thread = pthread_t()
                if pthread_create(&thread, nil, drainInThread, context.toOpaque()) == 0 {
                    threads.append(thread)
                }
            }
            work.drain()  // this thread works too, and alone if no thread could be made
            for thread in threads { pthread_join(thread, nil) }
            context.release()
            return work.results()
        }
    }

    /// The shared queue of indices and the results, each behind a lock.
    fileprivate final class Work<Result>: Drainable, @unchecked Sendable {
        private let count: Int
        private let body: (Int) -> Result
        private let next = Mutex(0)
        private var slots: [Result?]
        private let slotsLock = Mutex(())

        init(count: Int, body: @escaping (Int) -> Result) {
            self.count = count
            self.body = body
            slots = Array(repeating: nil, count: count)
        }

        func drain() {
            while true {
                let index = next.withLock { value -> Int in
                    defer { value += 1 }
                    return value
                }
                guard index < count else { return }
                let result = body(index)
                slotsLock.withLock { _ in slots[index] = result }
            }
        }

        func results() -> [Result] { slotsLock.withLock { _ in slots.map { $0! } } }
    }
}

/// What a worker thread runs, whatever the result type.
private protocol Drainable: AnyObject {
    func drain()
}

/// A thread's entry point: drains the work it is given.
private func drainInThread(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    guard let context, let work = Unmanaged<AnyObject>.fromOpaque(context).takeUnretainedValue() as? any Drainable else { return nil }
    work.drain()
    return nil
}
