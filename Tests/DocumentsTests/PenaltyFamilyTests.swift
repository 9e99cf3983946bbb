import CaseModel
@testable import Documents
import Foundation
import Ingest
import Review
import TestSupport
import XCTest

/// One case of an export with everything the penalty family reads.
struct PenaltyPlan {
    var item: EnforcementCase
    var details: CaseDetails
    var kinds: [String]
    var data: TemplateValue
    var agency: AgencyDetails?
    var review: Review?
}

enum PenaltyFixtures {
    /// Generated v2 exports with other seeds than DocumentFixtures' (the sample and seed 8).
    static func generated(seed: Int, cases: Int = 500) -> IngestResult {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sanxiang-penalty-\(seed)-\(getpid())")
        if !FileManager.default.fileExists(atPath: folder.appendingPathComponent("cases.csv").path) {
            _ = try? Shell.run("/usr/bin/env", ["python3", DocumentFixtures.root.appendingPathComponent("Tests/Fixtures/gen_export.py").path,
                                                "--out", folder.path, "--cases", "\(cases)", "--seed", "\(seed)", "--no-media"])
        }
        return DocumentFixtures.read(folder)
    }

    static let exports: [(name: String, ingest: IngestResult)] = [
        ("sample", DocumentFixtures.ingest), ("seed 8", DocumentFixtures.generated),
        ("seed 31", generated(seed: 31)), ("seed 77", generated(seed: 77)),
    ]

    static func plans(_ result: IngestResult, v1: Bool = false) -> [PenaltyPlan] {
        let agencies = Dictionary(result.agencies.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        let officers = Dictionary(result.officers.map { ($0.certNo, $0) }, uniquingKeysWith: { a, _ in a })
        let reviews = Dictionary(result.reviews.map { ($0.caseID, $0) }, uniquingKeysWith: { a, _ in a })
        let catalogue = MajorDecisionCatalogue()
        return result.cases.compactMap { item in
            guard item.actionType == .penalty, let agency = agencies[item.agencyCode] else { return nil }
            let details = v1 ? CaseDetails(caseID: item.id) : result.details(of: item)
            let agencyDetails = v1 ? nil : result.agencyDetails[item.agencyCode]
            let kinds = DocumentRule.defaults.filter { $0.applies(to: item, reviewed: reviews[item.id] != nil, details: details) }.map(\.kind)
            let data = DocumentData.context(for: item, context: CaseContext(agency: agency, officers: officers), review: reviews[item.id],
                                            hearingEligible: catalogue.hearingEligible(item), details: v1 ? nil : details,
                                            agencyDetails: agencyDetails)
            return PenaltyPlan(item: item, details: details, kinds: kinds, data: data, agency: agencyDetails, review: reviews[item.id])
        }
    }

    static let all: [(export: String, plan: PenaltyPlan)] = exports.flatMap { export in plans(export.ingest).map { (export.name, $0) } }

    static func text(_ kind: String, _ plan: PenaltyPlan) throws -> String {
        try DocumentFixtures.text(DocumentFixtures.renderer.render(kind, data: plan.data).bytes)
    }

    /// pdftotext joins lines; a value may also break inside the text the test looks for.
    static func squeeze(_ text: String) -> String { text.filter { !$0.isWhitespace } }
}

final class PenaltyFamilyTests: XCTestCase {
    private func plans(_ kind: String, where predicate: (PenaltyPlan) -> Bool = { _ in true }) -> [(export: String, plan: PenaltyPlan)] {
        PenaltyFixtures.all.filter { $0.plan.kinds.contains(kind) && predicate($0.plan) }
    }

    private func contains(_ text: String, _ wanted: String, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(PenaltyFixtures.squeeze(text).contains(PenaltyFixtures.squeeze(wanted)), "\(message): “\(wanted)” missing",
                      file: file, line: line)
    }

    // MARK: 行政处罚决定书

    /// Every penalty prints what penalties.csv says: the measure of 其他, the things confiscated and their
    /// value, the period of 限制/停产停业/暂扣, the grades of 降低资质等级 — never a bare kind.
    func testDecisionPrintsEveryPenaltyWithItsParticulars() throws {
        var checked: Set<PenaltyKind> = []
        for (export, plan) in plans("行政处罚决定书", where: { $0.details.penalties.contains { !$0.detail.isEmpty || $0.periodDays != nil } }) {
            let text = try PenaltyFixtures.text("行政处罚决定书", plan)
            let label = "\(export) \(plan.item.id)"
            XCTAssertFalse(PenaltyFixtures.squeeze(text).contains("其他。") || text.contains("其他；"), label)
            for penalty in plan.details.penalties {
                checked.insert(penalty.kind)
                if !penalty.detail.isEmpty { contains(text, String(penalty.detail.prefix(30)), "\(label) \(penalty.kind.rawValue)") }
                if let days = penalty.periodDays { contains(text, "期限\(days)日", label) }
                if let from = penalty.periodFrom, let to = penalty.periodTo {
                    contains(text, "自\(from.chinese)起至\(to.chinese)止", label)
                }
                if let amount = penalty.amount { contains(text, amount.chineseUppercase, "\(label) \(penalty.kind.rawValue) 金额") }
            }
            for item in plan.details.items(for: .confiscate) {
                contains(text, "没收物品清单", label)
                contains(text, item.name, label)
                contains(text, item.quantity.decimalString, label)  // the unit may wrap inside its table cell
            }
        }
        XCTAssertTrue(checked.isSuperset(of: [.other, .confiscateIllegalProperty, .restrictBusiness, .downgradeQualification]),
                      "kinds seen: \(checked)")
    }

    /// 立案日期, 告知, 陈述申辩/听证 and its outcome, 法制审核 and 集体讨论, as the export records them.
    func testDecisionStatesTheProcedure() throws {
        var hearings = 0, reviewed = 0, discussed = 0
        for (export, plan) in plans("行政处罚决定书").prefix(60) {
            let text = try PenaltyFixtures.text("行政处罚决定书", plan)
            let label = "\(export) \(plan.item.id)"
            let steps = plan.details.procedure
            if let filed = steps.filedOn { contains(text, "本机关于\(filed.chinese)立案调查", label) }
            if let notified = steps.notifiedOn { contains(text, "本机关于\(notified.chinese)向当事人送达了《行政处罚事先告知书》", label) }
            switch steps.statement {
            case .made?: contains(text, String(steps.statementOutcome.prefix(40)), label)
            case .none?: contains(text, "当事人在法定期限内未提出陈述、申辩", label)
            case nil: break
            }
            if let held = steps.hearingOn {
                contains(text, "于\(held.chinese)依法举行了听证", label)
                hearings += 1
            }
            if let review = plan.review {
                contains(text, "法制审核，审核意见为“\(review.conclusion.rawValue)”", label)
                if let office = plan.agency?.legalOffice, !office.isEmpty { contains(text, office, label) }
                reviewed += 1
            }
            if let day = steps.discussedOn {
                contains(text, "\(day.chinese)，本机关负责人对本案进行了集体讨论", label)
                discussed += 1
            }
        }
        XCTAssertGreaterThan(hearings, 0)
        XCTAssertGreaterThan(reviewed, 0)
        XCTAssertGreaterThan(discussed, 0)
    }

    /// The collecting bank and account (agencies.csv v2), and the court enforcement of 第七十二条.
    func testDecisionTellsWhereToPayAndWhatFollowsNonPayment() throws {
        var accounts = 0
        for (export, plan) in plans("行政处罚决定书", where: { $0.item.penaltyKinds.contains(.fine) }).prefix(40) {
            let text = try PenaltyFixtures.text("行政处罚决定书", plan)
            let label = "\(export) \(plan.item.id)"
            if let agency = plan.agency, !agency.paymentAccount.isEmpty {
                contains(text, "缴至\(agency.paymentBank)（户名：\(agency.paymentAccountName)，账号：\(agency.paymentAccount)）", label)
                accounts += 1
            }
            contains(text, "第七十二条第一款第一项", label)
            contains(text, "当事人逾期不申请行政复议、不提起行政诉讼，又不履行本决定的，本机关将依照《中华人民共和国行政处罚法》第七十二条第一款第四项", label)
            contains(text, "申请人民法院强制执行", label)
        }
        XCTAssertGreaterThan(accounts, 0)
    }

    /// A decision 撤销 or 变更 carries its status, date and reason; one in force carries no mark.
    func testWithdrawnOrChangedDecisionsAreMarked() throws {
        var marked = 0
        for kind in ["行政处罚决定书", "当场行政处罚决定书", "不予行政处罚决定书"] {
            for (export, plan) in plans(kind, where: { $0.item.status != .inForce }) {
                let text = try PenaltyFixtures.text(kind, plan)
                let label = "\(export) \(plan.item.id) \(kind)"
                let verb = plan.item.status == .withdrawn ? "撤销" : "变更"
                contains(text, "【\(plan.item.status.rawValue)】本决定已于\(plan.item.statusDate?.chinese ?? "?")\(verb)", label)
                contains(text, "\(verb)理由：\(plan.item.statusReason)", label)
                marked += 1
            }
            if let (_, plan) = plans(kind, where: { $0.item.status == .inForce }).first {
                let text = try PenaltyFixtures.text(kind, plan)
                XCTAssertFalse(text.contains("本决定已于"), plan.item.id)
            }
        }
        XCTAssertGreaterThan(marked, 3)
    }

    /// A minor party's 法定代理人 is on every penalty document; a v2 minor case without one is refused.
    func testMinorPartyHasGuardianLine() throws {
        var seen = 0
        for (export, plan) in PenaltyFixtures.all where plan.item.party.isMinor && !plan.details.guardian.isEmpty {
            for kind in plan.kinds where ["行政处罚决定书", "行政处罚事先告知书", "当场行政处罚决定书", "不予行政处罚决定书", "听证通知书"].contains(kind) {
                let text = try PenaltyFixtures.text(kind, plan)
                contains(text, "法定代理人：\(plan.details.guardian)", "\(export) \(plan.item.id) \(kind)")
                seen += 1
            }
        }
        XCTAssertGreaterThan(seen, 0)
        let (_, minor) = try XCTUnwrap(plans("行政处罚决定书", where: { $0.item.party.isMinor && !$0.details.guardian.isEmpty }).first)
        XCTAssertThrowsError(try DocumentFixtures.renderer.prepare("行政处罚决定书", data: minor.data.replacing("party.guardian", with: .text("")))) {
            XCTAssertTrue(($0 as? MissingStatutoryElements)?.message.contains("法定代理人") ?? false, "\($0)")
        }
    }

    /// A 其他 penalty whose measure is nowhere in the data is refused, naming what is missing.
    func testPenaltyWithoutItsParticularsIsRefused() throws {
        let (_, plan) = try XCTUnwrap(plans("行政处罚决定书", where: { $0.item.penaltyKinds.contains(.other) }).first)
        var item = plan.item
        item.decision = ""
        var details = plan.details
        details.penalties = details.penalties.map { var row = $0; if row.kind == .other { row.detail = "" }; return row }
        let data = DocumentData.context(for: item, context: context(item), details: details)
        XCTAssertThrowsError(try DocumentFixtures.renderer.prepare("行政处罚决定书", data: data)) {
            XCTAssertTrue(($0 as? MissingStatutoryElements)?.message.contains("各项行政处罚的具体内容") ?? false, "\($0)")
        }
    }

    /// A v1 export (no penalties.csv, no v2 columns) still renders, the particulars taken from 处理决定.
    func testV1ExportStillRenders() throws {
        var rendered = 0, refused: [String] = []
        for plan in PenaltyFixtures.plans(DocumentFixtures.generated, v1: true) {
            // Receipts and the 案卷 are made per service and per case by the render stage (RecordDocumentsTests has their v1 forms).
            for kind in plan.kinds where !["听证通知书", "送达回证", "案卷"].contains(kind) {
                do {
                    let text = try PenaltyFixtures.text(kind, plan)
                    XCTAssertFalse(PenaltyFixtures.squeeze(text).contains("其他。"), plan.item.id)
                    rendered += 1
                } catch let missing as MissingStatutoryElements {
                    refused.append("\(plan.item.id) \(kind): \(missing.message)")
                }
            }
            if rendered > 120 { break }
        }
        XCTAssertGreaterThan(rendered, 100)
        XCTAssertTrue(refused.isEmpty, refused.joined(separator: "\n"))
        XCTAssertFalse(PenaltyFixtures.plans(DocumentFixtures.generated, v1: true).contains { $0.kinds.contains("听证通知书") })
    }

    private func context(_ item: EnforcementCase) -> CaseContext {
        let result = DocumentFixtures.generated
        let agencies = result.agencies + DocumentFixtures.ingest.agencies + PenaltyFixtures.exports.flatMap { $0.ingest.agencies }
        let agency = agencies.first { $0.code == item.agencyCode } ?? agencies[0]
        return CaseContext(agency: agency, officers: [:])
    }

    // MARK: 行政处罚事先告知书

    /// The notice says only what was known when it was served: no procedure after it, its own number,
    /// dated on the 告知日期, the proposed penalty (拟), 第四十五条's promise, and 听证 where due.
    func testNoticeStatesOnlyWhatWasKnownWhenServed() throws {
        var checked = 0, hearings = 0
        for (export, plan) in plans("行政处罚事先告知书", where: { $0.details.procedure.notifiedOn != nil }) {
            let text = try PenaltyFixtures.text("行政处罚事先告知书", plan)
            let label = "\(export) \(plan.item.id)"
            let steps = plan.details.procedure
            contains(text, steps.noticeDocNo, label)
            contains(text, try XCTUnwrap(steps.notifiedOn).chinese, label)
            if steps.notifiedOn != plan.item.decisionDate { XCTAssertFalse(text.contains(plan.item.decisionDate.chinese), label) }
            XCTAssertFalse(text.contains(plan.item.docNo), "\(label): the decision's number")
            contains(text, "本机关拟对当事人作出如下行政处罚", label)
            contains(text, "本机关不会因你（单位）陈述、申辩而给予更重的处罚", label)
            for banned in ["不予采纳", "本局予以采纳", "举行了听证", "听证通知书", "集体讨论", "法制审核", "送达了"] {
                XCTAssertFalse(text.contains(banned), "\(label): “\(banned)”")
            }
            if !steps.statementOutcome.isEmpty { XCTAssertFalse(text.contains(String(steps.statementOutcome.suffix(20))), label) }
            if plan.item.hearing {
                contains(text, "有权要求举行听证", label)
                hearings += 1
            }
            checked += 1
            if checked >= 60 && hearings > 0 { break }
        }
        XCTAssertGreaterThan(checked, 20)
        XCTAssertGreaterThan(hearings, 0)
    }

    /// 民法典 第五十四条: a 个体工商户 takes the natural person's 较大数额 for 第六十三条, not the organisations'.
    func testIndividualBusinessTakesTheNaturalPersonsHearingThreshold() throws {
        let catalogue = MajorDecisionCatalogue()
        XCTAssertEqual(catalogue.hearingFineAtLeast[.individualBusiness], catalogue.hearingFineAtLeast[.naturalPerson])
        XCTAssertEqual(catalogue.hearingConfiscationAtLeast[.individualBusiness], catalogue.hearingConfiscationAtLeast[.naturalPerson])
        XCTAssertNotEqual(catalogue.hearingFineAtLeast[.individualBusiness], catalogue.hearingFineAtLeast[.legalPerson])
        let (_, plan) = try XCTUnwrap(plans("行政处罚事先告知书").first)
        var item = plan.item
        item.party.type = .individualBusiness
        item.penaltyKinds = [.fine]
        item.fine = Yuan(yuan: 20_000)
        item.hearing = false
        XCTAssertTrue(catalogue.hearingEligible(item))
        let data = DocumentData.context(for: item, context: context(item), hearingEligible: catalogue.hearingEligible(item))
        contains(try DocumentFixtures.text(DocumentFixtures.renderer.render("行政处罚事先告知书", data: data).bytes), "有权要求举行听证", item.id)
        item.party.type = .legalPerson
        XCTAssertFalse(catalogue.hearingEligible(item))
    }

    // MARK: 当场行政处罚决定书

    /// Officers sign (第五十二条); 当场收缴 only for 100 元 or less (第六十八条), else where to pay in 15 days.
    func testOnsiteDecisionSignaturesAndPayment() throws {
        var small = 0, large = 0
        for (export, plan) in plans("当场行政处罚决定书").prefix(60) {
            let text = try PenaltyFixtures.text("当场行政处罚决定书", plan)
            let label = "\(export) \(plan.item.id)"
            contains(text, "执法人员（签名或者盖章）", label)
            contains(text, "陈述、申辩：", label)
            if plan.details.procedure.statement == .made { contains(text, String(plan.details.procedure.statementOutcome.prefix(30)), label) }
            if plan.details.procedure.statement == StatementStatus.none { contains(text, "当事人未提出陈述、申辩", label) }
            guard plan.item.penaltyKinds.contains(.fine), let fine = plan.item.fine else { continue }
            if fine <= Yuan(yuan: 100) {
                contains(text, "第六十八条第一项", label)
                small += 1
            } else {
                XCTAssertFalse(text.contains("当场收缴"), "\(label) \(fine)")
                contains(text, "十五日内", label)
                if let agency = plan.agency, !agency.paymentAccount.isEmpty { contains(text, agency.paymentAccount, label) }
                large += 1
            }
        }
        XCTAssertGreaterThan(large, 0)
        // The generated exports may have no fine of 100 元 or less on the spot: make one.
        let (_, plan) = try XCTUnwrap(plans("当场行政处罚决定书", where: { $0.item.penaltyKinds.contains(.fine) }).first)
        var item = plan.item
        item.fine = Yuan(yuan: 50)
        var details = plan.details
        details.penalties = details.penalties.map { var row = $0; if row.kind == .fine { row.amount = item.fine }; return row }
        let data = DocumentData.context(for: item, context: context(item), details: details, agencyDetails: plan.agency)
        let text = try DocumentFixtures.text(DocumentFixtures.renderer.render("当场行政处罚决定书", data: data).bytes)
        contains(text, "可以由执法人员当场收缴", item.id)
        contains(text, "专用票据", item.id)
    }

    // MARK: 不予行政处罚决定书

    func testExemptionStatesGroundAndEducation() throws {
        var checked = 0
        for (export, plan) in plans("不予行政处罚决定书") {
            let text = try PenaltyFixtures.text("不予行政处罚决定书", plan)
            let label = "\(export) \(plan.item.id)"
            let ground = try XCTUnwrap(ExemptionGround.find(in: [plan.item.discretion, plan.item.decision]), label)
            contains(text, "根据\(ground.citation)的规定，本机关决定对当事人不予行政处罚", label)
            contains(text, "依据《中华人民共和国行政处罚法》第三十三条第三款的规定，本机关对当事人进行教育", label)
            checked += 1
        }
        XCTAssertGreaterThan(checked, 3)
        XCTAssertEqual(ExemptionGround.find(in: ["依据《中华人民共和国行政处罚法》第三十条的规定"])?.citation, "《中华人民共和国行政处罚法》第三十条")
        XCTAssertEqual(ExemptionGround.find(in: ["《中华人民共和国行政处罚法》第三十三条第三款；《中华人民共和国行政处罚法》第三十三条第二款"])?.paragraph, "二")
        XCTAssertEqual(ExemptionGround.find(in: ["依据《中华人民共和国行政处罚法》第三十一条"])?.guardianOrder.contains("严加看管和治疗"), true)
    }

    // MARK: 听证通知书

    /// Every case notified of a hearing gets the notice: its own number, the hearing day, the rights of 第六十四条.
    func testHearingNoticeForEveryNotifiedHearing() throws {
        var sample = 0
        for (export, plan) in PenaltyFixtures.all where plan.details.procedure.hearingNotifiedOn != nil {
            XCTAssertTrue(plan.kinds.contains("听证通知书"), "\(export) \(plan.item.id)")
            let text = try PenaltyFixtures.text("听证通知书", plan)
            let label = "\(export) \(plan.item.id)"
            let steps = plan.details.procedure
            // The 听证通知书 row of deliveries.csv, else (a row set aside, as the sample has one) the number 办案经过 quotes.
            let number = plan.details.deliveries.first { $0.document == "听证通知书" }?.docNo
                ?? PenaltyFamily.quotedNumber("听证通知书", in: steps.narrative)
            XCTAssertFalse(number.isEmpty, label)
            contains(text, number, label)
            contains(text, "听证时间：\(try XCTUnwrap(steps.hearingOn).chinese)", label)
            contains(text, try XCTUnwrap(steps.hearingNotifiedOn).chinese, label)
            contains(text, plan.item.title, label)
            for right in ["有权申请回避", "委托一至二人代理", "视为放弃听证权利", "第六十四条"] { contains(text, right, label) }
            XCTAssertFalse(text.contains("听证地点"), "\(label): the export has no place; none may be made up")
            if export == "sample" { sample += 1 }
        }
        XCTAssertGreaterThan(sample, 0, "the sample export has a case with a hearing notice")
    }

    /// A notice served fewer than 7 days before the hearing is still rendered (supervision reports it),
    /// and a place the export carries in an extra column is printed.
    func testShortNoticeStillRendersAndExtraPlaceIsPrinted() throws {
        let (_, plan) = try XCTUnwrap(plans("听证通知书").first)
        var details = plan.details
        let hearing = try XCTUnwrap(details.procedure.hearingOn)
        details.procedure.hearingNotifiedOn = hearing.adding(days: -2)
        var item = plan.item
        item.extra["听证地点"] = "本局三楼听证室"
        let data = DocumentData.context(for: item, context: context(item), details: details)
        let text = try DocumentFixtures.text(DocumentFixtures.renderer.render("听证通知书", data: data).bytes)
        contains(text, hearing.adding(days: -2).chinese, item.id)
        contains(text, "听证地点：本局三楼听证室", item.id)
    }
}
