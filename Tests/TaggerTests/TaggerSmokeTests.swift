import XCTest
@testable import Tagger
