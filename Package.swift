// swift-tools-version:6.0
import PackageDescription

// No third-party dependencies: the function links only the Swift stdlib,
// FoundationEssentials, libcurl and libcrypto (see BRIEF "Architecture").
let package = Package(
    name: "AwsUserIdTagger",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "aws-userid-tagger", targets: ["aws-userid-tagger"]),
    ],
    targets: [
        .systemLibrary(name: "CCurl", path: "Sources/CCurl"),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto"),
        .target(name: "AWSClient", dependencies: ["CCurl", "CCrypto"]),
        .target(name: "EC2", dependencies: ["AWSClient"]),
        .target(name: "IAM", dependencies: ["AWSClient"]),
        .target(name: "LambdaRuntime", dependencies: ["AWSClient"]),
        .target(name: "Tagger", dependencies: ["AWSClient", "EC2", "IAM"]),
        .executableTarget(name: "aws-userid-tagger", dependencies: ["Tagger", "LambdaRuntime"]),
        .testTarget(name: "AWSClientTests", dependencies: ["AWSClient"], resources: [.copy("Fixtures")]),
        .testTarget(name: "EC2Tests", dependencies: ["EC2"], resources: [.copy("Fixtures")]),
        .testTarget(name: "IAMTests", dependencies: ["IAM"], resources: [.copy("Fixtures")]),
        .testTarget(name: "LambdaRuntimeTests", dependencies: ["LambdaRuntime"]),
        .testTarget(name: "TaggerTests", dependencies: ["Tagger"], resources: [.copy("Fixtures")]),
    ]
)
