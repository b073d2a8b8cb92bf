import AWSQuery
import Foundation
import HTTP
import IAM
import TestSupport
import XCTest

/// IAMClient.getRole end to end through QueryClient and the signer, against
/// a scripted transport answering with recorded bodies.
final class IAMClientTests: XCTestCase {
    private let clock = FakeClock()
    private let okta = Role(roleName: "Okta-ServiceWorkbenchUser", roleId: "AROARZPUZDIKNCACDXBBN",
                            arn: "arn:aws:iam::123456789012:role/Okta-ServiceWorkbenchUser")

    private func client(_ transport: ScriptedTransport) -> IAMClient {
        IAMClient(client: .scripted(service: "iam", region: "us-east-1", apiVersion: IAMClient.apiVersion,
                                    transport: transport, clock: clock))
    }

    private func response(_ status: Int, _ name: String) throws -> ScriptedTransport.Outcome {
        .response(HTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", "text/xml")]), body: try fixture(name)))
    }

    private func getRole(_ name: String, from fixtureName: String) throws -> (Role, ScriptedTransport) {
        let transport = ScriptedTransport([try response(200, fixtureName)])
        return (try client(transport).getRole(name: name, deadline: clock.now + 10), transport)
    }

    func testGetRoleSendsTheRoleNameSigned() throws {
        let (_, transport) = try getRole("Okta-ServiceWorkbenchUser", from: "moto-get-role.xml")
        XCTAssertEqual(transport.formParameters(0).map { "\($0)=\($1)" },
                       ["Action=GetRole", "Version=2010-05-08", "RoleName=Okta-ServiceWorkbenchUser"])
        let request = try XCTUnwrap(transport.requests.first)
        XCTAssertEqual(request.url, "https://iam.amazonaws.com/")
        XCTAssertEqual(request.headers["Content-Type"], "application/x-www-form-urlencoded; charset=utf-8")
        XCTAssertTrue(request.headers["Authorization"]?.contains("/us-east-1/iam/aws4_request") == true)
    }

    func testMotoAndAWSLayoutsReadToTheSameRole() throws {
        XCTAssertEqual(try getRole("Okta-ServiceWorkbenchUser", from: "moto-get-role.xml").0, okta)
        XCTAssertEqual(try getRole("Okta-ServiceWorkbenchUser", from: "aws-get-role.xml").0, okta)
    }

    func testRecordedAndDocumentedGetRoleResponses() throws {
        XCTAssertEqual(try getRole("foobie", from: "legacy-jclouds-get-role.xml").0,
                       Role(roleName: "foobie", roleId: "AROAIBFDQ5TQHEMPBEUE4", arn: "arn:aws:iam::993194456877:role/foobie"))
        XCTAssertEqual(try getRole("S3Access", from: "aws-get-role-doc-example.xml").0,
                       Role(roleName: "S3Access", roleId: "AROADBQP57FF2AEXAMPLE",
                            arn: "arn:aws:iam::123456789012:role/application_abc/component_xyz/S3Access"))
    }

    func testAMissingRoleIsNoSuchEntity() throws {
        let transport = ScriptedTransport([try response(404, "moto-get-role-no-such-entity.xml")])
        XCTAssertThrowsError(try client(transport).getRole(name: "No-Such-Role", deadline: clock.now + 10)) {
            let error = $0 as! AWSError
            XCTAssertEqual(error.code, .service("NoSuchEntity"))
            XCTAssertEqual(error.message, "Role No-Such-Role not found")
            XCTAssertEqual(error.requestId, "RJFjfmbhVQzC5F0795yLi5AmPT86uyjiaguGI1Ef3mEN4r5NaSJR")
            XCTAssertEqual(error.httpStatus, 404)
            XCTAssertEqual(error.operation, "iam:GetRole")
        }
        XCTAssertEqual(transport.requests.count, 1, "NoSuchEntity is final")
    }

    func testAResponseWithoutARoleIdIsInvalid() throws {
        for body in ["<GetRoleResponse><GetRoleResult/></GetRoleResponse>",
                     "<GetRoleResponse><GetRoleResult><Role><RoleName>r</RoleName><Arn>a</Arn><RoleId/></Role></GetRoleResult></GetRoleResponse>"] {
            let transport = ScriptedTransport([.response(.xml(200, body))])
            XCTAssertThrowsError(try client(transport).getRole(name: "r", deadline: clock.now + 10)) {
                XCTAssertEqual(($0 as? AWSError)?.code, AWSError.Code.invalidResponse)
            }
        }
    }
}
