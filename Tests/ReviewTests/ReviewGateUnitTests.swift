import CaseModel
import Foundation
@testable import Review
import WorkingDays
import XCTest

final class ReviewGateUnitTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    private func date(_ text: String) -> CivilDate { CivilDate(iso: text)! }

    private func penalty(_ id: String, kinds: [PenaltyKind] = [.fine], fine: Int64 = 100, party: PartyType = .naturalPerson,
                         hearing: Bool = false, flagged: Bool = false, decided: String = "2024-12-10",
                         title: String = "某案") -> EnforcementCase {
        EnforcementCase(
            id: id, agencyCode: "A", actionType: .penalty, procedure: .ordinary, docNo: "", title: title,
            party: Party(type: party, name: "甲", idType: nil, idNumber: "", legalRepresentative: "", address: "", phone: "",
                         isMinor: false),
            facts: "", evidence: [], violatedProvisions: "", penaltyProvisions: "", discretion: "", decision: "",
            penaltyKinds: kinds, fine: Yuan(yuan: fine), confiscation: nil, decisionDate: date(decided), servedDate: nil,
            officerCerts: [], major: flagged, hearing: hearing, reviewID: "R-" + id, disclosure: .proactive,
            nondisclosureReason: nil, tradeSecretSpans: [], status: .inForce, statusDate: nil, statusReason: "", updatedAt: nil,
            extra: [:], source: SourceRef(file: "cases.csv", row: 1))
    }

    private func review(_ caseID: String, conclusion: ReviewConclusion = .approve, reviewed: String = "2024-11-26",
                        requested: String? = nil, answered: String? = nil, recheck: String = "") -> Review {
        Review(id: "R-" + caseID, caseID: caseID, submittedOn: date("2024-11-20"), reviewers: ["乙"], items: [:],
               criminalReferral: .notRequired, conclusion: conclusion, opinion: "", reviewedOn: date(reviewed),
               recheckRequestedOn: requested.map(date), recheckConclusion: recheck, recheckedOn: answered.map(date),
               extra: [:], source: SourceRef(file: "reviews.csv", row: 1))
    }

    private func gate() throws -> ReviewGate {
        ReviewGate(catalogue: MajorDecisionCatalogue(), limits: RecheckLimits(),
                   calendar: try WorkingCalendar(contentsOf: Self.root.appendingPathComponent("Templates/calendar/cn-working-days.json")))
    }

    func testTheDefaultCatalogueFollowsArticles58And63() {
        let catalogue = MajorDecisionCatalogue()
        XCTAssertTrue(catalogue.rules(for: penalty("a")).isEmpty)
        XCTAssertEqual(catalogue.rules(for: penalty("b", kinds: [.fine, .revokeLicence])).count, 1)
        XCTAssertEqual(catalogue.rules(for: penalty("c", fine: 10_000)).count, 1, "自然人 较大数额 from 1万元")
        XCTAssertTrue(catalogue.rules(for: penalty("d", fine: 99_999, party: .legalPerson)).isEmpty, "组织 from 10万元")
        XCTAssertEqual(catalogue.rules(for: penalty("e", fine: 100_000, party: .legalPerson)).count, 1)
        XCTAssertEqual(catalogue.rules(for: penalty("f", hearing: true)).count, 1)
        var custom = MajorDecisionCatalogue()
        custom.titlesContaining = ["重大公共利益"]
        custom.caseIDs = ["g"]
        XCTAssertEqual(custom.rules(for: penalty("g", title: "涉及重大公共利益的违法建设案")).count, 2)
    }

    func testAnswersOnAWeekendAfterTheLastWorkingDayAreLate() throws {
        // Requested Wednesday 2024-11-27: two working days end Friday the 29th; Saturday the 30th is late.
        let item = penalty("a", kinds: [.revokeLicence])
        let late = try gate().assess([item], reviews: [review("a", conclusion: .approveAfterChanges, requested: "2024-11-27",
                                                              answered: "2024-11-30", recheck: "同意")])
        XCTAssertEqual(late[0].violations.map(\.rule), [.recheckAnswerLate])
        XCTAssertEqual(late[0].conclusion, "同意")
        let onTime = try gate().assess([item], reviews: [review("a", requested: "2024-11-27", answered: "2024-11-29", recheck: "同意")])
        XCTAssertEqual(onTime[0].violations, [])
    }

    func testARecheckThatKeepsTheRefusalStillBlocksTheDecision() throws {
        let item = penalty("a", kinds: [.orderClosure])
        let result = try gate().assess([item], reviews: [review("a", conclusion: .reject, requested: "2024-11-27",
                                                                answered: "2024-11-28", recheck: "维持原审核意见")])
        XCTAssertEqual(result[0].violations.map(\.rule), [.reviewNotPassed])
        let unanswered = try gate().assess([item], reviews: [review("a", requested: "2024-12-04")])
        XCTAssertEqual(unanswered[0].violations.map(\.rule), [.recheckRequestLate, .recheckUnanswered])
    }

    func testMissingReviewsSayWhyWhenIngestSetTheirRowAside() throws {
        let item = penalty("a", kinds: [.orderClosure], flagged: true)
        let plain = try gate().assess([item], reviews: [])
        XCTAssertEqual(plain[0].violations.map(\.rule), [.noReview])
        let setAside = try gate().assess([item], reviews: [], setAsideReviews: ["a": "审核晚于决定"])
        XCTAssertEqual(setAside[0].violations.map(\.rule), [.reviewAfterDecision])
        XCTAssertFalse(setAside[0].flagDisagrees)
        XCTAssertTrue(try gate().assess([penalty("b", flagged: true)], reviews: [])[0].flagDisagrees)
    }
}
