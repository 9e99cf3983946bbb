import CaseModel
@testable import Disclosure
import Foundation
import XCTest

/// The publication gate: personal values of the export found canonically in any public text.
final class GateTests: XCTestCase {
    private func index() -> PersonalValueIndex {
        let index = PersonalValueIndex()
        index.addIDNumber("53040219850312123X")      // 0
        index.addPhone("+86 139 8765 4321")          // 1
        index.addPhone("0877-3012345")               // 2
        index.addName("张德福")                       // 3
        index.addName("王强")                         // 4
        index.addName("高峰")                         // 5
        index.addAddress("云南省玉溪市红塔区北苑路174号3栋2单元501室") // 6
        index.addBankAccount("6222 0202 0000 1234 562") // 7
        index.addName("阿依古丽·买买提")               // 8
        return index
    }

    func testEveryWrittenFormOfAValueIsFound() {
        let index = index()
        let found: [(String, PersonalValueKind)] = [
            ("号码5304 0219 8503 1212 3X在案", .idNumber),
            ("号码530402-19850312-123x", .idNumber),
            ("号码５３０４０２１９８５０３１２１２３Ｘ", .idNumber),
            ("号码53040219850312123×", .idNumber),
            ("号码530402198503\n12123X", .idNumber),
            ("号码五三〇四〇二一九八五〇三一二一二三X", .idNumber),
            ("电话13987654321", .phone),
            ("电话一三九八七六五四三二一", .phone),
            ("电话139.8765.4321", .phone),
            ("电话139—8765—4321", .phone),
            ("电话幺三九八七六五四三二一", .phone),
            ("座机（0877）3012345", .phone),
            ("本地号码301-2345", .phone),
            ("张德福称", .name),
            ("张　德　福称", .name),
            ("对张德福的询问笔录", .name),
            ("王强称", .name),
            ("对王强的询问", .name),
            ("王强家中", .name),
            ("住北苑路174号3栋2单元501室", .address),
            ("当事人在北苑路174号经营", .address),
            ("卡号6222020200001234562", .bankAccount),
            ("员工阿依古丽买买提在场", .name),
            ("员工阿依古丽·买买提在场", .name),
        ]
        for (text, kind) in found {
            let hits = index.hits(in: text)
            XCTAssertTrue(hits.contains { $0.kind == kind }, "\(text): \(hits)")
        }
    }

    func testShortNamesCountOnlyAsWholeNames() {
        let index = index()
        for text in ["加强王强化管理", "在用水高峰期擅自停水", "王强华签收", "高峰期间"] {
            XCTAssertEqual(index.hits(in: text).filter { $0.kind == .name }, [], text)
        }
    }

    func testBytesAndMarkup() {
        let index = index()
        XCTAssertEqual(index.hits(inUTF8: Array("当事人张德福".utf8)).first?.kind, .name)
        XCTAssertEqual(index.hits(inMarkup: "<p>号码5304<br/>0219 8503 1212 3X</p>").first?.kind, .idNumber)
        XCTAssertEqual(index.hits(inMarkup: "<td>&#24352;&#x5FB7;&#31119;</td>").first?.kind, .name)
        XCTAssertEqual(index.hits(inMarkup: #"{"facts":"\u5f20\u5fb7\u798f称"}"#).first?.kind, .name)
        XCTAssertEqual(index.hits(inMarkup: "<p>依法作出处罚决定</p>"), [])
    }

    /// A hit names the kind and the value's number, never the value.
    func testHitsNeverCarryTheValue() throws {
        let index = index()
        let hits = index.hits(in: "当事人张德福，身份证号码53040219850312123X")
        XCTAssertEqual(Set(hits.map(\.kind)), [.name, .idNumber])
        let described = String(describing: hits) + String(decoding: try JSONEncoder().encode(hits), as: UTF8.self)
        XCTAssertFalse(described.contains("张德福") || described.contains("53040219850312123"), described)
        XCTAssertEqual(Set(hits.map(\.valueIndex)), [0, 3])
    }

    /// A value injected into a rendered page after redaction (as a template bug would) is caught.
    func testAValueInjectedIntoAPageIsCaught() throws {
        let item = Fixtures.case(partyType: .naturalPerson, name: "张德福", idType: .residentID, idNumber: "53040219850312123X",
                                 facts: "经查，当事人张德福于2025年3月14日在河道内倾倒垃圾。")
        let index = PersonalValueIndex.export(cases: [item], officers: Fixtures.officers)
        let redacted = CaseRedaction(policy: .defaults, index: index).redact(item, agency: Fixtures.agency, officers: Fixtures.officersByCert)
        let published = try XCTUnwrap(redacted.publicCase)
        let page = "<html><body><h1>\(published.title ?? "")</h1><p>\(published.facts ?? "")</p></body></html>"
        XCTAssertEqual(index.hits(inMarkup: page), [], page)
        let injected = page.replacingOccurrences(of: "</p>", with: "（联系人张德福，5304 0219 8503 1212 3X）</p>")
        XCTAssertEqual(Set(index.hits(inMarkup: injected).map(\.kind)), [.name, .idNumber])
    }

    func testBuildingTheIndexOfALargeExportIsQuick() {
        let set = RedactionBench.syntheticCases(count: 300)
        let index = PersonalValueIndex.export(cases: set.cases, officers: set.officers)
        XCTAssertGreaterThan(index.count, 900)
        // Officers are public: never indexed.
        XCTAssertEqual(index.hits(in: "执法人员李振华、赵明"), [])
    }

    /// A person's street number alone is indexed, unless an organisation has its public seat there.
    func testAnOrganisationsSeatAtAPersonsNumberStaysPublic() {
        let person = Fixtures.case(id: "P", partyType: .naturalPerson, name: "张德福", idType: .residentID, idNumber: "53040219850312123X",
                                   address: "云南省玉溪市红塔区北苑路174号3栋501室", facts: "")
        let company = Fixtures.case(id: "C", partyType: .legalPerson, name: "玉溪宏达商贸有限公司", idType: .creditCode, idNumber: "91530400MA6K1234XL",
                                    legalRep: "王建国", address: "云南省玉溪市红塔区北苑路174号", facts: "")
        let index = PersonalValueIndex.export(cases: [person, company])
        XCTAssertEqual(index.hits(in: "住所：云南省玉溪市红塔区北苑路174号").filter { $0.kind == .address }, [])
        XCTAssertEqual(index.hits(in: "住北苑路174号3栋501室").first?.kind, .address)
        let alone = PersonalValueIndex.export(cases: [person])
        XCTAssertEqual(alone.hits(in: "在北苑路174号经营").first?.kind, .address)
    }

    /// A person's street number that is part of an agency's longer address (勐卯街道人民路66号) is
    /// the agency's seat on the agency's page, and still the person's anywhere else.
    func testAPersonsNumberInsideAnAgencysAddressStopsNoPage() {
        let person = Fixtures.case(id: "P", partyType: .naturalPerson, name: "张德福", idType: .residentID, idNumber: "53040219850312123X",
                                   address: "湖南省益阳市赫山区人民路66号", facts: "")
        let seat = "云南省瑞丽市勐卯街道人民路66号"
        let index = PersonalValueIndex.export(cases: [person], publicSeats: [seat])
        XCTAssertEqual(index.hits(in: "地址：\(seat)，电话0692-4141234"), [])
        XCTAssertEqual(index.hits(in: "<dd>瑞丽市勐卯街道人民路 66 号</dd>"), [], "canonical forms of the seat are the seat")
        XCTAssertEqual(index.hits(in: "当事人住人民路66号，").map(\.kind), [.address])
        XCTAssertEqual(index.hits(in: "地址：\(seat)；当事人住赫山区人民路66号").map(\.kind), [.address], "the seat excuses only its own text")
        let organisation = Fixtures.case(id: "C", partyType: .legalPerson, name: "瑞丽博远商贸有限公司", idType: .creditCode,
                                         idNumber: "91530400MA6K1234XL", legalRep: "王建国", address: seat, facts: "")
        let both = PersonalValueIndex.export(cases: [person, organisation])
        XCTAssertEqual(both.hits(in: "住所：\(seat)"), [], "an organisation's seat is as public as an agency's")
        XCTAssertEqual(both.hits(in: "当事人住人民路66号，").map(\.kind), [.address])
    }

    /// An agency's abbreviation opens its numbers in free text (红林草林地审字〔2024〕1号): it is no
    /// person, so the gate must not index it (it would withhold every decision the agency numbers)
    /// and the redactor must leave the number whole.
    func testAnAgencysAbbreviationInANumberIsNoName() throws {
        var permit = Fixtures.case(id: "A", partyType: .legalPerson, name: "玉溪宏达商贸有限公司", idType: .creditCode,
                                   idNumber: "91530400MA6K1234XL", legalRep: "王建国",
                                   facts: "本局经审查，出具了使用林地审核同意书（编号：红林草林地审字〔2024〕1号）。")
        permit.docNo = "红林草许〔2024〕2号"
        var other = Fixtures.case(id: "B", partyType: .naturalPerson, name: "张德福", idType: .residentID,
                                  idNumber: "53040219850312123X", facts: "据证人汤春梅陈述，当事人在此取水。")
        other.docNo = "红林草罚〔2024〕7号"
        let index = PersonalValueIndex.export(cases: [permit, other], officers: Fixtures.officers, namesInText: true)
        XCTAssertEqual(index.hits(in: "红林草罚〔2024〕7号"), [])
        XCTAssertEqual(index.hits(in: "据证人汤春梅陈述").first?.kind, .name, "names in text are still indexed")
        let redaction = CaseRedaction(policy: .defaults, index: index)
        let published = try XCTUnwrap(redaction.redact(permit, agency: Fixtures.agency, officers: Fixtures.officersByCert).publicCase)
        XCTAssertTrue(published.facts?.contains("红林草林地审字〔2024〕1号") == true, published.facts ?? "")
        XCTAssertEqual(DocumentNumbers.issuerAbbreviations("红林草许〔2024〕2号"), ["红林", "红林草", "红林草许"])
        XCTAssertEqual(DocumentNumbers.issuerAbbreviations("无编号"), [])
    }
}
