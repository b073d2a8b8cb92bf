/// An error a handler throws on purpose, with the `errorType` Lambda reports
/// (and that retries, destinations and alarms can match on). Its description
/// becomes the `errorMessage`, so it must never contain a secret.
/// Any other error is reported as `Unhandled`.
package protocol FunctionError: Error, CustomStringConvertible {
    var errorType: String { get }
}

extension ErrorReport {
    /// The errorType used for errors that do not conform to `FunctionError`.
    package static let unhandledType = "Unhandled"

    /// The explicit mapping from a thrown error to what Lambda is told.
    package init(_ error: any Error) {
        if let functionError = error as? any FunctionError {
            self.init(errorType: functionError.errorType, errorMessage: functionError.description)
        } else {
            self.init(errorType: Self.unhandledType, errorMessage: String(describing: error))
        }
    }
}
