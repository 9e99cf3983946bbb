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

    func testARunThatLostTheWholeCaseFilePublishesNoReport() throws {
        try Data("[{\"case_id\": \"X\",".utf8).write(to: export.appendingPathComponent("cases.json"))
        let result = try sanxiang()
        XCTAssertEqual(result.code, 3, result.output.suffix(800).description)
        XCTAssertTrue(result.output.contains("年度报告本次不生成也不更新"), result.output.suffix(1500).description)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.appendingPathComponent("public/reports/2025").path),
                       "no report from a run that lost cases.json")
    }
}
