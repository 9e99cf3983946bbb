import CaseModel
import Foundation
@testable import Review
import WorkingDays
import XCTest

/// The supervision report's time limits on hand-made cases. Expected dates were worked out by
/// hand on the 2025 notice and checked with PyPI chinesecalendar: 7 working days after 2025-09-26
/// is 2025-10-13 (Sun 9/28 and Sat 10/11 worked, 10/1–10/8 off); 2025-03-09 + 90 days is Saturday
/// 2025-06-07, so the period ends on Monday 2025-06-09.
final class TimeLimitTests: XCTestCase {
    private func date(_ text: String) -> CivilDate { CivilDate(iso: text)! }

    private func penalty(_ id: String, decided: String, served: String? = nil) -> EnforcementCase {
        EnforcementCase(
            id: id, agencyCode: "A", actionType: .penalty, procedure: .ordinary, docNo: "某罚〔2025〕\(id)号", title: "",
            party: Party(type: .legalPerson, name: "某公司", idType: nil, idNumber: "", legalRepresentative: "", address: "",
                         phone: "", isMinor: false),
            facts: "", evidence: [], violatedProvisions: "", penaltyProvisions: "", discretion: "", decision: "",
            penaltyKinds: [.fine], fine: nil, confiscation: nil, decisionDate: date(decided), servedDate: served.map(date),
            officerCerts: [], major: false, hearing: false, reviewID: nil, disclosure: .onRequest, nondisclosureReason: nil,
            tradeSecretSpans: [], status: .inForce, statusDate: nil, statusReason: "", updatedAt: nil, extra: [:],
            source: SourceRef(file: "cases.csv", row: 1))
    }

    private func served(_ item: EnforcementCase, at: String, method: DeliveryMethod = .post) -> Delivery {
        Delivery(caseID: item.id, document: "行政处罚决定书", docNo: item.docNo, method: method,
                 servedAt: CivilDateTime(iso: at)!, recipient: "某公司", receiver: "", relation: "", witnesses: [], place: "",
                 servers: [], note: "", source: SourceRef(file: "deliveries.csv", row: 1))
    }

    private func report(_ cases: [EnforcementCase], _ details: [CaseDetails], asOf: String = "2026-01-06") throws -> SupervisionReport {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var input = SupervisionInput(asOf: date(asOf), cases: cases, officers: [], problems: [], assessments: [], publications: [:],
                                     calendar: try WorkingCalendar(contentsOf: root.appendingPathComponent("Templates/calendar/cn-working-days.json")),
                                     disclosureWorkingDays: { _, _ in 7 }, withdrawalWorkingDays: { _ in 3 })
        input.details = CaseDetailsTable(details)
        return try Supervisor.report(input)
    }

    func testNinetyDaysFromFilingEndOnAWorkingDay() throws {
        let found = try report([
            penalty("1", decided: "2025-06-05"), penalty("2", decided: "2025-06-06"),
            penalty("3", decided: "2025-06-09"), penalty("4", decided: "2025-06-10"),
        ], [
            CaseDetails(caseID: "1", procedure: ProcedureSteps(filedOn: date("2025-03-07"))),   // day 90 = 06-05
            CaseDetails(caseID: "2", procedure: ProcedureSteps(filedOn: date("2025-03-07"), narrative: "本案办案期限延长三十日。")),
            CaseDetails(caseID: "3", procedure: ProcedureSteps(filedOn: date("2025-03-09"))),   // 06-07 Sat → 06-09
            CaseDetails(caseID: "4", procedure: ProcedureSteps(filedOn: date("2025-03-09"))),
        ]).decisionTimeLimitOverruns
        XCTAssertEqual(found.map(\.caseID), ["2", "4"])
        XCTAssertEqual(found.map(\.deadline), ["2025-06-05", "2025-06-09"])
        XCTAssertEqual(found.map(\.days), [1, 1])
        XCTAssertTrue(found[0].note.contains("提到延长办案期限") && found[1].note.contains("未提到"))
    }

    func testServiceWithinSevenWorkingDays() throws {
        let onTime = penalty("1", decided: "2025-09-26"), late = penalty("2", decided: "2025-09-26")
        let v1 = penalty("3", decided: "2025-09-26", served: "2025-10-15"), unserved = penalty("4", decided: "2025-09-26")
        let notice = penalty("5", decided: "2025-09-26")
        let found = try report([onTime, late, v1, unserved, notice], [
            CaseDetails(caseID: "1", deliveries: [served(onTime, at: "2025-10-13T17:00:00")]),
            CaseDetails(caseID: "2", deliveries: [served(late, at: "2025-10-14T09:00:00")]),
            CaseDetails(caseID: "5", deliveries: [served(notice, at: "2025-12-20T09:00:00", method: .announcement)]),
        ], asOf: "2025-10-20").lateServices
        XCTAssertEqual(found.map(\.caseID), ["2", "3", "4", "5"])
        XCTAssertEqual(found.map(\.deadline), Array(repeating: "2025-10-13", count: 4))
        XCTAssertEqual(found.map(\.done), ["2025-10-14", "2025-10-15", nil, "2025-12-20"])
        XCTAssertEqual(found[0].days, 1)
        XCTAssertEqual(found[1].days, 2)
        XCTAssertEqual(found[2].days, 5, "not served: working days 10/14–10/20 to the report date")
        XCTAssertTrue(found[3].note.hasPrefix("公告送达"))
    }

    func testHearingNoticeAtLeastSevenWorkingDaysBefore() throws {
        let found = try report([penalty("1", decided: "2025-11-01"), penalty("2", decided: "2025-11-01")], [
            CaseDetails(caseID: "1", procedure: ProcedureSteps(hearingNotifiedOn: date("2025-09-26"), hearingOn: date("2025-10-13"))),
            CaseDetails(caseID: "2", procedure: ProcedureSteps(hearingNotifiedOn: date("2025-09-26"), hearingOn: date("2025-10-10"))),
        ]).lateHearingNotices
        XCTAssertEqual(found.map(\.caseID), ["2"])
        XCTAssertEqual(found.first?.deadline, "2025-10-13")
        XCTAssertEqual(found.first?.days, 2, "9/28, 9/29, 9/30, 10/9, 10/10: five working days, two short")
    }
}
