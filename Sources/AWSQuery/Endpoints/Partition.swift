/// The AWS partitions, with what this tool needs of each: which region names
/// belong to it, its DNS suffix and its one IAM and one Organizations endpoint
/// (both services are global per partition). Read from botocore's `partitions.json` and endpoint rules;
/// `Tests/AWSQueryTests/Fixtures/botocore-endpoints.json` holds what botocore
/// resolves for every region it knows, and the tests compare.
package enum Partition: String, Sendable, CaseIterable {
    case aws
    case awsCN = "aws-cn"
    case awsUSGov = "aws-us-gov"
    case awsISO = "aws-iso"
    case awsISOB = "aws-iso-b"
    case awsISOE = "aws-iso-e"
    case awsISOF = "aws-iso-f"
    case awsEUSC = "aws-eusc"

    /// The partition of `region`; nil for a name no partition's regions have
    /// (botocore's `regionRegex`: a prefix, one word, a number).
    package init?(region: String) {
        guard region.utf8.count <= 32 else { return nil }
        for partition in Self.allCases {
            for prefix in partition.regionPrefixes where region.hasPrefix(prefix) {
                if Self.isWordThenNumber(region.utf8.dropFirst(prefix.utf8.count)) {
                    self = partition
                    return
                }
            }
        }
        return nil
    }

    /// What a region name starts with, its word and number after it.
    var regionPrefixes: [String] {
        switch self {
        case .aws: ["us-", "eu-", "ap-", "sa-", "ca-", "me-", "af-", "il-", "mx-"]
        case .awsCN: ["cn-"]
        case .awsUSGov: ["us-gov-"]
        case .awsISO: ["us-iso-"]
        case .awsISOB: ["us-isob-"]
        case .awsISOE: ["eu-isoe-"]
        case .awsISOF: ["us-isof-"]
        case .awsEUSC: ["eusc-de-"]
        }
    }

    package var dnsSuffix: String {
        switch self {
        case .aws, .awsUSGov: "amazonaws.com"
        case .awsCN: "amazonaws.com.cn"
        case .awsISO: "c2s.ic.gov"
        case .awsISOB: "sc2s.sgov.gov"
        case .awsISOE: "cloud.adc-e.uk"
        case .awsISOF: "csp.hci.ic.gov"
        case .awsEUSC: "amazonaws.eu"
        }
    }

    /// IAM's one endpoint in the partition and the region its requests are signed for.
    package var iamEndpoint: (host: String, signingRegion: String) {
        switch self {
        case .aws: ("iam.amazonaws.com", "us-east-1")
        case .awsCN: ("iam.cn-north-1.amazonaws.com.cn", "cn-north-1")
        case .awsUSGov: ("iam.us-gov.amazonaws.com", "us-gov-west-1")
        case .awsISO: ("iam.us-iso-east-1.c2s.ic.gov", "us-iso-east-1")
        case .awsISOB: ("iam.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1")
        case .awsISOE: ("iam.eu-isoe-west-1.cloud.adc-e.uk", "eu-isoe-west-1")
        case .awsISOF: ("iam.us-isof-south-1.csp.hci.ic.gov", "us-isof-south-1")
        case .awsEUSC: ("iam.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1")
        }
    }

    /// The one AWS Organizations endpoint of the partition and the region its
    /// requests are signed for, as botocore's endpoint rules for
    /// `organizations` resolve every region of the partition (in `aws-cn`
    /// that is cn-northwest-1, where IAM's is cn-north-1).
    package var organizationsEndpoint: (host: String, signingRegion: String) {
        let region = switch self {
        case .aws: "us-east-1"
        case .awsCN: "cn-northwest-1"
        case .awsUSGov: "us-gov-west-1"
        case .awsISO: "us-iso-east-1"
        case .awsISOB: "us-isob-east-1"
        case .awsISOE: "eu-isoe-west-1"
        case .awsISOF: "us-isof-south-1"
        case .awsEUSC: "eusc-de-east-1"
        }
        return ("organizations.\(region).\(dnsSuffix)", region)
    }

    /// `[a-z0-9]+-[0-9]+`: the rest of a region name after its prefix.
    private static func isWordThenNumber(_ rest: Substring.UTF8View) -> Bool {
        guard let dash = rest.firstIndex(of: UInt8(ascii: "-")) else { return false }
        let word = rest[..<dash], number = rest[rest.index(after: dash)...]
        return !word.isEmpty && !number.isEmpty
            && word.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
            && number.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }
}
