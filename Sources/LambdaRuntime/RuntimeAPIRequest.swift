import HTTP
import Primitives

/// The four calls a runtime makes to the Lambda Runtime API (version
/// 2018-06-01, "Using the Lambda runtime API for custom runtimes"), as values.
/// `httpRequest(to:)` is a pure function so each call's wire form is testable alone.
package enum RuntimeAPIRequest: Sendable, Equatable {
    /// `GET /runtime/invocation/next`: blocks until there is an event.
    case next
    /// `POST /runtime/invocation/{id}/response` with the function's result.
    case response(requestId: String, body: [UInt8])
    /// `POST /runtime/invocation/{id}/error`: the invocation failed.
    case error(requestId: String, ErrorReport)
    /// `POST /runtime/init/error`: the function could not start.
    case initError(ErrorReport)

    static let pathPrefix = "/2018-06-01/runtime"
    static let errorTypeHeader = "Lambda-Runtime-Function-Error-Type"

    package func httpRequest(to address: RuntimeAPIAddress) -> HTTPRequest {
        var request = HTTPRequest(method: "POST", scheme: "http", host: address.host, port: address.port)
        switch self {
        case .next:
            request.method = "GET"
            request.path = Self.pathPrefix + "/invocation/next"
        case .response(let requestId, let body):
            request.path = Self.invocationPath(requestId) + "/response"
            request.headers.add("Content-Type", "application/json")
            request.body = body
        case .error(let requestId, let report):
            request.path = Self.invocationPath(requestId) + "/error"
            Self.attach(report, to: &request)
        case .initError(let report):
            request.path = Self.pathPrefix + "/init/error"
            Self.attach(report, to: &request)
        }
        return request
    }

    private static func attach(_ report: ErrorReport, to request: inout HTTPRequest) {
        request.headers.add("Content-Type", "application/json")
        request.headers.add(errorTypeHeader, headerSafe(report.errorType))
        request.body = report.jsonBody
    }

    /// The request id comes from a header: percent-encode all but letters,
    /// digits, `-` and `_` so it can never change the path it is put in. Dots
    /// are encoded too: an id of `.` or `..` would otherwise be a dot segment
    /// that the transport (libcurl, as RFC 3986 asks) removes, sending the
    /// outcome to another path.
    private static func invocationPath(_ requestId: String) -> String {
        var path = pathPrefix + "/invocation/"
        for byte in requestId.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                path.unicodeScalars.append(UnicodeScalar(byte))
            default:
                path += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
            }
        }
        return path
    }

    /// A header value must be printable ASCII on one line; anything else in an
    /// error type would break the request, so it becomes `_`.
    private static func headerSafe(_ value: String) -> String {
        String(value.unicodeScalars.map { (0x20..<0x7F).contains($0.value) ? Character($0) : "_" })
    }
}
