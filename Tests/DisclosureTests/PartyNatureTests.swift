import CaseModel
@testable import Disclosure
import Foundation
import XCTest

/// Natural persons by what they are: a 个体工商户 under its operator's 居民身份证 is a person.
final class PartyNatureTests: XCTestCase {
    private func publish(_ item: EnforcementCase) throws -> (PublicCase, String) {
        let index = PersonalValueIndex.export(cases: [item], officers: Fixtures.officers)
        let result = CaseRedaction(policy: .defaults, index: index).redact(item, agency: Fixtures.agency, officers: Fixtures.officersByCert)
        let published = try XCTUnwrap(result.publicCase)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (published, String(decoding: try encoder.encode(published), as: UTF8.self))
    }

    /// The leak of issue #12: name and ID number of a 个体工商户 published as 名称 and 统一社会信用代码.
    func testAnIndividualBusinessUnderAResidentIDIsAnonymisedEverywhere() throws {
        let item = Fixtures.case(partyType: .individualBusiness, name: "张德福", idType: .residentID, idNumber: "53040219850312123X",
                                 legalRep: "张德福", title: "张德福未经许可取水案",
                                 facts: "经查，当事人张德福（身份证号码53040219850312123X）于2025年3月14日在北苑路擅自取水。",
                                 evidence: ["张德福的询问笔录", "张德福的身份证复印件"])
        XCTAssertTrue(PartyNature.isNaturalPerson(item.party))
        let (published, json) = try publish(item)
        XCTAssertEqual(published.partyName, "张某")
        XCTAssertNil(published.partyCreditCode)
        XCTAssertNil(published.legalRepresentative)
        XCTAssertEqual(published.partyAddress, "云南省玉溪市红塔区")
        XCTAssertEqual(published.title, "张某未经许可取水案")
        for secret in ["张德福", "53040219850312123X", "13987654321", "北苑路174号"] {
            XCTAssertFalse(CorpusTests.leaks(secret, in: json), "\(secret) in \(json)")
        }
        XCTAssertEqual(PersonalValueIndex.export(cases: [item]).hits(inMarkup: json), [], json)
    }

    func testACreditCodeThatIsAnIDNumberOrFailsMakesAPerson() {
        let asID = Fixtures.case(partyType: .individualBusiness, name: "德福小吃店", idType: .creditCode, idNumber: "53040219850312123X", facts: "")
        XCTAssertTrue(PartyNature.isNaturalPerson(asID.party))
        XCTAssertNil(PartyNature.publicCreditCode(asID.party))
        let failing = Fixtures.case(partyType: .individualBusiness, name: "李秀英", idType: .creditCode, idNumber: "92530402MA6NXY1P0Q", facts: "")
        XCTAssertTrue(PartyNature.isNaturalPerson(failing.party))
        let company = Fixtures.case(partyType: .legalPerson, name: "玉溪宏达商贸有限公司", idType: .creditCode, idNumber: "91530400MA6K1234XL",
                                    legalRep: "王建国", facts: "")
        XCTAssertFalse(PartyNature.isNaturalPerson(company.party))
        XCTAssertEqual(PartyNature.publicCreditCode(company.party), "91530400MA6K1234XL")
        let badCompany = Fixtures.case(partyType: .legalPerson, name: "玉溪宏达商贸有限公司", idType: .creditCode, idNumber: "91530400MA6K1234XA", facts: "")
        XCTAssertNil(PartyNature.publicCreditCode(badCompany.party), "the slot only carries a code that passes GB 32100")
    }

    func testAShopWithAValidCodeIsPublishedAsItIs() throws {
        let shop = Fixtures.case(partyType: .individualBusiness, name: "红塔区德福小吃店", idType: .creditCode, idNumber: "92530402MA6NXY1P0P",
                                 legalRep: "张德福", address: "云南省玉溪市红塔区北苑路174号", facts: "经查，当事人于2025年3月14日超范围经营。")
        XCTAssertFalse(PartyNature.isNaturalPerson(shop.party))
        let (published, _) = try publish(shop)
        XCTAssertEqual(published.partyName, "红塔区德福小吃店")
        XCTAssertEqual(published.partyCreditCode, "92530402MA6NXY1P0P")
        XCTAssertEqual(published.legalRepresentative, "张德福")
    }

    func testAMinorsCaseStaysOffAndItsNamesAreIndexed() {
        let minor = Fixtures.case(id: "M", partyType: .naturalPerson, name: "林小森", idType: .residentID, idNumber: "530402201205067815",
                                  facts: "当事人林小森在河道内游泳。", minor: true)
        let other = Fixtures.case(id: "O", partyType: .legalPerson, name: "玉溪宏达商贸有限公司", idType: .creditCode, idNumber: "91530400MA6K1234XL",
                                  legalRep: "王建国", facts: "经查，该公司雇请林小森搬运货物。")
        XCTAssertNotNil(CaseRedaction(policy: .defaults).redact(minor, agency: Fixtures.agency, officers: Fixtures.officersByCert).report.withheld)
        let index = PersonalValueIndex.export(cases: [minor, other], officers: Fixtures.officers)
        let redaction = CaseRedaction(policy: .defaults, privateNames: CaseRedaction.minors(in: [minor, other]), index: index)
        let facts = redaction.redact(other, agency: Fixtures.agency, officers: Fixtures.officersByCert).publicCase?.facts ?? ""
        XCTAssertEqual(facts, "经查，该公司雇请林某搬运货物。")
    }

    /// The officer 赵明 on the case does not shield the party 赵明玉, whose name starts like his.
    func testAnOfficersNameInsideThePartysNameDoesNotShieldIt() throws {
        let item = Fixtures.case(partyType: .individualBusiness, name: "赵明玉", idType: .residentID, idNumber: "53040219850312123X",
                                 facts: "经查，当事人赵明玉于2025年3月14日擅自取水。执法人员赵明、李振华对赵明玉进行了询问。",
                                 evidence: ["对赵明玉的询问笔录"])
        let (published, json) = try publish(item)
        XCTAssertEqual(published.partyName, "赵某")
        XCTAssertEqual(published.facts, "经查，当事人赵某于2025年3月14日擅自取水。执法人员赵明、李振华对赵某进行了询问。")
        XCTAssertFalse(json.contains("赵明玉"), json)
        XCTAssertEqual(published.officers?.map(\.name), ["李振华", "赵明"])
    }

    /// The review page's view of a whole case: every free-text field, with what changed.
    func testTheCaseReviewListsEveryChangedField() {
        let item = Fixtures.case(partyType: .naturalPerson, name: "张德福", idType: .residentID, idNumber: "53040219850312123X",
                                 facts: "经查，当事人张德福于2025年3月14日擅自取水，联系电话13987654321。", evidence: ["对张德福的询问笔录"])
        let review = CaseRedaction(policy: .defaults).review(item, agency: Fixtures.agency, officers: Fixtures.officersByCert)
        XCTAssertEqual(review.map(\.field), ["title", "facts", "decision", "evidence[0]"])
        let facts = review.first { $0.field == "facts" }?.segments ?? []
        XCTAssertEqual(facts.map(\.original).joined(), item.facts)
        XCTAssertEqual(facts.filter { $0.kind != nil }.map(\.kind), [.personName, .phone])
    }
}
