// libFuzzer target: the XML reader on any bytes, as a tree (XMLReader.parse)
// and as the DescribeInstances stream (DescribeInstancesPage.read): both must
// refuse the same documents, and where both read one, the stream must hold
// what the tree does (Tests/EC2Tests/DescribeInstancesTreeOracle.swift). Then
// the same bytes as an AWS answer through QueryClient and EC2Client (200: the
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
    let tree = Result { () throws(XMLError) in try XMLReader.parse(bytes) }
    let stream = Result { () throws(XMLError) in try DescribeInstancesPage.read(bytes) }
    switch (tree, stream) {
    case (.success(let root), .success(let page)):
        _ = root.firstDescendant("Code")
        precondition(page == TreeOracle.page(root), "the stream read another page than the tree holds")
    case (.failure(let treeError), .failure(let streamError)):
        precondition(treeError.kind == streamError.kind, "refused as \(treeError.kind) by the tree, \(streamError.kind) by the stream")
    default:
        preconditionFailure("one reader accepted what the other refused: \(tree), \(stream)")
    }
    transport.body = bytes
    transport.status = size > 0 && bytes[0] & 1 == 1 ? 400 : 200
    if let instances = try? ec2.describeInstances(ids: ["i-0123456789abcdef0"], deadline: clock.now.addingTimeInterval(30)) {
        precondition(instances.allSatisfy { !$0.instanceId.isEmpty }, "an instance without an id")
    }
    return 0
}
