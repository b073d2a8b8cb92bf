// libFuzzer target: the XML reader (XMLReader.parse) on any bytes, and the
// same bytes as an AWS answer through QueryClient and EC2Client (200: the
// DescribeInstances reader; 4xx/5xx: the AWS error reader), with an in-memory
// transport and a clock that never sleeps. Written by us. Built and run by
// mk/fuzz.mk (`make fuzz`, `make fuzz-ci`).
import AWSQuery
import EC2
import FoundationEssentials
import HTTP
import Primitives
import SigV4
import XML

private final class FixedClock: WallClock {
    var now = Date(timeIntervalSince1970: 1_795_000_000)
    func sleep(seconds: Double) { now = now.addingTimeInterval(seconds) }
}

/// Answers every request with the fuzz input as the body.
private final class ReplayTransport: HTTPTransport {
    var status = 200
    var body: [UInt8] = []
    func send(_ request: HTTPRequest, timeout: Double?) throws(TransportError) -> HTTPResponse {
        HTTPResponse(status: status, body: body)
    }
}

private let clock = FixedClock()
private let transport = ReplayTransport()
private let ec2 = EC2Client(client: QueryClient(
    endpoint: Endpoint(host: "ec2.us-east-1.amazonaws.com", signingRegion: "us-east-1", signingName: "ec2"),
    apiVersion: EC2Client.apiVersion,
    credentials: StaticCredentialsProvider(Credentials(accessKeyId: "AKIDFUZZ", secretAccessKey: "fuzz")),
    transport: transport, clock: clock, retryPolicy: RetryPolicy(maxAttempts: 1)))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let root = try? XMLReader.parse(bytes) {
        _ = root.firstDescendant("Code")
    }
    transport.body = bytes
    transport.status = size > 0 && bytes[0] & 1 == 1 ? 400 : 200
    if let instances = try? ec2.describeInstances(ids: ["i-0123456789abcdef0"], deadline: clock.now.addingTimeInterval(30)) {
        precondition(instances.allSatisfy { !$0.instanceId.isEmpty }, "an instance without an id")
    }
    return 0
}
