import Native
import XCTest

/// The feed's schema check streams the document (no tree of the whole feed is built): it must still
/// find every kind of problem a tree-based check found, with the line where it is.
final class XMLSchemaTests: XCTestCase {
    private let xsd = """
        <?xml version="1.0" encoding="UTF-8"?>
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
          <xs:element name="decisions">
            <xs:complexType>
              <xs:sequence>
                <xs:element name="decision" minOccurs="0" maxOccurs="unbounded">
                  <xs:complexType>
                    <xs:sequence>
                      <xs:element name="title" type="xs:string"/>
                      <xs:element name="fine">
                        <xs:simpleType>
                          <xs:restriction base="xs:string"><xs:pattern value="\\d{1,15}\\.\\d{2}"/></xs:restriction>
                        </xs:simpleType>
                      </xs:element>
                    </xs:sequence>
                    <xs:attribute name="id" type="xs:string" use="required"/>
                  </xs:complexType>
                </xs:element>
              </xs:sequence>
            </xs:complexType>
          </xs:element>
        </xs:schema>
        """

    private func feed(_ decisions: [String]) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<decisions>\n" + decisions.joined(separator: "\n") + "\n</decisions>\n"
    }

    private func decision(_ id: Int, fine: String = "200.00", title: String = "违反《食品安全法》案") -> String {
        "<decision id=\"\(id)\"><title>\(title)</title><fine>\(fine)</fine></decision>"
    }

    func testAValidFeedHasNoProblems() throws {
        let schema = try XMLSchema(xsd: xsd, name: "test.xsd")
        XCTAssertEqual(schema.validate(feed((1...5_000).map { decision($0) }), name: "decisions.xml"), [])
        XCTAssertEqual(schema.validate(feed([]), name: "decisions.xml"), [])
    }

    func testAValueAgainstTheSchemaIsFoundOnItsLine() throws {
        let schema = try XMLSchema(xsd: xsd, name: "test.xsd")
        // Line 1 is the declaration, line 2 <decisions>, decision n on line n + 2.
        var decisions = (1...300).map { decision($0) }
        decisions[249] = decision(250, fine: "二百元")
        let problems = schema.validate(feed(decisions), name: "decisions.xml")
        XCTAssertEqual(problems.map(\.line), [252], "\(problems)")
        XCTAssertTrue(problems.first?.message.contains("fine") ?? false, "\(problems)")
    }

    func testAMissingElementAndAttributeAreFound() throws {
        let schema = try XMLSchema(xsd: xsd, name: "test.xsd")
        let problems = schema.validate(feed([decision(1), "<decision><title>无编号</title></decision>", "<decision id=\"3\"><fine>1.00</fine></decision>"]),
                                       name: "decisions.xml")
        // Line 4 lacks its id and its <fine>; line 5 lacks its <title>.
        XCTAssertEqual(problems.map(\.line), [4, 4, 5], "\(problems)")
    }

    func testAFeedThatIsNotWellFormedIsRefused() throws {
        let schema = try XMLSchema(xsd: xsd, name: "test.xsd")
        let broken = feed([decision(1), decision(2), "<decision id=\"3\"><title>未闭合</decision>"])
        let problems = schema.validate(broken, name: "decisions.xml")
        XCTAssertFalse(problems.isEmpty)
        XCTAssertEqual(schema.validate("", name: "empty.xml").isEmpty, false, "an empty document is not a feed")
    }

    /// The check reads no external entity or DTD from the network or the disk: a document type declaration is refused.
    func testADocumentTypeDeclarationIsRefused() throws {
        let secret = FileManager.default.temporaryDirectory.appendingPathComponent("xmlschema-secret-\(getpid()).txt")
        try "999.00".write(to: secret, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: secret) }
        let schema = try XMLSchema(xsd: xsd, name: "test.xsd")
        let text = "<?xml version=\"1.0\"?>\n<!DOCTYPE decisions [<!ENTITY f SYSTEM \"file://\(secret.path)\">]>\n"
            + "<decisions><decision id=\"1\"><title>t</title><fine>&f;</fine></decision></decisions>\n"
        let problems = schema.validate(text, name: "decisions.xml")
        XCTAssertEqual(problems.count, 1, "\(problems)")
        XCTAssertTrue(problems.first?.message.contains("DOCTYPE") ?? false, "\(problems)")
    }
}
