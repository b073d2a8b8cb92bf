import XCTest
@testable import EC2
