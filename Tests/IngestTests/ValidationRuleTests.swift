import CaseModel
@testable import Ingest
import XCTest

/// One hand-written row per rule: each test bends one field of a valid export.
final class ValidationRuleTests: XCTestCase {
    private func result(bending change: (inout [String: String]) -> Void) throws -> IngestResult {
        var fixture = ExportFixture()
        change(&fixture.cases[0])
        return try fixture.read()
    }

    func testTheValidFixtureIsAccepted() throws {
        let result = try ExportFixture().read()
        XCTAssertEqual(result.errors, [])
        XCTAssertEqual(result.cases.count, 1)
        let item = try XCTUnwrap(result.cases.first)
        XCTAssertEqual(item.fine, Yuan(yuan: 5000))
        XCTAssertEqual(item.evidence, ["询问笔录1份", "现场照片3张"])
        XCTAssertEqual(item.officerCerts, ["A001", "A002"])
        XCTAssertEqual(item.updatedAt?.iso, "2025-03-15T10:00:00")
        XCTAssertEqual(result.balances.map(\.setAside), [0, 0, 0])
    }

    func testRequiredFields() throws {
        for header in ["案件编号", "主体代码", "执法类别", "文书编号", "案由", "当事人类型", "当事人", "决定日期", "执法人员", "公开方式", "状态"] {
            let result = try result { $0[header] = "" }
            XCTAssertEqual(result.errorKinds(row: 1), [.missingRequiredField], header)
            XCTAssertEqual(result.cases.count, 0, header)
        }
        let penaltyWithoutProcedure = try result { $0["程序"] = "" }
        XCTAssertEqual(penaltyWithoutProcedure.errorKinds(row: 1), [.missingRequiredField])
        let licensing = try result { $0["执法类别"] = "行政许可"; $0["程序"] = ""; $0["处罚种类"] = ""; $0["罚款金额"] = "" }
        XCTAssertEqual(licensing.errors, [], "程序 is only required for 行政处罚")
    }

    func testMessagesNameRowAndFieldButNotTheValue() throws {
        let result = try result { $0["证件号码"] = "110105194912310021" }
        let problem = try XCTUnwrap(result.errors.first)
        XCTAssertEqual(problem.kind, .badIDCheckDigit)
        XCTAssertEqual(problem.field, "party_id_no")
        XCTAssertEqual(problem.caseID, "YXSL-2025-000001")
        XCTAssertTrue(problem.message.contains("第1行"), problem.message)
        XCTAssertTrue(problem.message.contains("证件号码"), problem.message)
        XCTAssertFalse(problem.message.contains("110105194912310021"), problem.message)
        XCTAssertFalse(problem.message.contains("11010519491231002"), problem.message)
    }

    func testResidentIDRules() throws {
        XCTAssertEqual(try result { $0["证件号码"] = "11010519491231002x" }.errors, [], "lowercase x")
        XCTAssertEqual(try result { $0["证件号码"] = "110105194912310021" }.errorKinds(row: 1), [.badIDCheckDigit])
        XCTAssertEqual(try result { $0["证件号码"] = "110105194902300020" }.errorKinds(row: 1), [.badIDNumber])
        XCTAssertEqual(try result { $0["证件号码"] = "11010519491231" }.errorKinds(row: 1), [.badIDNumber])
        // A minor by the ID number is anonymised even if the export says 否.
        let body = "53040220100101001"
        let minor = body + String(ResidentIDNumber.checkCharacter(for: body)!)
        let result = try result { $0["证件号码"] = minor }
        XCTAssertEqual(result.errors, [])
        XCTAssertEqual(result.cases.first?.party.isMinor, true)
        XCTAssertEqual(result.warnings.map(\.kind), [.minorFlagMismatch])
    }

    func testCreditCodeRules() throws {
        let ok = try result { $0["当事人类型"] = "法人"; $0["证件类型"] = "统一社会信用代码"; $0["证件号码"] = "91330100799655058B" }
        XCTAssertEqual(ok.errors, [])
        let bad = try result { $0["当事人类型"] = "法人"; $0["证件类型"] = "统一社会信用代码"; $0["证件号码"] = "91330100799655058C" }
        XCTAssertEqual(bad.errorKinds(row: 1), [.badCreditCode])
        var fixture = ExportFixture()
        fixture.agencies[0]["主体代码"] = "91350100M000100Y44"
        let agency = try fixture.read()
        XCTAssertEqual(agency.errorKinds(file: "agencies.csv", row: 1), [.badCreditCode])
    }

    func testOfficerRules() throws {
        XCTAssertEqual(try result { $0["执法人员"] = "A001;Z999" }.errorKinds(row: 1), [.unknownOfficerCert])
        XCTAssertEqual(try result { $0["执法人员"] = "A001;A003" }.errorKinds(row: 1), [.officerCertificateExpired])
        XCTAssertEqual(try result { $0["执法人员"] = "A001" }.errorKinds(row: 1), [.tooFewOfficers])
        XCTAssertEqual(try result { $0["执法人员"] = "A001;A001" }.errorKinds(row: 1), [.tooFewOfficers])
        // A certificate that expired after the decision was valid on the day.
        XCTAssertEqual(try result { $0["执法人员"] = "A001;A003"; $0["决定日期"] = "2024-06-30"; $0["送达日期"] = "" }.errors, [])
        let cancelled = try result { $0["执法人员"] = "A001;A004" }
        XCTAssertEqual(cancelled.errors, [])
        XCTAssertEqual(cancelled.warnings.map(\.kind), [.officerNotActive])
        let simple = try result { $0["程序"] = "简易程序"; $0["执法人员"] = "A001"; $0["罚款金额"] = "200" }
        XCTAssertEqual(simple.errors, [], "one officer suffices on the spot")
    }

    func testDecisionDateRules() throws {
        XCTAssertEqual(try result { $0["决定日期"] = "2026-01-07"; $0["送达日期"] = "" }.errorKinds(row: 1), [.futureDecisionDate])
        XCTAssertEqual(try result { $0["决定日期"] = "2026-01-06"; $0["送达日期"] = "" }.errors, [], "as-of day itself is fine")
        XCTAssertEqual(try result { $0["决定日期"] = "2025-02-30" }.errorKinds(row: 1), [.unparseableDate])
        XCTAssertEqual(try result { $0["送达日期"] = "2025-03-13" }.errorKinds(row: 1), [.servedBeforeDecision])
    }

    func testStatusRules() throws {
        XCTAssertEqual(try result { $0["状态"] = "已撤销" }.errorKinds(row: 1), [.withdrawnWithoutStatusDate])
        XCTAssertEqual(try result { $0["状态"] = "已变更" }.errorKinds(row: 1), [.changedWithoutStatusDate])
        XCTAssertEqual(try result { $0["状态"] = "已撤销"; $0["状态日期"] = "2025-03-01" }.errorKinds(row: 1),
                       [.statusDateBeforeDecision])
        XCTAssertEqual(try result { $0["状态"] = "已撤销"; $0["状态日期"] = "2025-05-01" }.errors, [])
        XCTAssertEqual(try result { $0["状态"] = "作废" }.errorKinds(row: 1), [.invalidValue])
    }

    func testSimpleProcedureCaps() throws {
        func simple(_ partyType: String, _ fine: String) throws -> [ProblemKind] {
            try result {
                $0["程序"] = "简易程序"
                $0["当事人类型"] = partyType
                if partyType != "自然人" { $0["证件类型"] = ""; $0["证件号码"] = "" }
                $0["罚款金额"] = fine
            }.errorKinds(row: 1)
        }
        XCTAssertEqual(try simple("自然人", "200"), [])
        XCTAssertEqual(try simple("自然人", "200.01"), [.simpleProcedureOverCap])
        XCTAssertEqual(try simple("法人", "3000"), [])
        XCTAssertEqual(try simple("个体工商户", "3000.00"), [])
        XCTAssertEqual(try simple("非法人组织", "3001"), [.simpleProcedureOverCap])
        let kind = try result { $0["程序"] = "简易程序"; $0["处罚种类"] = "罚款;没收违法所得"; $0["罚款金额"] = "100" }
        XCTAssertEqual(kind.errorKinds(row: 1), [.simpleProcedurePenaltyKind])
    }

    func testDisclosureAndAmountRules() throws {
        XCTAssertEqual(try result { $0["公开方式"] = "不予公开" }.errorKinds(row: 1), [.nondisclosureReasonMissing])
        XCTAssertEqual(try result { $0["公开方式"] = "不予公开"; $0["不公开理由"] = "个人隐私" }.errors, [])
        XCTAssertEqual(try result { $0["罚款金额"] = "五千元" }.errorKinds(row: 1), [.invalidAmount])
        XCTAssertEqual(try result { $0["罚款金额"] = "" }.errorKinds(row: 1), [.missingRequiredField])
        XCTAssertEqual(try result { $0["罚款金额"] = "0.5万元" }.cases.first?.fine, Yuan(yuan: 5000))
        XCTAssertEqual(try result { $0["处罚种类"] = "罚款;打板子" }.errorKinds(row: 1), [.invalidValue])
    }

    func testDuplicateCaseIDsWithinAndAcrossFiles() throws {
        var fixture = ExportFixture()
        fixture.cases.append(ExportFixture.validCase(id: "YXSL-2025-000001"))
        fixture.json = [["case_id": "YXSL-2025-000001"]]
        let result = try fixture.read()
        XCTAssertEqual(result.errorKinds(row: 1), [])
        XCTAssertEqual(result.errorKinds(row: 2), [.duplicateCaseID])
        XCTAssertTrue(result.errorKinds(file: "cases.json", row: 1).contains(.duplicateCaseID))
        XCTAssertTrue(result.errors.first { $0.file == "cases.json" && $0.kind == .duplicateCaseID }!.message.contains("cases.csv 第1行"))
        XCTAssertEqual(result.cases.count, 1)
    }

    func testReviewRules() throws {
        var fixture = ExportFixture()
        fixture.reviews = [ExportFixture.validReview(id: "R1", caseID: "YXSL-2025-000001"),
                           ExportFixture.validReview(id: "R2", caseID: "NO-SUCH-CASE"),
                           ExportFixture.validReview(id: "R3", caseID: "YXSL-2025-000001")]
        fixture.reviews[2]["审核日期"] = "2025-03-15"
        fixture.reviews[2]["送审日期"] = "2025-03-10"
        let result = try fixture.read()
        XCTAssertEqual(result.errorKinds(file: "reviews.csv", row: 1), [])
        XCTAssertEqual(result.errorKinds(file: "reviews.csv", row: 2), [.reviewUnknownCase])
        XCTAssertEqual(result.errorKinds(file: "reviews.csv", row: 3), [.reviewAfterDecision])
        XCTAssertEqual(result.reviews.map(\.id), ["R1"])
        XCTAssertEqual(result.cases.count, 1, "a bad review does not set its case aside")
    }

    func testMediaRules() throws {
        var fixture = ExportFixture()
        let photo = Data("JPEG bytes".utf8)
        fixture.media = ["ok.jpg": photo, "changed.jpg": Data("tampered".utf8)]
        fixture.records = [
            ExportFixture.validRecord(id: "J1", caseID: "YXSL-2025-000001", file: "ok.jpg", content: photo),
            ExportFixture.validRecord(id: "J2", caseID: "YXSL-2025-000001", file: "missing.jpg", content: photo),
            ExportFixture.validRecord(id: "J3", caseID: "YXSL-2025-000001", file: "changed.jpg", content: photo),
            ExportFixture.validRecord(id: "J4", caseID: "YXSL-2025-000001", file: "../agencies.csv", content: photo),
            ExportFixture.validRecord(id: "J5", caseID: "NO-SUCH-CASE", file: "ok.jpg", content: photo),
        ]
        let result = try fixture.read()
        XCTAssertEqual(result.errorKinds(file: "records.csv", row: 1), [])
        XCTAssertEqual(result.errorKinds(file: "records.csv", row: 2), [.mediaMissing])
        XCTAssertEqual(result.errorKinds(file: "records.csv", row: 3), [.mediaHashMismatch])
        XCTAssertEqual(result.errorKinds(file: "records.csv", row: 4), [.mediaPathEscape])
        XCTAssertEqual(result.errorKinds(file: "records.csv", row: 5), [.recordUnknownCase])
        XCTAssertEqual(result.records.map(\.id), ["J1"])
        XCTAssertEqual(result.records.first?.mediaVerified, true)
    }

    func testSymlinkOutOfTheExportIsRefused() throws {
        var fixture = ExportFixture()
        let photo = Data("x".utf8)
        fixture.media = ["placeholder.jpg": photo]
        fixture.records = [ExportFixture.validRecord(id: "J1", caseID: "YXSL-2025-000001", file: "link.jpg", content: photo)]
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fixture-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try fixture.write(to: folder)
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("outside-\(UUID().uuidString).jpg")
        try photo.write(to: outside)
        defer { try? FileManager.default.removeItem(at: outside) }
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("media/link.jpg"), withDestinationURL: outside)
        let result = try ExportReader.read(folder: folder, options: IngestOptions(asOf: CivilDate(iso: "2026-01-06")!))
        XCTAssertEqual(result.errorKinds(file: "records.csv", row: 1), [.mediaPathEscape])
    }

    func testHeadersInEnglishAnyOrderAndUnknownColumnsKept() throws {
        var fixture = ExportFixture()
        let keys = Dictionary(uniqueKeysWithValues: ExportFile.casesCSV.columns.map { ($0.header, $0.key) })
        fixture.cases = fixture.cases.map { row in
            var english = Dictionary(uniqueKeysWithValues: row.map { (keys[$0.key]!.uppercased(), $0.value) })
            english["同步批次"] = "B001"
            return english
        }
        let result = try fixture.read()
        XCTAssertEqual(result.errors, [])
        XCTAssertEqual(result.cases.first?.extra, ["同步批次": "B001"])
    }

    func testJSONCasesWithTypedValues() throws {
        var fixture = ExportFixture()
        fixture.cases = []
        var object: [String: Any] = [:]
        let keys = Dictionary(uniqueKeysWithValues: ExportFile.casesCSV.columns.map { ($0.header, $0.key) })
        for (header, value) in ExportFixture.validCase(id: "YXSL-2025-000009") { object[keys[header]!] = value }
        object["fine_amount"] = 1234.5
        object["penalty_kinds"] = ["罚款"]
        object["officers"] = ["A001", "A002"]
        object["evidence"] = ["询问笔录1份", "现场照片3张"]
        object["hearing"] = true
        object["confiscation_amount"] = NSNull()
        fixture.json = [object, "not an object"]
        let result = try fixture.read()
        XCTAssertEqual(result.cases.first?.fine, Yuan(fen: 123450))
        XCTAssertEqual(result.cases.first?.hearing, true)
        XCTAssertEqual(result.errorKinds(file: "cases.json", row: 2), [.malformedRow])
    }

    func testUnreadableCasesJSONIsSetAsideAndTheRestGoesOn() throws {
        var fixture = ExportFixture()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fixture-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        fixture.json = []
        try fixture.write(to: folder)
        try Data("[{\"case_id\": ".utf8).write(to: folder.appendingPathComponent("cases.json"))
        let result = try ExportReader.read(folder: folder, options: IngestOptions(asOf: CivilDate(iso: "2026-01-06")!))
        XCTAssertEqual(result.errorKinds(file: "cases.json", row: 0), [.unreadableFile])
        XCTAssertEqual(result.cases.count, 1)
    }

    func testFatalProblems() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString)")
        XCTAssertThrowsError(try ExportReader.read(folder: missing, options: IngestOptions(asOf: CivilDate(iso: "2026-01-06")!))) {
            XCTAssertEqual($0 as? IngestError, .folderUnreadable(path: missing.path))
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fixture-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try ExportFixture().write(to: folder)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("officers.csv"))
        XCTAssertThrowsError(try ExportReader.read(folder: folder, options: IngestOptions(asOf: CivilDate(iso: "2026-01-06")!))) {
            XCTAssertEqual($0 as? IngestError, .requiredFileMissing(folder: folder.path, file: "officers.csv"))
        }
    }
}
