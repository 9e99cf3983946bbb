import CaseModel
import Foundation
@testable import Pipeline
import XCTest

/// The annual report's figures against the generator's MANIFEST.json, which
/// counts from its own case list, not through this project's model.
final class AnnualReportTests: XCTestCase {
    /// The repository's pipeline.yml (玉溪市水利局 reports by 01-15), reading `input` into `output`.
    private func config(input: URL, output: URL) throws -> PipelineConfig {
        try Repo.config(input: input, output: output, stages: [.ingest, .report])
    }

    private func statistics(_ output: URL, year: Int) throws -> [String: Any] {
        let data = try Data(contentsOf: output.appendingPathComponent("public/reports/\(year)/statistics.json"))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func testFiguresEqualTheGeneratorsManifestForSeveralSeeds() throws {
        let parent = Repo.temporaryFolder("report-seeds")
        defer { try? FileManager.default.removeItem(at: parent) }
        for seed in [31, 32, 33] {
            let export = try Repo.generate(cases: 400, seed: seed, broken: 12, jsonShare: seed == 32 ? 0.4 : 0, into: parent)
            let manifest = try XCTUnwrap(try JSONSerialization.jsonObject(
                with: Data(contentsOf: export.appendingPathComponent("MANIFEST.json"))) as? [String: Any])
            let output = parent.appendingPathComponent("out\(seed)")
            for year in [2024, 2025] {
                let request = RunRequest(config: try config(input: export, output: output), asOf: CivilDate(iso: "2026-01-06")!,
                                         reportYear: year)
                _ = try PipelineRunner.run(request)
                try compare(try statistics(output, year: year), manifest: manifest, year: year, seed: seed)
            }
        }
    }

    private func compare(_ report: [String: Any], manifest: [String: Any], year: Int, seed: Int) throws {
        let label = "seed \(seed) year \(year)"
        let key = String(year)
        let byType = manifest["counts_by_agency_year_action_type"] as? [String: [String: [String: Int]]] ?? [:]
        let heaviest = manifest["penalties_by_heaviest_kind_by_agency_year"] as? [String: [String: [String: Int]]] ?? [:]
        let fines = manifest["fine_totals_by_agency_year"] as? [String: [String: String]] ?? [:]
        let finesKept = manifest["fine_totals_by_agency_year_excluding_withdrawn"] as? [String: [String: String]] ?? [:]
        let confiscations = manifest["confiscation_totals_by_agency_year"] as? [String: [String: String]] ?? [:]
        let names = manifest["agency_names"] as? [String: String] ?? [:]
        let agencies = try XCTUnwrap(report["agencies"] as? [[String: Any]])
        XCTAssertEqual(Set(agencies.compactMap { $0["agency_code"] as? String }), Set(names.keys), label)

        var totalByType: [String: Int] = [:], totalHeaviest: [String: Int] = [:], totalFen = 0
        for agency in agencies {
            let code = try XCTUnwrap(agency["agency_code"] as? String)
            XCTAssertEqual(agency["name"] as? String, names[code], label)
            let expectedTypes = byType[code]?[key] ?? [:]
            XCTAssertEqual(nonZero(agency["by_action_type"]), expectedTypes, "\(label) \(code) by_action_type")
            XCTAssertEqual(agency["decisions"] as? Int, expectedTypes.values.reduce(0, +), "\(label) \(code)")
            let expectedHeaviest = heaviest[code]?[key] ?? [:]
            XCTAssertEqual(nonZero(agency["penalties_by_heaviest_kind"]), expectedHeaviest, "\(label) \(code) heaviest")
            XCTAssertEqual(agency["fines_yuan"] as? String, fines[code]?[key] ?? "0.00", "\(label) \(code) fines")
            XCTAssertEqual(agency["confiscations_yuan"] as? String, confiscations[code]?[key] ?? "0.00", "\(label) \(code) conf")
            let withdrawn = try XCTUnwrap(agency["withdrawn"] as? [String: Any])
            let kept = fen(agency["fines_yuan"]) - fen(withdrawn["fines_yuan"])
            XCTAssertEqual(kept, fen(finesKept[code]?[key] ?? "0.00"), "\(label) \(code) fines excluding withdrawn")
            for (type, count) in expectedTypes { totalByType[type, default: 0] += count }
            for (kind, count) in expectedHeaviest { totalHeaviest[kind, default: 0] += count }
            totalFen += fen(fines[code]?[key] ?? "0.00")
        }
        let total = try XCTUnwrap(report["total"] as? [String: Any])
        XCTAssertEqual(nonZero(total["by_action_type"]), totalByType, "\(label) total")
        XCTAssertEqual(nonZero(total["penalties_by_heaviest_kind"]), totalHeaviest, "\(label) total heaviest")
        XCTAssertEqual(fen(total["fines_yuan"]), totalFen, "\(label) total fines")
        let setAside = try XCTUnwrap(report["set_aside"] as? [String: Any])
        XCTAssertEqual(setAside["total"] as? Int, manifest["broken_rows"] as? Int, label)
    }

    private func nonZero(_ value: Any?) -> [String: Int] {
        (value as? [String: Int] ?? [:]).filter { $0.value != 0 }
    }

    private func fen(_ value: Any?) -> Int {
        guard let text = value as? String, let amount = Yuan(decimal: text) else { return -1 }
        return Int(amount.fen)
    }

    func testRunMakesLastYearsReportUntilTheDeadlineThenKeepsIt() throws {
        let parent = Repo.temporaryFolder("report-deadline")
        defer { try? FileManager.default.removeItem(at: parent) }
        let export = parent.appendingPathComponent("export")
        try FileManager.default.copyItem(at: Repo.sample, to: export)
        let output = parent.appendingPathComponent("out")
        let settings = try config(input: export, output: output)
        let pdf = output.appendingPathComponent("public/reports/2025/report.pdf")

        let january = try PipelineRunner.run(RunRequest(config: settings, asOf: CivilDate(iso: "2026-01-06")!)).0
        let report = try XCTUnwrap(january.report)
        XCTAssertEqual(report.year, 2025)
        XCTAssertTrue(report.produced)
        XCTAssertTrue(report.agencies.allSatisfy { $0.daysLate == 0 && $0.firstPublishedOn == "2026-01-06" })
        // 玉溪市水利局 must report by 01-15 (pipeline override); rows were set aside, so the run warns.
        XCTAssertEqual(report.agencies.first { $0.agencyCode == "11530400MA8602299H" }?.deadline, "2026-01-15")
        let firstBytes = try Data(contentsOf: pdf)

        // Same input, same day: byte-identical report files.
        let parentAgain = parent.appendingPathComponent("again")
        _ = try PipelineRunner.run(RunRequest(config: try config(input: export, output: parentAgain), asOf: CivilDate(iso: "2026-01-06")!))
        for file in ["report.pdf", "index.html", "statistics.json", "statistics.csv"] {
            XCTAssertEqual(try Data(contentsOf: output.appendingPathComponent("public/reports/2025/\(file)")),
                           try Data(contentsOf: parentAgain.appendingPathComponent("public/reports/2025/\(file)")), file)
        }

        // After every deadline the published report stays as it was, even on a later day.
        let march = try PipelineRunner.run(RunRequest(config: settings, asOf: CivilDate(iso: "2026-03-02")!)).0
        XCTAssertEqual(march.report?.produced, false)
        XCTAssertEqual(try Data(contentsOf: pdf), firstBytes)
        XCTAssertTrue(march.report?.agencies.allSatisfy { $0.firstPublishedOn == "2026-01-06" } ?? false)

        // An explicit report of an earlier year sits beside it; the feed lists both.
        _ = try PipelineRunner.run(RunRequest(config: settings, asOf: CivilDate(iso: "2026-03-02")!, reportYear: 2024))
        XCTAssertEqual(try Data(contentsOf: pdf), firstBytes)
        let feed = try String(contentsOf: output.appendingPathComponent("public/feeds/reports.xml"), encoding: .utf8)
        XCTAssertTrue(feed.contains("urn:sanxiang:reports:2025") && feed.contains("urn:sanxiang:reports:2024"), feed)
        let parse = try Repo.run("/usr/bin/env", ["python3", "-c", "import sys, xml.etree.ElementTree as E; "
            + "r = E.parse(sys.argv[1]).getroot(); print(r.tag, len(r.findall('{http://www.w3.org/2005/Atom}entry')))",
            output.appendingPathComponent("public/feeds/reports.xml").path])
        XCTAssertEqual(parse.output, "{http://www.w3.org/2005/Atom}feed 2\n")
    }

    func testALateFirstReportIsRecordedWithItsDaysLate() throws {
        let output = Repo.temporaryFolder("report-late")
        defer { try? FileManager.default.removeItem(at: output) }
        let summary = try PipelineRunner.run(RunRequest(config: try config(input: Repo.sample, output: output),
                                                        asOf: CivilDate(iso: "2026-02-03")!)).0
        let agencies = try XCTUnwrap(summary.report?.agencies)
        XCTAssertEqual(agencies.first { $0.agencyCode == "11530400MA8602299H" }?.daysLate, 19, "deadline 01-15")
        XCTAssertEqual(agencies.first { $0.agencyCode == "114309226090872308" }?.daysLate, 14, "deadline 01-20")
    }

    func testNearTheDeadlineSetAsideRowsAreWarnedAbout() throws {
        let output = Repo.temporaryFolder("report-warn")
        defer { try? FileManager.default.removeItem(at: output) }
        let summary = try PipelineRunner.run(RunRequest(config: try config(input: Repo.sample, output: output),
                                                        asOf: CivilDate(iso: "2026-01-12")!)).0
        let warnings = try XCTUnwrap(summary.report?.warnings)
        // Each agency is told of its own rows only (counted by hand from EXPECTED_ERRORS.json and the rows' 主体代码 or case):
        // five agencies have rows set aside, 桃江县林业局 none, and one row (a penalty of a case nowhere in the export) has no agency.
        XCTAssertEqual(warnings.count, 6, "\(warnings)")
        XCTAssertTrue(warnings.contains { $0.hasPrefix("玉溪市水利局 ") && $0.contains("2026年1月15日，还有3天") && $0.contains("本次有2行本机关数据被搁置") },
                      "\(warnings)")
        XCTAssertFalse(warnings.contains { $0.hasPrefix("桃江县林业局") }, "\(warnings)")
        XCTAssertFalse(warnings.contains { $0.contains("13行") }, "no agency is told of all 13 rows: \(warnings)")
        XCTAssertTrue(warnings.contains { $0.hasPrefix("另有1行被搁置的数据无法确定执法主体") }, "\(warnings)")
    }

    func testThePDFCarriesTheTablesAndChartLabelsAsText() throws {
        let output = Repo.temporaryFolder("report-pdf")
        defer { try? FileManager.default.removeItem(at: output) }
        _ = try PipelineRunner.run(RunRequest(config: try config(input: Repo.sample, output: output), asOf: CivilDate(iso: "2026-01-06")!))
        let folder = output.appendingPathComponent("public/reports/2025")
        let text = try Repo.run("/usr/bin/env", ["pdftotext", "-layout", folder.appendingPathComponent("report.pdf").path, "-"]).output
        let stats = try statistics(output, year: 2025)
        let total = try XCTUnwrap(stats["total"] as? [String: Any])
        for needle in ["2025年度行政执法数据报告", "表4", "图1", "图2", "行政执法决定月度数量", "12月", "按最重处罚种类",
                       "2025年共作出行政执法决定\(total["decisions"] as? Int ?? -1)件", "罚款共计人民币\(total["fines_yuan"] as? String ?? "?")元",
                       "有13行未通过数据核查", "持证率", "6个行政执法主体数据汇总"] {
            XCTAssertTrue(text.replacingOccurrences(of: "\n", with: "").contains(needle) || text.contains(needle), "PDF lacks \(needle)")
        }
        // Why rows were set aside is internal (the quarantine report), never in the public report.
        for detail in ["校验码错误", "cases.csv", "reviews.csv"] {
            XCTAssertFalse(text.contains(detail), "the public report names a data-quality detail: \(detail)")
        }
        // Each 机关 publishes its own report, signed by itself, with its own figures.
        for agency in try XCTUnwrap(stats["agencies"] as? [[String: Any]]) {
            let code = try XCTUnwrap(agency["agency_code"] as? String), name = try XCTUnwrap(agency["name"] as? String)
            let own = try Repo.run("/usr/bin/env", ["pdftotext", folder.appendingPathComponent("\(code)/report.pdf").path, "-"]).output
            XCTAssertTrue(own.contains("现公开本机关") && own.contains(name), "\(code): its own report, signed by \(name)")
            XCTAssertTrue(own.replacingOccurrences(of: "\n", with: "").contains("共作出行政执法决定\(agency["decisions"] as? Int ?? -1)件"), code)
            let ownStats = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("\(code)/statistics.json"))) as? [String: Any]
            XCTAssertEqual((ownStats?["agencies"] as? [Any])?.count, 1, code)
        }
        let html = try String(contentsOf: folder.appendingPathComponent("index.html"), encoding: .utf8)
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"zh-CN\">"))
        XCTAssertEqual(html.components(separatedBy: "<table>").count - 1, 13)
        XCTAssertEqual(html.components(separatedBy: "<svg ").count - 1, 2)
        // Links out (the canonical address, the 备案 lookups in the footer) are fine; loading anything from elsewhere is not.
        XCTAssertFalse(html.contains("src=\"http") || html.contains("rel=\"stylesheet\""), "no external resources")
        XCTAssertTrue(html.contains("aria-label=\"主导航\"") && html.contains("<footer>"), "the report page carries the portal's navigation and footer")
        let csv = try Data(contentsOf: folder.appendingPathComponent("statistics.csv"))
        XCTAssertEqual(Array(csv.prefix(3)), [0xEF, 0xBB, 0xBF])
        let lines = String(decoding: csv.dropFirst(3), as: UTF8.self).split(separator: "\r\n")
        XCTAssertTrue(lines.contains("2025,,合计,decisions,\(total["decisions"] as? Int ?? -1)"), "\(lines.prefix(5))")
        XCTAssertTrue(lines.contains("2025,,合计,fines_yuan,\(total["fines_yuan"] as? String ?? "?")"))
    }
}
