import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Wall-clock time and waiting, injected so signing and retries are testable
/// without sleeping. Deadlines are wall-clock instants, as Lambda gives them.
package protocol WallClock: AnyObject {
    var now: Date { get }
    func sleep(seconds: Double)
}

package final class SystemClock: WallClock {
    package init() {}

    package var now: Date { Date() }

    package func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
