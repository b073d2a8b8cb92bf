import XCTest
import XML

/// What the reader accepts, feature by feature (XML 1.0 section numbers in the names' comments).
final class XMLReaderTests: XCTestCase {
    private func parse(_ text: String) throws -> XMLElement {
        try XMLReader.parse(Array(text.utf8))
    }

    func testDeclarationAndByteOrderMarkAreSkipped() throws {
        let root = try XMLReader.parse([0xEF, 0xBB, 0xBF] + Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>x</a>\n".utf8))
        XCTAssertEqual(root, XMLElement(name: "a", text: "x"))
        XCTAssertEqual(try parse("<?xml version='1.0' encoding='us-ascii' standalone='yes'?><a/>").name, "a")
        XCTAssertEqual(try parse("<?xml version=\"1.0\"?><a encoding='latin1'/>").attributes, ["encoding": "latin1"])
    }

    func testElementsAreNamedByLocalNameAndNamespaceDeclarationsAreDropped() throws {
        let root = try parse("""
            <ec2:Response xmlns:ec2="http://ec2.amazonaws.com/doc/2016-11-15/" xmlns='urn:x'>\
            <ec2:Code>Throttling</ec2:Code><Message xsi:nil="false">slow</Message></ec2:Response>
            """)
        XCTAssertEqual(root.name, "Response")
        XCTAssertEqual(root.attributes, [:])
        XCTAssertEqual(root.children.map(\.name), ["Code", "Message"])
        XCTAssertEqual(root.child("Code")?.text, "Throttling")
        XCTAssertEqual(root.child("Message")?.attributes, ["nil": "false"])
    }

    func testAttributesTakeEitherQuoteAndMayHoldTheOtherQuoteAndGreaterThan() throws {
        // A literal tab or newline in a value becomes a space (§3.3.3); a referenced one stays.
        let root = try parse("<a one=\"it's > 1\" two='say \"hi\"' three = \"&lt;&amp;&#65;\" four=\"x&#10;y\tz\nw\"/>")
        XCTAssertEqual(root.attributes, ["one": "it's > 1", "two": "say \"hi\"", "three": "<&A", "four": "x\ny z w"])
    }

    func testSelfClosingTagsWithAndWithoutSpaceAreEmptyElements() throws {
        let root = try parse("<tagSet><item><key>Empty</key><value/></item><item><key>Also</key><value /></item></tagSet>")
        XCTAssertEqual(root.children("item").map { $0.child("value") }, [XMLElement(name: "value"), XMLElement(name: "value")])
    }

    func testIndentationBetweenChildrenIsDroppedButLeafWhitespaceIsKept() throws {
        let root = try parse("<r>\n  <value>  two spaces  </value>\n  <blank> </blank>\n</r>\n")
        XCTAssertEqual(root.text, "")
        XCTAssertEqual(root.child("value")?.text, "  two spaces  ")
        XCTAssertEqual(root.child("blank")?.text, " ")
    }

    func testTextAroundChildrenIsConcatenatedWithoutTheChildrensText() throws {
        let root = try parse("<a>x<b>inner</b>y<c/>z</a>")
        XCTAssertEqual(root.text, "xyz")
        XCTAssertEqual(root.child("b")?.text, "inner")
    }

    func testCommentsAreSkippedEverywhere() throws {
        let root = try parse("<!-- before --><a><!-- <b>not an element</b> -->text<!----></a><!-- after -->\n")
        XCTAssertEqual(root, XMLElement(name: "a", text: "text"))
    }

    func testPredefinedEntitiesAndCharacterReferencesAreDecoded() throws {
        let root = try parse("<a>&lt;&gt;&amp;&quot;&apos; &#65;&#x42;&#x0063; &#233;&#x20AC;&#x1F600;</a>")
        XCTAssertEqual(root.text, "<>&\"' ABc é€😀")
    }

    func testCDATAIsTakenLiterally() throws {
        XCTAssertEqual(try parse("<a><![CDATA[<b>&amp;</b>]]></a>").text, "<b>&amp;</b>")
        XCTAssertEqual(try parse("<a>x<![CDATA[]]>y</a>").text, "xy")
    }

    func testCDATAEndsAtTheFirstDoubleBracketGreaterThan() throws {
        XCTAssertEqual(try parse("<a><![CDATA[a]]b]]></a>").text, "a]]b")
        XCTAssertEqual(try parse("<a><![CDATA[x]]]></a>").text, "x]")
        XCTAssertEqual(try parse("<a><![CDATA[]]]]><![CDATA[>]]></a>").text, "]]>")
        XCTAssertEqual(try parse("<a><![CDATA[]] >]]></a>").text, "]] >")
    }

    func testLineEndsAreNormalised() throws {
        XCTAssertEqual(try parse("<a>1\r\n2\r3\n<![CDATA[4\r\n]]></a>").text, "1\n2\n3\n4\n")
    }

    func testMultiByteTextAndNamesSurviveIntact() throws {
        let root = try parse("<données clé=\"Grüße\">Tim Malöne – 東京</données>")
        XCTAssertEqual(root, XMLElement(name: "données", attributes: ["clé": "Grüße"], text: "Tim Malöne – 東京"))
    }

    func testEndTagsMayCarryWhitespaceBeforeTheGreaterThan() throws {
        XCTAssertEqual(try parse("<a><b>1</b\n></a >").child("b")?.text, "1")
    }

    func testFirstDescendantSearchesInDocumentOrder() throws {
        let root = try parse("<r><x><Code>deep</Code></x><Code>shallow</Code></r>")
        XCTAssertEqual(root.firstDescendant("Code")?.text, "deep")
        XCTAssertEqual(root.firstDescendant("r")?.name, "r")
        XCTAssertNil(root.firstDescendant("Missing"))
    }

    func testDepthUpToTheLimitIsAccepted() throws {
        let depth = XMLLimits.default.maxDepth
        let text = String(repeating: "<a>", count: depth) + "bottom" + String(repeating: "</a>", count: depth)
        var element = try parse(text)
        for _ in 1..<depth { element = try XCTUnwrap(element.child("a")) }
        XCTAssertEqual(element.text, "bottom")
    }
}
