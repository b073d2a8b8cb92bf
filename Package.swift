// swift-tools-version:6.0
import PackageDescription

// No third-party dependencies: the function links only the Swift stdlib,
// FoundationEssentials, libcurl and libcrypto (in the zip: a static libcurl
// and BoringSSL, built by scripts/package.sh; in development and tests:
// Debian's libcurl and OpenSSL).
//
// The modules form layers, each depending only on those below it:
//
//   CCurl, CCrypto,     C libraries (system-library modules: libcurl, libcrypto,
//   CMalloc             glibc's malloc tuning)
//   Primitives          settings errors, the wall clock, UTC dates and ISO 8601, JSON text
//   HTTP                requests, responses, the HTTPTransport protocol
//   CurlHTTP            the libcurl transport and the trust store it verifies with
//   SigV4               the request signer: pure, no transport (libcrypto only)
//   XML                 the XML reader AWS answers are read with
//   AWSQuery            the AWS protocols (Query, JSON 1.1): form codec, errors,
//                       retries, credentials, endpoints, the signed clients
//   EC2, IAM, STS,      typed calls
//   EventBridge,
//   Organizations
//   AWSCredentials      where credentials come from when the environment has none:
//                       shared files, credential_process, assumed roles, IAM Identity
//                       Center, container and instance metadata endpoints
//   Tagger              events, configuration, the tagging decision, sweeps
//   LambdaRuntime       the Runtime API loop and logger (on HTTP only)
//   TaggerCommandLine   the command line: arguments and usage
//   aws-userid-tagger   main: wires the layers together, nothing else
let package = Package(
    name: "AwsUserIdTagger",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "aws-userid-tagger", targets: ["aws-userid-tagger"]),
    ],
    targets: [
        .systemLibrary(name: "CCurl", path: "Sources/CCurl"),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto"),
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        .target(name: "Primitives", dependencies: ["CMalloc"]),
        .target(name: "HTTP", dependencies: ["Primitives"]),
        .target(name: "CurlHTTP", dependencies: ["HTTP", "CCurl"]),
        .target(name: "SigV4", dependencies: ["Primitives", "CCrypto"]),
        .target(name: "XML"),
        .target(name: "AWSQuery", dependencies: ["Primitives", "HTTP", "SigV4", "XML"]),
        .target(name: "EC2", dependencies: ["AWSQuery"]),
        .target(name: "IAM", dependencies: ["AWSQuery"]),
        .target(name: "STS", dependencies: ["AWSQuery"]),
        .target(name: "EventBridge", dependencies: ["AWSQuery"]),
        .target(name: "Organizations", dependencies: ["AWSQuery"]),
        .target(name: "AWSCredentials", dependencies: ["Primitives", "HTTP", "SigV4", "AWSQuery", "STS", "CCrypto"]),
        .target(name: "Tagger", dependencies: ["AWSQuery", "EC2", "IAM", "STS", "EventBridge", "Organizations"]),
        .target(name: "LambdaRuntime", dependencies: ["Primitives", "HTTP"]),
        .target(name: "TaggerCommandLine"),
        .executableTarget(name: "aws-userid-tagger",
                          dependencies: ["Primitives", "HTTP", "CurlHTTP", "AWSQuery", "EC2", "IAM", "STS", "EventBridge", "Organizations",
                                         "AWSCredentials", "Tagger", "LambdaRuntime", "TaggerCommandLine"]),
        // Not shipped: warm SigV4 signatures per second for `make bench` (bench/run.py).
        .executableTarget(name: "SigV4Benchmark", dependencies: ["SigV4"], path: "bench/SigV4Benchmark"),
        // What every test target shares: a clock that moves only when told, a scripted transport, a loopback HTTP server.
        .target(name: "TestSupport", dependencies: ["Primitives", "HTTP", "SigV4", "AWSQuery"], path: "Tests/TestSupport"),
        .testTarget(name: "PrimitivesTests", dependencies: ["Primitives"]),
        .testTarget(name: "CurlHTTPTests", dependencies: ["CurlHTTP", "TestSupport"]),
        .testTarget(name: "SigV4Tests", dependencies: ["SigV4"], resources: [.copy("Fixtures")]),
        .testTarget(name: "XMLTests", dependencies: ["XML"]),
        .testTarget(name: "AWSQueryTests", dependencies: ["AWSQuery", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "EC2Tests", dependencies: ["EC2", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "IAMTests", dependencies: ["IAM", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "STSTests", dependencies: ["STS", "TestSupport"]),
        .testTarget(name: "EventBridgeTests", dependencies: ["EventBridge", "TestSupport"]),
        .testTarget(name: "OrganizationsTests", dependencies: ["Organizations", "TestSupport"]),
        .testTarget(name: "AWSCredentialsTests", dependencies: ["AWSCredentials", "CurlHTTP", "TestSupport"]),
        .testTarget(name: "LambdaRuntimeTests", dependencies: ["LambdaRuntime", "CurlHTTP", "TestSupport"]),
        .testTarget(name: "TaggerTests", dependencies: ["Tagger", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TaggerCommandLineTests", dependencies: ["TaggerCommandLine"]),
        // The bad-input corpus (Tests/Corpus, read from the source tree) against its expected outcomes.
        .testTarget(name: "CorpusTests", dependencies: ["Tagger", "XML", "EC2", "AWSQuery", "HTTP"]),
        // Our clients against an auth-enabled moto (started by the test itself).
        .testTarget(name: "IntegrationTests", dependencies: ["EC2", "IAM", "AWSQuery", "CurlHTTP"]),
    ]
)
