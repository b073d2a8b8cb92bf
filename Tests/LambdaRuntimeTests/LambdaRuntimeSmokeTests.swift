import XCTest
@testable import LambdaRuntime
