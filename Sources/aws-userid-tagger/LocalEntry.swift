import AWSQuery
import CurlHTTP
import FoundationEssentials
import HTTP
import LambdaRuntime
import Primitives
import Tagger

/// `invoke` and `reconcile` on the command line: the same tagger as under
/// Lambda, the result on standard output, logs on standard error.
enum LocalEntry {
    /// Exit codes of the command line.
    enum Status: Int32 {
        case handled = 0, awsFailure = 1, badInput = 2
    }

    static func invoke(eventPath: String, dryRun: Bool, timeout: Double, environment: [String: String]) -> Never {
        let (tagger, logger, clock) = setUp(environment: environment)
        let event: Data
        do {
            event = try EventFile.read(eventPath)
        } catch {
            finish(.failure(TaggerError.invalidEvent(error.description)), logger: logger)
        }
        let deadline = clock.now.addingTimeInterval(timeout)
        finish(Result { () throws(TaggerError) in try tagger.handle(event: event, deadline: deadline, dryRun: dryRun) }, logger: logger)
    }

    static func reconcile(region: String?, dryRun: Bool, timeout: Double, environment: [String: String]) -> Never {
        let (tagger, logger, clock) = setUp(environment: environment)
        if let region, !Region.isValid(region) {
            Output.fail("--region: '\(region.prefix(64))' is not an AWS region name", code: Status.badInput.rawValue)
        }
        let deadline = clock.now.addingTimeInterval(timeout)
        finish(Result { () throws(TaggerError) in try tagger.reconcile(region: region, deadline: deadline, dryRun: dryRun) }, logger: logger)
    }

    private static func setUp(environment: [String: String]) -> (TaggingService, Logger, SystemClock) {
        let clock = SystemClock()
        do {
            let logger = try Logger(environment: environment, clock: clock)
            return (try FunctionWiring.makeTagger(environment: environment, clock: clock), logger, clock)
        } catch {
            let failure = InitFailure(error)
            Output.fail("\(failure.errorType): \(failure.message)", code: Status.badInput.rawValue)
        }
    }

    private static func finish(_ outcome: Result<TaggingResult, TaggerError>, logger: Logger) -> Never {
        switch outcome {
        case .success(let result):
            logger.info(result.summary)
            Output.printLine(result.json)
            exit(Status.handled.rawValue)
        case .failure(let error):
            logger.error("\(error.errorType): \(error.message)", fields: [("errorType", error.errorType)])
            exit((error.kind == .aws ? Status.awsFailure : Status.badInput).rawValue)
        }
    }
}
