import FoundationEssentials
import HTTP
import Primitives
#if canImport(Glibc)
import Glibc
#endif

/// The function's code for one event: returns the response body, or throws
/// (a `FunctionError` for an explicit errorType, anything else is `Unhandled`).
package typealias InvocationHandler = (InvocationMetadata, [UInt8]) throws -> [UInt8]

/// The custom-runtime loop: next event, handle, post the response or the
/// error, forever. Synchronous on purpose: one invocation at a time is all a
/// Lambda sandbox gives, and no concurrency runtime needs starting.
package final class RuntimeLoop {
    /// The errorType posted when Lambda's headers make an event unusable.
    package static let invalidInvocationType = "Runtime.InvalidInvocation"
    /// The errorType posted for an event over the runtime's read limit.
    package static let eventTooLargeType = "Runtime.EventTooLarge"

    private let client: any RuntimeAPI
    private let logger: Logger
    private let clock: WallClock
    private let nextAttempts: Int
    private let retryDelay: Double

    /// - Parameters:
    ///   - nextAttempts: how many times in a row `/next` may fail before `run` gives up.
    ///   - retryDelay: the wait after the first failed `/next`, doubled after each further one.
    package init(client: any RuntimeAPI, logger: Logger, clock: WallClock = SystemClock(),
                nextAttempts: Int = 4, retryDelay: Double = 0.05) {
        self.client = client
        self.logger = logger
        self.clock = clock
        self.nextAttempts = max(1, nextAttempts)
        self.retryDelay = retryDelay
    }

    /// Serves events until the Runtime API becomes unusable. A failed
    /// invocation never stops it.
    /// - Throws: when `/next` failed `nextAttempts` times in a row or the
    ///   Runtime API reported a container error. The caller then exits
    ///   non-zero and Lambda starts a fresh process.
    package func run(handler: InvocationHandler) throws(RuntimeError) -> Never {
        while true {
            try handleNextInvocation(handler: handler)
        }
    }

    /// Tells Lambda the function could not start (bad configuration, no
    /// credentials) and logs it. The caller exits non-zero afterwards, whether
    /// or not the report got through.
    package func reportInitError(type: String, message: String) throws(RuntimeError) {
        logger.fatal("init failed: \(type): \(message)", fields: [("errorType", type)])
        try client.sendInitError(ErrorReport(errorType: type, errorMessage: message))
    }

    /// One turn of the loop: waits for an event, runs `handler`, posts the outcome.
    func handleNextInvocation(handler: InvocationHandler) throws(RuntimeError) {
        let invocation: Invocation
        do {
            invocation = try nextInvocation()
        } catch let error where [.missingRequestId, .invalidRequestId, .missingDeadline, .invalidDeadline, .eventTooLarge].contains(error.code) {
            // Answer what can be answered; an id Lambda could never send is only logged.
            logger.error("unusable invocation: \(error)")
            if let requestId = error.requestId {
                let errorType = error.code == .eventTooLarge ? Self.eventTooLargeType : Self.invalidInvocationType
                try post(requestId: requestId) { () throws(RuntimeError) in
                    try client.sendError(ErrorReport(errorType: errorType, errorMessage: error.message), requestId: requestId)
                }
            }
            return
        }
        let metadata = invocation.metadata
        exportTraceId(metadata.traceId)
        logger.requestId = metadata.requestId
        defer { logger.requestId = nil }

        let start = clock.now
        let outcome = Result { try handler(metadata, invocation.payload) }
        let duration = Self.milliseconds(clock.now.timeIntervalSince(start))
        switch outcome {
        case .success(let body):
            logger.info("invocation \(metadata.requestId) succeeded in \(duration) ms", fields: [("durationMs", duration)])
            try post(requestId: metadata.requestId) { () throws(RuntimeError) in
                try client.sendResponse(body, requestId: metadata.requestId)
            }
        case .failure(let error):
            let report = ErrorReport(error)
            logger.error("invocation \(metadata.requestId) failed: \(report.errorType): \(report.errorMessage)",
                         fields: [("errorType", report.errorType), ("durationMs", duration)])
            try post(requestId: metadata.requestId) { () throws(RuntimeError) in
                try client.sendError(report, requestId: metadata.requestId)
            }
        }
    }

    /// `/next`, retried with doubling waits: the Runtime API is local, so a
    /// failure that persists means the sandbox is broken and a restart is best.
    private func nextInvocation() throws(RuntimeError) -> Invocation {
        var attempt = 1
        while true {
            do {
                return try client.nextInvocation()
            } catch let error where [.transportFailed, .unexpectedStatus].contains(error.code) && attempt < nextAttempts {
                logger.warn("waiting for the next invocation failed (attempt \(attempt) of \(nextAttempts)): \(error)")
                clock.sleep(seconds: retryDelay * Double(1 << min(attempt - 1, 20)))
                attempt += 1
            }
        }
    }

    /// A post that fails loses only this invocation's outcome (Lambda times it
    /// out), so it is logged and the loop goes on, except on a container error.
    private func post(requestId: String, _ send: () throws(RuntimeError) -> Void) throws(RuntimeError) {
        do {
            try send()
        } catch where error.code == .containerError {
            throw error
        } catch {
            logger.error("could not report the outcome of invocation \(requestId): \(error)")
        }
    }

    /// Lambda's convention for the X-Ray header: the SDKs read it from the environment.
    private func exportTraceId(_ traceId: String?) {
        if let traceId {
            setenv("_X_AMZN_TRACE_ID", traceId, 1)
        } else {
            unsetenv("_X_AMZN_TRACE_ID")
        }
    }

    /// `12.3`: milliseconds with one decimal, without a number formatter.
    static func milliseconds(_ seconds: Double) -> String {
        let tenths = Int((max(0, seconds) * 10_000).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
