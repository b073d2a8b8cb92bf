import HTTP
import Primitives

/// A failure as the Runtime API takes it on `/invocation/{id}/error` and
/// `/init/error`: the type goes in the `Lambda-Runtime-Function-Error-Type`
/// header and, with the message, in the JSON body.
package struct ErrorReport: Sendable, Equatable {
    /// e.g. `InvalidEvent`, `Unhandled`, `Runtime.ConfigurationError`.
    package var errorType: String
    package var errorMessage: String

    package init(errorType: String, errorMessage: String) {
        self.errorType = errorType
        self.errorMessage = errorMessage
    }

    /// `{"errorMessage":…,"errorType":…,"stackTrace":[]}`: a compiled Swift
    /// binary has no useful stack trace to give, so it is always empty.
    package var jsonBody: [UInt8] {
        Array("{\"errorMessage\":\(JSONText.quoted(errorMessage)),\"errorType\":\(JSONText.quoted(errorType)),\"stackTrace\":[]}".utf8)
    }
}
