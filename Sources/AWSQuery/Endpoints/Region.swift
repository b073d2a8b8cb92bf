package enum Region {
    /// True for names shaped like AWS regions (`us-east-1`, `cn-north-1`,
    /// `us-gov-west-1`, `ap-southeast-5`). Event fields become host names only after this check.
    package static func isValid(_ name: String) -> Bool {
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        guard name.utf8.count <= 32, parts.count >= 3, let last = parts.last,
              !last.isEmpty, last.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
        else { return false }
        return parts.dropLast().allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 0x61 && $0 <= 0x7A } }
    }
}
