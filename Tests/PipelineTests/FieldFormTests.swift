import CaseModel
import Foundation
import XCTest

/// `sanxiang print` in the field: a case entered on the spot, checked, numbered for
/// the year of its decision, printed as a pre-formatted form of two copies and kept
/// in the outbox; every failure says in Chinese which field is wrong and exits non-zero.
final class FieldFormTests: XCTestCase {
    private var folder: URL!
    private var config: URL!
    private let year = Calendar(identifier: .gregorian).component(.year, from: Date())

    override func setUpWithError() throws {
        folder = Repo.temporaryFolder("fieldform")
        config = try writeConfig(paper: "A4")
    }

    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    /// A laptop's last export: one agency, two active officers, one expired, one cancelled; no cases needed.
    private func writeConfig(paper: String) throws -> URL {
        let export = folder.appendingPathComponent("export")
        try FileManager.default.createDirectory(at: export, withIntermediateDirectories: true)
        try """
        主体代码,主体名称,文号简称,地址,联系电话,复议机关,管辖法院,门户网址,收缴银行,缴款账户名,缴款账号
        114309226090872308,桃江县林业局,桃林,湖南省益阳市桃江县桃花江镇桃花西路29号,0737-8221234,桃江县人民政府,桃江县人民法院,https://www.taojiang.gov.cn/lyj/zfgs/,中国建设银行股份有限公司桃江支行,桃江县财政局非税收入汇缴结算户,43050163450800000217

        """.write(to: export.appendingPathComponent("agencies.csv"), atomically: true, encoding: .utf8)
        try """
        执法证号,姓名,主体代码,执法类别,证件有效期至,状态
        43092202757,胡雨婷,114309226090872308,林业行政执法,2099-12-31,在岗
        43092202695,向晓燕,114309226090872308,林业行政执法,2099-12-31,在岗
        43092209999,朱辉,114309226090872308,林业行政执法,2020-01-01,在岗
        43092208888,李婷,114309226090872308,林业行政执法,2099-12-31,注销

        """.write(to: export.appendingPathComponent("officers.csv"), atomically: true, encoding: .utf8)
        let url = folder.appendingPathComponent("pipeline-\(paper).yml")
        try """
        input: \(export.path)
        output: \(folder.appendingPathComponent("out").path)
        fonts: \(Repo.root.appendingPathComponent("Fonts/fonts.yml").path)
        templates: \(Repo.root.appendingPathComponent("Templates/documents").path)
        onsite_numbers:
          "43092202757": {prefix: "桃林当罚〔{year}〕", first: 1, last: 100}
        field_form:
          paper: \(paper)
          template: \(Repo.root.appendingPathComponent("Templates/forms/当场行政处罚决定书（预定格式）.xml").path)
        """.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// A 居民身份证 number with a right check digit.
    private static func residentID(_ body: String = "43092219850612123") -> String {
        body + String(ResidentIDNumber.checkCharacter(for: body) ?? "0")
    }

    private func writeForm(_ name: String, overrides: [String: String] = [:]) throws -> URL {
        var fields = [
            "当事人类型": "自然人", "当事人": "张建国", "证件号码": Self.residentID(), "住所": "湖南省桃江县桃花江镇花园村3组",
            "案由": "擅自在林区野外吸烟", "违法时间": "\(year)-01-02 09:30", "违法地点": "桃江县浮邱山林场三号林班",
            "违法事实": "当事人在森林防火期内于林区野外吸烟，经执法人员当场制止，未造成火灾。",
            "违法依据": "《森林防火条例》第二十五条", "处罚依据": "《森林防火条例》第五十条",
            "处罚种类": "[警告, 罚款]", "罚款金额": "200", "执法人员": "[\"43092202757\", \"43092202695\"]",
        ]
        fields.merge(overrides) { _, new in new }
        let url = folder.appendingPathComponent(name)
        try fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.hasPrefix("[") ? $0.value : "\"\($0.value)\"")" }
            .joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    private func printForm(_ form: URL, _ extra: [String] = [], output: String) throws -> (code: Int32, output: String) {
        try Repo.run(Repo.executable, ["print", "--config", config.path, "--form", form.path, "-o", output] + extra)
    }

    private func numbers() throws -> String {
        try Repo.run(Repo.executable, ["numbers", "list", "--config", config.path]).output
    }

    private func outboxRecords() throws -> [[String: Any]] {
        let outbox = folder.appendingPathComponent("out/outbox")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: outbox.path)) ?? []
        return try names.filter { $0.hasSuffix(".json") }.sorted().map { name in
            let data = try Data(contentsOf: outbox.appendingPathComponent(name))
            return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        }
    }

    // MARK: Done when

    func testTwoFieldFormsOfflineGetTwoNumbersOfTheYearInSequenceRecordedAndInTheOutbox() throws {
        let first = try printForm(try writeForm("a.yml"), output: folder.appendingPathComponent("a.pdf").path)
        XCTAssertEqual(first.code, 0, first.output)
        let second = try printForm(try writeForm("b.yml", overrides: ["当事人": "李红梅"]),
                                   output: folder.appendingPathComponent("b.pdf").path)
        XCTAssertEqual(second.code, 0, second.output)
        XCTAssertTrue(first.output.contains("编号：桃林当罚〔\(year)〕1号"), first.output)
        XCTAssertTrue(second.output.contains("编号：桃林当罚〔\(year)〕2号"), second.output)
        let list = try numbers()
        XCTAssertTrue(list.contains("桃林当罚〔\(year)〕1号\t已出具") && list.contains("桃林当罚〔\(year)〕2号\t已出具"), list)
        XCTAssertTrue(list.contains("共 2 个号码"), list)
        let records = try outboxRecords()
        XCTAssertEqual(records.count, 2)
        let numbersInOutbox = records.compactMap { $0["number"] as? String }.sorted()
        XCTAssertEqual(numbersInOutbox, ["桃林当罚〔\(year)〕1号", "桃林当罚〔\(year)〕2号"])
        for record in records {
            XCTAssertEqual(record["format"] as? String, "sanxiang-field-case")
            XCTAssertEqual(record["status"] as? String, "printed")
            let item = try XCTUnwrap(record["case"] as? [String: Any])
            XCTAssertEqual(item["doc_no"] as? String, record["number"] as? String)
            XCTAssertEqual(item["procedure"] as? String, "简易程序")
            XCTAssertEqual(item["fine_amount"] as? String, "200.00")
            XCTAssertEqual(item["officers"] as? [String], ["43092202757", "43092202695"])
        }
        XCTAssertEqual(Set(records.compactMap { ($0["case"] as? [String: Any])?["party_name"] as? String }), ["张建国", "李红梅"])
    }

    func testTheFormHasAStubAndAPartyCopyWithTheSameNumberAndEveryElement() throws {
        let pdf = folder.appendingPathComponent("form.pdf")
        let result = try printForm(try writeForm("a.yml"), output: pdf.path)
        XCTAssertEqual(result.code, 0, result.output)
        let text = try Repo.run("/usr/bin/env", ["pdftotext", "-layout", pdf.path, "-"]).output
        let pages = text.components(separatedBy: "\u{0C}").filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        XCTAssertEqual(pages.count, 2, text)
        let number = "桃林当罚〔\(year)〕1号"
        XCTAssertTrue(pages[0].contains("存根") && pages[0].contains(number), pages[0])
        XCTAssertTrue(pages[1].contains("交当事人") && pages[1].contains(number), pages.last ?? "")
        let flat = text.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\n", with: "")
        for expected in ["桃江县林业局", "当场行政处罚决定书", "张建国", "桃江县浮邱山林场三号林班", "于林区野外吸烟",
                         "《森林防火条例》第二十五条", "《森林防火条例》第五十条", "警告", "罚款人民币贰佰元整（¥200.00）",
                         "十五日内", "中国建设银行股份有限公司桃江支行", "电子支付系统", "第六十七条", "百分之三",
                         "六十日内向桃江县人民政府申请行政复议", "六个月内依法向桃江县人民法院提起行政诉讼",
                         "43092202757", "43092202695", "胡雨婷", "向晓燕", "签名：＿", "当事人签名：＿", "\(year)年"] {
            XCTAssertTrue(flat.contains(expected), "the form lacks “\(expected)”: \(text)")
        }
        for page in pages {
            let flatPage = page.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\n", with: "")
            XCTAssertTrue(flatPage.contains("罚款人民币贰佰元整") && flatPage.contains("当事人签名") && flatPage.contains("43092202695"),
                          "each copy is the whole form: \(page)")
        }
        let info = try Repo.run("/usr/bin/env", ["pdfinfo", pdf.path]).output
        XCTAssertTrue(info.contains("595.276 x 841.89 pts"), info)
    }

    func testASmallerPaperForAPortablePrinter() throws {
        config = try writeConfig(paper: "A5")
        let pdf = folder.appendingPathComponent("a5.pdf")
        let result = try printForm(try writeForm("a.yml"), output: pdf.path)
        XCTAssertEqual(result.code, 0, result.output)
        let info = try Repo.run("/usr/bin/env", ["pdfinfo", pdf.path]).output
        XCTAssertTrue(info.contains("419.528 x 595.276 pts") && info.contains("Pages:           2"), info)
        config = try writeConfig(paper: "{width_mm: 110, height_mm: 280}")
        let narrow = try printForm(try writeForm("b.yml"), output: folder.appendingPathComponent("narrow.pdf").path)
        XCTAssertEqual(narrow.code, 0, narrow.output)
        let narrowInfo = try Repo.run("/usr/bin/env", ["pdfinfo", folder.appendingPathComponent("narrow.pdf").path]).output
        XCTAssertTrue(narrowInfo.contains("311.811 x 793.701 pts") && narrowInfo.contains("Pages:           2"), narrowInfo)
    }

    /// Never a number of another year: the prefix's year is the decision date's.
    func testTheNumberFollowsTheYearOfTheDecisionDate() throws {
        let result = try printForm(try writeForm("a.yml", overrides: ["违法时间": "\(year - 1)-12-30 10:00", "决定日期": "\(year - 1)-12-30"]),
                                   output: folder.appendingPathComponent("a.pdf").path)
        XCTAssertEqual(result.code, 0, result.output)
        XCTAssertTrue(result.output.contains("编号：桃林当罚〔\(year - 1)〕1号"), result.output)
        let thisYear = try printForm(try writeForm("b.yml"), output: folder.appendingPathComponent("b.pdf").path)
        XCTAssertTrue(thisYear.output.contains("编号：桃林当罚〔\(year)〕1号"), thisYear.output)
    }

    /// Flags alone, without a file.
    func testFlagsAloneEnterACase() throws {
        let result = try Repo.run(Repo.executable, [
            "print", "--config", config.path, "-o", folder.appendingPathComponent("f.pdf").path,
            "--field", "party_type=法人", "--field", "当事人=桃江县华盛木业有限公司", "--field", "证件号码=114309226090872308",
            "--field", "法定代表人=王强", "--field", "住所=桃江县工业园", "--field", "案由=未按规定设置防火设施",
            "--field", "违法时间=\(year)-01-02 08:00", "--field", "违法地点=桃江县工业园木材堆场",
            "--field", "违法事实=木材堆场未设置防火隔离带。", "--field", "违法依据=《森林防火条例》第二十条",
            "--field", "处罚依据=《森林防火条例》第四十八条", "--field", "处罚种类=罚款", "--field", "罚款金额=3000",
            "--officer", "43092202757", "--officer", "43092202695",
        ])
        XCTAssertEqual(result.code, 0, result.output)
        XCTAssertTrue(result.output.contains("编号：桃林当罚〔\(year)〕1号"), result.output)
    }

    // MARK: Validation: a Chinese message naming the field, a non-zero status, no number

    private func assertRefused(_ overrides: [String: String], says expected: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try printForm(try writeForm("bad.yml", overrides: overrides), output: folder.appendingPathComponent("bad.pdf").path)
        XCTAssertNotEqual(result.code, 0, result.output, file: file, line: line)
        XCTAssertTrue(result.output.contains("错误：未出具当场行政处罚决定书"), result.output, file: file, line: line)
        for text in expected {
            XCTAssertTrue(result.output.contains(text), "expected “\(text)” in: \(result.output)", file: file, line: line)
        }
        XCTAssertTrue(try numbers().contains("共 0 个号码"), "a refused form takes no number", file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("bad.pdf").path), file: file, line: line)
    }

    func testAFineOverTheCapForACitizenIsRefused() throws {
        try assertRefused(["罚款金额": "300"], says: ["罚款金额：当场处罚对公民罚款不得超过200.00元，本案为300.00元（行政处罚法第五十一条）"])
    }

    func testAFineOverTheCapForAnOrganisationIsRefused() throws {
        try assertRefused(["当事人类型": "法人", "当事人": "桃江县华盛木业有限公司", "证件号码": "114309226090872308", "罚款金额": "3500"],
                          says: ["罚款金额：当场处罚对法人或者其他组织罚款不得超过3000.00元"])
    }

    func testAPenaltyOtherThanWarningOrFineIsRefused() throws {
        try assertRefused(["处罚种类": "[没收违法所得]", "罚款金额": ""], says: ["处罚种类：当场处罚只能给予警告或者罚款"])
    }

    func testAnUnknownOfficerIsRefused() throws {
        try assertRefused(["执法人员": "[\"43092202757\", \"43092200000\"]"],
                          says: ["执法人员：执法证号 43092200000 不在最近一次导出的 officers.csv 中"])
    }

    func testAnExpiredCertificateIsRefused() throws {
        try assertRefused(["执法人员": "[\"43092202757\", \"43092209999\"]"],
                          says: ["执法人员：朱辉（执法证号 43092209999）的执法证已于2020年1月1日到期"])
    }

    func testACancelledCertificateIsRefused() throws {
        try assertRefused(["执法人员": "[\"43092202757\", \"43092208888\"]"], says: ["执法证状态为“注销”，不能执法"])
    }

    func testOnlyOneOfficerIsRefused() throws {
        try assertRefused(["执法人员": "[\"43092202757\"]"], says: ["执法人员：只填写了一名执法人员；执法人员不得少于两人（行政处罚法第四十二条）"])
    }

    func testABadResidentIDCheckDigitIsRefused() throws {
        let good = Self.residentID()
        let bad = String(good.dropLast()) + (good.last == "1" ? "2" : "1")
        try assertRefused(["证件号码": bad], says: ["证件号码：居民身份证号码的校验码不符（GB 11643）"])
    }

    func testABadCreditCodeIsRefused() throws {
        try assertRefused(["当事人类型": "法人", "当事人": "桃江县华盛木业有限公司", "证件号码": "114309226090872309"],
                          says: ["证件号码：统一社会信用代码的校验码不符（GB 32100）"])
    }

    func testEveryProblemIsListedAtOnce() throws {
        try assertRefused(["罚款金额": "500", "执法人员": "[\"43092202757\"]", "违法地点": ""],
                          says: ["3 处问题", "违法地点：必须填写", "罚款金额：", "执法人员："])
    }

    // MARK: Never losing a number

    func testAFailedPrintVoidsItsNumberWhichIsNeverIssuedAgain() throws {
        let blocker = folder.appendingPathComponent("not-a-folder")
        try Data("x".utf8).write(to: blocker)
        let failed = try printForm(try writeForm("a.yml"), output: blocker.appendingPathComponent("form.pdf").path)
        XCTAssertNotEqual(failed.code, 0, failed.output)
        XCTAssertTrue(failed.output.contains("编号 桃林当罚〔\(year)〕1号 已作废"), failed.output)
        let list = try numbers()
        XCTAssertTrue(list.contains("桃林当罚〔\(year)〕1号\t作废"), list)
        let records = try outboxRecords()
        XCTAssertEqual(records.first?["status"] as? String, "void", "the voided number is in the outbox for the sync")
        let next = try printForm(try writeForm("a.yml"), output: folder.appendingPathComponent("a.pdf").path)
        XCTAssertEqual(next.code, 0, next.output)
        XCTAssertTrue(next.output.contains("编号：桃林当罚〔\(year)〕2号"), next.output)
        let reprint = try Repo.run(Repo.executable, ["print", "--config", config.path, "--reprint", "桃林当罚〔\(year)〕2号",
                                                     "-o", folder.appendingPathComponent("again.pdf").path])
        XCTAssertEqual(reprint.code, 0, reprint.output)
        XCTAssertTrue(reprint.output.contains("编号：桃林当罚〔\(year)〕2号"), reprint.output)
        let voided = try Repo.run(Repo.executable, ["print", "--config", config.path, "--reprint", "桃林当罚〔\(year)〕1号"])
        XCTAssertNotEqual(voided.code, 0)
        XCTAssertTrue(voided.output.contains("已作废"), voided.output)
        XCTAssertTrue(try numbers().contains("共 2 个号码"))
    }
}
