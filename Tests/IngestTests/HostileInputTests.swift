import CaseModel
import Foundation
@testable import Ingest
import Native
import XCTest

/// Regression tests for the hostile-input findings of issue #14: each bends a
/// hand-made export in one way and checks that only the affected rows are set
/// aside, with a message that names file, row and field but never the value.
final class HostileInputTests: XCTestCase {
    private var folders: [URL] = []

    override func tearDown() {
        for folder in folders { try? FileManager.default.removeItem(at: folder) }
        folders = []
    }

    private func temporaryFolder(_ name: String = "hostile") -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        folders.append(url)
        return url
    }

    private func fixture(cases count: Int) -> ExportFixture {
        var fixture = ExportFixture()
        fixture.cases = (1...count).map { ExportFixture.validCase(id: String(format: "YXSL-2025-%06d", $0)) }
        return fixture
    }

    private func read(_ folder: URL) throws -> IngestResult {
        try ExportReader.read(folder: folder, options: IngestOptions(asOf: CivilDate(iso: "2026-01-06")!))
    }

    private func write(_ fixture: ExportFixture) throws -> URL {
        let folder = temporaryFolder()
        try fixture.write(to: folder)
        return folder
    }

    /// Replaces the first occurrence of `marker` in a file's bytes.
    private func patch(_ file: URL, replacing marker: [UInt8], with replacement: [UInt8]) throws {
        var bytes = [UInt8](try Data(contentsOf: file))
        let range = try XCTUnwrap(bytes.firstRange(of: marker), "marker not found")
        bytes.replaceSubrange(range, with: replacement)
        try Data(bytes).write(to: file)
    }

    /// A string of one scalar; Swift literals refuse noncharacters.
    private func scalar(_ value: UInt32) -> String { Unicode.Scalar(value).map { String(Character($0)) } ?? "" }

    private func balance(_ result: IngestResult, _ file: String) -> FileBalance? {
        result.balances.first { $0.file == file }
    }

    private func assertBalanced(_ result: IngestResult, file: StaticString = #filePath, line: UInt = #line) {
        for balance in result.balances {
            XCTAssertEqual(balance.read, balance.accepted + balance.setAside, balance.file, file: file, line: line)
        }
    }

    // MARK: 1. One bad byte costs one row

    func testOneBadUTF8ByteSetsAsideOnlyItsRow() throws {
        var fixture = fixture(cases: 4)
        fixture.cases[2]["案由"] = "未经批准擅自取水案BADBYTE"
        let folder = try write(fixture)
        try patch(folder.appendingPathComponent("cases.csv"), replacing: Array("BADBYTE".utf8), with: [0xFF])
        let result = try read(folder)
        XCTAssertEqual(result.cases.map(\.id), ["YXSL-2025-000001", "YXSL-2025-000002", "YXSL-2025-000004"])
        let problem = try XCTUnwrap(result.errors.first)
        XCTAssertEqual(result.errors.count, 1)
        XCTAssertEqual(problem.kind, .undecodableText)
        XCTAssertEqual(problem.row, 3)
        XCTAssertEqual(problem.field, "title")
        XCTAssertEqual(problem.caseID, "YXSL-2025-000003")
        XCTAssertTrue(problem.message.contains("第3行"), problem.message)
        XCTAssertTrue(problem.message.contains("案由"), problem.message)
        XCTAssertTrue(problem.message.contains("无法识别的字符"), problem.message)
        XCTAssertEqual(balance(result, "cases.csv"), FileBalance(file: "cases.csv", encoding: "UTF-8", read: 4, accepted: 3, setAside: 1))
        XCTAssertEqual(result.lostRequiredFiles, [])
    }

    func testOneBadByteInAGB18030FileKeepsTheEncodingAndTheOtherRows() throws {
        var fixture = fixture(cases: 3)
        fixture.cases[1]["违法事实"] = "当事人未经批准擅自取水。BADBYTE"
        let folder = try write(fixture)
        let file = folder.appendingPathComponent("cases.csv")
        let gb = try Iconv.convert([UInt8](try Data(contentsOf: file)), from: "UTF-8", to: "GB18030")
        try Data(gb).write(to: file)
        // 0x81 0x2C: a lead byte followed by a comma is no GB18030 character.
        try patch(file, replacing: Array("BADBYTE".utf8), with: [0x81])
        let result = try read(folder)
        XCTAssertEqual(balance(result, "cases.csv")?.encoding, "GB18030")
        XCTAssertEqual(result.cases.map(\.id), ["YXSL-2025-000001", "YXSL-2025-000003"])
        XCTAssertEqual(result.cases.first?.title, "未经批准擅自取水案", "the other rows decode as GB18030")
        XCTAssertEqual(result.errorKinds(row: 2), [.undecodableText])
        XCTAssertEqual(result.errors.first?.field, "facts")
        assertBalanced(result)
    }

    func testBadBytesInTheHeaderLoseTheFileAndSaySo() throws {
        let folder = try write(fixture(cases: 2))
        try patch(folder.appendingPathComponent("cases.csv"), replacing: Array("案由".utf8), with: [0xFF, 0xFE])
        let result = try read(folder)
        XCTAssertEqual(result.lostRequiredFiles, ["cases.csv"])
        XCTAssertEqual(result.errorKinds(row: 0), [.unreadableFile])
        XCTAssertTrue(result.errors[0].message.contains("表头"), result.errors[0].message)
    }

    /// Each file is read just before its rows are decoded (the ingest's peak no longer holds every file's cells at once):
    /// the files read after the cases still report, balance and order their problems as before.
    func testFilesReadOneByOneStillReportTheirProblemsInFileOrder() throws {
        var fixture = fixture(cases: 3)
        fixture.officers[1]["证件有效期至"] = "2030-13-45"
        fixture.cases[2]["决定日期"] = "2025-02-30"
        fixture.json = [["案件编号": "YXSL-2025-000009"]]
        fixture.records = [ExportFixture.validRecord(id: "R1", caseID: "YXSL-2025-000001", file: "a.jpg", content: Data("a".utf8))]
        fixture.deliveries = [["案件编号": "YXSL-2025-000001", "文书": "行政处罚决定书", "送达日期": "2025-03-15"]]
        let folder = try write(fixture)
        try patch(folder.appendingPathComponent("cases.csv"), replacing: Array("案由".utf8), with: [0xFF, 0xFE])
        try FileManager.default.removeItem(at: folder.appendingPathComponent("records.csv"))
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("records.csv"), withIntermediateDirectories: false)
        try patch(folder.appendingPathComponent("deliveries.csv"), replacing: Array("送达日期".utf8), with: [0xFF, 0xFE])
        let result = try read(folder)
        XCTAssertEqual(result.lostRequiredFiles, ["cases.csv"])
        let wholeFiles = result.problems.filter { $0.kind == .unreadableFile }
        XCTAssertEqual(wholeFiles.map(\.file), ["cases.csv", "records.csv", "deliveries.csv"])
        XCTAssertEqual(Set(wholeFiles.map(\.row)), [0])
        let order = ExportFile.allCases.map(\.rawValue)
        let positions = result.problems.map { order.firstIndex(of: $0.file) ?? -1 }
        XCTAssertEqual(positions, positions.sorted(), "problems in file order: \(result.problems.map(\.file))")
        XCTAssertEqual(result.errors.first?.file, "officers.csv")
        XCTAssertTrue(result.problems.contains { $0.file == "cases.json" && $0.row > 0 })
        XCTAssertEqual(result.balances.map(\.file), ["agencies.csv", "officers.csv", "cases.csv", "cases.json", "records.csv", "deliveries.csv"])
        XCTAssertEqual(balance(result, "cases.csv")?.read, 0)
        assertBalanced(result)
    }

    func testLenientDecodingReplacesOnlyTheBadRuns() {
        let marker = scalar(TextDecoding.undecodableMarker)
        // Real files have far more text than bad bytes; so does this one.
        let text = String(repeating: "行政执法决定,1\n", count: 10)
        let utf8 = TextDecoding.decodeLeniently(Array(text.utf8) + [0xFF, 0xFE] + Array("案,2\n".utf8))
        XCTAssertEqual(utf8.encoding, .utf8)
        XCTAssertEqual(utf8.undecodableRuns, 1)
        XCTAssertEqual(String(decoding: utf8.utf8, as: UTF8.self), text + marker + "案,2\n")
        // 执法 in GB18030, a bad byte, then 案.
        let gb = TextDecoding.decodeLeniently([0xD6, 0xB4, 0xB7, 0xA8, 0x0A, 0xFF, 0xB0, 0xB8])
        XCTAssertEqual(gb.encoding, .gb18030)
        XCTAssertEqual(String(decoding: gb.utf8, as: UTF8.self), "执法\n" + marker + "案")
    }

    // MARK: 2. One row never aborts the run

    func testControlCharactersAndNoncharactersSetAsideOnlyTheirRow() throws {
        let payloads = ["\u{0}", "\u{1}", "\u{1B}[31m", "\u{7F}", "\u{85}", "\u{9F}"] + [0xFFFE, 0xFFFF, 0xFDD5, 0x1FFFE, 0x10FFFF].map(scalar)
        for payload in payloads {
            for header in ["案由", "违法事实", "当事人", "证件号码", "数据来源"] {
                var fixture = fixture(cases: 3)
                fixture.cases[1][header] = "文字" + payload + "文字"
                if header == "数据来源" { for i in fixture.cases.indices where i != 1 { fixture.cases[i][header] = "" } }
                let result = try fixture.read()
                let name = "\(header) U+\(String(payload.unicodeScalars.first!.value, radix: 16))"
                XCTAssertEqual(result.errorKinds(row: 2), [.forbiddenCharacter], name)
                XCTAssertEqual(result.cases.map(\.id), ["YXSL-2025-000001", "YXSL-2025-000003"], name)
                XCTAssertFalse(result.errors[0].message.contains(payload), name)
                assertBalanced(result)
            }
        }
    }

    func testTabsAndLineBreaksInQuotedProseAreText() throws {
        var fixture = fixture(cases: 1)
        fixture.cases[0]["违法事实"] = "第一段\r\n第二段\t（续）\n第三段"
        let result = try fixture.read()
        XCTAssertEqual(result.errors, [])
        XCTAssertEqual(result.cases.first?.facts, "第一段\r\n第二段\t（续）\n第三段")
    }

    func testAHugeFieldSetsAsideItsRowAndIsNeverEchoed() throws {
        var fixture = fixture(cases: 3)
        let marker = "身份证号码11010519491231002X"
        fixture.cases[1]["违法事实"] = String(repeating: marker, count: (10 << 20) / marker.utf8.count + 1)
        let result = try fixture.read()
        XCTAssertEqual(result.errorKinds(row: 2), [.fieldTooLong])
        XCTAssertEqual(result.cases.count, 2)
        let problem = try XCTUnwrap(result.errors.first)
        XCTAssertEqual(problem.field, "facts")
        XCTAssertLessThan(problem.message.utf8.count, 400)
        XCTAssertFalse(problem.message.contains("11010519491231002X"))
        XCTAssertTrue(problem.message.contains("MB"), problem.message)
        // Just under the limit is fine.
        var near = self.fixture(cases: 1)
        near.cases[0]["违法事实"] = String(repeating: "a", count: IngestLimits.maxFieldBytes)
        XCTAssertEqual(try near.read().errors, [])
    }

    func testUnsafeCaseIDsAreSetAside() throws {
        let unsafe = [".", "..", "YXSL..2025", "../etc", "YXSL/2025/1", "YXSL\\2025", "YXSL／2025", String(repeating: "A", count: 256),
                      ".hidden", "-rf", "YXSL-2025.", "YXSL:2025", "YXSL*", "nul", "COM1.txt", "案件" + String(repeating: "号", count: 85)]
        for id in unsafe {
            var fixture = fixture(cases: 2)
            fixture.cases[0]["案件编号"] = id
            let result = try fixture.read()
            XCTAssertEqual(result.errorKinds(row: 1), [.unsafeCaseID], id)
            XCTAssertEqual(result.cases.map(\.id), ["YXSL-2025-000002"], id)
            XCTAssertEqual(result.errors.first?.field, "case_id")
            XCTAssertTrue(result.errors.first?.message.contains("不能用作文件名") == true)
        }
        var longest = fixture(cases: 1)
        longest.cases[0]["案件编号"] = String(repeating: "A", count: 255)
        XCTAssertEqual(try longest.read().errors, [])
        XCTAssertTrue(CaseIDRules.isSafe("YXSL-2025-000123"))
        XCTAssertTrue(CaseIDRules.isSafe("玉水罚（2025）17号"))
    }

    func testUnsafeCaseIDsInCasesJSONAndLoneSurrogates() throws {
        var fixture = fixture(cases: 1)
        let keys = Dictionary(uniqueKeysWithValues: ExportFile.casesCSV.columns.map { ($0.header, $0.key) })
        func object(_ id: String) -> [String: Any] {
            var object: [String: Any] = [:]
            for (header, value) in ExportFixture.validCase(id: id) { object[keys[header]!] = value }
            return object
        }
        fixture.json = [object("../../etc/passwd"), object("YXSL-2025-000102"), object("YXSL-2025-000103")]
        let folder = try write(fixture)
        let json = folder.appendingPathComponent("cases.json")
        // A lone surrogate escape and a raw control byte, each in one element: invalid JSON as written.
        try patch(json, replacing: Array("YXSL-2025-000102".utf8), with: Array("YXSL-2025-000102\\ud800".utf8))
        try patch(json, replacing: Array("YXSL-2025-000103".utf8), with: Array("YXSL-2025-000103".utf8) + [0x01])
        let result = try read(folder)
        XCTAssertEqual(result.lostRequiredFiles, [])
        XCTAssertEqual(result.errorKinds(file: "cases.json", row: 1), [.unsafeCaseID])
        XCTAssertEqual(result.errorKinds(file: "cases.json", row: 2), [.undecodableText])
        XCTAssertEqual(result.errorKinds(file: "cases.json", row: 3), [.forbiddenCharacter])
        XCTAssertEqual(result.cases.map(\.id), ["YXSL-2025-000001"])
        assertBalanced(result)
    }

    // MARK: 3. Non-regular input files

    func testACasesCSVThatIsAFolderIsRefusedByName() throws {
        var fixture = fixture(cases: 1)
        fixture.cases = []
        fixture.json = []
        let folder = try write(fixture)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("cases.csv"), withIntermediateDirectories: false)
        let result = try read(folder)
        XCTAssertEqual(result.lostRequiredFiles, ["cases.csv"])
        let problem = try XCTUnwrap(result.errors.first)
        XCTAssertEqual(problem.kind, .unreadableFile)
        XCTAssertTrue(problem.message.contains("cases.csv") && problem.message.contains("文件夹"), problem.message)
    }

    func testAFIFOIsRefusedWithoutHanging() throws {
        let folder = try write(fixture(cases: 1))
        let cases = folder.appendingPathComponent("cases.csv")
        try FileManager.default.removeItem(at: cases)
        XCTAssertEqual(mkfifo(cases.path, 0o600), 0)
        let started = Date()
        let result = try read(folder)
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        XCTAssertEqual(result.lostRequiredFiles, ["cases.csv"])
        XCTAssertTrue(result.errors.first?.message.contains("命名管道") == true, "\(result.errors)")
        // A required file that is a FIFO stops the run with its name, also without hanging.
        let officers = folder.appendingPathComponent("officers.csv")
        try FileManager.default.removeItem(at: officers)
        XCTAssertEqual(mkfifo(officers.path, 0o600), 0)
        XCTAssertThrowsError(try read(folder)) { error in
            guard case .requiredFileUnreadable(let file, let reason)? = error as? IngestError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(file, "officers.csv")
            XCTAssertTrue(reason.contains("命名管道"), reason)
        }
    }

    func testADeviceFileIsRefusedBeforeItIsOpened() throws {
        let folder = try write(fixture(cases: 1))
        let cases = folder.appendingPathComponent("cases.csv")
        try FileManager.default.removeItem(at: cases)
        // The null device's numbers (1, 3); creating it needs privileges a CI runner may lack.
        guard mknod(cases.path, S_IFCHR | 0o600, dev_t(1 << 8 | 3)) == 0 else {
            throw XCTSkip("mknod is not permitted here")
        }
        let result = try read(folder)
        XCTAssertEqual(result.lostRequiredFiles, ["cases.csv"])
        XCTAssertTrue(result.errors.first?.message.contains("设备文件") == true, "\(result.errors)")
    }

    func testAnOversizedKeyInCasesJSONSetsAsideItsElementOnly() throws {
        var fixture = fixture(cases: 1)
        let keys = Dictionary(uniqueKeysWithValues: ExportFile.casesCSV.columns.map { ($0.header, $0.key) })
        var first: [String: Any] = [:]
        for (header, value) in ExportFixture.validCase(id: "YXSL-2025-000101") { first[keys[header]!] = value }
        var second: [String: Any] = [:]
        for (header, value) in ExportFixture.validCase(id: "YXSL-2025-000102") { second[keys[header]!] = value }
        first[String(repeating: "键", count: 2_000)] = "x"
        fixture.json = [first, second]
        let result = try fixture.read()
        XCTAssertEqual(result.errorKinds(file: "cases.json", row: 1), [.fieldTooLong])
        XCTAssertEqual(result.cases.map(\.id), ["YXSL-2025-000001", "YXSL-2025-000102"])
        XCTAssertLessThan(result.errors[0].message.count, 200)
    }

    func testSymlinksOutOfTheExportAreNotFollowed() throws {
        let folder = try write(fixture(cases: 1))
        let outside = temporaryFolder("outside")
        try fixture(cases: 2).write(to: outside)
        let cases = folder.appendingPathComponent("cases.csv")
        try FileManager.default.removeItem(at: cases)
        try FileManager.default.createSymbolicLink(at: cases, withDestinationURL: outside.appendingPathComponent("cases.csv"))
        let result = try read(folder)
        XCTAssertEqual(result.cases, [])
        XCTAssertEqual(result.lostRequiredFiles, ["cases.csv"])
        XCTAssertTrue(result.errors.first?.message.contains("导出文件夹之外") == true, "\(result.errors)")
        // A device behind a link: refused before it is opened (reading /dev/zero would never end).
        try FileManager.default.removeItem(at: cases)
        try FileManager.default.createSymbolicLink(atPath: cases.path, withDestinationPath: "/dev/zero")
        XCTAssertEqual(try read(folder).lostRequiredFiles, ["cases.csv"])
        // A link that stays inside the export is an ordinary file.
        try FileManager.default.removeItem(at: cases)
        let inner = folder.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: inner, withIntermediateDirectories: false)
        try ExportFixture.csv(fixture(cases: 2).cases).write(to: inner.appendingPathComponent("cases.csv"))
        try FileManager.default.createSymbolicLink(atPath: cases.path, withDestinationPath: "data/cases.csv")
        XCTAssertEqual(try read(folder).cases.count, 2)
    }

    func testASymlinkedMediaFolderOrFIFOMediaFileIsRefused() throws {
        var fixture = fixture(cases: 1)
        let photo = Data("JPEG".utf8)
        fixture.media = ["ok.jpg": photo]
        fixture.records = [ExportFixture.validRecord(id: "J1", caseID: "YXSL-2025-000001", file: "ok.jpg", content: photo),
                           ExportFixture.validRecord(id: "J2", caseID: "YXSL-2025-000001", file: "pipe.jpg", content: photo)]
        let folder = try write(fixture)
        XCTAssertEqual(mkfifo(folder.appendingPathComponent("media/pipe.jpg").path, 0o600), 0)
        let fifo = try read(folder)
        XCTAssertEqual(fifo.errorKinds(file: "records.csv", row: 1), [])
        XCTAssertEqual(fifo.errorKinds(file: "records.csv", row: 2), [.mediaMissing])
        XCTAssertTrue(fifo.errors.first { $0.file == "records.csv" }?.message.contains("命名管道") == true)
        // media/ itself a link to a folder outside that holds the same file: nothing is read from it.
        let outside = temporaryFolder("outside-media")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try photo.write(to: outside.appendingPathComponent("ok.jpg"))
        try FileManager.default.removeItem(at: folder.appendingPathComponent("media"))
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("media"), withDestinationURL: outside)
        let linked = try read(folder)
        XCTAssertEqual(linked.errorKinds(file: "records.csv", row: 1), [.mediaPathEscape])
        XCTAssertEqual(linked.records, [])
        XCTAssertTrue(linked.errors.first { $0.file == "records.csv" }?.message.contains("media 文件夹是指向导出文件夹之外") == true)
    }

    // MARK: 4. Invisible characters

    func testInvisibleCharactersAreRemovedWithAWarning() throws {
        var fixture = fixture(cases: 1)
        fixture.cases[0]["案件编号"] = "YXSL-2025-\u{200B}000001"
        fixture.cases[0]["证件号码"] = "110105\u{200C}19491231\u{00AD}002X"
        fixture.cases[0]["联系电话"] = "138\u{2060}0000\u{FEFF}0000"
        fixture.cases[0]["违法事实"] = "当事人\u{202E}水取自擅\u{202C}未经批准\u{2066}擅自\u{2069}取水\u{200F}。"
        fixture.cases[0]["当事人"] = "张\u{200D}三"
        let result = try fixture.read()
        XCTAssertEqual(result.errors, [])
        let item = try XCTUnwrap(result.cases.first)
        XCTAssertEqual(item.id, "YXSL-2025-000001")
        XCTAssertEqual(item.party.idNumber, "11010519491231002X")
        XCTAssertEqual(item.party.phone, "13800000000")
        XCTAssertEqual(item.party.name, "张三")
        XCTAssertEqual(item.facts, "当事人水取自擅未经批准擅自取水。")
        let warnings = result.warnings.filter { $0.kind == .invisibleCharactersRemoved }
        XCTAssertEqual(Set(warnings.compactMap(\.field)), ["case_id", "party_id_no", "party_phone", "facts", "party_name"])
        for warning in warnings {
            XCTAssertEqual(warning.severity, .warning)
            XCTAssertTrue(warning.message.contains("第1行"), warning.message)
            XCTAssertFalse(warning.message.contains("11010519491231002X"), warning.message)
            XCTAssertFalse(warning.message.contains("13800000000"), warning.message)
        }
    }

    // MARK: 5. No echo of values

    func testMessagesQuoteAtMostAShortExcerptOfNonPersonalFields() throws {
        let long = "2025-03-14" + String(repeating: "张三身份证11010519491231002X", count: 50)
        var fixture = fixture(cases: 1)
        fixture.cases[0]["决定日期"] = long
        fixture.cases[0]["当事人类型"] = long
        fixture.cases[0]["罚款金额"] = long
        fixture.cases[0]["处罚种类"] = long
        fixture.cases[0]["重大决定"] = long
        fixture.cases[0]["执法人员"] = "A001;" + long
        let result = try fixture.read()
        XCTAssertFalse(result.errors.isEmpty)
        for problem in result.problems {
            XCTAssertFalse(problem.message.contains("11010519491231002X"), problem.message)
            XCTAssertLessThan(problem.message.count, 200, problem.message)
        }
    }

    // MARK: 6. A stray quote never swallows records silently

    /// A CSV written the way case systems do: quotes only where needed.
    private func plainCSV(_ rows: [[String: String]]) -> String {
        let headers = rows[0].keys.sorted()
        return ([headers.joined(separator: ",")] + rows.map { row in headers.map { row[$0] ?? "" }.joined(separator: ",") })
            .joined(separator: "\r\n") + "\r\n"
    }

    func testAStrayQuoteIsReportedAndEveryRecordIsAccountedFor() throws {
        var fixture = fixture(cases: 20)
        fixture.cases[4]["案由"] = "\"未经批准擅自取水案"
        fixture.cases[11]["违法事实"] = "当事人称\"已经取得许可"
        let folder = try write(fixture)
        try Data(plainCSV(fixture.cases).utf8).write(to: folder.appendingPathComponent("cases.csv"))
        let result = try read(folder)
        let balance = try XCTUnwrap(balance(result, "cases.csv"))
        XCTAssertEqual(balance.read, 20)
        XCTAssertEqual(balance.accepted + balance.setAside, 20)
        let stray = try XCTUnwrap(result.errors.first { $0.row == 5 })
        XCTAssertEqual(stray.kind, .unbalancedQuote)
        XCTAssertEqual(stray.field, "title")
        XCTAssertTrue(stray.message.contains("第5行") && stray.message.contains("案由") && stray.message.contains("引号没有配对"),
                      stray.message)
        // Every case is either accepted or set aside with a problem of its own row.
        let accepted = Set(result.cases.map(\.source.row))
        let setAside = Set(result.errors.map(\.row))
        XCTAssertEqual(accepted.union(setAside), Set(1...20))
        XCTAssertTrue(accepted.isDisjoint(with: setAside))
        XCTAssertTrue(accepted.contains(1) && accepted.contains(20), "rows far from the quote are read normally")
    }

    func testAMissingClosingQuoteInAFullyQuotedFileMergesNothing() throws {
        var fixture = fixture(cases: 8)
        let last = try XCTUnwrap(fixture.cases[0].keys.sorted().last)
        fixture.cases[4][last] = "LASTFIELD5"
        let folder = try write(fixture)
        // "LASTFIELD5"\r\n"… becomes "LASTFIELD5\r\n"…: the quote would close on row 6's first quote.
        try patch(folder.appendingPathComponent("cases.csv"), replacing: Array("LASTFIELD5\"".utf8), with: Array("LASTFIELD5".utf8))
        let result = try read(folder)
        XCTAssertEqual(balance(result, "cases.csv")?.read, 8)
        XCTAssertEqual(result.errorKinds(row: 5), [.unbalancedQuote])
        XCTAssertEqual(result.errorKinds(row: 6), [.unbalancedQuote])
        XCTAssertEqual(result.cases.map(\.source.row), [1, 2, 3, 4, 7, 8])
    }

    func testAQuoteOpenAtTheEndOfTheFileLosesNoRow() throws {
        var fixture = fixture(cases: 5)
        fixture.cases[2]["案由"] = "\"未经批准擅自取水案"
        let folder = try write(fixture)
        try Data(plainCSV(fixture.cases).utf8).write(to: folder.appendingPathComponent("cases.csv"))
        let result = try read(folder)
        XCTAssertEqual(result.lostRequiredFiles, [])
        XCTAssertEqual(balance(result, "cases.csv")?.read, 5)
        XCTAssertEqual(result.errorKinds(row: 3), [.unbalancedQuote])
        XCTAssertEqual(result.errorKinds(row: 4), [.unbalancedQuote])
        XCTAssertEqual(result.errorKinds(row: 5), [.unbalancedQuote])
        XCTAssertTrue(result.errors.first { $0.row == 4 }?.message.contains("第3行的引号没有配对") == true)
        XCTAssertEqual(result.cases.map(\.source.row), [1, 2])
    }

    func testMultiLineProseIsNotMistakenForAStrayQuote() throws {
        var fixture = fixture(cases: 3)
        fixture.cases[1]["违法事实"] = "第一行，含逗号,一个\n第二行, 两个, 逗号\n第三行"
        let result = try fixture.read()
        XCTAssertEqual(result.errors, [])
        XCTAssertEqual(result.cases.count, 3)
    }

    // MARK: Behaviour on the bundled sample is unchanged

    func testTheSampleExportStillGivesExactlyItsAnswerKey() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let sample = root.appendingPathComponent("Examples/sample-export")
        let result = try read(sample)
        struct Expected: Decodable, Hashable { let file: String; let row: Int; let field: String; let kind: String }
        let expected = try JSONDecoder().decode([Expected].self, from: Data(contentsOf: sample.appendingPathComponent("EXPECTED_ERRORS.json")))
        XCTAssertEqual(Set(result.errors.map { "\($0.file)#\($0.row)" }), Set(expected.map { "\($0.file)#\($0.row)" }))
        for entry in expected {
            XCTAssertTrue(result.errors.contains { $0.file == entry.file && $0.row == entry.row && $0.field == entry.field
                && $0.kind.rawValue == entry.kind }, "\(entry)")
        }
        XCTAssertEqual(result.lostRequiredFiles, [])
        XCTAssertFalse(result.problems.contains { $0.kind == .invisibleCharactersRemoved })
        assertBalanced(result)
    }
}
