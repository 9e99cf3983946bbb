import Disclosure
import TestSupport
import XCTest

/// An agency's own phone is published on its pages. A person's phone entered as that phone, or a person's landline
/// whose local number is the agency's in another city, is found there only as part of the published phone: no hit
/// (it held the agency's page, and with it the whole portal). Anywhere else the person's phone is still a hit, and a
/// published seat (an address) never covers a phone.
final class PublicPhoneTests: XCTestCase {
    private func local(_ generator: inout SplitMix64) -> String {
        String(2 + generator.next(below: 8)) + (0..<6).map { _ in String(generator.next(below: 10)) }.joined()
    }

    private func phoneHits(_ index: PersonalValueIndex, _ text: String) -> Int {
        index.hits(in: text).filter { $0.kind == .phone }.count
    }

    func testAPersonsPhoneInsideTheAgencysPublishedPhoneIsNoHit() {
        var generator = SplitMix64(seed: 20261207)
        let areas = ["0737", "0871", "0692", "0591", "021", "0990"]
        for _ in 0..<200 {
            let area = areas[generator.next(below: areas.count)]
            var other = areas[generator.next(below: areas.count)]
            if other == area { other = area == "021" ? "0737" : "021" }
            let number = local(&generator)
            let agencyPhone = area + "-" + number
            // The person's phone: the agency's own as written, with a space, without the area code, or the same local
            // number in another city.
            let forms = [agencyPhone, area + " " + number, number, other + "-" + number]
            let personal = forms[generator.next(below: forms.count)]
            let index = PersonalValueIndex(lexicon: nil)
            index.addPhone(personal)
            index.addPublicSeat("玉溪市红塔区人民路\(number)号")
            index.addPublicPhone(agencyPhone)

            let sameAsAgency = personal == agencyPhone || personal == area + " " + number
            XCTAssertEqual(phoneHits(index, "<tr><th>联系电话</th><td>\(agencyPhone)</td></tr>"), 0, "\(personal) on the page of \(agencyPhone)")
            XCTAssertEqual(phoneHits(index, "当事人联系电话：\(personal)。") > 0, !sameAsAgency,
                           "\(personal) written on its own, the agency's \(agencyPhone)")
            // Every form holds the local number, found here outside the published phone too.
            XCTAssertGreaterThan(phoneHits(index, "当事人另一电话 \(other)-\(number)，本局电话 \(agencyPhone)"), 0,
                                 "\(personal) beside the agency's \(agencyPhone)")
            XCTAssertGreaterThan(phoneHits(index, "玉溪市红塔区人民路\(number)号"), 0, "a seat does not cover \(personal)")
        }
    }

    /// Without the published phone the same page is a hit: the exemption is the published phone's, not the kind's.
    func testWithoutThePublishedPhoneThePageIsAHit() {
        let index = PersonalValueIndex(lexicon: nil)
        index.addPhone("0737-4221234")
        XCTAssertGreaterThan(phoneHits(index, "<td>0737-4221234</td>"), 0)
        index.addPublicPhone("0737-4221235")
        XCTAssertGreaterThan(phoneHits(index, "<td>0737-4221234</td>"), 0, "another published phone covers nothing here")
        index.addPublicPhone("0737-4221234")
        XCTAssertEqual(phoneHits(index, "<td>0737-4221234</td>"), 0)
        XCTAssertGreaterThan(phoneHits(index, "<td>4221234</td>"), 0, "the local number alone is not the published phone")
    }
}
