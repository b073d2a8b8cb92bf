import FoundationEssentials
import Primitives

/// The request time in SigV4's two forms: `20150830T123600Z` (X-Amz-Date)
/// and `20150830` (credential scope). Computed by hand because a date
/// formatter costs more than the whole rest of a signature.
struct SigningTimestamp: Equatable {
    /// `YYYYMMDD'T'HHMMSS'Z'`, UTC.
    let dateTime: String

    /// `YYYYMMDD`, UTC: the first eight characters of `dateTime`.
    let day: String

    init(_ date: Date) {
        let seconds = Self.supportedSeconds(date.timeIntervalSince1970)
        let secondOfDay = seconds % 86_400
        let (year, month, dayOfMonth) = UTCCalendar.civilDate(daysSinceEpoch: seconds / 86_400)
        var text: [UInt8] = []
        text.reserveCapacity(16)
        func append(_ value: Int64, digits: Int) {
            var divisor: Int64 = 1
            for _ in 1..<digits { divisor *= 10 }
            while divisor > 0 {
                text.append(UInt8(truncatingIfNeeded: 0x30 + (value / divisor) % 10))
                divisor /= 10
            }
        }
        append(year, digits: 4)
        append(month, digits: 2)
        append(dayOfMonth, digits: 2)
        text.append(UInt8(ascii: "T"))
        append(secondOfDay / 3600, digits: 2)
        append(secondOfDay / 60 % 60, digits: 2)
        append(secondOfDay % 60, digits: 2)
        text.append(UInt8(ascii: "Z"))
        dateTime = String(decoding: text, as: UTF8.self)
        self.day = String(decoding: text[..<8], as: UTF8.self)
    }

    /// Whole seconds, held to 1970-01-01T00:00:00Z...9999-12-31T23:59:59Z:
    /// four-digit years, and no trap converting an infinite or NaN interval
    /// from a broken clock.
    private static func supportedSeconds(_ interval: Double) -> Int64 {
        guard !interval.isNaN else { return 0 }
        return Int64(min(max(interval.rounded(.down), 0), 253_402_300_799))
    }
}
