@testable import AWSCredentials
import AWSQuery
import CurlHTTP
import Foundation
import HTTP
import Primitives
import SigV4
import STS
import TestSupport
import XCTest

/// Reading a file fails the test: for paths that must read none.
final class ForbiddenFiles: FileReading {
    func read(_ path: String, limit: Int) -> Result<[UInt8], FileReadError> {
        XCTFail("read \(path) on a path that must read no file")
        return .failure(.system("forbidden"))
    }
}

/// Starting a process fails the test.
final class ForbiddenProcesses: ProcessRunning {
    func run(_ arguments: [String], environment: [String: String], outputLimit: Int, deadline: Date) -> Result<[UInt8], ProcessRunError> {
        XCTFail("started \(arguments.first ?? "") on a path that must start no process")
        return .failure(.cannotStart(program: "", reason: "forbidden"))
    }
}

/// A transport that refuses (and fails the test for) any host outside the
/// loopback range: no test may reach 169.254.169.254 or anything else real.
final class LoopbackOnlyTransport: HTTPTransport {
    private let inner: CurlTransport
    private(set) var requests: [HTTPRequest] = []

    init(connectTimeout: Double = 1) {
        inner = CurlTransport(options: .init(connectTimeout: connectTimeout, maxResponseBytes: 64 << 10, ignoreProxyEnvironment: true))
    }

    func send(_ request: HTTPRequest, timeout: Double?) throws(TransportError) -> HTTPResponse {
        requests.append(request)
        guard request.host == "127.0.0.1" || request.host == "[::1]" || request.host == "localhost" else {
            XCTFail("a test tried to reach \(request.host)")
            throw TransportError(.other, "not loopback: \(request.host)")
        }
        return try inner.send(request, timeout: timeout)
    }
}

/// An STS that hands out numbered credentials and records what it was asked,
/// and with which source credentials (read from the provider it signs with).
final class FakeSTS: STSAPI {
    struct Call: Equatable {
        var roleArn: String, sessionName: String, externalId: String?, durationSeconds: Int, region: String, sourceKeyId: String
    }
    private let region: String
    private let source: any CredentialsProvider
    private let log: FakeSTSLog
    private let clock: WallClock

    init(region: String, source: any CredentialsProvider, log: FakeSTSLog, clock: WallClock) {
        self.region = region
        self.source = source
        self.log = log
        self.clock = clock
    }

    func assumeRole(roleArn: String, sessionName: String, externalId: String?, durationSeconds: Int,
                    deadline: Date) throws(AWSError) -> Credentials {
        let keyId = try source.credentials(deadline: deadline).accessKeyId
        log.calls.append(Call(roleArn: roleArn, sessionName: sessionName, externalId: externalId, durationSeconds: durationSeconds,
                              region: region, sourceKeyId: keyId))
        if let failure = log.failure { throw failure }
        return Credentials(accessKeyId: "ASIAROLE\(log.calls.count)", secretAccessKey: Marker.secret, sessionToken: Marker.token,
                           expiration: clock.now.addingTimeInterval(Double(durationSeconds)))
    }
}

final class FakeSTSLog {
    var calls: [FakeSTS.Call] = []
    var failure: AWSError?
}

/// Dependencies for tests: the real file system and processes, loopback-only
/// transports, a fake STS.
struct Harness {
    var environment: [String: String]
    var clock: WallClock = SystemClock()
    var files: FileReading = LocalFiles()
    var processes: ProcessRunning = SpawnedProcesses()
    var sts = FakeSTSLog()
    var transports: [LoopbackOnlyTransport] = []
    var ssoPortal: Endpoint?
    var forbidTransports = false
    var region = "eu-west-1"

    /// A harness whose environment always has HOME and, unless the test sets
    /// it, AWS_EC2_METADATA_DISABLED=true: no test reaches a real metadata service.
    init(_ environment: [String: String], home: TemporaryHome? = nil) {
        var environment = environment
        if environment["AWS_EC2_METADATA_DISABLED"] == nil && environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] == nil {
            environment["AWS_EC2_METADATA_DISABLED"] = "true"
        }
        if let home, environment["HOME"] == nil { environment["HOME"] = home.path }
        self.environment = environment
    }

    func dependencies() -> CredentialsDependencies {
        let forbid = forbidTransports
        let sts = self.sts
        let clock = self.clock
        let portal = ssoPortal
        return CredentialsDependencies(
            environment: environment, clock: clock, files: files, processes: processes,
            transport: { kind throws(TransportError) in
                if forbid {
                    XCTFail("made a transport (\(kind)) on a path that must open no socket")
                    throw TransportError(.other, "forbidden")
                }
                if case .local(let timeout) = kind { return LoopbackOnlyTransport(connectTimeout: timeout) }
                return LoopbackOnlyTransport()
            },
            sts: { region, source in FakeSTS(region: region, source: source, log: sts, clock: clock) },
            ssoPortal: { region throws(ConfigurationError) in
                guard let portal else { return try SSOPortal.endpoint(region: region) }
                return portal
            })
    }

    func resolve(deadline: Date? = nil) throws -> ResolvedCredentials {
        let files = SharedConfigFiles(environment: environment, files: self.files)
        return try CredentialsChain.resolve(sharedFiles: files, region: region, dependencies: dependencies(),
                                            deadline: deadline ?? clock.now.addingTimeInterval(30))
    }

    func credentials() throws -> Credentials {
        try resolve().provider.credentials(deadline: clock.now.addingTimeInterval(30))
    }

    /// The error of resolving, checked to hold no secret.
    func resolveError(file: StaticString = #filePath, line: UInt = #line) -> ConfigurationError? {
        do {
            _ = try resolve()
            XCTFail("resolved, expected an error", file: file, line: line)
            return nil
        } catch let error as ConfigurationError {
            Marker.assertAbsent(in: error, file: file, line: line)
            XCTAssertFalse(error.description.contains("\n"), "one line: \(error)", file: file, line: line)
            return error
        } catch {
            XCTFail("not a ConfigurationError: \(error)", file: file, line: line)
            return nil
        }
    }
}

extension LoopbackServer {
    /// `http://127.0.0.1:PORT`
    var url: String { "http://\(address)" }
}

extension LoopbackServer.Behaviour {
    static func json(_ body: String, status: Int = 200, delay: Double = 0) -> Self {
        .respond(status: status, headers: [("Content-Type", "application/json")], body: body, delay: delay)
    }

    static func text(_ body: String, status: Int = 200, delay: Double = 0) -> Self {
        .respond(status: status, headers: [("Content-Type", "text/plain")], body: body, delay: delay)
    }
}

/// `{"AccessKeyId": …}` as the container and metadata endpoints answer.
func endpointJSON(keyId: String = "ASIAENDPOINT", expiration: Date, code: String? = nil) -> String {
    let stamp = ISO8601DateFormatter().string(from: expiration)
    return "{\(code.map { "\"Code\": \"\($0)\", " } ?? "")\"AccessKeyId\": \"\(keyId)\", \"SecretAccessKey\": \"\(Marker.secret)\", "
        + "\"Token\": \"\(Marker.token)\", \"Expiration\": \"\(stamp)\"}"
}
