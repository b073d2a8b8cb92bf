import Foundation
import XCTest

/// The bytes of `Fixtures/<name>` (origins in Fixtures/SOURCES.md).
func fixture(_ name: String) throws -> [UInt8] {
    let url = try XCTUnwrap(Bundle.module.resourceURL).appendingPathComponent("Fixtures/\(name)")
    return try Array(Data(contentsOf: url))
}
