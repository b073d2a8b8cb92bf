import AWSQuery
@testable import EC2
import Foundation
import HTTP
import XCTest
import XML

/// Prints the cost of reading a ~320 KB DescribeInstances page (50 instances
/// in AWS's pretty-printed layout) into instances: target a few ms in a
/// release build. A printed figure, not a timed assertion.
final class EC2ParsingPerformanceTests: XCTestCase {
    func testReadingA300KBPage() throws {
        let page = String(decoding: try fixture("aws-describe-instances-page1.xml"), as: UTF8.self)
        let open = try XCTUnwrap(page.range(of: "<reservationSet>"))
        let close = try XCTUnwrap(page.range(of: "</reservationSet>"))
        let reservations = page[open.upperBound..<close.lowerBound]
        let body = Array((page[..<open.upperBound] + String(repeating: String(reservations), count: 10) + page[close.lowerBound...]).utf8)
        XCTAssertGreaterThan(body.count, 300_000)

        let iterations = 10
        var instances = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iterations {
            instances += EC2Client.instances(in: try XMLReader.parse(body)).count
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / Double(iterations)
        XCTAssertEqual(instances, 50 * iterations)
        print("DescribeInstances page of \(body.count) bytes: \(elapsed / 1e6) ms, \(Double(body.count) / elapsed * 1e3) MB/s")
    }
}
