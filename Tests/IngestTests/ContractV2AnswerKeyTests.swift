import CaseModel
import Foundation
import Ingest
import TestSupport
import XCTest

/// Generated contract v2 exports against their answer keys: exactly the rows
/// of EXPECTED_ERRORS.json are set aside (v2 kinds included), the new files
/// balance with MANIFEST.json, and the statistics the model exposes
/// (hearings held, 行政强制 by measure, permits, inspections) give the
/// generator's own figures. A v1 export still reads as before.
final class ContractV2AnswerKeyTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let generator = root.appendingPathComponent("Tests/Fixtures/gen_export.py")
    let asOf = CivilDate(iso: "2026-01-06")!
    var parent: URL!

    override func setUpWithError() throws {
        parent = FileManager.default.temporaryDirectory.appendingPathComponent("contract-v2-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: parent) }

    private func generate(seed: Int, cases: Int = 300, broken: Int, encoding: String = "utf-8", json: Double = 0,
                          header: String = "zh") throws -> URL {
        let folder = parent.appendingPathComponent("seed\(seed)-\(encoding)-\(json)-\(header)")
        let result = try Shell.run("/usr/bin/env", ["python3", Self.generator.path, "--out", folder.path, "--cases", "\(cases)",
                                                    "--seed", "\(seed)", "--broken", "\(broken)", "--encoding", encoding,
                                                    "--json-share", "\(json)", "--header-style", header, "--no-media"])
        XCTAssertEqual(result.code, 0, result.output)
        return folder
    }

    struct Expected: Decodable, Hashable {
        let file: String
        let row: Int
        let field: String
        let kind: String
        let caseID: String
        enum CodingKeys: String, CodingKey { case file, row, field, kind, caseID = "case_id" }
    }

    private func assertAnswerKey(_ folder: URL, file: StaticString = #filePath, line: UInt = #line) throws -> IngestResult {
        let result = try ExportReader.read(folder: folder, options: IngestOptions(asOf: asOf))
        let expected = try JSONDecoder().decode([Expected].self,
                                                from: Data(contentsOf: folder.appendingPathComponent("EXPECTED_ERRORS.json")))
        let name = folder.lastPathComponent
        XCTAssertEqual(Set(result.errors.map { "\($0.file)#\($0.row)" }), Set(expected.map { "\($0.file)#\($0.row)" }), name,
                       file: file, line: line)
        for entry in expected {
            XCTAssertTrue(result.errors.contains { $0.file == entry.file && $0.row == entry.row && $0.field == entry.field
                && $0.kind.rawValue == entry.kind }, "\(name): \(entry)", file: file, line: line)
        }
        // Messages never echo the broken quantity or a witness-less recipient.
        for problem in result.errors where problem.kind == .itemBadQuantity || problem.kind == .deliveryLienWithoutWitness {
            for echo in ["若干", "一批", "见现场笔录", "约"] {
                XCTAssertFalse(problem.message.contains(echo), problem.message, file: file, line: line)
            }
        }
        return result
    }

    func testV2BrokenRowsMatchTheAnswerKeyAcrossSeedsEncodingsAndHeaders() throws {
        let variants: [(seed: Int, encoding: String, json: Double, header: String)] = [
            (31, "utf-8", 0, "zh"), (32, "gb18030", 0.3, "en"), (33, "utf-8-sig", 1.0, "zh"), (34, "gb18030", 0.5, "zh"),
        ]
        var kindsSeen = Set<String>()
        for variant in variants {
            let folder = try generate(seed: variant.seed, broken: 24, encoding: variant.encoding, json: variant.json,
                                      header: variant.header)
            let result = try assertAnswerKey(folder)
            kindsSeen.formUnion(result.errors.map(\.kind.rawValue))
            let manifest = try ManifestV2.load(folder)
            let name = folder.lastPathComponent
            XCTAssertEqual(manifest.contractVersion, "2", name)
            XCTAssertEqual(result.cases.count, manifest.rows.casesValid, name)
            // Every row of the new files is read, and all but the broken ones accepted.
            for (file, total) in [("penalties.csv", manifest.rows.penalties), ("items.csv", manifest.rows.items),
                                  ("deliveries.csv", manifest.rows.deliveries)] {
                let balance = result.balances.first { $0.file == file }
                XCTAssertEqual(balance?.read, total, "\(name) \(file)")
                XCTAssertEqual(balance.map { $0.accepted + $0.setAside }, total, "\(name) \(file)")
            }
            XCTAssertEqual(result.details.count, result.cases.count, name)
            // The generator's 送达日期 is the 送达时间 of the decision's service: the two always agree.
            XCTAssertEqual(result.warnings.filter { $0.kind == .servedDateDisagreesWithDelivery }.map(\.message), [], name)
            XCTAssertEqual(result.warnings.filter { $0.kind == .penaltiesDisagreeWithCase }.map(\.message), [], name)
            let served = result.cases.filter { $0.servedDate != nil && result.details(of: $0).firstServedAt($0.docNo) != nil }
            XCTAssertGreaterThan(served.count, 50, name)
            try assertStatistics(result, manifest, name)
        }
        for kind in ["penalty_unknown_case", "item_bad_quantity", "hearing_before_notice", "permit_valid_to_before_from",
                     "delivery_lien_without_witness"] {
            XCTAssertTrue(kindsSeen.contains(kind), kind)
        }
    }

    /// The statistics the annual report will need, from the model alone,
    /// against the generator's MANIFEST (each counted in the year of its own event).
    private func assertStatistics(_ result: IngestResult, _ manifest: ManifestV2, _ name: String) throws {
        var hearings: [String: [String: Int]] = [:]
        var coercive: [String: [String: [String: Int]]] = [:]
        var permits: [String: [String: [String: Int]]] = [:]
        var inspections: [String: [String: [String: Int]]] = [:]
        for item in result.cases {
            let details = result.details(of: item)
            let agency = item.agencyCode
            let year = String(item.decisionDate.year)
            if let held = details.hearingHeldOn { hearings[agency, default: [:]][String(held.year), default: 0] += 1 }
            if let coercion = details.coercion {
                if coercion.isEnforcement { coercive[agency, default: [:]][year, default: [:]]["强制执行", default: 0] += 1 }
                for measure in coercion.measure?.measures ?? [] {
                    coercive[agency, default: [:]][year, default: [:]][measure.rawValue, default: 0] += 1
                }
            }
            if let permit = details.permit, let applied = permit.appliedOn {
                permits[agency, default: [:]][String(applied.year), default: [:]]["applied", default: 0] += 1
                if let accepted = permit.acceptedOn {
                    permits[agency, default: [:]][String(accepted.year), default: [:]]["accepted", default: 0] += 1
                    let outcome = permit.outcome == .granted ? "granted" : "refused"
                    permits[agency, default: [:]][year, default: [:]][outcome, default: 0] += 1
                }
            }
            if item.actionType == .inspection {
                inspections[agency, default: [:]][year, default: [:]]["inspections", default: 0] += 1
                if details.rectification != nil {
                    inspections[agency, default: [:]][year, default: [:]]["rectification_ordered", default: 0] += 1
                }
            }
        }
        XCTAssertEqual(hearings, manifest.hearingsHeld, name)
        XCTAssertEqual(coercive, manifest.coercive, name)
        XCTAssertEqual(permits, manifest.permits, name)
        XCTAssertEqual(inspections, manifest.inspections, name)
    }

    /// The same export without its v2 files and v2 columns (a v1 export)
    /// reads to the same records and problems, with empty v2 data.
    func testAV1ExportStillIngestsIdentically() throws {
        let v2 = try generate(seed: 35, cases: 240, broken: 8, encoding: "utf-8", json: 0.3)
        let v1 = parent.appendingPathComponent("v1")
        try FileManager.default.copyItem(at: v2, to: v1)
        for file in ["penalties.csv", "items.csv", "deliveries.csv"] {
            try FileManager.default.removeItem(at: v1.appendingPathComponent(file))
        }
        try Self.stripV2Columns(v1)
        let old = try ExportReader.read(folder: v1, options: IngestOptions(asOf: asOf))
        let new = try ExportReader.read(folder: v2, options: IngestOptions(asOf: asOf))
        let v2Files: Set<String> = ["penalties.csv", "items.csv", "deliveries.csv"]
        let v2CaseKinds: Set<ProblemKind> = [.hearingBeforeNotice, .permitValidToBeforeFrom, .procedureDatesInconsistent,
                                             .periodEndBeforeStart, .penaltiesDisagreeWithCase,
                                             .servedDateDisagreesWithDelivery]
        let v2CaseRows = Set(new.errors.filter { v2CaseKinds.contains($0.kind) }.map { SourceRef(file: $0.file, row: $0.row) })
        XCTAssertFalse(v2CaseRows.isEmpty)
        // Cases: identical, except the rows only v2 data could break, which v1 accepts.
        XCTAssertEqual(new.cases, old.cases.filter { !v2CaseRows.contains($0.source) })
        XCTAssertEqual(new.agencies, old.agencies)
        XCTAssertEqual(new.officers, old.officers)
        XCTAssertEqual(new.reviews, old.reviews)
        XCTAssertEqual(new.records, old.records)
        XCTAssertEqual(new.problems.filter { !v2Files.contains($0.file) && !v2CaseKinds.contains($0.kind) }, old.problems)
        XCTAssertEqual(old.balances.map(\.file), new.balances.map(\.file).filter { !v2Files.contains($0) })
        XCTAssertTrue(old.penalties.isEmpty && old.items.isEmpty && old.deliveries.isEmpty)
        XCTAssertEqual(old.details.count, old.cases.count)
        XCTAssertTrue(old.details.values.allSatisfy { $0 == CaseDetails(caseID: $0.caseID) })
        XCTAssertTrue(old.agencyDetails.values.allSatisfy { $0 == AgencyDetails(agencyCode: $0.agencyCode) })
        XCTAssertTrue(old.reviewDetails.values.allSatisfy { $0 == ReviewDetails(reviewID: $0.reviewID) })
        // And the v2 export does carry its data.
        XCTAssertFalse(new.penalties.isEmpty || new.items.isEmpty || new.deliveries.isEmpty)
        XCTAssertTrue(new.agencyDetails.values.allSatisfy { !$0.paymentAccount.isEmpty && !$0.legalOffice.isEmpty })
    }

    /// Rewrites cases.csv, cases.json, agencies.csv and reviews.csv with only their v1 columns.
    static func stripV2Columns(_ folder: URL) throws {
        let script = """
        import csv, json, os, sys
        folder = sys.argv[1]
        v2 = set(sys.argv[2].split(","))
        for name in ("cases.csv", "agencies.csv", "reviews.csv"):
            path = os.path.join(folder, name)
            if not os.path.exists(path):
                continue
            with open(path, encoding="utf-8-sig", newline="") as fh:
                rows = list(csv.reader(fh))
            keep = [i for i, h in enumerate(rows[0]) if h not in v2]
            with open(path, "w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh)
                for row in rows:
                    w.writerow([row[i] for i in keep if i < len(row)])
        path = os.path.join(folder, "cases.json")
        if os.path.exists(path):
            data = json.load(open(path, encoding="utf-8"))
            for obj in data:
                for key in list(obj):
                    if key in v2:
                        del obj[key]
            json.dump(data, open(path, "w", encoding="utf-8"), ensure_ascii=False)
        """
        let v2Headers = ["立案日期", "办案经过", "告知日期", "告知文书编号", "陈述申辩", "陈述申辩处理", "听证申请日期", "听证通知日期",
                         "听证日期", "集体讨论日期", "法定代理人", "改正期限", "改正内容", "改正依据", "改正文书编号", "申请日期", "受理日期",
                         "许可事项", "许可依据", "证件名称", "证件编号", "有效期起", "有效期止", "不予许可理由", "强制措施", "措施依据",
                         "措施期限起", "措施期限止", "延长至", "催告日期", "催告文书编号", "执行方式", "执行日期", "原决定文书编号", "公告日期",
                         "收缴银行", "缴款账户名", "缴款账号", "法制机构", "审核人员证号", "拟作出决定"]
        let v2Keys = ["filed_on", "procedure_narrative", "notified_on", "notice_doc_no", "statement", "statement_outcome",
                      "hearing_requested_on", "hearing_notified_on", "hearing_on", "discussed_on", "guardian", "rectify_by",
                      "rectify_what", "rectify_basis", "rectify_doc_no", "applied_on", "accepted_on", "permit_matter",
                      "permit_basis", "permit_name", "permit_no", "valid_from", "valid_to", "refusal_reason",
                      "coercive_measure", "measure_basis", "measure_from", "measure_to", "measure_extended_to", "demand_on",
                      "demand_doc_no", "enforcement_method", "enforced_on", "base_doc_no", "announced_on"]
        let result = try Shell.run("/usr/bin/env", ["python3", "-c", script, folder.path, (v2Headers + v2Keys).joined(separator: ",")])
        XCTAssertEqual(result.code, 0, result.output)
    }
}

/// The parts of a v2 MANIFEST.json these tests compare against.
struct ManifestV2: Decodable {
    struct Rows: Decodable {
        let casesValid: Int
        let penalties: Int
        let items: Int
        let deliveries: Int
        enum CodingKeys: String, CodingKey { case casesValid = "cases_valid", penalties, items, deliveries }
    }

    let contractVersion: String
    let rows: Rows
    let hearingsHeld: [String: [String: Int]]
    let coercive: [String: [String: [String: Int]]]
    let permits: [String: [String: [String: Int]]]
    let inspections: [String: [String: [String: Int]]]

    enum CodingKeys: String, CodingKey {
        case contractVersion = "contract_version", rows, hearingsHeld = "hearings_held_by_agency_year"
        case coercive = "coercive_by_agency_year", permits = "permits_by_agency_year"
        case inspections = "inspections_by_agency_year"
    }

    static func load(_ folder: URL) throws -> ManifestV2 {
        try JSONDecoder().decode(ManifestV2.self, from: Data(contentsOf: folder.appendingPathComponent("MANIFEST.json")))
    }
}
