import Foundation
@testable import Tagger
import XCTest

final class ValidationTests: XCTestCase {
    func testSessionNames() {
        for good in ["tim.malone", "tim.malone@example.org", "a_b+c=d,e.f@g-h", "ab", String(repeating: "x", count: 64)] {
            XCTAssertTrue(SessionName.isValid(good), good)
        }
        let bad = [
            "", "a", String(repeating: "x", count: 65),
            "AROAEXAMPLEID1234567:victim",  // crafted to look like another user's id
            "tim malone", " tim", "tim\t", "o'brien@example.org", "a!b", "a#b", "a%b", "a&b", "a/b", "a*b",
            "jürgen", "tim.malоne",  // Cyrillic о
            "ｔｉｍ", "tim\u{200B}", "tim\u{0}",
        ]
        for name in bad { XCTAssertFalse(SessionName.isValid(name), name) }
    }

    func testRoleIds() {
        XCTAssertTrue(RoleID.isValid("AROAEXAMPLEID1234567"))
        XCTAssertTrue(RoleID.isValid("AROA5PZQZ5QHBULW27VAC"))
        for bad in ["AROA12345678901", "AIDAEXAMPLEID1234567", "AROAEXAMPLEID123456a", "AROAEXAMPLE-D1234567", "AROAЕXAMPLEID1234567"] {
            XCTAssertFalse(RoleID.isValid(bad), bad)
        }
    }

    func testInstanceIds() {
        for good in ["i-784cdacd", "i-0f7c711dc84bedda0"] { XCTAssertTrue(InstanceID.isValid(good), good) }
        for bad in ["i-784cdac", "i-0f7c711dc84bedda", "i-0F7C711DC84BEDDA0", "i-0f7c711dc84bedda0 ", "vol-784cdacd", "i-784cdacz"] {
            XCTAssertFalse(InstanceID.isValid(bad), bad)
        }
    }

    func testARNPatterns() throws {
        let pattern = try XCTUnwrap(ARNPattern("arn:aws:sts::*:assumed-role/swb-*/*"))
        XCTAssertTrue(pattern.matches("arn:aws:sts::111122223333:assumed-role/swb-LaunchConstraint/servicecatalog"))
        XCTAssertFalse(pattern.matches("arn:aws:sts::111122223333:assumed-role/Other/swb-x"))
        XCTAssertFalse(pattern.matches("arn:aws:sts::111122223333:assumed-role/swb-LaunchConstraint"))
        let exact = try XCTUnwrap(ARNPattern("arn:aws:iam::111122223333:role/Launcher"))
        XCTAssertTrue(exact.matches("arn:aws:iam::111122223333:role/Launcher"))
        XCTAssertFalse(exact.matches("arn:aws:iam::111122223333:role/Launcher2"))
        XCTAssertFalse(exact.matches("arn:aws:iam::111122223333:role/Launche"))
        XCTAssertTrue(try XCTUnwrap(ARNPattern("arn:*")).matches("arn:aws:iam::1:user/x"))
        XCTAssertNil(ARNPattern("*"))
        XCTAssertNil(ARNPattern("arn:" + String(repeating: "a", count: 2045)))
    }

    func testARNPatternBacktrackingEnds() throws {
        // Exponential backtracking would not finish; single-star backtracking does.
        let pattern = try XCTUnwrap(ARNPattern("arn:" + String(repeating: "*a", count: 500) + "b"))
        XCTAssertFalse(pattern.matches("arn:" + String(repeating: "a", count: 2000)))
    }
}
