/// The AWS partitions this tool knows: each has its own DNS suffix and a
/// single IAM endpoint signed for one region.
package enum Partition: String, Sendable, CaseIterable {
    case aws
    case awsCN = "aws-cn"
    case awsUSGov = "aws-us-gov"

    package init(region: String) {
        if region.hasPrefix("cn-") { self = .awsCN }
        else if region.hasPrefix("us-gov-") { self = .awsUSGov }
        else { self = .aws }
    }

    package var dnsSuffix: String { self == .awsCN ? "amazonaws.com.cn" : "amazonaws.com" }

    /// IAM is global per partition.
    package var iamEndpoint: (host: String, signingRegion: String) {
        switch self {
        case .aws: ("iam.amazonaws.com", "us-east-1")
        case .awsCN: ("iam.cn-north-1.amazonaws.com.cn", "cn-north-1")
        case .awsUSGov: ("iam.us-gov.amazonaws.com", "us-gov-west-1")
        }
    }
}
