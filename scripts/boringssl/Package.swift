// swift-tools-version:5.9
// Nothing here is built. scripts/build-static-boringssl.sh runs
// `swift package resolve` on this package to fetch Apple's swift-nio-ssl, at
// the release it pins, for the BoringSSL that release vendors: the
// function's TLS library. The function's own package (the repository root)
// has no dependencies.
import PackageDescription

let package = Package(
    name: "boringssl-source",
    dependencies: [.package(url: "https://github.com/apple/swift-nio-ssl", exact: "2.37.6")],
    targets: []
)
