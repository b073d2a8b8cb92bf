package enum Region {
    /// True for the region names of a known partition (`us-east-1`,
    /// `cn-north-1`, `us-gov-west-1`, `us-iso-east-1`, `eusc-de-east-1`).
    /// Event fields become host names only after this check.
    package static func isValid(_ name: String) -> Bool { Partition(region: name) != nil }

    /// Why `name` is refused, for an error message.
    package static func problem(_ name: String) -> String {
        let shown = String(String.UnicodeScalarView(name.unicodeScalars.prefix(64).map { $0.value < 0x20 || $0.value == 0x7F ? "?" : $0 }))
        return "'\(shown)' is not an AWS region name (of the partitions "
            + Partition.allCases.map(\.rawValue).joined(separator: ", ") + ")"
    }
}
