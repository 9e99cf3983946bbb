import CaseModel
import Foundation
import Pipeline
import XCTest

/// Hostile rows reach the whole pipeline, not only ingest: each is set aside with a
/// clear message and the run goes on; a run that lost a whole case file publishes no report.
final class HostileRunTests: SampleCopyTestCase {
    private let asOf = "2026-01-10"

    private func sanxiang(_ command: String = "run") throws -> (code: Int32, output: String) {
        var arguments = [command, "--input", export.path, "--as-of", asOf]
        if command == "run" { arguments += ["--config", Repo.root.appendingPathComponent("pipeline.yml").path] }
        arguments += ["--output", output.path]
        return try Repo.run(Repo.executable, arguments)
    }

    private func editCases(_ change: (inout [[String: Any]]) -> Void) throws {
        let json = export.appendingPathComponent("cases.json")
        var cases = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [[String: Any]])
        change(&cases)
        try JSONSerialization.data(withJSONObject: cases, options: [.sortedKeys]).write(to: json)
    }

    func testControlCharactersAndUnsafeIDsAreSetAsideAndTheRunGoesOn() throws {
        try editCases { cases in
            cases[0]["facts"] = "经查\u{0}当事人\u{FFFE}在本辖区"
            cases[1]["case_id"] = "../../etc/x"
            cases[2]["case_id"] = "KQSJ/2025/9"
            cases[3]["party_id_no"] = (cases[3]["party_id_no"] as? String).map { String($0.prefix(6)) + "\u{200B}" + String($0.dropFirst(6)) } ?? ""
            cases[4]["facts"] = "当事人\u{202E}在本辖区内擅自施工。"
        }
        let check = try sanxiang("check")
        let result = try sanxiang()
        XCTAssertEqual(result.code, 3, result.output.suffix(800).description)
        XCTAssertEqual(check.code, 3, "check and run agree on the same input")
        let quarantine = try String(contentsOf: output.appendingPathComponent("quarantine/quarantine.json"), encoding: .utf8)
        XCTAssertTrue(quarantine.contains("cases.json"), quarantine)
        XCTAssertFalse(quarantine.contains("../../etc/x"), "messages never echo an unsafe id whole")
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.appendingPathComponent("internal/documents/11650203421179416A/KQSJ").path),
                       "a / in a case id never makes nested folders")
        var published = ""
        let walker = FileManager.default.enumerator(atPath: output.appendingPathComponent("public").path)
        while let path = walker?.nextObject() as? String {
            guard path.hasSuffix(".html") || path.hasSuffix(".xml") || path.hasSuffix(".json") else { continue }
            published += (try? String(contentsOf: output.appendingPathComponent("public/" + path), encoding: .utf8)) ?? ""
        }
        for invisible in ["\u{200B}", "\u{202E}", "\u{0}", "\u{FFFE}"] {
            XCTAssertFalse(published.contains(invisible), "U+\(String(invisible.unicodeScalars.first?.value ?? 0, radix: 16)) reaches the portal")
        }
    }

    /// Every file of the output folder but the lock (its holder's process id). A failed run leaves no staging area: it
    /// shows here as files that came.
    private func outputFiles() throws -> [String: Data] {
        try Repo.files(output).filter { $0.key != ".lock" }
    }

    private func assertNoStagingLeft(_ label: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.appendingPathComponent(".staging").path),
                       "\(label): a run that stopped before its commit leaves no staging area", file: file, line: line)
    }

    /// An export whose case files give no case to accept — a header only, rows that are not the contract's, every row
    /// set aside — is a broken export: the run stops before writing and the last night stays whole, documents, portal,
    /// store and ledger; `check` still lists why each row was set aside.
    func testAnExportWithNoCaseToAcceptLeavesTheLastNightWhole() throws {
        let first = try sanxiang()
        XCTAssertTrue([0, 3].contains(first.code), first.output.suffix(800).description)
        let lastNight = try outputFiles()
        XCTAssertFalse(lastNight.keys.filter { $0.hasPrefix("internal/documents/") }.isEmpty)
        let casesCSV = export.appendingPathComponent("cases.csv")
        // The sample's header as it is (GB18030), up to its line end; its commas are ASCII in any of the contract's encodings.
        let header = Array(try Data(contentsOf: casesCSV).prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") })
        let emptyRow = [UInt8](repeating: UInt8(ascii: ","), count: header.filter { $0 == UInt8(ascii: ",") }.count)
        try FileManager.default.removeItem(at: export.appendingPathComponent("cases.json"))
        let broken: [(label: String, bytes: [UInt8], quoted: String?)] = [
            ("header only", header + Array("\r\n".utf8), nil),
            ("not the contract's columns", Array("foo,bar\n1,2\n".utf8), "cases.csv 第1行"),
            ("every case without its id", header + Array("\r\n".utf8) + emptyRow + Array("\r\n".utf8), "必填项为空"),
        ]
        for (label, bytes, quoted) in broken {
            try Data(bytes).write(to: casesCSV)
            let result = try sanxiang()
            XCTAssertEqual(result.code, 1, "\(label): \(result.output.suffix(800))")
            XCTAssertTrue(result.output.contains("导出中没有可以接收的案件"), "\(label): \(result.output.suffix(800))")
            XCTAssertTrue(result.output.contains("本次没有改动输出文件夹"), label)
            if let quoted { XCTAssertTrue(result.output.contains(quoted), "\(label): the message quotes the case file's first errors") }
            let now = try outputFiles()
            assertNoStagingLeft(label)
            XCTAssertEqual(Set(now.keys).symmetricDifference(lastNight.keys).sorted(), [], "\(label): files came or went")
            XCTAssertEqual(lastNight.keys.sorted().filter { now[$0] != lastNight[$0] }, [], "\(label): files changed")
        }
        let verify = try Repo.run(Repo.executable, ["verify", "--output", output.path])
        XCTAssertEqual(verify.code, 0, verify.output.suffix(800).description)
        let check = try Repo.run(Repo.executable, ["check", "--input", export.path, "--as-of", asOf, "--output", parent.appendingPathComponent("check").path])
        XCTAssertEqual(check.code, 3, "check lists the set-aside rows instead: \(check.output.suffix(800))")
        XCTAssertFalse(check.output.contains("导出中没有可以接收的案件"), check.output.suffix(800).description)
    }

    /// A long text the night kept in its unnamed file and could not read back (a failing disk: the fault
    /// `texts.unreadable` makes every read fail) stops the night before anything is committed: exit 1, the message
    /// says why and that the last output stands, and the last night stays whole.
    func testTextsThatCannotBeReadBackLeaveTheLastNightWhole() throws {
        let first = try sanxiang()
        XCTAssertTrue([0, 3].contains(first.code), first.output.suffix(800).description)
        let lastNight = try outputFiles()
        let arguments = ["run", "--input", export.path, "--as-of", asOf, "--config", Repo.root.appendingPathComponent("pipeline.yml").path,
                         "--output", output.path, "--full-run"]
        let failed = try Repo.run(Repo.executable, arguments, environment: ["SANXIANG_FAULT": "texts.unreadable"])
        XCTAssertEqual(failed.code, 1, failed.output.suffix(800).description)
        XCTAssertTrue(failed.output.contains("读取失败"), failed.output.suffix(800).description)
        XCTAssertTrue(failed.output.contains("上次的输出和状态保持不变"), failed.output.suffix(800).description)
        let now = try outputFiles()
        assertNoStagingLeft("texts")
        XCTAssertEqual(Set(now.keys).symmetricDifference(lastNight.keys).sorted(), [], "files came or went")
        XCTAssertEqual(lastNight.keys.sorted().filter { now[$0] != lastNight[$0] }, [], "files changed")
        let verify = try Repo.run(Repo.executable, ["verify", "--output", output.path])
        XCTAssertEqual(verify.code, 0, verify.output.suffix(800).description)
        // The same night without the fault reads its texts back and runs.
        let again = try Repo.run(Repo.executable, arguments)
        XCTAssertTrue([0, 3].contains(again.code), again.output.suffix(800).description)
    }

    /// A binary whose disclosure lexicon cannot be read (installed without its resource folder; here the folder named by
    /// SANXIANG_DISCLOSURE_DATA holds none) stops before it reads anything, saying so: it published nothing and failed on an
    /// empty public/ with a message about personal data in it. The last night stays whole.
    func testANightWithoutTheDisclosureLexiconStopsFirstAndSaysWhy() throws {
        let first = try sanxiang()
        XCTAssertTrue([0, 3].contains(first.code), first.output.suffix(800).description)
        let lastNight = try outputFiles()
        let empty = parent.appendingPathComponent("no-lexicon")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let arguments = ["run", "--input", export.path, "--as-of", "2026-01-11", "--config", Repo.root.appendingPathComponent("pipeline.yml").path,
                         "--output", output.path]
        let failed = try Repo.run(Repo.executable, arguments, environment: ["SANXIANG_DISCLOSURE_DATA": empty.path])
        XCTAssertEqual(failed.code, 1, failed.output.suffix(800).description)
        XCTAssertTrue(failed.output.contains("脱敏词典无法读取"), failed.output.suffix(800).description)
        XCTAssertTrue(failed.output.contains(empty.path), "names the folder it looked in: \(failed.output.suffix(800))")
        XCTAssertFalse(failed.output.contains("公示前检查"), failed.output.suffix(800).description)
        XCTAssertFalse(failed.output.contains("接收案件"), "stopped before reading the export: \(failed.output.suffix(800))")
        assertNoStagingLeft("no lexicon")
        let now = try outputFiles()
        XCTAssertEqual(Set(now.keys).symmetricDifference(lastNight.keys).sorted(), [], "files came or went")
        XCTAssertEqual(lastNight.keys.sorted().filter { now[$0] != lastNight[$0] }, [], "files changed")
        // `check` publishes nothing and does not need it.
        let check = try Repo.run(Repo.executable, ["check", "--input", export.path, "--as-of", asOf], environment: ["SANXIANG_DISCLOSURE_DATA": empty.path])
        XCTAssertEqual(check.code, 3, check.output.suffix(800).description)
    }

    func testARunThatLostTheWholeCaseFilePublishesNoReport() throws {
        try Data("[{\"case_id\": \"X\",".utf8).write(to: export.appendingPathComponent("cases.json"))
        let result = try sanxiang()
        XCTAssertEqual(result.code, 3, result.output.suffix(800).description)
        XCTAssertTrue(result.output.contains("年度报告本次不生成也不更新"), result.output.suffix(1500).description)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.appendingPathComponent("public/reports/2025").path),
                       "no report from a run that lost cases.json")
    }
}
