import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Which CA bundle TLS verification uses: `AWS_CA_BUNDLE` (as the AWS CLI),
/// then `SSL_CERT_FILE`, then the first that exists of Amazon Linux's and Debian's paths.
package enum CABundle {
    package static let wellKnownPaths = ["/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/certs/ca-certificates.crt"]

    /// nil when no bundle is found: libcurl then uses its built-in default and
    /// verification still happens (and fails cleanly without trust anchors).
    package static func path(environment: [String: String], fileExists: (String) -> Bool = CABundle.fileExists) -> String? {
        for name in ["AWS_CA_BUNDLE", "SSL_CERT_FILE"] {
            if let value = environment[name], !value.isEmpty { return value }
        }
        return wellKnownPaths.first(where: fileExists)
    }

    package static func fileExists(_ path: String) -> Bool { access(path, R_OK) == 0 }
}
