import Foundation
import XCTest
import XML

/// What the reader refuses: each case must throw the named kind, quickly,
/// without expanding, recursing or crashing.
final class XMLReaderRefusalTests: XCTestCase {
    private func assertRefused(_ text: String, _ kind: XMLError.Kind, limits: XMLLimits = .default,
                               file: StaticString = #filePath, line: UInt = #line) {
        assertRefused(Array(text.utf8), kind, limits: limits, file: file, line: line)
    }

    private func assertRefused(_ bytes: [UInt8], _ kind: XMLError.Kind, limits: XMLLimits = .default,
                               file: StaticString = #filePath, line: UInt = #line) {
        do {
            let root = try XMLReader.parse(bytes, limits: limits)
            XCTFail("accepted, root <\(root.name)>", file: file, line: line)
        } catch {
            XCTAssertEqual(error.kind, kind, error.description, file: file, line: line)
            XCTAssertTrue((0...bytes.count).contains(error.offset) || kind == .tooLarge, "offset \(error.offset)", file: file, line: line)
        }
    }

    // MARK: Entities and DOCTYPE

    func testBillionLaughsIsRefusedAtTheDoctype() {
        var declarations = #"<!ENTITY lol "lol">"#
        for level in 1...9 {
            let previous = level == 1 ? "lol" : "lol\(level - 1)"
            declarations += "<!ENTITY lol\(level) \"" + String(repeating: "&\(previous);", count: 10) + "\">"
        }
        assertRefused("<?xml version=\"1.0\"?><!DOCTYPE lolz [\(declarations)]><lolz>&lol9;</lolz>", .doctype)
    }

    func testExternalEntityIsRefusedAtTheDoctype() {
        assertRefused(#"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r>&xxe;</r>"#, .doctype)
        assertRefused(#"<!DOCTYPE r SYSTEM "http://169.254.169.254/latest/meta-data/"><r/>"#, .doctype)
    }

    func testAnyDoctypeIsRefused() {
        assertRefused("<!DOCTYPE html><html/>", .doctype)
        assertRefused("<r><!DOCTYPE r></r>", .doctype)
    }

    func testEntityDeclarationsOutsideADoctypeAreRefused() {
        assertRefused(#"<r><!ENTITY a "b"></r>"#, .malformed)
    }

    func testNamedEntitiesOtherThanTheFivePredefinedAreRefused() {
        assertRefused("<r>&nbsp;</r>", .undefinedEntity)
        assertRefused("<r>&xxe;</r>", .undefinedEntity)
        assertRefused("<r a='&copy;'/>", .undefinedEntity)
    }

    func testInvalidCharacterReferencesAreRefused() {
        for reference in ["&#0;", "&#x0;", "&#1;", "&#x1F;", "&#xD800;", "&#xDFFF;", "&#xFFFE;", "&#xFFFF;", "&#x110000;",
                          "&#1114112;", "&#99999999999999999999;"] {
            assertRefused("<r>\(reference)</r>", .invalidCharacter)
        }
    }

    func testMalformedReferencesAreRefused() {
        for text in ["&", "& ", "&amp", "&#;", "&#x;", "&#12a;", "&#X41;", "&#xG;", "&;", "&1a;",
                     "&" + String(repeating: "a", count: 40) + ";"] {
            assertRefused("<r>\(text)</r>", .malformed)
        }
    }

    // MARK: Processing instructions and encodings

    func testProcessingInstructionsAreRefused() {
        assertRefused("<?xml-stylesheet href='a.xsl'?><r/>", .processingInstruction)
        assertRefused("<r><?php echo 1; ?></r>", .processingInstruction)
        assertRefused("<r/><?pi?>", .processingInstruction)
        assertRefused("\n<?xml version='1.0'?><r/>", .processingInstruction)
    }

    func testOtherDeclaredEncodingsAreRefused() {
        assertRefused("<?xml version='1.0' encoding='ISO-8859-1'?><r/>", .unsupportedEncoding)
        assertRefused("<?xml version=\"1.0\" encoding=\"UTF-16\"?><r/>", .unsupportedEncoding)
    }

    // MARK: Structure

    func testMismatchedTagsAreRefused() {
        assertRefused("<a><b></a></b>", .mismatchedTag)
        assertRefused("<ec2:a></a>", .mismatchedTag)
        assertRefused("<a></A>", .mismatchedTag)
    }

    func testUnclosedElementsAreRefused() {
        assertRefused("<a><b></b>", .truncated)
        assertRefused("", .truncated)
        assertRefused("  \n", .truncated)
        assertRefused("<!-- only a comment -->", .truncated)
    }

    func testEveryTruncationOfADocumentIsRefused() {
        let document = Array("""
            <?xml version="1.0" encoding="UTF-8"?>
            <Response><Errors><Error><Code>A&amp;B</Code><Message a='1'><![CDATA[x]]></Message><!-- c --></Error></Errors>\
            <RequestID>r</RequestID></Response>
            """.utf8)
        XCTAssertNoThrow(try XMLReader.parse(document))
        for length in 0..<document.count {
            XCTAssertThrowsError(try XMLReader.parse(Array(document[..<length])), "prefix of \(length) bytes")
        }
    }

    func testContentOutsideTheRootIsRefused() {
        assertRefused("x<a/>", .outsideRoot)
        assertRefused("<a/>x", .outsideRoot)
        assertRefused("<a/><b/>", .outsideRoot)
        assertRefused("<a/></a>", .outsideRoot)
        assertRefused("<a/>&amp;", .outsideRoot)
        assertRefused("<a/><![CDATA[x]]>", .outsideRoot)
    }

    func testBrokenTagsAndAttributesAreRefused() {
        for text in ["<a b=c/>", "<a b='<'/>", "<a b='1' b='2'/>", "<a x:b='1' y:b='2'/>", "<a b='1'c='2'/>", "<a b/>",
                     "<1a/>", "<a:/>", "< a/>", "<a/ >", "<a><b></b ></a x>", "<a><!-x--></a>"] {
            assertRefused(text, .malformed)
        }
    }

    func testUnterminatedConstructsAreRefused() {
        for text in ["<a><!-- no end</a>", "<a><![CDATA[no end</a>", "<a b='no end/>", "<?xml version='1.0'", "<a", "<a b"] {
            assertRefused(text, .truncated)
        }
    }

    // MARK: Bytes

    func testInvalidUTF8IsRefused() {
        let cases: [[UInt8]] = [
            [0x80],                    // lone continuation byte
            [0xC0, 0xAF],              // overlong '/'
            [0xE0, 0x80, 0xAF],        // overlong
            [0xED, 0xA0, 0x80],        // UTF-16 surrogate
            [0xF4, 0x90, 0x80, 0x80],  // past U+10FFFF
            [0xF5, 0x80, 0x80, 0x80],
            [0xFF],
            [0xC3],                    // truncated sequence
            [0xE2, 0x82, 0x41],        // bad continuation
        ]
        for bytes in cases {
            assertRefused(Array("<a>".utf8) + bytes + Array("</a>".utf8), .invalidUTF8)
        }
        assertRefused(Array("<a>".utf8) + [0xE2, 0x82], .invalidUTF8)
    }

    func testControlCharactersAreRefused() {
        assertRefused(Array("<a>".utf8) + [0x00] + Array("</a>".utf8), .invalidCharacter)
        assertRefused(Array("<a>".utf8) + [0x1B] + Array("</a>".utf8), .invalidCharacter)
        assertRefused(Array("<a>".utf8) + [0xEF, 0xBF, 0xBE] + Array("</a>".utf8), .invalidCharacter)  // U+FFFE
    }

    // MARK: Limits

    func testDeepNestingIsRefusedWithoutRecursion() {
        let depth = 100_000
        let bytes = Array(String(repeating: "<a>", count: depth).utf8) + Array(String(repeating: "</a>", count: depth).utf8)
        assertRefused(bytes, .tooDeep)
        let oneTooDeep = XMLLimits.default.maxDepth + 1
        assertRefused(String(repeating: "<a>", count: oneTooDeep) + String(repeating: "</a>", count: oneTooDeep), .tooDeep)
    }

    func testBodiesOverTheSizeLimitAreRefusedBeforeReading() {
        let tenMegabytes = Array("<a>".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 10_000_000) + Array("</a>".utf8)
        assertRefused(tenMegabytes, .tooLarge)
        let small = XMLLimits(maxDepth: 64, maxDocumentSize: 10, maxElementCount: 10)
        assertRefused("<a>1234</a>", .tooLarge, limits: small)
        XCTAssertNoThrow(try XMLReader.parse(Array("<a>123</a>".utf8), limits: small))
    }

    /// Text is bounded on its own: a stream reader keeps no tree, but must not
    /// hold a body-sized string either. Nested elements' text counts together.
    func testCharacterDataIsLimited() {
        let limits = XMLLimits(maxDepth: 64, maxDocumentSize: 1 << 20, maxElementCount: 100, maxTextSize: 8)
        XCTAssertNoThrow(try XMLReader.parse(Array("<a>12345678</a>".utf8), limits: limits))
        assertRefused("<a>123456789</a>", .tooLarge, limits: limits)
        assertRefused("<a>12345<b>6789</b></a>", .tooLarge, limits: limits)
        assertRefused("<a><![CDATA[123456789]]></a>", .tooLarge, limits: limits)
        XCTAssertNoThrow(try XMLReader.parse(Array("<a><b>12345678</b><b>12345678</b></a>".utf8), limits: limits),
                         "the text of closed elements no longer counts")
        let megabyteAndOne = "<a>" + String(repeating: "x", count: (1 << 20) + 1) + "</a>"
        assertRefused(megabyteAndOne, .tooLarge)
    }

    func testElementCountIsLimited() {
        let limits = XMLLimits(maxDepth: 64, maxDocumentSize: 1 << 20, maxElementCount: 100)
        let children = { (count: Int) in "<r>" + String(repeating: "<i/>", count: count) + "</r>" }
        XCTAssertNoThrow(try XMLReader.parse(Array(children(99).utf8), limits: limits))
        assertRefused(children(100), .tooManyElements, limits: limits)
    }

    /// Thousands of corrupted variants of a real-shaped body: each must parse or
    /// throw an XMLError pointing inside the document, never trap or hang.
    func testCorruptedDocumentsNeverCrash() {
        let original = Array("""
            <?xml version="1.0" encoding="UTF-8"?>
            <DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
                <requestId>8f7724cf-496f-496e-8fe3-example</requestId>
                <reservationSet><item><instancesSet><item a='1' b="2">
                    <instanceId>i-1</instanceId><!-- c --><tagSet><item><key>K</key><value>&lt;&#233;&#x1F600;<![CDATA[]]]]></value></item></tagSet>
                    <name>Malöne</name><empty/>
                </item></instancesSet></item></reservationSet>
                <nextToken>a/b+c=</nextToken>
            </DescribeInstancesResponse>
            """.utf8)
        let interesting = Array("<>/&;#x!-[]?='\"\n ".utf8) + [0x00, 0x80, 0xC3, 0xED, 0xFF]
        var random = SplitMix64(seed: 0x5EED)
        var parsed = 0
        for _ in 0..<5000 {
            var bytes = original
            for _ in 0..<(1 + random.next(below: 4)) {
                let index = random.next(below: bytes.count)
                switch random.next(below: 4) {
                case 0: bytes[index] = interesting[random.next(below: interesting.count)]
                case 1: bytes.insert(interesting[random.next(below: interesting.count)], at: index)
                case 2: bytes.removeSubrange(index..<min(bytes.count, index + 1 + random.next(below: 8)))
                default: bytes.insert(contentsOf: bytes[index..<min(bytes.count, index + random.next(below: 16))], at: random.next(below: bytes.count))
                }
                if bytes.isEmpty { bytes = original }
            }
            do {
                _ = try XMLReader.parse(bytes)
                parsed += 1
            } catch {
                XCTAssertTrue((0...bytes.count).contains(error.offset), error.description)
            }
        }
        XCTAssertLessThan(parsed, 5000, "corruption must be noticed sometimes")
    }

    func testErrorsQuoteAtMostAShortPieceOfTheDocument() {
        let long = String(repeating: "n", count: 100_000)
        for text in ["<\(long)></x>", "<x></\(long)>", "<\(long)", "<a/><\(long)/>", "<\(long) a='1' a='2'/>", "<a:\(long)></b>"] {
            XCTAssertThrowsError(try XMLReader.parse(Array(text.utf8))) {
                XCTAssertLessThan(($0 as! XMLError).description.utf8.count, 300)
            }
        }
    }

    func testErrorsSayWhereAndWhat() {
        XCTAssertThrowsError(try XMLReader.parse(Array("<a><b></c></a>".utf8))) {
            let error = $0 as! XMLError
            XCTAssertEqual(error.offset, 6)
            XCTAssertEqual(error.description, "invalid XML at byte 6: </c> does not close <b>")
        }
    }
}

/// A small deterministic generator (SplitMix64), so a failing case can be replayed.
private struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next(below bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}
