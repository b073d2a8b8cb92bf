import FoundationEssentials
import Primitives
import STS

/// The timestamps credential sources write: ISO 8601 in UTC (`…Z`,
/// `…+00:00`), with another offset (`…+02:00`, as a `credential_process`
/// helper may print local time), or the `…UTC` form older AWS CLI versions
/// wrote in the IAM Identity Center token cache.
enum Timestamp {
    static func parse(_ text: String) -> Date? {
        if text.hasSuffix("UTC") { return ISO8601Timestamp.parse(text.dropLast(3) + "Z") }
        let bytes = Array(text.utf8)
        // ±HH:MM or ±HHMM after the seconds (index 19 at the earliest).
        for length in [6, 5] where bytes.count >= 19 + length {
            let zone = bytes[(bytes.count - length)...]
            guard let sign = zone.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { continue }
            let digits = zone.dropFirst().filter { $0 != UInt8(ascii: ":") }
            guard digits.count == 4, digits.allSatisfy({ (0x30...0x39).contains($0) }),
                  length == 5 || zone[zone.startIndex + 3] == UInt8(ascii: ":") else { continue }
            let value = digits.map { Int($0 - 0x30) }
            let hours = value[0] * 10 + value[1], minutes = value[2] * 10 + value[3]
            guard hours < 24, minutes < 60 else { return nil }
            let base = String(decoding: bytes[..<(bytes.count - length)], as: UTF8.self) + "Z"
            guard let local = ISO8601Timestamp.parse(base) else { return nil }
            let offset = Double(hours * 3600 + minutes * 60)
            return local.addingTimeInterval(sign == UInt8(ascii: "+") ? -offset : offset)
        }
        return ISO8601Timestamp.parse(text)
    }
}

extension Timestamp {
    /// `2026-11-25T13:17:45Z`, for messages.
    static func format(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let (days, secondOfDay) = UTCCalendar.floorDivide(seconds, 86_400)
        let (year, month, day) = UTCCalendar.civilDate(daysSinceEpoch: days)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))Z"
    }
}
