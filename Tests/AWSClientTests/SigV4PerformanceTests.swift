import Foundation
import XCTest
import AWSClient

/// Prints the cost of one warm signature (target: ≤ 10 µs in a release
/// build). A printed figure, not a timed assertion: timings on a shared
/// machine are not a pass/fail signal. Measured in this thread's CPU time,
/// which other processes' load disturbs far less than wall time.
final class SigV4PerformanceTests: XCTestCase {
    func testWarmSignatureCost() {
        let signer = SigV4Signer(
            credentials: Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                     sessionToken: String(repeating: "T", count: 800)),
            region: "eu-west-1", service: "ec2")
        let template = HTTPRequest(
            method: "POST", host: "ec2.eu-west-1.amazonaws.com",
            headers: HTTPHeaders([("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")]),
            body: Array("Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-0123456789abcdef0".utf8))
        let date = Date(timeIntervalSince1970: 1_440_938_160)
        var warm = template
        signer.sign(&warm, date: date)

        let iterations = 20_000
        let start = Self.threadCPUNanoseconds()
        var signatures = 0
        for _ in 0..<iterations {
            var request = template
            signer.sign(&request, date: date)
            signatures += request.headers["Authorization"] == nil ? 0 : 1
        }
        let elapsed = Self.threadCPUNanoseconds() - start
        XCTAssertEqual(signatures, iterations)
        print("SigV4 warm signature: \(Double(elapsed) / Double(iterations) / 1000) µs/op (thread CPU time)")
    }

    static func threadCPUNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
