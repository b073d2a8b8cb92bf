import CurlHTTP
import Foundation
import HTTP
@testable import LambdaRuntime
import Primitives
import TestSupport
import XCTest

final class LoggerTests: XCTestCase {
    private let noon = Date(timeIntervalSince1970: 1_704_110_400.25)  // 2024-01-01T12:00:00.250Z
    private let lines = LineCollector()

    private func logger(_ level: LogLevel = .info, _ format: LogFormat) -> Logger {
        Logger(level: level, format: format, clock: FakeClock(now: noon), sink: lines.append)
    }

    func testJSONLineHasLambdasFieldsInOrder() {
        let log = logger(.info, .json)
        log.info("started")
        XCTAssertEqual(lines.lines, [#"{"timestamp":"2024-01-01T12:00:00.250Z","level":"INFO","message":"started"}"#])
    }

    func testJSONLineCarriesTheRequestIdAndExtraFields() throws {
        let log = logger(.info, .json)
        log.requestId = "req-1"
        log.warn("slow \"call\"\n", fields: [("operation", "ec2:DescribeInstances"), ("level", "ignored"), ("note", "ü\t")])
        XCTAssertEqual(lines.lines.count, 1)
        let record = try jsonObject(lines.lines[0])
        XCTAssertEqual(record["level"] as? String, "WARN")
        XCTAssertEqual(record["message"] as? String, "slow \"call\"\n")
        XCTAssertEqual(record["requestId"] as? String, "req-1")
        XCTAssertEqual(record["operation"] as? String, "ec2:DescribeInstances")
        XCTAssertEqual(record["note"] as? String, "ü\t")
        XCTAssertEqual(record.count, 6)
        XCTAssertFalse(lines.lines[0].contains("ignored"))
    }

    func testTextLineIsTimestampLevelRequestIdMessage() {
        let log = logger(.info, .text)
        log.error("failed")
        log.requestId = "req-2"
        log.info("two\nlines", fields: [("durationMs", "1.5")])
        XCTAssertEqual(lines.lines, [
            "2024-01-01T12:00:00.250Z\tERROR\tfailed",
            "2024-01-01T12:00:00.250Z\tINFO\treq-2\ttwo\\nlines durationMs=1.5",
        ])
    }

    func testLevelFiltersAndSkipsBuildingTheMessage() {
        let log = logger(.warn, .text)
        var built = 0
        func message() -> String { built += 1; return "m" }
        log.trace(message())
        log.debug(message())
        log.info(message())
        log.warn(message())
        log.error(message())
        log.fatal(message())
        XCTAssertEqual(built, 3)
        XCTAssertEqual(lines.lines.map { $0.split(separator: "\t")[1] }, ["WARN", "ERROR", "FATAL"])
    }

    func testEnvironmentDefaultsToTextAtInfo() throws {
        let log = try Logger(environment: [:], sink: lines.append)
        XCTAssertEqual(log.format, .text)
        XCTAssertEqual(log.level, .info)
        XCTAssertFalse(log.isEnabled(.debug))
        XCTAssertTrue(log.isEnabled(.info))
    }

    func testEnvironmentIsReadCaseInsensitively() throws {
        let log = try Logger(environment: ["AWS_LAMBDA_LOG_FORMAT": "json", "AWS_LAMBDA_LOG_LEVEL": "Debug"], sink: lines.append)
        XCTAssertEqual(log.format, .json)
        XCTAssertEqual(log.level, .debug)
        XCTAssertEqual(try Logger(environment: ["AWS_LAMBDA_LOG_LEVEL": "TRACE"]).level, .trace)
    }

    func testInvalidSettingsNameTheVariable() {
        XCTAssertThrowsError(try Logger(environment: ["AWS_LAMBDA_LOG_FORMAT": "yaml"])) { error in
            XCTAssertEqual((error as? ConfigurationError)?.setting, "AWS_LAMBDA_LOG_FORMAT")
        }
        XCTAssertThrowsError(try Logger(environment: ["AWS_LAMBDA_LOG_LEVEL": "WARNING"])) { error in
            XCTAssertEqual((error as? ConfigurationError)?.setting, "AWS_LAMBDA_LOG_LEVEL")
        }
    }
}
