// The bad-input corpus (Tests/Corpus, see its README): every file through the
// event decoder and decision, or the XML reader, against its expected outcome
// in manifest.json; plus the big inputs, generated here rather than committed.
// Written by us.
import AWSQuery
import EC2
import Foundation
import HTTP
import Tagger
import XCTest
import XML

final class CorpusTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Corpus")
    /// A case slower than this is a hang for our purposes (debug build, 2 shared cores).

    struct Manifest {
        var roleId: String
        var roleName: String
        var region: String
        var trustedLaunchers: [String]
        var cases: [[String: Any]]
    }

    static func manifest() throws -> Manifest {
        let data = try Data(contentsOf: corpus.appendingPathComponent("manifest.json"))
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        return Manifest(roleId: root["roleId"] as! String, roleName: root["roleName"] as! String, region: root["region"] as! String,
                        trustedLaunchers: root["trustedLaunchers"] as! [String], cases: root["cases"] as! [[String: Any]])
    }

    func testEveryCorpusFileHasAnExpectedOutcomeAndASource() throws {
        let manifest = try Self.manifest()
        let listed = Set(manifest.cases.map { $0["file"] as! String })
        XCTAssertEqual(listed.count, manifest.cases.count, "a file is listed twice")
        var onDisk = Set<String>()
        for folder in ["events", "xml", "fuzz-found"] {
            let url = Self.corpus.appendingPathComponent(folder)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [] { onDisk.insert("\(folder)/\(name)") }
        }
        XCTAssertEqual(onDisk.subtracting(listed), [], "files without an expected outcome")
        XCTAssertEqual(listed.subtracting(onDisk), [], "manifest entries without a file")
        XCTAssertGreaterThanOrEqual(onDisk.count, 60)
        for entry in manifest.cases {
            XCTAssertFalse((entry["source"] as? String ?? "").isEmpty, "\(entry["file"]!) has no source")
            XCTAssertNotNil(entry["expect"] as? [String: Any], "\(entry["file"]!) has no expect")
        }
    }

    func testEventCorpus() throws {
        let manifest = try Self.manifest()
        var checked = 0
        for entry in manifest.cases where (entry["file"] as! String).hasSuffix(".json") {
            let file = entry["file"] as! String
            let data = try Data(contentsOf: Self.corpus.appendingPathComponent(file))
            let configuration = Self.configuration(manifest, trusted: entry["config"] as? String == "trusted")
            let failure = Self.checkEvent(data, expect: entry["expect"] as! [String: Any], configuration: configuration, manifest: manifest)
            XCTAssertNil(failure, "\(file): \(failure ?? "")")
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 40)
    }

    func testXMLCorpus() throws {
        let manifest = try Self.manifest()
        var checked = 0
        for entry in manifest.cases where (entry["file"] as! String).hasSuffix(".xml") {
            let file = entry["file"] as! String
            let bytes = [UInt8](try Data(contentsOf: Self.corpus.appendingPathComponent(file)))
            let failure = Self.checkXML(bytes, expect: entry["expect"] as! [String: Any])
            XCTAssertNil(failure, "\(file): \(failure ?? "")")
            // The same bytes as an AWS error answer: never a crash, and a code only from a readable body.
            let error = AWSError.fromResponse(HTTPResponse(status: 400, body: bytes), operation: "ec2:DescribeInstances")
            if case .some(let expectedError) = (entry["expect"] as! [String: Any])["kind"] as? String {
                XCTAssertEqual(error.code, AWSError.Code.invalidResponse, "\(file) (\(expectedError)) must not yield an AWS error code")
            }
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 20)
    }

    // MARK: Big inputs, generated

    func testSixMegabyteEventIsRefusedBeforeParsing() throws {
        let manifest = try Self.manifest()
        let padding = String(repeating: "x", count: 6 << 20)
        let event = Data(#"{"detail-type": "Scheduled Event", "source": "aws.events", "pad": "\#(padding)"}"#.utf8)
        XCTAssertNil(Self.checkEvent(event, expect: ["outcome": "invalidEvent", "message": "more than the 1048576 bytes"],
                                     configuration: Self.configuration(manifest, trusted: false), manifest: manifest))
    }

    func testEventJustUnderTheLimitIsRead() throws {
        let manifest = try Self.manifest()
        let padding = String(repeating: "y", count: (1 << 20) - 200)
        let event = Data(#"{"detail-type": "Scheduled Event", "source": "aws.events", "pad": "\#(padding)"}"#.utf8)
        XCTAssertLessThanOrEqual(event.count, TaggerEvent.maxEventBytes)
        XCTAssertNil(Self.checkEvent(event, expect: ["outcome": "reconcile"], configuration: Self.configuration(manifest, trusted: false),
                                     manifest: manifest))
    }

    func testHundredThousandDeepJSONIsRefusedWithoutExhaustingTheStack() throws {
        let manifest = try Self.manifest()
        let depth = 100_000
        let event = Data((#"{"eventName": "x", "extra": "# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}").utf8)
        XCTAssertNil(Self.checkEvent(event, expect: ["outcome": "invalidEvent", "message": ""],
                                     configuration: Self.configuration(manifest, trusted: false), manifest: manifest))
    }

    func testTenMegabyteXMLIsRefusedBeforeParsing() {
        let body = [UInt8]("<Response><Message>".utf8) + [UInt8](repeating: UInt8(ascii: "z"), count: 10 << 20) + [UInt8]("</Message></Response>".utf8)
        XCTAssertNil(Self.checkXML(body, expect: ["outcome": "error", "kind": "tooLarge"]))
    }

    func testLargestAcceptedXMLIsRead() {
        // 8 MiB exactly, in texts of 1 KiB: the reader's whole document limit.
        let head = [UInt8]("<Response>".utf8), tail = [UInt8]("</Response>".utf8)
        let item = [UInt8]("<Message>".utf8) + [UInt8](repeating: UInt8(ascii: "z"), count: 1024) + [UInt8]("</Message>".utf8)
        let room = (8 << 20) - head.count - tail.count
        let padding = [UInt8](repeating: UInt8(ascii: " "), count: room % item.count)
        let body = head + Array(item.repeated(room / item.count)) + padding + tail
        XCTAssertEqual(body.count, 8 << 20)
        XCTAssertNil(Self.checkXML(body, expect: ["outcome": "ok", "root": "Response"]))
    }

    func testOneTextOverAMebibyteIsRefused() {
        let head = [UInt8]("<Response><Message>".utf8), tail = [UInt8]("</Message></Response>".utf8)
        let body = head + [UInt8](repeating: UInt8(ascii: "z"), count: (1 << 20) + 1) + tail
        XCTAssertNil(Self.checkXML(body, expect: ["outcome": "error", "kind": "tooLarge"]))
    }

    func testTooManyElementsAreRefused() {
        let body = [UInt8]("<r>".utf8) + Array([UInt8]("<a/>".utf8).repeated(250_001)) + [UInt8]("</r>".utf8)
        XCTAssertNil(Self.checkXML(body, expect: ["outcome": "error", "kind": "tooManyElements"]))
    }

    func testHundredThousandDeepXMLIsRefused() {
        let body = [UInt8](String(repeating: "<a>", count: 100_000).utf8)
        XCTAssertNil(Self.checkXML(body, expect: ["outcome": "error", "kind": "tooDeep"]))
    }

    // MARK: Checking one input

    static func configuration(_ manifest: Manifest, trusted: Bool) -> TaggerConfiguration {
        TaggerConfiguration(roleName: manifest.roleName, trustedLaunchers: trusted ? manifest.trustedLaunchers.compactMap(ARNPattern.init) : [],
                            region: manifest.region)
    }

    /// nil when `data` has the expected outcome, else what differs.
    static func checkEvent(_ data: Data, expect: [String: Any], configuration: TaggerConfiguration, manifest: Manifest) -> String? {
        let wanted = expect["outcome"] as! String
        let action: EventAction
        do {
            action = try configuration.action(for: TaggerEvent.decode(data))
        } catch {
            guard wanted == "invalidEvent" else { return "expected \(wanted), got \(error)" }
            guard error.errorType == "InvalidEvent" else { return "errorType \(error.errorType)" }
            let message = expect["message"] as? String ?? ""
            return message.isEmpty || error.message.contains(message) ? nil : "message \(error.message) lacks \(message)"
        }
        switch action {
        case .reconcile:
            return wanted == "reconcile" ? nil : "expected \(wanted), got reconcile"
        case .fanOut, .sweep:
            return "the corpus runs outside central mode, yet got \(action)"
        case .ignore(let reason):
            guard wanted == "ignore" else { return "expected \(wanted), got ignore: \(reason)" }
            return reason.contains(expect["reason"] as! String) ? nil : "reason \(reason) lacks \(expect["reason"]!)"
        case .tag(let request):
            guard wanted == "tag" else { return "expected \(wanted), got tag of \(request.instanceIds.count)" }
            if request.instanceIds.count != expect["instances"] as! Int { return "\(request.instanceIds.count) instances" }
            if request.region != expect["region"] as! String { return "region \(request.region)" }
            if request.instanceIds.contains(where: { !InstanceID.isValid($0) }) { return "a malformed id in the request" }
            guard expect["createdBy"] != nil || expect["writes"] != nil else { return nil }
            // The decision over what EC2 would report: every instance carrying `createdBy`.
            let createdBy = expect["createdBy"] as? String
            let instances = request.instanceIds.map {
                Instance(instanceId: $0, state: "running", tags: createdBy.map { ["CreatedBy": $0] } ?? [:])
            }
            var context = DecisionContext.existing
            if case .launch(let launcher) = request.origin {
                context = .launch(selfServiceCaller: SelfServiceLaunch.caller(of: launcher, roleName: manifest.roleName, roleId: manifest.roleId))
            }
            let plan = TaggingDecision.plan(instanceIds: request.instanceIds, instances: instances, roleId: manifest.roleId,
                                            context: context, keys: .defaults)
            let values = plan.writes.map { $0.tags.first { $0.key == "AwsUserId" }?.value ?? "" }
            for value in values where !isUserId(value, roleId: manifest.roleId) {
                return "would write \(value.debugDescription), not \(manifest.roleId):<session name>"
            }
            if let writes = expect["writes"] as? [[Any]] {
                let got = zip(values, plan.writes).map { "\($0)×\($1.instanceIds.count)" }
                let want = writes.map { "\($0[0] as! String)×\($0[1] as! Int)" }
                if got != want { return "writes \(got), expected \(want)" }
            }
            return nil
        }
    }

    /// `ROLEID:` then a role session name (`[\w+=,.@-]{2,64}`, ASCII): an independent check of what may be written.
    static func isUserId(_ value: String, roleId: String) -> Bool {
        guard value.hasPrefix(roleId + ":") else { return false }
        let session = value.utf8.dropFirst(roleId.utf8.count + 1)
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+=,.@-".utf8)
        return (2...64).contains(session.count) && session.allSatisfy(allowed.contains)
    }

    static func checkXML(_ bytes: [UInt8], expect: [String: Any]) -> String? {
        let wanted = expect["outcome"] as! String
        do {
            let root = try XMLReader.parse(bytes)
            guard wanted == "ok" else { return "parsed, expected \(expect["kind"] ?? wanted)" }
            if root.name != expect["root"] as! String { return "root \(root.name)" }
            for (name, text) in expect["text"] as? [String: String] ?? [:] {
                let found = root.firstDescendant(name)?.text
                if found != text { return "<\(name)> is \(found.debugDescription), expected \(text.debugDescription)" }
            }
            return nil
        } catch {
            guard wanted == "error" else { return "expected ok, got \(error)" }
            return error.kind.rawValue == expect["kind"] as! String ? nil : "kind \(error.kind.rawValue) (\(error.message)), expected \(expect["kind"]!)"
        }
    }
}

private extension Array {
    func repeated(_ count: Int) -> [Element] {
        var result: [Element] = []
        result.reserveCapacity(self.count * count)
        for _ in 0..<count { result += self }
        return result
    }
}
