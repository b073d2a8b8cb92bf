import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// The certificates TLS verification trusts, and how the TLS library reads
/// them (BoringSSL in the zip, OpenSSL in development builds: both alike here).
/// Verification itself is never optional: there is no case without a store.
package enum TrustStore: Sendable, Equatable, CustomStringConvertible {
    /// PEM certificates in one file (`CURLOPT_CAINFO`): every one of them is
    /// parsed at the first handshake (for the 139 public roots, ~50 M
    /// instructions in BoringSSL, ~140 M in OpenSSL 3.0).
    case bundle(String)
    /// A hashed directory (`CURLOPT_CAPATH`): one file per certificate, named
    /// by its subject hash as `openssl rehash` names them; only the issuers a
    /// handshake asks for are read, so the first handshake parses one or two
    /// roots, whatever the size of the store.
    case directory(String)

    /// The hashed directory the zip ships beside `bootstrap`: the full public
    /// root store (Mozilla's, from the build host's ca-certificates).
    package static let shippedDirectoryName = "certs"
    /// Amazon Linux's bundle, then Debian's.
    package static let systemBundles = ["/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/certs/ca-certificates.crt"]

    /// The first that applies of: `AWS_CA_BUNDLE` (a file, as the AWS CLI
    /// reads it), `SSL_CERT_FILE` (a file) and `SSL_CERT_DIR` (a hashed
    /// directory), as OpenSSL-based tools read them; the directory shipped in the zip
    /// (`$LAMBDA_TASK_ROOT/certs`); the system's bundle. nil when none is
    /// found: libcurl's built-in default is then used, and verification still
    /// happens (and fails cleanly without trust anchors).
    package static func resolve(environment: [String: String], isReadable: (String) -> Bool = TrustStore.isReadable) -> TrustStore? {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let file = value("AWS_CA_BUNDLE") ?? value("SSL_CERT_FILE") { return .bundle(file) }
        if let directory = value("SSL_CERT_DIR") { return .directory(directory) }
        if let taskRoot = value("LAMBDA_TASK_ROOT") {
            let shipped = taskRoot + "/" + shippedDirectoryName
            if isReadable(shipped) { return .directory(shipped) }
        }
        return systemBundles.first(where: isReadable).map { .bundle($0) }
    }

    package static func isReadable(_ path: String) -> Bool { access(path, R_OK) == 0 }

    package var description: String {
        switch self {
        case .bundle(let path): "CA bundle \(path)"
        case .directory(let path): "CA directory \(path)"
        }
    }
}
