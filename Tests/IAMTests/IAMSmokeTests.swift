import XCTest
@testable import IAM
