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
        .target(name: "STS", dependencies: ["AWSClient"]),
        .target(name: "LambdaRuntime", dependencies: ["AWSClient"]),
        .target(name: "Tagger", dependencies: ["AWSClient", "EC2", "IAM", "STS"]),
        .executableTarget(name: "aws-userid-tagger", dependencies: ["Tagger", "LambdaRuntime", "STS"]),
        // Not shipped: warm SigV4 signatures per second for `make bench` (bench/run.py).
        .executableTarget(name: "SigV4Benchmark", dependencies: ["AWSClient"], path: "bench/SigV4Benchmark"),
        // Fakes of AWS's side (scripted transport, clock) shared by the test targets.
        .target(name: "AWSTestSupport", dependencies: ["AWSClient"], path: "Tests/AWSTestSupport"),
        .testTarget(name: "AWSClientTests", dependencies: ["AWSClient", "AWSTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "EC2Tests", dependencies: ["EC2", "AWSTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "IAMTests", dependencies: ["IAM", "AWSTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "STSTests", dependencies: ["STS", "AWSTestSupport"]),
        .testTarget(name: "LambdaRuntimeTests", dependencies: ["LambdaRuntime"]),
        .testTarget(name: "TaggerTests", dependencies: ["Tagger", "AWSTestSupport"], resources: [.copy("Fixtures")]),
        // The bad-input corpus (Tests/Corpus, read from the source tree) against its expected outcomes.
        .testTarget(name: "CorpusTests", dependencies: ["Tagger", "AWSClient", "EC2"]),
        // Our clients against an auth-enabled moto (started by the test itself).
        .testTarget(name: "IntegrationTests", dependencies: ["EC2", "IAM", "AWSClient"]),
    ]
)
