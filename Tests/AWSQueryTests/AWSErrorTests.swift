import AWSQuery
import Foundation
import HTTP
import Primitives
import SigV4
import XCTest
import XML

/// AWSError.fromResponse over every recorded error body: EC2's
/// `<Response><Errors><Error>` and IAM/STS's `<ErrorResponse><Error>`, as real
/// AWS and as moto write them (origins in Fixtures/xml/SOURCES.md).
final class AWSErrorTests: XCTestCase {
    private let headerRequestId = "header-request-id"

    private func error(_ name: String, status: Int) throws -> AWSError {
        let url = try XCTUnwrap(Bundle.module.resourceURL).appendingPathComponent("Fixtures/xml/\(name)")
        return error(Array(try Data(contentsOf: url)), status: status)
    }

    private func error(_ body: [UInt8], status: Int) -> AWSError {
        AWSError.fromResponse(HTTPResponse(status: status, headers: HTTPHeaders([("x-amzn-RequestId", headerRequestId)]), body: body),
                              operation: "ec2:DescribeInstances")
    }

    func testEveryRecordedErrorBodyYieldsCodeMessageAndRequestId() throws {
        // (file, HTTP status, code, message, request id in the body or nil for none)
        let cases: [(String, Int, String, String, String?)] = [
            ("botocore-ec2-InvalidInstanceID.Malformed.xml", 400, "InvalidInstanceID.Malformed", "Invalid id: \"foobar\"",
             "dfb14b43-9a55-4d8e-b676-e8034d12bbeb"),
            ("botocore-iam-NoSuchEntity.xml", 404, "NoSuchEntity", "The user with name foobar cannot be found.",
             "358299bb-b7f8-11e2-8d39-e3a125f625ee"),
            ("botocore-sts-AccessDenied.xml", 403, "AccessDenied",
             "GetSessionToken call failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.",
             "8088f6eb-b7fb-11e2-8d25-4b9f3b52b80f"),
            ("jclouds-ec2-DryRunOperation.xml", 412, "DryRunOperation", "Request would have succeeded, but DryRun flag is set.",
             "344ef005-e34b-42fb-a334-1180fe317e7c"),
            ("paws-ec2-AuthFailure-401.xml", 401, "AuthFailure", "AWS was not able to validate the provided access credentials",
             "000000000000000000000000000000000000"),
            ("paws-iam-InvalidClientTokenId-403.xml", 403, "InvalidClientTokenId", "The security token included in the request is invalid.",
             "000000000000000000000000000000000000"),
            ("paws-iam-NoSuchEntity.xml", 404, "NoSuchEntity", "The group with name Test1 cannot be found.",
             "11ac105f-a378-11e5-9edb-976c4a6249c9"),
            ("moto-iam-NoSuchEntity-404.xml", 404, "NoSuchEntity", "Role No-Such-Role not found",
             "RJFjfmbhVQzC5F0795yLi5AmPT86uyjiaguGI1Ef3mEN4r5NaSJR"),
            ("moto-ec2-InvalidInstanceID.NotFound-400.xml", 400, "InvalidInstanceID.NotFound",
             "The instance ID 'i-0123456789abcdef0' does not exist", "request-id"),
            ("moto-auth-ec2-AuthFailure-401.xml", 401, "AuthFailure", "AWS was not able to validate the provided access credentials", nil),
            ("moto-auth-iam-SignatureDoesNotMatch-403.xml", 403, "SignatureDoesNotMatch",
             "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. "
                + "Consult the service documentation for details.", nil),
            ("moto-auth-iam-InvalidClientTokenId-403.xml", 403, "InvalidClientTokenId", "The security token included in the request is invalid.", nil),
            ("moto-auth-iam-NoSuchEntity-404.xml", 404, "NoSuchEntity", "Role x not found", "QTE4DRUBtFNaV1P5xaNws02Y0T36jGcwnbGfWZWXBaA1jskJ2e7g"),
            ("aws-doc-ec2-RequestLimitExceeded-503.xml", 503, "RequestLimitExceeded", "Request limit exceeded.",
             "5b2f1c6e-8d1a-4c3e-9f0b-7a1e2d3c4b5a"),
            ("aws-doc-ec2-UnauthorizedOperation-403.xml", 403, "UnauthorizedOperation",
             "You are not authorized to perform this operation. User: arn:aws:sts::123456789012:assumed-role/aws-userid-tagger/fn is not "
                + "authorized to perform: ec2:CreateTags on resource: arn:aws:ec2:us-east-1:123456789012:instance/i-1234567890abcdef0 because "
                + "no identity-based policy allows the ec2:CreateTags action. Encoded authorization failure message: QmFzZTY0RW5jb2RlZEV4YW1wbGU=",
             "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE"),
            ("aws-doc-iam-AccessDenied-403.xml", 403, "AccessDenied",
             "User: arn:aws:sts::123456789012:assumed-role/aws-userid-tagger/fn is not authorized to perform: iam:GetRole on resource: "
                + "role Okta-ServiceWorkbenchUser because no identity-based policy allows the iam:GetRole action",
             "4c0d5a8e-1f2b-4d3c-8e9f-0a1b2c3d4e5f"),
            ("aws-doc-iam-Throttling-400.xml", 400, "Throttling", "Rate exceeded", "9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b"),
            ("aws-ec2-InvalidInstanceID.NotFound-400.xml", 400, "InvalidInstanceID.NotFound",
             "The instance ID 'i-0123456789abcdef0' does not exist", "request-id"),
            ("aws-iam-NoSuchEntity-404.xml", 404, "NoSuchEntity", "Role No-Such-Role not found",
             "RJFjfmbhVQzC5F0795yLi5AmPT86uyjiaguGI1Ef3mEN4r5NaSJR"),
        ]
        for (name, status, code, message, requestId) in cases {
            let error = try error(name, status: status)
            XCTAssertEqual(error.code, .service(code), name)
            XCTAssertEqual(error.message, message, name)
            XCTAssertEqual(error.requestId, requestId ?? headerRequestId, name)
            XCTAssertEqual(error.httpStatus, status, name)
            XCTAssertEqual(error.operation, "ec2:DescribeInstances", name)
        }
    }

    func testMotoAndAWSLayoutsOfOneErrorGiveTheSameError() throws {
        for (name, status) in [("ec2-InvalidInstanceID.NotFound-400.xml", 400), ("iam-NoSuchEntity-404.xml", 404)] {
            XCTAssertEqual(try error("moto-\(name)", status: status), try error("aws-\(name)", status: status), name)
        }
    }

    func testMotoAndRealAWSErrorShapesGiveTheSameCodeAndMessage() throws {
        for (moto, real, status) in [("moto-auth-ec2-AuthFailure-401.xml", "paws-ec2-AuthFailure-401.xml", 401),
                                     ("moto-auth-iam-InvalidClientTokenId-403.xml", "paws-iam-InvalidClientTokenId-403.xml", 403)] {
            let fromMoto = try error(moto, status: status)
            let fromAWS = try error(real, status: status)
            XCTAssertEqual(fromMoto.code, fromAWS.code, moto)
            XCTAssertEqual(fromMoto.message, fromAWS.message, moto)
        }
    }

    func testTheDescriptionNamesOperationCodeStatusAndRequestId() throws {
        XCTAssertEqual(try error("paws-ec2-AuthFailure-401.xml", status: 401).description,
                       "ec2:DescribeInstances: AuthFailure: AWS was not able to validate the provided access credentials "
                       + "(HTTP 401, request id 000000000000000000000000000000000000)")
    }

    func testBodiesWithoutAnAWSErrorFallBackToTheStatus() {
        let bodies: [(String, Int, AWSError.Code)] = [
            ("<html><body>502 Bad Gateway</body></html>", 502, .serverError(status: 502)),
            ("", 503, .serverError(status: 503)),
            ("", 400, AWSError.Code.invalidResponse),
            ("<Response><Errors><Error><Message>no code</Message></Error></Errors></Response>", 400, AWSError.Code.invalidResponse),
            ("<Response><Errors><Error><Code></Code></Error></Errors></Response>", 403, AWSError.Code.invalidResponse),
            ("<Response><Errors><Error><Code>Truncated", 400, AWSError.Code.invalidResponse),
            ("Service Unavailable", 503, .serverError(status: 503)),
        ]
        for (body, status, code) in bodies {
            let error = error(Array(body.utf8), status: status)
            XCTAssertEqual(error.code, code, body)
            XCTAssertEqual(error.code.description, status >= 500 ? "HTTP\(status)" : "InvalidResponse", body)
            XCTAssertEqual(error.httpStatus, status, body)
            XCTAssertEqual(error.requestId, headerRequestId, body)
        }
    }

    func testAHostileErrorBodyIsNotExpanded() {
        let laughs = #"<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>"#
            + "<Response><Errors><Error><Code>&b;</Code></Error></Errors></Response>"
        let error = error(Array(laughs.utf8), status: 400)
        XCTAssertEqual(error.code, AWSError.Code.invalidResponse)
        XCTAssertFalse(error.message.contains("aaaa"))
    }
}
