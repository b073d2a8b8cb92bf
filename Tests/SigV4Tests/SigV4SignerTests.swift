import Foundation
@testable import SigV4
import XCTest

/// `SigV4Signer.sign` on requests shaped like this tool's own calls.
final class SigV4SignerTests: XCTestCase {
    let date = Date(timeIntervalSince1970: 1_767_323_045)  // 20260102T030405Z
    let credentials = Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                  sessionToken: "FwoGZXIvYXdzEXAMPLETOKEN")

    func describeInstancesRequest() -> SigningRequest {
        SigningRequest(
            method: "POST", host: "localhost:5000",
            headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"), ("User-Agent", "aws-userid-tagger/1.0")],
            body: Array("Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-0123456789abcdef0".utf8))
    }

    func signedHeaders(of request: SigningRequest) -> String? {
        let authorization = request.header("Authorization") ?? ""
        guard let start = authorization.range(of: "SignedHeaders="), let end = authorization.range(of: ", Signature=")
        else { return nil }
        return String(authorization[start.upperBound..<end.lowerBound])
    }

    func testQueryCallMatchesBotocore() {
        // Expected value from botocore 1.43.11 SigV4Auth("ec2", "eu-west-1") on the same
        // request, credentials and time (which also leaves User-Agent unsigned).
        var request = describeInstancesRequest()
        SigV4Signer(credentials: credentials, region: "eu-west-1", service: "ec2").sign(&request, date: date)
        XCTAssertEqual(request.header("Authorization"),
                       "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260102/eu-west-1/ec2/aws4_request, "
                           + "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, "
                           + "Signature=d91d96d926c37db14864f2f80566cf67d6a1fa84bdd4ccc8eea8b615fc0b7469")
        XCTAssertEqual(request.header("X-Amz-Date"), "20260102T030405Z")
        XCTAssertEqual(request.header("X-Amz-Security-Token"), "FwoGZXIvYXdzEXAMPLETOKEN")
        XCTAssertEqual(request.header("Host"), "localhost:5000")
        XCTAssertEqual(request.header("User-Agent"), "aws-userid-tagger/1.0")
    }

    func testAnExistingHostHeaderIsKeptAndSignedOnce() {
        var request = SigningRequest(method: "POST", host: "127.0.0.1:5000", headers: [("host", "moto:5000")])
        SigV4Signer(credentials: credentials, region: "eu-west-1", service: "ec2").sign(&request, date: date)
        XCTAssertEqual(request.headers.filter { $0.name.lowercased() == "host" }.map(\.value), ["moto:5000"])
    }

    func testNoSessionTokenMeansNoTokenHeader() {
        var request = describeInstancesRequest()
        let longTerm = Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret")
        SigV4Signer(credentials: longTerm, region: "eu-west-1", service: "ec2").sign(&request, date: date)
        XCTAssertNil(request.header("X-Amz-Security-Token"))
        XCTAssertEqual(signedHeaders(of: request), "content-type;host;x-amz-date")
    }

    func testEveryHeaderPresentIsSignedButTheUnsignableOnes() {
        var request = describeInstancesRequest()
        request.headers.append(("Expect", "100-continue"))
        request.headers.append(("X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793"))
        request.headers.append(("X-Custom", "yes"))
        SigV4Signer(credentials: credentials, region: "eu-west-1", service: "ec2").sign(&request, date: date)
        XCTAssertEqual(signedHeaders(of: request), "content-type;host;x-amz-date;x-amz-security-token;x-custom")
        XCTAssertEqual(request.header("Expect"), "100-continue")
    }

    func testSigningAgainReplacesDateTokenAndAuthorization() {
        let signer = SigV4Signer(credentials: credentials, region: "eu-west-1", service: "ec2")
        var once = describeInstancesRequest()
        signer.sign(&once, date: date)
        var twice = describeInstancesRequest()
        signer.sign(&twice, date: date.addingTimeInterval(-3600))
        signer.sign(&twice, date: date)
        XCTAssertEqual(twice.header("Authorization"), once.header("Authorization"))
        for name in ["authorization", "x-amz-date", "x-amz-security-token", "host"] {
            XCTAssertEqual(twice.headers.filter { $0.name.lowercased() == name }.count, 1, name)
        }
    }

    func testSignatureDependsOnBodyAndScope() {
        var reference = describeInstancesRequest()
        SigV4Signer(credentials: credentials, region: "eu-west-1", service: "ec2").sign(&reference, date: date)
        var otherBody = describeInstancesRequest()
        otherBody.body.append(UInt8(ascii: "1"))
        SigV4Signer(credentials: credentials, region: "eu-west-1", service: "ec2").sign(&otherBody, date: date)
        var otherRegion = describeInstancesRequest()
        SigV4Signer(credentials: credentials, region: "eu-west-2", service: "ec2").sign(&otherRegion, date: date)
        let signatures = [reference, otherBody, otherRegion].map { $0.header("Authorization")?.suffix(64) }
        XCTAssertEqual(Set(signatures).count, 3)
    }

    func testAuthorizationNeverContainsTheSecret() {
        var request = describeInstancesRequest()
        SigV4Signer(credentials: credentials, region: "eu-west-1", service: "ec2").sign(&request, date: date)
        for field in request.headers {
            XCTAssertFalse(field.value.contains(credentials.secretAccessKey), field.name)
        }
    }
}
