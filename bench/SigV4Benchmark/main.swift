// Warm SigV4 signatures per second, for `make bench` (bench/run.py compares it
// with botocore's SigV4Auth on the same request). Not shipped: a measurement tool.
//
// The request is the shape the function sends most: EC2 DescribeInstances by
// id, with a session token (as Lambda's credentials always have). Each timed
// signature starts from the unsigned request, as the Query client does. Time
// is this thread's CPU time (other processes' load disturbs it far less than
// wall time); the best of several rounds is reported, with the median.
//
// Usage: SigV4Benchmark [ITERATIONS] [ROUNDS]   prints one JSON line.
import FoundationEssentials
import SigV4
#if canImport(Glibc)
import Glibc
#endif

func threadCPUNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let iterations = arguments.first ?? 100_000
let rounds = arguments.dropFirst().first ?? 5

let signer = SigV4Signer(
    credentials: Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                             sessionToken: String(repeating: "T", count: 800)),
    region: "us-east-1", service: "ec2")
let template = SigningRequest(
    method: "POST", host: "ec2.us-east-1.amazonaws.com",
    headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
    body: Array("Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-0123456789abcdef0".utf8))

var first = template
let coldStart = threadCPUNanoseconds()
signer.sign(&first, date: Date())  // derives and caches the day's signing key
let coldNanoseconds = threadCPUNanoseconds() - coldStart

var perSignature: [Double] = []  // ns
var checksum = 0
for _ in 0..<rounds {
    let start = threadCPUNanoseconds()
    for _ in 0..<iterations {
        var request = template
        signer.sign(&request, date: Date())  // the real clock, as the client signs
        checksum &+= request.header("Authorization")?.utf8.count ?? 0
    }
    perSignature.append(Double(threadCPUNanoseconds() - start) / Double(iterations))
}
precondition(checksum > 0)
let sorted = perSignature.sorted()
let best = sorted[0], median = sorted[sorted.count / 2]
print("{\"implementation\":\"swift\",\"iterations\":\(iterations),\"rounds\":\(rounds),"
    + "\"best_ns\":\(Int(best)),\"median_ns\":\(Int(median)),\"first_ns\":\(coldNanoseconds),"
    + "\"signatures_per_second\":\(Int(1e9 / median))}")
