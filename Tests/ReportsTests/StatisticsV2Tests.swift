import CaseModel
import Foundation
@testable import Reports
import WorkingDays
import XCTest

/// The contract v2 figures on hand-made cases; every expected figure is counted by hand in the comments.
final class StatisticsV2Tests: XCTestCase {
    private func date(_ text: String) -> CivilDate { CivilDate(iso: text)! }

    private func makeCase(_ id: String, agency: String = "A", type: ActionType, decided: String, hearing: Bool = false,
                          status: CaseStatus = .inForce, statusDate: String? = nil, reason: String = "",
                          decision: String = "") -> EnforcementCase {
        EnforcementCase(
            id: id, agencyCode: agency, actionType: type, procedure: type == .penalty ? .ordinary : nil, docNo: "", title: "",
            party: Party(type: .legalPerson, name: "某公司", idType: nil, idNumber: "", legalRepresentative: "", address: "",
                         phone: "", isMinor: false),
            facts: "", evidence: [], violatedProvisions: "", penaltyProvisions: "", discretion: "", decision: decision,
            penaltyKinds: type == .penalty ? [.fine] : [], fine: nil, confiscation: nil, decisionDate: date(decided),
            servedDate: nil, officerCerts: [], major: false, hearing: hearing, reviewID: nil, disclosure: .onRequest,
            nondisclosureReason: nil, tradeSecretSpans: [], status: status, statusDate: statusDate.map(date), statusReason: reason,
            updatedAt: nil, extra: [:], source: SourceRef(file: "cases.csv", row: 1))
    }

    private func permit(applied: String, accepted: String?, refusal: String = "") -> PermitDetails {
        PermitDetails(appliedOn: date(applied), acceptedOn: accepted.map(date), matter: "", basis: "", name: "", number: "",
                      validFrom: nil, validTo: nil, refusalReason: refusal)
    }

    private func coercion(_ measure: CoerciveMeasure?, _ method: EnforcementMethod? = nil) -> CoercionDetails {
        CoercionDetails(measure: measure, basis: "", measureFrom: nil, measureTo: nil, extendedTo: nil, demandOn: nil,
                        demandDocNo: "", enforcementMethod: method, enforcedOn: nil, baseDocNo: "", announcedOn: nil)
    }

    private func compute(_ cases: [EnforcementCase], _ details: [CaseDetails], setAside: SetAsideRows? = nil) throws -> AnnualStatistics {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let calendar = try WorkingCalendar(contentsOf: root.appendingPathComponent("Templates/calendar/cn-working-days.json"))
        let agencies = ["A", "B"].map {
            Agency(code: $0, name: "某局\($0)", docPrefix: "", address: "", phone: "", reconsiderationBody: "", court: "", portalURL: "",
                   source: SourceRef(file: "agencies.csv", row: 1))
        }
        var input = StatisticsInput(year: 2025, asOf: date("2026-01-06"), agencies: agencies, officers: [], cases: cases, reviews: [],
                                    setAside: setAside ?? SetAsideRows(total: 0, byReason: [:], byFile: [:]), publishedOn: [:],
                                    calendar: calendar, disclosureWorkingDays: { _, _ in 7 })
        input.details = CaseDetailsTable(details)
        return try StatisticsCalculator.compute(input)
    }

    /// Permits across the turn of the year: each figure in the year of its own event.
    func testPermitsCountInTheYearOfEachEvent() throws {
        let stats = try compute([
            makeCase("p1", type: .licensing, decided: "2025-01-20"),    // applied 2024, accepted and granted 2025
            makeCase("p2", type: .licensing, decided: "2025-03-05"),    // applied 2025, not accepted (decided 2025)
            makeCase("p3", type: .licensing, decided: "2026-01-10"),    // applied and accepted 2025, refused 2026
            makeCase("p4", type: .licensing, decided: "2025-06-01", decision: "决定不予行政许可。"),  // v1: all 2025, refused
            makeCase("p5", type: .licensing, decided: "2025-07-01"),    // accepted and refused 2025
        ], [
            CaseDetails(caseID: "p1", permit: permit(applied: "2024-12-28", accepted: "2025-01-03")),
            CaseDetails(caseID: "p2", permit: permit(applied: "2025-03-01", accepted: nil, refusal: "材料不齐，不予受理。")),
            CaseDetails(caseID: "p3", permit: permit(applied: "2025-12-20", accepted: "2025-12-22", refusal: "不符合条件。")),
            CaseDetails(caseID: "p5", permit: permit(applied: "2025-06-20", accepted: "2025-06-20", refusal: "不符合条件。")),
        ])
        // applied: p2, p3, p4, p5 = 4; accepted: p1, p3, p4, p5 = 4; not accepted: p2; granted: p1; refused: p4, p5.
        XCTAssertEqual(stats.total.licensing, AgencyStatistics.Licensing(applied: 4, accepted: 4, notAccepted: 1, granted: 1, refused: 2))
    }

    /// A hearing counts in the year it was held, even for a decision of another year; a v1 case by its decision.
    func testHearingsCountByTheirOwnDate() throws {
        let stats = try compute([
            makeCase("h1", type: .penalty, decided: "2025-01-15", hearing: true),   // held 2024-12-30: not 2025
            makeCase("h2", type: .penalty, decided: "2026-01-10", hearing: true),   // held 2025-12-29: 2025
            makeCase("h3", type: .penalty, decided: "2025-04-01", hearing: true),   // v1, no date: 2025
            makeCase("h4", type: .penalty, decided: "2025-04-02"),
        ], [
            CaseDetails(caseID: "h1", procedure: ProcedureSteps(hearingOn: date("2024-12-30"))),
            CaseDetails(caseID: "h2", procedure: ProcedureSteps(hearingOn: date("2025-12-29"))),
        ])
        XCTAssertEqual(stats.total.hearingsHeld, 2)
        XCTAssertEqual(stats.total.hearings, 2, "decisions of the year after a hearing: h1 and h3")
    }

    func testCoercionByMeasureAndMethod() throws {
        let stats = try compute([
            makeCase("c1", type: .coercion, decided: "2025-02-01"),
            makeCase("c2", type: .coercion, decided: "2025-02-02"),
            makeCase("c3", type: .coercion, decided: "2025-02-03"),
            makeCase("c4", type: .coercion, decided: "2025-02-04"),
            makeCase("c5", type: .coercion, decided: "2024-02-04"),
        ], [
            CaseDetails(caseID: "c1", coercion: coercion(.sealUpAndSeize)),
            CaseDetails(caseID: "c2", coercion: coercion(.seize)),
            CaseDetails(caseID: "c3", coercion: coercion(nil, .demolition)),
            CaseDetails(caseID: "c5", coercion: coercion(.sealUp)),
        ])
        let coercion = stats.total.coercion
        XCTAssertEqual(coercion.byMeasure, ["查封": 1, "扣押": 2, "强制执行": 1])
        XCTAssertEqual(coercion.enforcementByMethod.filter { $0.value > 0 }, ["强制拆除": 1])
        XCTAssertEqual(coercion.enforcementByMethod.count, EnforcementMethod.allCases.count, "every method listed, zeros included")
        XCTAssertEqual(coercion.unspecified, 1, "c4 has no measure or method")
    }

    func testChangesAndWithdrawalsCountByStatusDateWithReasonCategories() throws {
        let stats = try compute([
            makeCase("s1", type: .penalty, decided: "2024-11-01", status: .withdrawn, statusDate: "2025-02-01",
                     reason: "经行政复议，复议机关决定撤销该行政行为"),
            makeCase("s2", type: .licensing, decided: "2025-03-01", status: .withdrawn, statusDate: "2025-05-01",
                     reason: "本机关发现申请人张三隐瞒有关情况，依法自行撤销"),
            makeCase("s3", type: .penalty, decided: "2025-03-01", status: .changed, statusDate: "2025-04-01",
                     reason: "当事人申请延期缴纳罚款，经批准变更缴纳期限"),
            makeCase("s4", type: .penalty, decided: "2025-03-01", status: .changed, statusDate: "2025-04-02"),
            makeCase("s5", type: .penalty, decided: "2025-10-01", status: .withdrawn, statusDate: "2026-01-02",
                     reason: "人民法院判决撤销"),
        ], [])
        let changes = stats.total.statusChanges
        XCTAssertEqual(changes.changed, 2)
        XCTAssertEqual(changes.withdrawn, 2, "s1 (a 2024 decision withdrawn in 2025) and s2; s5 is withdrawn in 2026")
        XCTAssertEqual(changes.withdrawnByReason.filter { $0.value > 0 }, ["行政复议决定": 1, "本机关自行纠正": 1])
        XCTAssertEqual(changes.changedByReason.filter { $0.value > 0 }, ["当事人申请": 1, "未说明原因": 1])
        XCTAssertEqual(changes.withdrawnByActionType.filter { $0.value > 0 }, ["行政处罚": 1, "行政许可": 1])
        XCTAssertEqual(stats.total.withdrawn.count, 2, "decisions of 2025 now withdrawn: s2 and s5")
        // The report counts categories; the prose (which may name a person) is never quoted.
        let text = ReportPage.content(ReportOutline(stats), statistics: stats)
        XCTAssertTrue(text.contains("2025年内变更决定2件、撤销决定2件"), text)
        XCTAssertTrue(text.contains("撤销许可按撤销日期计（1件）"), text)
        XCTAssertFalse(text.contains("张三") || text.contains("隐瞒"), "the 状态说明 itself is not published")
    }

    func testReasonCategories() {
        XCTAssertEqual(StatusReason.of("经行政复议，复议机关决定变更罚款数额"), .reconsideration)
        XCTAssertEqual(StatusReason.of("人民法院判决撤销"), .litigation)
        XCTAssertEqual(StatusReason.of("经复核，变更裁量幅度"), .selfCorrection)
        XCTAssertEqual(StatusReason.of("发现文书笔误，依法予以更正"), .selfCorrection)
        XCTAssertEqual(StatusReason.of("上级机关责令纠正"), .supervision)
        XCTAssertEqual(StatusReason.of("当事人申请分期缴纳罚款"), .partyRequest)
        XCTAssertEqual(StatusReason.of("情况发生变化"), .other)
        XCTAssertEqual(StatusReason.of(" \n"), .unstated)
    }

    /// Two agencies: every v2 figure of the total is the sum of theirs, and each agency's own
    /// report states only its own set-aside rows.
    func testAgenciesAddUpToTheTotalAndOwnReportsTellTheirOwnSetAsideRows() throws {
        let stats = try compute([
            makeCase("a1", agency: "A", type: .coercion, decided: "2025-02-01"),
            makeCase("b1", agency: "B", type: .coercion, decided: "2025-02-02"),
            makeCase("a2", agency: "A", type: .licensing, decided: "2025-03-01"),
            makeCase("b2", agency: "B", type: .penalty, decided: "2025-03-01", hearing: true, status: .changed, statusDate: "2025-05-01",
                     reason: "经复核，变更裁量幅度"),
        ], [
            CaseDetails(caseID: "a1", coercion: coercion(.sealUp)),
            CaseDetails(caseID: "b1", coercion: coercion(.sealUpAndSeize)),
            CaseDetails(caseID: "a2", permit: permit(applied: "2025-02-01", accepted: "2025-02-03")),
            CaseDetails(caseID: "b2", procedure: ProcedureSteps(hearingOn: date("2025-02-20"))),
        ], setAside: SetAsideRows(total: 5, byReason: [:], byFile: [:], byAgency: ["A": 3]))
        let a = try XCTUnwrap(stats.agencies.first { $0.agencyCode == "A" }), b = try XCTUnwrap(stats.agencies.first { $0.agencyCode == "B" })
        for measure in AgencyStatistics.Coercion.measures {
            XCTAssertEqual((a.coercion.byMeasure[measure] ?? 0) + (b.coercion.byMeasure[measure] ?? 0), stats.total.coercion.byMeasure[measure], measure)
        }
        XCTAssertEqual(stats.total.coercion.byMeasure, ["查封": 2, "扣押": 1, "强制执行": 0])
        XCTAssertEqual(a.hearingsHeld + b.hearingsHeld, stats.total.hearingsHeld)
        XCTAssertEqual(a.licensing.granted + b.licensing.granted, stats.total.licensing.granted)
        XCTAssertEqual(a.statusChanges.changed + b.statusChanges.changed, stats.total.statusChanges.changed)

        XCTAssertEqual(stats.setAside.withoutAgency, 2)
        XCTAssertEqual(stats.agency("A")?.setAside.total, 3)
        XCTAssertEqual(stats.agency("B")?.setAside.total, 0)
        let own = try XCTUnwrap(stats.agency("A"))
        XCTAssertTrue(ReportPage.content(ReportOutline(own), statistics: own).contains("办案系统导出的本机关数据中有3行未通过数据核查"))
        let other = try XCTUnwrap(stats.agency("B"))
        XCTAssertTrue(ReportPage.content(ReportOutline(other), statistics: other).contains("本机关的导出数据全部通过核查"))
        let json = String(decoding: try StatisticsExport.json(own), as: UTF8.self)
        XCTAssertTrue(json.contains("\"set_aside\" : {\n    \"total\" : 3\n  }"), json)
    }
}
