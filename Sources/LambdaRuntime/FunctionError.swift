/// An error a handler throws on purpose, with the `errorType` Lambda reports
/// (and that retries, destinations and alarms can match on) and the
/// `errorMessage`, which must never contain a secret. Any other error is
/// reported as `Unhandled`.
package protocol FunctionError: Error {
    var errorType: String { get }
    var errorMessage: String { get }
}

extension ErrorReport {
    /// The errorType used for errors that do not conform to `FunctionError`.
    package static let unhandledType = "Unhandled"

    /// The explicit mapping from a thrown error to what Lambda is told.
    package init(_ error: any Error) {
        if let functionError = error as? any FunctionError {
            self.init(errorType: functionError.errorType, errorMessage: functionError.errorMessage)
        } else {
            self.init(errorType: Self.unhandledType, errorMessage: String(describing: error))
        }
    }
}
