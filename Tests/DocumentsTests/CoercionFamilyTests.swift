import CaseModel
@testable import Documents
import Foundation
import Ingest
import TestSupport
import XCTest

/// 责令改正通知书, 查封（扣押）决定书, 行政强制执行决定书, 催告书, 准予/不予行政许可决定书,
/// 撤销决定书 and 变更决定书, rendered from contract v2 exports and read back from the PDF's text.
enum CoercionFixtures {
    struct Plan {
        var item: EnforcementCase
        var details: CaseDetails
        var kinds: [String]
        var data: TemplateValue
        /// The same case as a v1 export (or the public copy) sees it: no details.
        var v1Data: TemplateValue
    }

    static let kinds = ["责令改正通知书", "查封扣押决定书", "催告书", "行政强制执行决定书", "行政许可决定书", "不予行政许可决定书",
                        "撤销决定书", "变更决定书"]

    /// Generated exports beside the sample and the seed-8 export DocumentFixtures makes: other seeds, English headers.
    static func generated(seed: Int, cases: Int, english: Bool = false) -> IngestResult {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sanxiang-coercion-\(seed)-\(getpid())")
        if !FileManager.default.fileExists(atPath: folder.appendingPathComponent("cases.csv").path) {
            var arguments = [DocumentFixtures.root.appendingPathComponent("Tests/Fixtures/gen_export.py").path, "--out", folder.path,
                             "--cases", "\(cases)", "--seed", "\(seed)", "--no-media", "--broken", "4"]
            if english { arguments += ["--header-style", "en"] }
            _ = try? Shell.run("/usr/bin/env", ["python3"] + arguments)
        }
        return DocumentFixtures.read(folder)
    }

    static let exports: [(name: String, result: IngestResult)] = [
        ("sample", DocumentFixtures.ingest), ("seed 8", DocumentFixtures.generated),
        ("seed 41", generated(seed: 41, cases: 900)), ("seed 7 en", generated(seed: 7, cases: 700, english: true)),
    ]

    static func plans(_ result: IngestResult) -> [Plan] {
        let agencies = Dictionary(result.agencies.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        let officers = Dictionary(result.officers.map { ($0.certNo, $0) }, uniquingKeysWith: { a, _ in a })
        let reviews = Dictionary(result.reviews.map { ($0.caseID, $0) }, uniquingKeysWith: { a, _ in a })
        return result.cases.compactMap { item in
            guard let agency = agencies[item.agencyCode] else { return nil }
            let details = result.details(of: item)
            let kinds = DocumentRule.defaults.filter { $0.applies(to: item, reviewed: reviews[item.id] != nil, details: details) }
                .map(\.kind).filter(Self.kinds.contains)
            guard !kinds.isEmpty else { return nil }
            let context = CaseContext(agency: agency, officers: officers)
            let data = DocumentData.context(for: item, context: context, details: details,
                                            agencyDetails: result.agencyDetails[item.agencyCode])
            return Plan(item: item, details: details, kinds: kinds, data: data, v1Data: DocumentData.context(for: item, context: context))
        }
    }

    /// The sample as a contract v1 export: no penalties.csv, items.csv, deliveries.csv, no v2 case columns.
    static let v1Sample: IngestResult = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sanxiang-coercion-v1-\(getpid())")
        let script = """
        import csv, io, json, os, shutil, sys
        src, dst = sys.argv[1], sys.argv[2]
        shutil.rmtree(dst, ignore_errors=True)
        shutil.copytree(src, dst)
        for name in ("penalties.csv", "items.csv", "deliveries.csv"):
            os.remove(os.path.join(dst, name))
        v1 = ["案件编号", "主体代码", "执法类别", "程序", "文书编号", "案由", "当事人类型", "当事人", "证件类型", "证件号码", "法定代表人",
              "住所", "联系电话", "未成年人", "违法事实", "证据", "违法依据", "处罚依据", "裁量说明", "处理决定", "处罚种类", "罚款金额",
              "没收金额", "决定日期", "送达日期", "执法人员", "重大决定", "听证", "审核编号", "公开方式", "不公开理由", "商业秘密段落",
              "状态", "状态日期", "状态说明", "更新时间"]
        raw = open(os.path.join(src, "cases.csv"), "rb").read()
        text = raw.decode("utf-8-sig") if raw.startswith(b"\\xef\\xbb\\xbf") else raw.decode("gb18030")
        rows = list(csv.DictReader(io.StringIO(text)))
        with open(os.path.join(dst, "cases.csv"), "w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=v1, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
        keys = {"case_id", "agency_code", "action_type", "procedure", "doc_no", "title", "party_type", "party_name", "party_id_type",
                "party_id_no", "legal_rep", "party_address", "party_phone", "party_minor", "facts", "evidence", "violated_provisions",
                "penalty_provisions", "discretion", "decision", "penalty_kinds", "fine_amount", "confiscation_amount", "decision_date",
                "served_date", "officers", "major", "hearing", "review_id", "disclosure", "nondisclosure_reason", "trade_secret_spans",
                "status", "status_date", "status_reason", "updated_at"}
        path = os.path.join(dst, "cases.json")
        cases = json.load(open(path, encoding="utf-8"))
        json.dump([{k: v for k, v in c.items() if k in keys} for c in cases], open(path, "w", encoding="utf-8"), ensure_ascii=False)
        """
        _ = try? Shell.run("/usr/bin/env", ["python3", "-c", script, DocumentFixtures.sample.path, folder.path])
        return DocumentFixtures.read(folder)
    }()

    static let all: [(export: String, plan: Plan)] = exports.flatMap { export in plans(export.result).map { (export.name, $0) } }

    static func cases(of kind: String) -> [(export: String, plan: Plan)] { all.filter { $0.plan.kinds.contains(kind) } }

    static func text(_ kind: String, _ data: TemplateValue) throws -> String {
        try DocumentFixtures.text(DocumentFixtures.renderer.render(kind, data: data).bytes)
    }

    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }
}

final class CoercionFamilyTests: XCTestCase {
    /// What the sample export produces of these kinds (the brief asks which it cannot).
    func testSampleProducesEveryKind() throws {
        let sample = CoercionFixtures.plans(DocumentFixtures.ingest)
        for kind in CoercionFixtures.kinds {
            let plans = sample.filter { $0.kinds.contains(kind) }
            XCTAssertFalse(plans.isEmpty, "the sample has no case that gets \(kind)")
            for plan in plans {
                XCTAssertNoThrow(try DocumentFixtures.renderer.prepare(kind, data: plan.data).missing.isEmpty, "\(kind) \(plan.item.id)")
            }
        }
    }

    /// Every case of every export gets each of its documents whole, or is set aside naming the element.
    func testEveryCaseRendersOrNamesWhatIsMissing() throws {
        var rendered: [String: Int] = [:]
        for (export, plan) in CoercionFixtures.all {
            for kind in plan.kinds {
                do {
                    _ = try DocumentFixtures.renderer.prepare(kind, data: plan.data)
                    rendered[kind, default: 0] += 1
                } catch let missing as MissingStatutoryElements {
                    // Valid exports (broken child rows included: the contract keeps their cases) render whole.
                    XCTFail("\(export) \(plan.item.id) \(kind): \(missing.message)")
                }
            }
        }
        for kind in CoercionFixtures.kinds { XCTAssertGreaterThan(rendered[kind] ?? 0, 0, kind) }
    }

    // MARK: 责令改正通知书

    func testRectificationNoticeCitesTheSectoralProvisionDeadlineAndConsequence() throws {
        let cases = CoercionFixtures.cases(of: "责令改正通知书").filter { $0.plan.details.rectification != nil }
        XCTAssertGreaterThan(cases.count, 5)
        for (export, plan) in cases.prefix(25) {
            let order = try XCTUnwrap(plan.details.rectification)
            let text = try CoercionFixtures.text("责令改正通知书", plan.data)
            let id = "\(export) \(plan.item.id)"
            XCTAssertTrue(text.contains(order.docNo), "\(id): its own 文书编号 \(order.docNo)")
            XCTAssertTrue(text.contains("依据\(order.basis)的规定，本机关责令"), "\(id): sectoral basis")
            XCTAssertFalse(text.contains("根据《中华人民共和国行政处罚法》第二十八条的规定，本机关决定"), id)
            let by = try XCTUnwrap(order.by)
            XCTAssertTrue(text.contains("于\(by.chinese)前"), "\(id): deadline date")
            XCTAssertTrue(text.contains(order.what.trimmingCharacters(in: CharacterSet(charactersIn: "。"))), "\(id): what to correct")
            XCTAssertFalse(text.contains("30日内"), id)
            XCTAssertTrue(text.contains("逾期不改正的，本机关将依据《"), "\(id): specific consequence")
            XCTAssertEqual(CoercionFixtures.count("之日起六十日内向", in: text), 1, "\(id): relief once")
        }
    }

    // MARK: 查封（扣押）决定书

    func testSeizureDecisionNamesTheMeasureBasisPeriodAndListsEveryItem() throws {
        let cases = CoercionFixtures.cases(of: "查封扣押决定书").filter { $0.plan.details.coercion?.measure != nil }
        XCTAssertGreaterThan(cases.count, 3)
        var extended = 0
        for (export, plan) in cases where !plan.details.setAsideChildRows.contains(where: { $0.file.hasPrefix("items") }) {
            let coercion = try XCTUnwrap(plan.details.coercion)
            let measure = try XCTUnwrap(coercion.measure).rawValue
            let text = try CoercionFixtures.text("查封扣押决定书", plan.data)
            let id = "\(export) \(plan.item.id)"
            XCTAssertTrue(text.contains(measure + "决定书"), "\(id): title says \(measure)")
            XCTAssertFalse(text.contains("查封（扣押）"), id)
            XCTAssertTrue(text.contains("依据\(coercion.basis)的规定"), "\(id): basis")
            let from = try XCTUnwrap(coercion.measureFrom), to = try XCTUnwrap(coercion.measureTo)
            XCTAssertTrue(text.contains("期限为三十日，自\(from.chinese)起至\(to.chinese)止"), "\(id): period")
            XCTAssertTrue(text.contains("延长期限不得超过三十日"), id)
            if let extendedTo = coercion.extendedTo {
                XCTAssertTrue(text.contains("延长至\(extendedTo.chinese)"), "\(id): extension")
                extended += 1
            }
            XCTAssertFalse(text.contains("见现场笔录") || text.contains("按案由列出"), id)
            let items = plan.details.items.filter { coercion.measure?.measures.contains($0.purpose) ?? false }
            XCTAssertFalse(items.isEmpty, id)
            XCTAssertTrue(text.contains(measure + "清单"), id)
            for item in items {
                let row = "\(item.name)；规格：\(item.spec)；数量：\(item.quantity.decimalString)\(item.unit)；特征：\(item.features)；存放地点：\(item.storage)"
                XCTAssertTrue(text.contains(row.replacingOccurrences(of: " ", with: "")), "\(id): 清单 lacks \(row)")
            }
            XCTAssertEqual(CoercionFixtures.count("之日起六十日内向", in: text), 1, "\(id): relief once")
        }
        XCTAssertGreaterThan(extended, 0, "no extended measure in the exports")
    }

    /// A 清单 with a row ingest set aside, or a period beyond 三十日, sets the case aside naming the element.
    func testIncompleteListOrOverlongPeriodSetsTheCaseAside() throws {
        let (_, plan) = try XCTUnwrap(CoercionFixtures.cases(of: "查封扣押决定书").first { $0.plan.details.coercion?.measure != nil })
        let agency = try XCTUnwrap(DocumentFixtures.ingest.agencies.first { $0.code == plan.item.agencyCode })
        func refused(_ details: CaseDetails) throws -> String {
            let data = DocumentData.context(for: plan.item, context: CaseContext(agency: agency, officers: [:]), details: details)
            do {
                _ = try DocumentFixtures.renderer.prepare("查封扣押决定书", data: data)
                return ""
            } catch let missing as MissingStatutoryElements { return missing.message }
        }
        var details = plan.details
        // A 清单 row ingest set aside is in the quarantine report; the case and its document stay.
        details.setAsideChildRows = [SourceRef(file: "items.csv", row: 3)]
        XCTAssertEqual(try refused(details), "")
        details.items = []
        XCTAssertTrue(try refused(details).contains("财物的名称、数量（清单）"))
        details = plan.details
        let from = details.coercion?.measureFrom
        details.coercion?.measureTo = from?.adding(days: 40)
        XCTAssertTrue(try refused(details).contains("不得超过三十日"))
    }

    // MARK: 行政强制执行决定书

    func testEnforcementDecisionCitesTheAuthorityTheDemandTheGuardAndTheAnnouncement() throws {
        let cases = CoercionFixtures.cases(of: "行政强制执行决定书").filter { $0.plan.details.coercion?.isEnforcement == true }
        XCTAssertGreaterThan(cases.count, 1)
        for (export, plan) in cases {
            let coercion = try XCTUnwrap(plan.details.coercion)
            let text = try CoercionFixtures.text("行政强制执行决定书", plan.data)
            let id = "\(export) \(plan.item.id)"
            XCTAssertTrue(text.contains("依据\(coercion.basis)的规定，本机关决定对当事人强制执行"), "\(id): enforcement authority")
            XCTAssertFalse(text.contains("依据\(plan.item.violatedProvisions)和"), "\(id): the violated provision is no authority")
            XCTAssertTrue(text.contains("《催告书》（\(coercion.demandDocNo)）"), id)
            XCTAssertTrue(text.contains(try XCTUnwrap(coercion.demandOn).chinese), id)
            XCTAssertTrue(text.contains("不得在夜间或者法定节假日实施行政强制执行，情况紧急的除外"), "\(id): 第四十三条")
            XCTAssertTrue(text.contains(try XCTUnwrap(coercion.enforcementMethod).rawValue), id)
            XCTAssertTrue(text.contains(try XCTUnwrap(coercion.enforcedOn).chinese), "\(id): 执行时间")
            XCTAssertTrue(text.contains(coercion.baseDocNo), "\(id): the decision enforced")
            if let announced = coercion.announcedOn {
                XCTAssertTrue(text.contains("本机关于\(announced.chinese)依照《中华人民共和国行政强制法》第四十四条的规定予以公告"), id)
                XCTAssertTrue(text.contains("当事人在法定期限内不申请行政复议或者提起行政诉讼，又不拆除的，行政机关可以依法强制拆除"), id)
            }
            XCTAssertEqual(CoercionFixtures.count("之日起六十日内向", in: text), 1, "\(id): relief once")
        }
    }

    /// A 强制拆除 without its 第四十四条 公告 is not decided.
    func testDemolitionWithoutAnnouncementIsSetAside() throws {
        let (_, plan) = try XCTUnwrap(CoercionFixtures.cases(of: "行政强制执行决定书").first { $0.plan.details.coercion?.announcedOn != nil })
        var details = plan.details
        details.coercion?.announcedOn = nil
        let agency = try XCTUnwrap(CoercionFixtures.exports.flatMap(\.result.agencies).first { $0.code == plan.item.agencyCode })
        let data = DocumentData.context(for: plan.item, context: CaseContext(agency: agency, officers: [:]), details: details)
        XCTAssertThrowsError(try DocumentFixtures.renderer.prepare("行政强制执行决定书", data: data)) { error in
            XCTAssertTrue((error as? MissingStatutoryElements)?.message.contains("公告") ?? false, "\(error)")
        }
    }

    // MARK: 催告书

    func testDemandNoticeHasDeadlineWayRightsAndRefersToTheDecision() throws {
        let cases = CoercionFixtures.cases(of: "催告书")
        XCTAssertGreaterThan(cases.count, 1)
        for (export, plan) in cases {
            let coercion = try XCTUnwrap(plan.details.coercion)
            let text = try CoercionFixtures.text("催告书", plan.data)
            let id = "\(export) \(plan.item.id)"
            XCTAssertTrue(text.contains("催告书") && text.contains(coercion.demandDocNo), id)
            XCTAssertTrue(text.contains(try XCTUnwrap(coercion.demandOn).chinese), "\(id): 催告日期")
            XCTAssertTrue(text.contains(coercion.baseDocNo + "《行政处罚决定书》"), "\(id): the decision enforced")
            let deadline = try XCTUnwrap(plan.details.procedure.narrative.range(of: #"催告其于[0-9]+年[0-9]+月[0-9]+日前"#, options: .regularExpression))
            let by = plan.details.procedure.narrative[deadline].dropFirst(4).dropLast()
            XCTAssertTrue(text.contains("一、履行期限：请于\(by)前履行完毕"), "\(id): 履行义务的期限 \(by)")
            XCTAssertTrue(text.contains("二、履行方式：自行拆除"), "\(id): 履行义务的方式")
            XCTAssertTrue(text.contains("有权进行陈述和申辩"), "\(id): 陈述权和申辩权")
        }
    }

    /// 第三十五条第三项: a money obligation states the amount (in uppercase) and how to pay; without them, no 催告书.
    func testMoneyDemandStatesAmountAndPayment() throws {
        let (export, plan) = try XCTUnwrap(CoercionFixtures.cases(of: "催告书").first)
        let result = try XCTUnwrap(CoercionFixtures.exports.first { $0.name == export }).result
        let agency = try XCTUnwrap(result.agencies.first { $0.code == plan.item.agencyCode })
        var item = plan.item
        item.fine = Yuan(yuan: 12000)
        var details = plan.details
        details.coercion?.enforcementMethod = .additionalFine
        let payment = AgencyDetails(agencyCode: agency.code, paymentBank: "中国农业银行股份有限公司玉溪红塔支行",
                                    paymentAccountName: "玉溪市财政局非税收入汇缴结算户", paymentAccount: "24300101040001819")
        let data = DocumentData.context(for: item, context: CaseContext(agency: agency, officers: [:]), details: details, agencyDetails: payment)
        let text = try CoercionFixtures.text("催告书", data)
        XCTAssertTrue(text.contains("三、金额和给付方式：人民币壹万贰仟元整（¥12,000.00），缴至中国农业银行股份有限公司玉溪红塔支行"), text)
        XCTAssertTrue(text.contains("账号：24300101040001819"))
        let unpaid = DocumentData.context(for: item, context: CaseContext(agency: agency, officers: [:]), details: details)
        XCTAssertThrowsError(try DocumentFixtures.renderer.prepare("催告书", data: unpaid)) { error in
            XCTAssertTrue((error as? MissingStatutoryElements)?.message.contains("金钱给付的金额和给付方式") ?? false, "\(error)")
        }
        details.procedure.narrative = ""
        let undated = DocumentData.context(for: plan.item, context: CaseContext(agency: agency, officers: [:]), details: details)
        XCTAssertThrowsError(try DocumentFixtures.renderer.prepare("催告书", data: undated)) { error in
            XCTAssertTrue((error as? MissingStatutoryElements)?.message.contains("履行义务的期限") ?? false, "\(error)")
        }
    }

    // MARK: 准予/不予行政许可决定书

    func testPermitGrantNamesTheApplicantBasisCertificateAndValidity() throws {
        let cases = CoercionFixtures.cases(of: "行政许可决定书").filter { $0.plan.details.permit != nil }
        XCTAssertGreaterThan(cases.count, 5)
        var longTerm = 0
        for (export, plan) in cases {
            let permit = try XCTUnwrap(plan.details.permit)
            let text = try CoercionFixtures.text("行政许可决定书", plan.data)
            let id = "\(export) \(plan.item.id)"
            XCTAssertTrue(text.contains("申请人：" + plan.item.party.name.filter { $0 != " " }), id)
            XCTAssertFalse(text.contains("当事人"), "\(id): 申请人, not 当事人")
            XCTAssertTrue(text.contains(permit.basis), "\(id): basis")
            XCTAssertTrue(text.contains("申请人于\(try XCTUnwrap(permit.appliedOn).chinese)"), "\(id): 申请日期")
            XCTAssertTrue(text.contains("本机关于\(try XCTUnwrap(permit.acceptedOn).chinese)依法受理"), "\(id): 受理日期")
            if !permit.name.isEmpty { XCTAssertTrue(text.contains("《\(permit.name)》") && text.contains(permit.number), id) }
            switch (permit.validFrom, permit.validTo) {
            case let (from?, to?): XCTAssertTrue(text.contains("自\(from.chinese)起至\(to.chinese)止"), id)
            case let (from?, nil): XCTAssertTrue(text.contains("自\(from.chinese)起长期有效"), id); longTerm += 1
            default: XCTAssertTrue(text.contains("有效期限：长期"), id); longTerm += 1
            }
        }
        XCTAssertGreaterThan(longTerm, 0)
    }

    func testPermitRefusalStatesTheReasonAndReliefAndNotAcceptedIsWordedSo() throws {
        let cases = CoercionFixtures.cases(of: "不予行政许可决定书").filter { $0.plan.details.permit != nil }
        XCTAssertGreaterThan(cases.count, 1)
        for (export, plan) in cases {
            let permit = try XCTUnwrap(plan.details.permit)
            let text = try CoercionFixtures.text("不予行政许可决定书", plan.data)
            let id = "\(export) \(plan.item.id)"
            XCTAssertTrue(text.contains(permit.refusalReason), "\(id): the actual reason")
            XCTAssertTrue(text.contains("申请人：") && !text.contains("当事人"), id)
            XCTAssertTrue(text.contains("申请人对本决定不服的，可以自收到本决定书之日起六十日内"), "\(id): relief")
            XCTAssertEqual(CoercionFixtures.count("之日起六十日内向", in: text), 1, "\(id): relief once")
            XCTAssertTrue(text.contains(try XCTUnwrap(permit.appliedOn).chinese), id)
            if let accepted = permit.acceptedOn {
                XCTAssertTrue(text.contains("不予行政许可决定书") && text.contains("\(accepted.chinese)依法受理"), id)
                XCTAssertTrue(text.contains("第三十八条第二款"), id)
            } else {
                XCTAssertTrue(text.contains("不予受理决定书") && !text.contains("不予行政许可决定书"), id)
                XCTAssertTrue(text.contains("第三十二条第一款") && !text.contains("依法受理"), id)
            }
        }
    }

    /// 行政许可法 第三十二条: an application never accepted gets a 不予受理决定书, even where no export has one.
    func testNotAcceptedApplicationGetsANotAcceptedDecision() throws {
        let (export, plan) = try XCTUnwrap(CoercionFixtures.cases(of: "不予行政许可决定书").first { $0.plan.details.permit != nil })
        let agency = try XCTUnwrap(CoercionFixtures.exports.first { $0.name == export }?.result.agencies.first { $0.code == plan.item.agencyCode })
        var details = plan.details
        details.permit?.acceptedOn = nil
        details.permit?.refusalReason = "经审查，申请事项依法不属于本机关职权范围。"
        let data = DocumentData.context(for: plan.item, context: CaseContext(agency: agency, officers: [:]), details: details)
        let text = try CoercionFixtures.text("不予行政许可决定书", data)
        XCTAssertTrue(text.contains("不予受理决定书"))
        XCTAssertTrue(text.contains("根据《中华人民共和国行政许可法》第三十二条第一款的规定，本机关决定不予受理。"), text)
        XCTAssertFalse(text.contains("依法受理") || text.contains("不予行政许可"))
    }

    // MARK: 撤销决定书 / 变更决定书

    func testStatusChangeDocumentsStateTheOriginalReasonBasisAndRelief() throws {
        var seen: Set<String> = []
        for kind in ["撤销决定书", "变更决定书"] {
            let cases = CoercionFixtures.cases(of: kind)
            XCTAssertGreaterThan(cases.count, 1, kind)
            for (export, plan) in cases {
                let item = plan.item
                let text = try CoercionFixtures.text(kind, plan.data)
                let id = "\(export) \(item.id) \(kind)"
                XCTAssertTrue(text.contains(kind), id)
                XCTAssertTrue(text.contains("（\(item.docNo)）"), "\(id): original number")
                XCTAssertTrue(text.contains(item.decisionDate.chinese), "\(id): original date")
                XCTAssertTrue(text.contains(item.statusReason.trimmingCharacters(in: CharacterSet(charactersIn: "。"))), "\(id): reason")
                XCTAssertTrue(text.contains(try XCTUnwrap(item.statusDate).chinese), "\(id): date")
                XCTAssertEqual(CoercionFixtures.count("之日起六十日内向", in: text), 1, "\(id): relief once")
                if item.statusReason.contains("复议") {
                    XCTAssertTrue(text.contains("《中华人民共和国行政复议法》"), id); seen.insert("复议")
                } else if item.statusReason.contains("法院") {
                    XCTAssertTrue(text.contains("《中华人民共和国行政诉讼法》"), id); seen.insert("法院")
                } else if item.actionType == .penalty {
                    XCTAssertTrue(text.contains("《中华人民共和国行政处罚法》第"), id); seen.insert("自行")
                }
                if kind == "变更决定书" {
                    XCTAssertTrue(text.contains("变更如下") || text.contains("变更后的内容如下"), id)
                    let content = DocumentData.withoutRelief(item.decision).prefix(30).filter { $0 != " " && $0 != "\n" }
                    XCTAssertTrue(text.contains(content), "\(id): new content")
                }
            }
        }
        XCTAssertEqual(seen, ["复议", "法院", "自行"])
    }

    // MARK: v1 exports and the public copy

    /// A v1 export keeps working: every case gets these kinds whole (no 催告书: a v1 export records no 催告),
    /// from the v1 wording, and nothing is made up.
    func testV1ExportStillRendersEveryKind() throws {
        let plans = CoercionFixtures.plans(CoercionFixtures.v1Sample)
        XCTAssertTrue(plans.allSatisfy { $0.details.coercion == nil && $0.details.items.isEmpty })
        for kind in CoercionFixtures.kinds where kind != "催告书" {
            let cases = plans.filter { $0.kinds.contains(kind) }
            XCTAssertFalse(cases.isEmpty, kind)
            for plan in cases {
                let text = try CoercionFixtures.text(kind, plan.data)
                XCTAssertFalse(text.contains("见现场笔录"), plan.item.id)
                XCTAssertLessThanOrEqual(CoercionFixtures.count("之日起六十日内向", in: text), 1, "\(plan.item.id) \(kind)")
            }
        }
        XCTAssertTrue(plans.allSatisfy { !$0.kinds.contains("催告书") })
    }

    /// Without details (a v1 export, the portal's public copy) every published kind still renders, states
    /// relief once and invents nothing (no 见现场笔录 list).
    func testWithoutDetailsTheDecisionsStillRender() throws {
        for kind in ["责令改正通知书", "查封扣押决定书", "行政强制执行决定书", "行政许可决定书", "不予行政许可决定书", "撤销决定书", "变更决定书"] {
            let cases = CoercionFixtures.cases(of: kind).prefix(6)
            XCTAssertFalse(cases.isEmpty, kind)
            for (export, plan) in cases {
                let id = "\(export) \(plan.item.id) \(kind)"
                let text = try CoercionFixtures.text(kind, plan.v1Data)
                XCTAssertFalse(text.contains("见现场笔录"), id)
                XCTAssertLessThanOrEqual(CoercionFixtures.count("之日起六十日内向", in: text), 1, "\(id): relief at most once")
                XCTAssertTrue(text.contains(plan.item.docNo), id)
            }
        }
    }
}
