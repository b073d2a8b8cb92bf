import AWSQuery
import Foundation
import HTTP
import Primitives
import SigV4
import TestSupport
import XCTest
import XML

final class QueryClientTests: XCTestCase {
    private let endpoint = Endpoint(host: "ec2.us-east-1.amazonaws.com", signingRegion: "us-east-1", signingName: "ec2")
    private let ok = HTTPResponse.xml(200, "<DescribeInstancesResponse><requestId>r</requestId><reservationSet/></DescribeInstancesResponse>")

    private func client(_ transport: ScriptedTransport, clock: FakeClock, maxAttempts: Int = 5,
                        credentials: Credentials = Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret")) -> QueryClient {
        QueryClient(endpoint: endpoint, apiVersion: "2016-11-15", credentials: StaticCredentialsProvider(credentials),
                    transport: transport, clock: clock, retryPolicy: RetryPolicy(maxAttempts: maxAttempts), unitRandom: { 0.5 })
    }

    func testSendsASignedQueryRequest() throws {
        let clock = FakeClock()
        let transport = ScriptedTransport([.response(ok)])
        let root = try client(transport, clock: clock, credentials: Credentials(accessKeyId: "AKID", secretAccessKey: "s", sessionToken: "token"))
            .send(action: "DescribeInstances", parameters: [("InstanceId.1", "i-1 2")], deadline: clock.now + 10)

        XCTAssertEqual(root.name, "DescribeInstancesResponse")
        let request = try XCTUnwrap(transport.requests.first)
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.url, "https://ec2.us-east-1.amazonaws.com/")
        XCTAssertEqual(request.headers["Content-Type"], "application/x-www-form-urlencoded; charset=utf-8")
        XCTAssertEqual(String(decoding: request.body, as: UTF8.self), "Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-1+2")
        XCTAssertEqual(request.headers["X-Amz-Security-Token"], "token")
        let authorization = try XCTUnwrap(request.headers["Authorization"])
        XCTAssertTrue(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/ec2/aws4_request, "), authorization)
        XCTAssertTrue(authorization.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,"), authorization)
        XCTAssertEqual(request.headers["User-Agent"], "aws-userid-tagger/\(Product.version)")
    }

    func testTheSignedHostKeepsOnlyANonDefaultPort() throws {
        let clock = FakeClock()
        for (port, host) in [(443, "ec2.eu-west-1.amazonaws.com"), (8443, "ec2.eu-west-1.amazonaws.com:8443")] {
            let transport = ScriptedTransport([.response(ok)])
            let client = QueryClient(endpoint: Endpoint(host: "ec2.eu-west-1.amazonaws.com", port: port, signingRegion: "eu-west-1", signingName: "ec2"),
                                     apiVersion: "2016-11-15", credentials: StaticCredentialsProvider(Credentials(accessKeyId: "AKID", secretAccessKey: "s")),
                                     transport: transport, clock: clock)
            _ = try client.send(action: "DescribeInstances", parameters: [], deadline: clock.now + 10)
            XCTAssertEqual(transport.requests.first?.headers["Host"], host)
        }
    }

    func testTheFormIsEncodedByteForByteAsBotocoreEncodesIt() {
        // Expected: Python's urllib.parse.urlencode, which botocore uses for Query bodies.
        XCTAssertEqual(QueryForm.encode([("Tag.1.Value", "carol o'brien"), ("K", "a+b/c~d*e"), ("U", "jürgen @x"), ("E", "")]),
                       "Tag.1.Value=carol+o%27brien&K=a%2Bb%2Fc~d%2Ae&U=j%C3%BCrgen+%40x&E=")
    }

    func testThrottlingIsRetriedWithJitteredExponentialBackoff() throws {
        let clock = FakeClock()
        let transport = ScriptedTransport([
            .response(.ec2Error(503, code: "RequestLimitExceeded")),
            .response(.ec2Error(400, code: "Throttling")),
            .response(ok),
        ])
        _ = try client(transport, clock: clock).send(action: "DescribeInstances", parameters: [], deadline: clock.now + 10)
        XCTAssertEqual(transport.requests.count, 3)
        // base 0.05 s doubled per retry, times the injected random 0.5
        XCTAssertEqual(clock.sleeps, [0.05, 0.1])
    }

    func testServerErrorsAndNetworkFailuresAreRetried() throws {
        for outcome: ScriptedTransport.Outcome in [
            .response(.xml(500, "<html>oops</html>")), .response(.xml(502, "")), .response(.xml(503, "")),
            .response(.xml(504, "")), .response(.ec2Error(500, code: "InternalError")),
            .failure(TransportError(.connectionFailed, "reset")),
        ] {
            let clock = FakeClock()
            let transport = ScriptedTransport([outcome, .response(ok)])
            _ = try client(transport, clock: clock).send(action: "DescribeInstances", parameters: [], deadline: clock.now + 10)
            XCTAssertEqual(transport.requests.count, 2, "\(outcome)")
        }
    }

    func testAuthAndPermissionErrorsAreFinal() {
        for (status, code) in [(401, "AuthFailure"), (403, "UnauthorizedOperation"), (403, "AccessDenied"),
                               (400, "InvalidInstanceID.Malformed"), (400, "ExpiredToken"), (400, "RequestExpired")] {
            let clock = FakeClock()
            let transport = ScriptedTransport([.response(.ec2Error(status, code: code, message: "denied", requestId: "rid"))])
            XCTAssertThrowsError(try client(transport, clock: clock).send(action: "CreateTags", parameters: [], deadline: clock.now + 10)) {
                let error = $0 as! AWSError
                XCTAssertEqual(error.code, .service(code))
                XCTAssertEqual(error.message, "denied")
                XCTAssertEqual(error.requestId, "rid")
                XCTAssertEqual(error.httpStatus, status)
                XCTAssertEqual(error.operation, "ec2:CreateTags")
                XCTAssertEqual(error.attempts, 1)
            }
            XCTAssertEqual(transport.requests.count, 1)
            XCTAssertEqual(clock.sleeps, [])
        }
    }

    func testACertificateFailureAndAnOversizedBodyAreFinal() {
        for (failure, code) in [(TransportError(.tls, "curl error 60: SSL certificate problem"), AWSError.Code.tlsError),
                                (TransportError(.responseTooLarge, "larger than 16 MiB"), AWSError.Code.invalidResponse)] {
            let clock = FakeClock()
            let transport = ScriptedTransport([.failure(failure), .response(ok)])
            XCTAssertThrowsError(try client(transport, clock: clock).send(action: "DescribeInstances", parameters: [], deadline: clock.now + 10)) {
                XCTAssertEqual(($0 as! AWSError).code, code)
                XCTAssertEqual(($0 as! AWSError).attempts, 1)
                XCTAssertEqual(($0 as! AWSError).underlying as? TransportError, failure, "the transport's error is kept underneath")
            }
            XCTAssertEqual(transport.requests.count, 1)
        }
    }

    func testGivesUpAfterMaxAttempts() {
        let clock = FakeClock()
        let transport = ScriptedTransport(Array(repeating: .response(.ec2Error(503, code: "RequestLimitExceeded")), count: 3))
        XCTAssertThrowsError(try client(transport, clock: clock, maxAttempts: 3).send(action: "DescribeInstances", parameters: [], deadline: clock.now + 60)) {
            XCTAssertEqual(($0 as! AWSError).code, .service("RequestLimitExceeded"))
            XCTAssertEqual(($0 as! AWSError).attempts, 3)
        }
        XCTAssertEqual(transport.requests.count, 3)
    }

    func testNeverWaitsPastTheDeadline() {
        let clock = FakeClock()
        let start = clock.now
        let transport = ScriptedTransport(Array(repeating: .response(.ec2Error(503, code: "RequestLimitExceeded")), count: 5))
        // 0.05 + 0.1 fit in 0.2 s; the next wait (0.2) would not.
        XCTAssertThrowsError(try client(transport, clock: clock).send(action: "DescribeInstances", parameters: [], deadline: start + 0.2)) {
            let error = $0 as! AWSError
            XCTAssertEqual(error.code, .service("RequestLimitExceeded"))
            XCTAssertEqual(error.attempts, 3)
            XCTAssertTrue(error.message.contains("deadline"), error.message)
        }
        XCTAssertLessThan(clock.now, start + 0.2)
        for timeout in transport.timeouts { XCTAssertLessThanOrEqual(timeout ?? .infinity, 0.2) }
    }

    func testAResponseSlowerThanTheDeadlineEndsAsDeadlineExceeded() {
        let clock = FakeClock()
        let start = clock.now
        let transport = ScriptedTransport([.delayed(seconds: 30, then: ok)], clock: clock)
        XCTAssertThrowsError(try client(transport, clock: clock).send(action: "DescribeInstances", parameters: [], deadline: start + 2)) {
            XCTAssertEqual(($0 as! AWSError).code, AWSError.Code.deadlineExceeded)
        }
        XCTAssertEqual(transport.requests.count, 1)
        XCTAssertEqual(transport.timeouts, [2])
        XCTAssertEqual(clock.now, start + 2)
    }

    func testATimeoutEndingJustShortOfTheDeadlineIsTheDeadline() {
        // libcurl's millisecond timer may fire a hair before our clock reaches the deadline.
        let clock = FakeClock()
        let timedOut = TransportError(.timedOut, "curl error 28: Operation timed out after 1488 milliseconds")
        XCTAssertThrowsError(try client(ScriptedTransport([.failure(timedOut)]), clock: clock)
            .send(action: "DescribeInstances", parameters: [], deadline: clock.now + 0.004)) {
            XCTAssertEqual(($0 as! AWSError).code, AWSError.Code.deadlineExceeded)
        }
        // With time left, the same timeout is a network failure, and retried.
        let transport = ScriptedTransport([.failure(timedOut), .response(ok)])
        XCTAssertNoThrow(try client(transport, clock: clock).send(action: "DescribeInstances", parameters: [], deadline: clock.now + 10))
        XCTAssertEqual(transport.requests.count, 2)
    }

    func testAnExpiredDeadlineSendsNothing() {
        let clock = FakeClock()
        let transport = ScriptedTransport([])
        XCTAssertThrowsError(try client(transport, clock: clock).send(action: "DescribeInstances", parameters: [], deadline: clock.now - 1)) {
            XCTAssertEqual(($0 as! AWSError).code, AWSError.Code.deadlineExceeded)
            XCTAssertEqual(($0 as! AWSError).attempts, 0)
        }
        XCTAssertEqual(transport.requests.count, 0)
    }

    func testAnUnreadable200IsAnInvalidResponseAndNotRetried() {
        let clock = FakeClock()
        let transport = ScriptedTransport([.response(.xml(200, "<DescribeInstancesResponse><reservationSet>"))])
        XCTAssertThrowsError(try client(transport, clock: clock).send(action: "DescribeInstances", parameters: [], deadline: clock.now + 10)) {
            XCTAssertEqual(($0 as! AWSError).code, AWSError.Code.invalidResponse)
        }
        XCTAssertEqual(transport.requests.count, 1)
    }

    func testErrorsNeverCarryTheSecret() {
        let clock = FakeClock()
        let secret = "SECRET-MARKER-wJalrXUtnFEMI"
        let transport = ScriptedTransport([.response(.ec2Error(401, code: "AuthFailure"))])
        let credentials = Credentials(accessKeyId: "AKID", secretAccessKey: secret, sessionToken: "TOKEN-MARKER")
        XCTAssertThrowsError(try client(transport, clock: clock, credentials: credentials).send(action: "DescribeInstances", parameters: [], deadline: clock.now + 10)) {
            let text = "\($0) \(String(reflecting: $0))"
            XCTAssertFalse(text.contains(secret))
            XCTAssertFalse(text.contains("TOKEN-MARKER"))
        }
        XCTAssertFalse("\(credentials) \(String(reflecting: credentials))".contains(secret))
    }
}

final class RetryPolicyTests: XCTestCase {
    func testFullJitterIsBoundedByACappedExponentialCeiling() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: 0.1, maxDelay: 1)
        XCTAssertEqual(policy.delay(beforeRetry: 1, unitRandom: 0.999), 0.1998, accuracy: 1e-9)
        XCTAssertEqual(policy.delay(beforeRetry: 2, unitRandom: 0.5), 0.2, accuracy: 1e-9)
        XCTAssertEqual(policy.delay(beforeRetry: 8, unitRandom: 0.999), 0.999, accuracy: 1e-9)
        XCTAssertEqual(policy.delay(beforeRetry: 60, unitRandom: 0.5), 0.5, accuracy: 1e-9)
        XCTAssertEqual(policy.delay(beforeRetry: 3, unitRandom: 0), 0)
    }

    func testMaxAttemptsComesFromTheEnvironment() throws {
        XCTAssertEqual(try RetryPolicy(environment: [:]).maxAttempts, 5)
        XCTAssertEqual(try RetryPolicy(environment: ["AWS_MAX_ATTEMPTS": "2"]).maxAttempts, 2)
        for bad in ["0", "-1", "21", "three", ""] {
            XCTAssertThrowsError(try RetryPolicy(environment: ["AWS_MAX_ATTEMPTS": bad])) {
                XCTAssertEqual(($0 as! ConfigurationError).setting, "AWS_MAX_ATTEMPTS")
            }
        }
    }
}
