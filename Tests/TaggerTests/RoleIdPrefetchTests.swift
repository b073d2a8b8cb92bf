import AWSQuery
import EC2
import Foundation
import IAM
import Primitives
@testable import Tagger
import TestSupport
import XCTest

/// The GetRole Lambda mode sends at start (`TaggingService.prefetchRoleId`).
final class RoleIdPrefetchTests: XCTestCase {
    private let clock = FakeClock()
    private let role = Role(roleName: TestData.roleName, roleId: TestData.roleId,
                            arn: "arn:aws:iam::111122223333:role/Okta-ServiceWorkbenchUser")
    private lazy var eventIAM = FakeIAM(role: role)
    private let ec2 = FakeEC2()
    private let one = "i-0123456789abcdef0"

    override func setUp() {
        ec2.instances[one] = TestData.instance(one, createdBy: "alice")
    }

    private func makeTagger(_ configuration: TaggerConfiguration = TestData.configuration()) -> TaggingService {
        TaggingService(configuration: configuration, clock: clock, iam: { self.eventIAM }, ec2: { _ in self.ec2 })
    }

    private func launch(_ tagger: TaggingService, deadline seconds: Double = 10) throws(TaggerError) -> TaggingResult {
        try tagger.handle(event: TestData.runInstances(ids: [one]), deadline: clock.now.addingTimeInterval(seconds))
    }

    /// A tagger whose read at start has given `answer`.
    private func taggerAnsweredAtStart(_ answer: Result<Role, AWSError>) -> (TaggingService, GatedIAM) {
        let tagger = makeTagger()
        let atStart = GatedIAM(answer: answer)
        tagger.prefetchRoleId(using: atStart, deadline: clock.now.addingTimeInterval(10))
        atStart.open()
        atStart.waitUntilAnswered()
        return (tagger, atStart)
    }

    func testTheFirstEventUsesTheRoleIdReadAtStart() throws {
        let (tagger, atStart) = taggerAnsweredAtStart(.success(role))
        let result = try launch(tagger)
        XCTAssertEqual(result.tagged.map(\.value), ["\(TestData.roleId):alice"])
        XCTAssertEqual(atStart.names, [TestData.roleName])
        XCTAssertEqual(eventIAM.getRoleCalls, [], "the event read no RoleId of its own")
        XCTAssertEqual(ec2.calls.count, 2)
    }

    func testTheFirstEventDescribesWhileTheReadAtStartIsStillOut() throws {
        // The read at start answers only once the event has described its
        // instances: were the event to wait for it first, it would wait
        // until its deadline.
        let tagger = makeTagger()
        let atStart = GatedIAM(answer: .success(role))
        ec2.onDescribe = { atStart.open() }
        tagger.prefetchRoleId(using: atStart, deadline: clock.now.addingTimeInterval(10))
        XCTAssertEqual(try launch(tagger, deadline: 5).tagged.map(\.value), ["\(TestData.roleId):alice"])
        XCTAssertEqual(eventIAM.getRoleCalls, [])
    }

    func testAFailedReadAtStartIsForgottenAndTheEventReadsAgainAndReportsItsOwnAnswer() throws {
        let (tagger, atStart) = taggerAnsweredAtStart(.failure(AWSError(code: .networkError, message: "connection refused", operation: "iam:GetRole")))
        eventIAM.failure = AWSError(code: .service("AccessDenied"), message: "not authorized to perform iam:GetRole",
                                    httpStatus: 403, operation: "iam:GetRole")
        XCTAssertThrowsError(try launch(tagger)) { error in
            XCTAssertEqual(ErrorType.of(error), "AccessDenied")
        }
        XCTAssertEqual(eventIAM.getRoleCalls, [TestData.roleName])
        XCTAssertEqual(ec2.calls, [.describeIds([one])], "described while the read at start was still to be picked up; nothing written")

        eventIAM.failure = nil
        XCTAssertEqual(try launch(tagger).tagged.count, 1)
        XCTAssertEqual(atStart.names.count, 1, "the read at start is not sent again")
    }

    func testAReadAtStartWithAnInvalidRoleIdIsReadAgain() throws {
        let (tagger, _) = taggerAnsweredAtStart(.success(Role(roleName: TestData.roleName, roleId: "not-a-role-id", arn: role.arn)))
        XCTAssertEqual(try launch(tagger).tagged.map(\.value), ["\(TestData.roleId):alice"])
        XCTAssertEqual(eventIAM.getRoleCalls, [TestData.roleName])
    }

    func testAReadAtStartOlderThanTheLifetimeIsReadAgain() throws {
        let (tagger, _) = taggerAnsweredAtStart(.success(role))
        // Provisioned concurrency: init long before the first event.
        clock.now = clock.now.addingTimeInterval(TaggingService.roleIdLifetime + 1)
        XCTAssertEqual(try launch(tagger).tagged.count, 1)
        XCTAssertEqual(eventIAM.getRoleCalls, [TestData.roleName])
    }

    func testASweepReadsTheRoleIdAgainEvenRightAfterStart() throws {
        let (tagger, atStart) = taggerAnsweredAtStart(.success(role))
        _ = try tagger.handle(event: TestData.sample("scheduled.json"), deadline: clock.now.addingTimeInterval(10))
        XCTAssertEqual(atStart.names.count, 1)
        XCTAssertEqual(eventIAM.getRoleCalls, [TestData.roleName])
    }

    func testAReadAtStartStillRunningAtTheDeadlineFailsThatEventOnly() throws {
        let tagger = makeTagger()
        let atStart = GatedIAM(answer: .success(role))
        tagger.prefetchRoleId(using: atStart, deadline: clock.now.addingTimeInterval(10))
        XCTAssertThrowsError(try launch(tagger, deadline: 0.05)) { error in
            guard case .aws(let failure)? = (error as? TaggerError)?.reason else { return XCTFail("\(error)") }
            XCTAssertEqual(failure.code, .deadlineExceeded)
            XCTAssertEqual(failure.operation, "iam:GetRole")
        }
        XCTAssertEqual(eventIAM.getRoleCalls, [], "the event does not race the read at start")
        XCTAssertEqual(ec2.writes, [])

        atStart.open()
        atStart.waitUntilAnswered()
        XCTAssertEqual(try launch(tagger).tagged.count, 1)
        XCTAssertEqual(eventIAM.getRoleCalls, [], "the next event picks up the answer")
    }

    func testNothingIsReadAtStartWhenNoEventWouldCallGetRole() throws {
        let withRoleId = makeTagger(TestData.configuration(roleId: TestData.roleId))
        let atStart = GatedIAM(answer: .success(role))
        atStart.open()
        withRoleId.prefetchRoleId(using: atStart, deadline: clock.now.addingTimeInterval(10))
        XCTAssertEqual(try launch(withRoleId).tagged.count, 1)

        var central = TestData.configuration()
        central.central = CentralMode(memberRole: "aws-userid-tagger-member")
        makeTagger(central).prefetchRoleId(using: atStart, deadline: clock.now.addingTimeInterval(10))

        var unnamed = TestData.configuration()
        unnamed.roleName = nil
        makeTagger(unnamed).prefetchRoleId(using: atStart, deadline: clock.now.addingTimeInterval(10))
        XCTAssertFalse(atStart.waitUntilAnswered(seconds: 0.2), "no thread sent GetRole")
    }
}

/// IAM whose GetRole waits until the test opens it, so the test knows what
/// the thread started at start has done (and never reads the clock meanwhile).
private final class GatedIAM: IAMAPI, @unchecked Sendable {
    private let answer: Result<Role, AWSError>
    private let gate = DispatchSemaphore(value: 0)
    private let answered = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var received: [String] = []

    init(answer: Result<Role, AWSError>) { self.answer = answer }

    var names: [String] { lock.withLock { received } }

    func open() { gate.signal() }

    @discardableResult
    func waitUntilAnswered(seconds: Double = 10) -> Bool {
        answered.wait(timeout: .now() + seconds) == .success
    }

    func getRole(name: String, deadline: Date) throws(AWSError) -> Role {
        gate.wait()
        gate.signal()  // stays open for any later call
        lock.withLock { received.append(name) }
        defer { answered.signal() }
        return try answer.get()
    }
}
