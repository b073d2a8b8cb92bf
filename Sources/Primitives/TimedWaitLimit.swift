#if canImport(Glibc)
import Glibc
#endif

extension timespec {
    /// The instant `seconds` from now on `clock` (clamped to 0…10⁶ s): the
    /// absolute limit the timed waits of pthreads take.
    package static func fromNow(_ seconds: Double, on clock: clockid_t) -> timespec {
        var limit = timespec()
        clock_gettime(clock, &limit)
        let wait = max(0, min(seconds, 1e6))
        limit.tv_sec += Int(wait)
        limit.tv_nsec += Int((wait - wait.rounded(.down)) * 1e9)
        if limit.tv_nsec >= 1_000_000_000 {
            limit.tv_sec += 1
            limit.tv_nsec -= 1_000_000_000
        }
        return limit
    }
}
