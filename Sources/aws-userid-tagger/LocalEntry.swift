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
            event = try EventInput.read(eventPath)
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

    private static func setUp(environment: [String: String]) -> (Tagger, Logger, SystemClock) {
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

/// Reads the event of `invoke --event`: a file, or standard input for `-`.
/// Reading stops one byte past the decoder's limit so a huge input is refused, not buffered.
enum EventInput {
    struct ReadError: Error, CustomStringConvertible { var description: String }

    static func read(_ path: String) throws(ReadError) -> Data {
        let limit = TaggerEvent.maxEventBytes + 1
        let descriptor = path == "-" ? STDIN_FILENO : open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ReadError(description: "cannot open event file '\(path)': \(String(cString: strerror(errno)))") }
        defer { if descriptor != STDIN_FILENO { close(descriptor) } }
        var bytes = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while bytes.count < limit {
            let count = Glibc.read(descriptor, &chunk, min(chunk.count, limit - bytes.count))
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw ReadError(description: "cannot read event '\(path)': \(String(cString: strerror(errno)))") }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        return Data(bytes)
    }
}
