import CaseModel
import Foundation
@testable import Reports
import Typesetting
import WorkingDays
import XCTest

final class StatisticsTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    private func date(_ text: String) -> CivilDate { CivilDate(iso: text)! }

    private func makeCase(_ id: String, type: ActionType = .penalty, decided: String, kinds: [PenaltyKind] = [.fine],
                          fine: Int64? = nil, disclosure: DisclosureMode = .proactive, minor: Bool = false,
                          status: CaseStatus = .inForce, decision: String = "") -> EnforcementCase {
        EnforcementCase(
            id: id, agencyCode: "A", actionType: type, procedure: type == .penalty ? .ordinary : nil, docNo: "", title: "",
            party: Party(type: .naturalPerson, name: "张三", idType: nil, idNumber: "", legalRepresentative: "", address: "",
                         phone: "", isMinor: minor),
            facts: "", evidence: [], violatedProvisions: "", penaltyProvisions: "", discretion: "", decision: decision,
            penaltyKinds: type == .penalty ? kinds : [], fine: fine.map { Yuan(fen: $0) }, confiscation: nil,
            decisionDate: date(decided), servedDate: nil, officerCerts: [], major: false, hearing: false, reviewID: nil,
            disclosure: disclosure, nondisclosureReason: disclosure == .withheld ? .tradeSecret : nil, tradeSecretSpans: [],
            status: status, statusDate: nil, statusReason: "", updatedAt: nil, extra: [:], source: SourceRef(file: "cases.csv", row: 1))
    }

    private func compute(_ cases: [EnforcementCase], published: [String: String] = [:], asOf: String = "2026-01-06",
                         officers: [Officer] = []) throws -> AgencyStatistics {
        let calendar = try WorkingCalendar(contentsOf: Self.root.appendingPathComponent("Templates/calendar/cn-working-days.json"))
        let agency = Agency(code: "A", name: "某局", docPrefix: "", address: "", phone: "", reconsiderationBody: "", court: "",
                            portalURL: "", source: SourceRef(file: "agencies.csv", row: 1))
        let input = StatisticsInput(year: 2025, asOf: date(asOf), agencies: [agency], officers: officers, cases: cases, reviews: [],
                                    setAside: SetAsideRows(total: 0, byReason: [:], byFile: [:]),
                                    publishedOn: published.mapValues { date($0) }, calendar: calendar,
                                    disclosureWorkingDays: { _, type in [.penalty, .licensing].contains(type) ? 7 : 20 })
        return try StatisticsCalculator.compute(input).agencies[0]
    }

    func testHeaviestKindFollowsTheStatutoryOrder() {
        XCTAssertEqual(StatisticsCalculator.heaviestKind([.fine, .warning]), .fine)
        XCTAssertEqual(StatisticsCalculator.heaviestKind([.confiscateIllegalGains, .fine, .revokeLicence]), .revokeLicence)
        XCTAssertEqual(StatisticsCalculator.heaviestKind([.other, .warning]), .warning, "a named kind beats 其他")
        XCTAssertEqual(StatisticsCalculator.heaviestKind([.other]), .other)
        XCTAssertEqual(StatisticsCalculator.heaviestKind([]), .other)
        XCTAssertEqual(StatisticsCalculator.heaviestKind([.detention, .orderClosure, .restrictPractice]), .detention)
        XCTAssertEqual(StatisticsCalculator.penaltyOrder.map(\.rawValue),
                       ["警告", "通报批评", "罚款", "没收违法所得", "没收非法财物", "暂扣许可证件", "降低资质等级", "吊销许可证件",
                        "限制开展生产经营活动", "责令停产停业", "责令关闭", "限制从业", "行政拘留"])
    }

    func testWanYuanAndPercentagesRoundHalfUp() {
        XCTAssertEqual(StatisticsCalculator.wan(Yuan(fen: 1_234_567)), "1.23")      // 12,345.67 元
        XCTAssertEqual(StatisticsCalculator.wan(Yuan(fen: 4_999)), "0.00")          // 49.99 元
        XCTAssertEqual(StatisticsCalculator.wan(Yuan(fen: 5_000)), "0.01")          // 50 元 = 0.005 万元
        XCTAssertEqual(StatisticsCalculator.wan(Yuan(fen: 265_803_038)), "265.80")  // 2,658,030.38 元
        XCTAssertEqual(StatisticsCalculator.percent(7, of: 8), "87.50")
        XCTAssertEqual(StatisticsCalculator.percent(1, of: 3), "33.33")
        XCTAssertEqual(StatisticsCalculator.percent(2, of: 3), "66.67")
        XCTAssertNil(StatisticsCalculator.percent(1, of: 0))
    }

    func testChartTicksAreRoundSteps() {
        func ticks(_ values: [Int]) -> [Int] { Chart(kind: .bars, caption: "", labels: [], values: values, unit: "件").ticks }
        XCTAssertEqual(ticks([23, 5]), [0, 5, 10, 15, 20, 25])
        XCTAssertEqual(ticks([6]), [0, 2, 4, 6])
        XCTAssertEqual(ticks([0]), [0, 1])
        XCTAssertEqual(ticks([1234]), [0, 500, 1000, 1500])
    }

    func testLicensingRefusalsAreReadFromTheDecision() {
        XCTAssertTrue(StatisticsCalculator.isRefusal("不予许可，并书面说明理由。"))
        XCTAssertTrue(StatisticsCalculator.isRefusal("决定不予行政许可。"))
        XCTAssertFalse(StatisticsCalculator.isRefusal("准予取水许可，核发许可证件，有效期3年。"))
    }

    /// Deadlines by hand from the 2025 notice: 7 working days after 2025-09-26 is 2025-10-13
    /// (Sun 9/28 and Sat 10/11 worked, 10/1–10/8 off).
    func testDisclosureIsOnTimeLateOverdueOrPending() throws {
        let figures = try compute([
            makeCase("on-time", decided: "2025-09-26"),
            makeCase("late", decided: "2025-09-26"),
            makeCase("overdue", decided: "2025-09-26"),
            makeCase("pending", decided: "2025-12-31"),       // due 2026-01-12, after the report date
            makeCase("withheld", decided: "2025-05-06", disclosure: .withheld),
            makeCase("minor", decided: "2025-05-06", minor: true),
            makeCase("on-request", decided: "2025-05-06", disclosure: .onRequest),
            makeCase("last-year", decided: "2024-05-06"),
        ], published: ["on-time": "2025-10-13", "late": "2025-10-14"])
        XCTAssertEqual(figures.disclosure, AgencyStatistics.Disclosure(
            due: 4, onTime: 1, late: 1, overdueUnpublished: 1, pending: 1, onRequest: 1, withheld: 2,
            withheldByReason: ["商业秘密": 1, "涉及未成年人": 1]))
        XCTAssertEqual(figures.decisions, 7)
        XCTAssertEqual(figures.previousYear?.decisions, 1)
        XCTAssertEqual(figures.previousYear?.decisionsChange, 6)
        XCTAssertEqual(figures.previousYear?.decisionsChangePercent, "600.00")
    }

    func testWithdrawnDecisionsCountAndAreShownApart() throws {
        let figures = try compute([
            makeCase("a", decided: "2025-03-01", kinds: [.fine, .warning], fine: 500_000),
            makeCase("b", decided: "2025-03-02", kinds: [.revokeLicence, .fine], fine: 1_000_050, status: .withdrawn),
            makeCase("c", decided: "2025-11-02", kinds: [.other], status: .changed),
            makeCase("d", type: .licensing, decided: "2025-11-03", decision: "不予许可。"),
            makeCase("e", type: .licensing, decided: "2025-11-04", decision: "准予许可。"),
        ])
        XCTAssertEqual(figures.penalties, 3)
        XCTAssertEqual(figures.penaltiesByHeaviestKind.filter { $0.value > 0 }, ["罚款": 1, "吊销许可证件": 1, "其他": 1])
        XCTAssertEqual(figures.finesYuan, "15000.50")
        XCTAssertEqual(figures.finesWanYuan, "1.50")
        XCTAssertEqual(figures.withdrawn, AgencyStatistics.Withdrawn(count: 1, byActionType: ["行政处罚": 1], finesYuan: "10000.50"))
        XCTAssertEqual(figures.changed, 1)
        XCTAssertEqual(figures.licensing, AgencyStatistics.Licensing(applied: 2, accepted: 2, granted: 1, refused: 1))
        XCTAssertEqual(figures.byMonth, [0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 3, 0])
        XCTAssertNil(figures.previousYear)
    }

    func testOfficersWithAValidCertificateAtTheYearsEnd() throws {
        func officer(_ cert: String, until: String, status: OfficerStatus = .active) -> Officer {
            Officer(certNo: cert, name: "李四", agencyCode: "A", field: "", validUntil: date(until), status: status,
                    source: SourceRef(file: "officers.csv", row: 1))
        }
        let figures = try compute([], officers: [
            officer("1", until: "2025-12-31"), officer("2", until: "2025-12-30"), officer("3", until: "2027-01-01"),
            officer("4", until: "2027-01-01", status: .suspended),
        ])
        XCTAssertEqual(figures.officers, AgencyStatistics.Officers(total: 4, withValidCertificate: 2,
                                                                   validCertificateShare: "50.00", judgedOn: "2025-12-31"))
    }

    func testCSVCarriesEveryFigureOfTheJSON() throws {
        let figures = try compute([makeCase("a", decided: "2025-03-01", fine: 100)])
        let rows = try StatisticsExport.flatten(figures)
        let paths = Set(rows.map(\.0))
        XCTAssertTrue(paths.isSuperset(of: ["decisions", "by_action_type.行政处罚", "by_month.03", "fines_yuan",
                                            "disclosure.on_time", "officers.valid_certificate_share_percent",
                                            "penalties_by_heaviest_kind.罚款", "withdrawn.fines_yuan", "licensing.granted"]))
        XCTAssertEqual(rows.first { $0.0 == "by_month.03" }?.1, "1")
        XCTAssertEqual(rows.first { $0.0 == "fines_yuan" }?.1, "1.00")
    }

    func testHTMLEscapesEverythingFromTheData() {
        XCTAssertEqual(ReportPage.escape("<b>\"甲\" & '乙'</b>"), "&lt;b&gt;&quot;甲&quot; &amp; &#39;乙&#39;&lt;/b&gt;")
    }
}
