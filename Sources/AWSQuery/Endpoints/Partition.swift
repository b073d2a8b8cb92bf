/// The AWS partitions this tool knows: each has its own DNS suffix and a
/// single IAM endpoint signed for one region.
public enum Partition: String, Sendable, CaseIterable {
    case aws
    case awsCN = "aws-cn"
    case awsUSGov = "aws-us-gov"

    public init(region: String) {
        if region.hasPrefix("cn-") { self = .awsCN }
        else if region.hasPrefix("us-gov-") { self = .awsUSGov }
        else { self = .aws }
    }

    public var dnsSuffix: String { self == .awsCN ? "amazonaws.com.cn" : "amazonaws.com" }

    /// IAM is global per partition.
    public var iamEndpoint: (host: String, signingRegion: String) {
        switch self {
        case .aws: ("iam.amazonaws.com", "us-east-1")
        case .awsCN: ("iam.cn-north-1.amazonaws.com.cn", "cn-north-1")
        case .awsUSGov: ("iam.us-gov.amazonaws.com", "us-gov-west-1")
        }
    }
}
