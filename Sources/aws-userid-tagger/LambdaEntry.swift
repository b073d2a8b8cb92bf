import AWSQuery
import CurlHTTP
import FoundationEssentials
import HTTP
import LambdaRuntime
import Primitives
import Tagger

/// Lambda mode: set everything up, then serve the Runtime API loop forever.
enum LambdaEntry {
    /// Time kept back from each invocation's deadline to post the outcome before Lambda stops the sandbox.
    static let safetyMargin = 0.5

    static func run(environment: [String: String]) -> Never {
        let clock = SystemClock()
        let address: RuntimeAPIAddress
        do {
            guard let found = try RuntimeAPIAddress(environment: environment) else {
                Output.fail("AWS_LAMBDA_RUNTIME_API is not set: without arguments this program runs under Lambda; see --help", code: 2)
            }
            address = found
        } catch {
            Output.fail("\(error)", code: 2)
        }
        let logger: Logger
        do {
            logger = try Logger(environment: environment, clock: clock)
        } catch {
            // A bad log setting is still an init error Lambda must hear about.
            let fallback = Logger(clock: clock)
            reportInitError(InitFailure(error), address: address, logger: fallback)
        }
        ShutdownSignal.handle(logging: Logger(level: logger.level, format: logger.format, clock: SystemClock()))
        let tagger: TaggingService
        do {
            tagger = try FunctionWiring.makeTagger(environment: environment, clock: clock, prefetchingRoleId: true)
        } catch {
            reportInitError(InitFailure(error), address: address, logger: logger)
        }
        let loop = RuntimeLoop(client: RuntimeAPIClient(address: address, transport: runtimeTransport()), logger: logger, clock: clock)
        do {
            try loop.run { metadata, payload in
                let deadline = metadata.deadline.addingTimeInterval(-safetyMargin)
                let start = clock.now
                let outcome = Result { () throws(TaggerError) in
                    try tagger.handle(event: Data(payload), deadline: deadline, functionAccount: metadata.functionAccount)
                }
                let durationMs = clock.now.timeIntervalSince(start) * 1000
                logger.record(tagger.configuration.metrics.record(of: outcome, durationMs: durationMs, at: clock.now,
                                                                  properties: logger.jsonProperties(level: .info, message: "metrics")))
                let result = try outcome.get()
                logger.info(result.summary)
                return Array(result.json.utf8)
            }
        } catch {
            logger.fatal("the Runtime API is unusable: \(error)")
            exit(1)
        }
    }

    /// The Runtime API is local: a short connect timeout, no proxy, and events
    /// read up to Lambda's largest payload.
    private static func runtimeTransport() -> CurlTransport {
        CurlTransport(options: .init(connectTimeout: 1, maxResponseBytes: RuntimeAPIClient.maxEventBytes, ignoreProxyEnvironment: true))
    }

    private static func reportInitError(_ failure: InitFailure, address: RuntimeAPIAddress, logger: Logger) -> Never {
        do {
            let loop = RuntimeLoop(client: RuntimeAPIClient(address: address, transport: runtimeTransport()), logger: logger)
            try loop.reportInitError(type: failure.errorType, message: failure.message)
        } catch {
            logger.error("could not report the init error to the Runtime API: \(error)")
        }
        exit(2)
    }
}

/// The tagger's failures are function errors with the errorType of its table.
extension TaggerError: FunctionError {
    package var errorMessage: String { message }
}

/// Why start-up failed, with the errorType posted to /runtime/init/error.
struct InitFailure {
    let errorType: String
    let message: String

    init(_ error: any Error) {
        errorType = ErrorType.of(error)
        message = "\(error)"
    }
}
