import XCTest
@testable import AWSClient
