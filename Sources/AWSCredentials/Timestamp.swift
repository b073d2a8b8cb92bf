import FoundationEssentials
import Primitives

/// The timestamps credential sources write: ISO 8601 (UTC or with an offset),
/// or the `…UTC` form older AWS CLI versions wrote in the IAM Identity Center
/// token cache.
enum Timestamp {
    static func parse(_ text: String) -> Date? {
        ISO8601Timestamp.parse(text.hasSuffix("UTC") ? text.dropLast(3) + "Z" : text)
    }
}
