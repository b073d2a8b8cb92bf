import AWSQuery
import Foundation
import HTTP
import Primitives
import SigV4
import XCTest
import XML

final class EndpointTests: XCTestCase {
    func testRegionNames() {
        for good in ["us-east-1", "eu-central-2", "cn-north-1", "us-gov-west-1", "ap-southeast-5", "il-central-1", "us-iso-east-1",
                     "us-isob-east-1", "eu-isoe-west-1", "us-isof-south-1", "eusc-de-east-1", "mx-central-1"] {
            XCTAssertTrue(Region.isValid(good), good)
        }
        for bad in ["", "us-east", "US-EAST-1", "us-east-1.evil.com", "us-east-1/x", "us-east-1 ", "-us-1", "us--1", "ca-south-3r",
                    "169.254.169.254", String(repeating: "a-", count: 20) + "1", "xx-east-1", "aws-global", "aws-cn-global",
                    "eusc-fr-east-1", "us-iso-east-west-1", "cn-north-1-1"] {
            XCTAssertFalse(Region.isValid(bad), bad)
        }
    }

    func testEveryRegionBotocoreKnowsResolvesAsBotocoreResolvesIt() throws {
        // Recorded from botocore (Fixtures/record-botocore-endpoints.py; a check
        // re-runs it against the pinned botocore).
        let url = try XCTUnwrap(Bundle.module.resourceURL).appendingPathComponent("Fixtures/botocore-endpoints.json")
        let recorded = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let regions = recorded["regions"] as! [[String: Any]]
        XCTAssertGreaterThanOrEqual(regions.count, 46)
        let resolver = try EndpointResolver(environment: [:])
        var partitions = Set<String>()
        for row in regions {
            let region = row["region"] as! String
            XCTAssertEqual(Partition(region: region)?.rawValue, row["partition"] as? String, region)
            partitions.insert(row["partition"] as! String)
            for service in ["ec2", "iam", "sts", "organizations"] {
                let expected = row[service] as! [String: String]
                XCTAssertEqual(try resolver.endpoint(service: service, region: region),
                               Endpoint(host: expected["host"]!, signingRegion: expected["signingRegion"]!, signingName: expected["signingName"]!),
                               "\(service) in \(region)")
            }
        }
        XCTAssertEqual(partitions, Set(Partition.allCases.map(\.rawValue)), "every partition botocore knows, and only those")
    }

    func testARegionOfNoKnownPartitionIsRefusedByName() throws {
        let resolver = try EndpointResolver(environment: [:])
        XCTAssertThrowsError(try resolver.endpoint(service: "ec2", region: "xx-east-1")) { error in
            XCTAssertEqual((error as? ConfigurationError)?.problem,
                           "'xx-east-1' is not an AWS region name (of the partitions aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc)")
        }
    }

    func testAWSEndpointsPerPartition() throws {
        let resolver = try EndpointResolver(environment: [:])
        XCTAssertEqual(try resolver.endpoint(service: "ec2", region: "eu-west-1"),
                       Endpoint(host: "ec2.eu-west-1.amazonaws.com", signingRegion: "eu-west-1", signingName: "ec2"))
        XCTAssertEqual(try resolver.endpoint(service: "ec2", region: "cn-northwest-1").host, "ec2.cn-northwest-1.amazonaws.com.cn")
        XCTAssertEqual(try resolver.endpoint(service: "iam", region: "eu-west-1"),
                       Endpoint(host: "iam.amazonaws.com", signingRegion: "us-east-1", signingName: "iam"))
        XCTAssertEqual(try resolver.endpoint(service: "iam", region: "cn-northwest-1"),
                       Endpoint(host: "iam.cn-north-1.amazonaws.com.cn", signingRegion: "cn-north-1", signingName: "iam"))
        XCTAssertEqual(try resolver.endpoint(service: "iam", region: "us-gov-east-1"),
                       Endpoint(host: "iam.us-gov.amazonaws.com", signingRegion: "us-gov-west-1", signingName: "iam"))
        XCTAssertEqual(try resolver.endpoint(service: "sts", region: "us-gov-east-1").host, "sts.us-gov-east-1.amazonaws.com")
        XCTAssertEqual(try resolver.endpoint(service: "ec2", region: "eu-west-1").scheme, "https")
    }

    func testAnOriginIsWhatOneConnectionServes() throws {
        let aws = try EndpointResolver(environment: [:])
        XCTAssertEqual(try aws.endpoint(service: "iam", region: "eu-west-1").origin, "https://iam.amazonaws.com:443")
        XCTAssertNotEqual(try aws.endpoint(service: "iam", region: "us-east-1").origin,
                          try aws.endpoint(service: "ec2", region: "us-east-1").origin, "on AWS, IAM is never EC2's host")
        let local = try EndpointResolver(environment: ["AWS_ENDPOINT_URL": "http://LocalHost:5000/moto"])
        XCTAssertEqual(try local.endpoint(service: "iam", region: "us-east-1").origin,
                       try local.endpoint(service: "ec2", region: "eu-west-1").origin)
        XCTAssertEqual(try local.endpoint(service: "ec2", region: "eu-west-1").origin, "http://localhost:5000")
        XCTAssertEqual(Endpoint(scheme: "http", host: "127.0.0.1", signingRegion: "us-east-1", signingName: "ec2").origin,
                       "http://127.0.0.1:80")
    }

    func testOrganizationsHasOneEndpointPerPartitionWhateverTheRegion() throws {
        let resolver = try EndpointResolver(environment: [:])
        let cases: [(String, String, String)] = [
            ("eu-west-1", "organizations.us-east-1.amazonaws.com", "us-east-1"),
            ("us-east-1", "organizations.us-east-1.amazonaws.com", "us-east-1"),
            // Not IAM's cn-north-1: botocore's rules send aws-cn to Ningxia.
            ("cn-north-1", "organizations.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1"),
            ("us-gov-east-1", "organizations.us-gov-west-1.amazonaws.com", "us-gov-west-1"),
            ("us-iso-west-1", "organizations.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"),
            ("us-isob-east-1", "organizations.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1"),
            ("eu-isoe-west-1", "organizations.eu-isoe-west-1.cloud.adc-e.uk", "eu-isoe-west-1"),
            ("us-isof-east-1", "organizations.us-isof-south-1.csp.hci.ic.gov", "us-isof-south-1"),
            ("eusc-de-east-1", "organizations.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1"),
        ]
        for (region, host, signingRegion) in cases {
            XCTAssertEqual(try resolver.endpoint(service: "organizations", region: region),
                           Endpoint(host: host, signingRegion: signingRegion, signingName: "organizations"), region)
        }
        // AWS_ENDPOINT_URL_ORGANIZATIONS, the SDKs' name for it, moves the host, not the signing scope.
        let overridden = try EndpointResolver(environment: ["AWS_ENDPOINT_URL_ORGANIZATIONS": "http://127.0.0.1:4566",
                                                            "AWS_ENDPOINT_URL": "http://127.0.0.1:5000"])
        XCTAssertEqual(try overridden.endpoint(service: "organizations", region: "eu-west-1"),
                       Endpoint(scheme: "http", host: "127.0.0.1", port: 4566, signingRegion: "us-east-1", signingName: "organizations"))
        XCTAssertEqual(try overridden.endpoint(service: "ec2", region: "eu-west-1").port, 5000)
    }

    func testAnInvalidRegionNeverBecomesAHostName() throws {
        XCTAssertThrowsError(try EndpointResolver(environment: [:]).endpoint(service: "ec2", region: "x.evil.com/"))
    }

    func testOverridesPerServiceWinOverTheGlobalOne() throws {
        let resolver = try EndpointResolver(environment: [
            "AWS_ENDPOINT_URL": "http://127.0.0.1:5000",
            "AWS_ENDPOINT_URL_IAM": "https://iam.example.test:8443/base",
        ])
        let ec2 = try resolver.endpoint(service: "ec2", region: "eu-west-1")
        XCTAssertEqual(ec2, Endpoint(scheme: "http", host: "127.0.0.1", port: 5000, signingRegion: "eu-west-1", signingName: "ec2"))
        let iam = try resolver.endpoint(service: "iam", region: "eu-west-1")
        XCTAssertEqual(iam, Endpoint(scheme: "https", host: "iam.example.test", port: 8443, path: "/base", signingRegion: "us-east-1", signingName: "iam"))
    }

    func testTheHostHeaderKeepsANonDefaultPort() {
        XCTAssertEqual(HTTPRequest(method: "POST", scheme: "http", host: "127.0.0.1", port: 5000).hostHeader, "127.0.0.1:5000")
        XCTAssertEqual(HTTPRequest(method: "POST", scheme: "https", host: "h", port: 443).hostHeader, "h")
        XCTAssertEqual(HTTPRequest(method: "POST", scheme: "http", host: "h", port: 80).hostHeader, "h")
        XCTAssertEqual(HTTPRequest(method: "POST", scheme: "https", host: "h", port: 80).hostHeader, "h:80")
    }

    func testBadOverridesNameTheSetting() {
        for bad in ["ftp://x", "127.0.0.1:5000", "http://", "http://host:99999", "http://host:x", "http://ho st", "http://h/?q=1"] {
            XCTAssertThrowsError(try EndpointResolver(environment: ["AWS_ENDPOINT_URL_EC2": bad]), bad) {
                XCTAssertEqual(($0 as! ConfigurationError).setting, "AWS_ENDPOINT_URL_EC2")
            }
        }
    }
}
