import CaseModel
import Foundation
@testable import Pipeline
import XCTest

/// The contract v2 parts of the annual report, the per-agency set-aside warning and the
/// supervision time limits, against `Tests/Fixtures/report_v2_oracle.py`, which reads the
/// export's raw files with the standard library only (and chinesecalendar for working days),
/// and against the generator's MANIFEST.json.
final class AnnualReportV2Tests: XCTestCase {
    private static let deps = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/sanxiang/pydeps")

    private struct Oracle: Decodable {
        struct Changes: Decodable, Equatable {
            var changed: Int
            var withdrawn: Int
            var changed_by_reason: [String: Int]
            var withdrawn_by_reason: [String: Int]
        }
        struct SetAside: Decodable {
            var by_agency: [String: Int]
            var without_agency: Int
        }
        struct Supervision: Decodable {
            var decision_overruns: [Finding]
            var late_services: [Finding]
            var late_hearing_notices: [Finding]
        }
        /// [case id, deadline, done or null, days, extension mentioned]
        struct Finding: Decodable, Equatable {
            var caseID: String, deadline: String, done: String?, days: Int, extended: Bool

            init(from decoder: Decoder) throws {
                var row = try decoder.unkeyedContainer()
                caseID = try row.decode(String.self)
                deadline = try row.decode(String.self)
                done = try row.decodeIfPresent(String.self)
                days = try row.decode(Int.self)
                extended = try row.decode(Bool.self)
            }
        }
        var status_changes: [String: [String: Changes]]
        var not_accepted: [String: [String: Int]]
        var enforcement: [String: [String: [String: Int]]]
        var set_aside: SetAside
        var supervision: Supervision
    }

    private func oracle(_ export: URL, asOf: String) throws -> Oracle {
        let run = try Repo.run("/usr/bin/env", ["python3", Repo.root.appendingPathComponent("Tests/Fixtures/report_v2_oracle.py").path,
                                                "--export", export.path, "--deps", Self.deps.path, "--as-of", asOf])
        XCTAssertEqual(run.code, 0, run.output)
        return try JSONDecoder().decode(Oracle.self, from: Data(run.output.utf8))
    }

    private func json(_ url: URL) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    private func nonZero(_ value: Any?) -> [String: Int] { (value as? [String: Int] ?? [:]).filter { $0.value != 0 } }

    // MARK: Figures

    func testV2FiguresEqualTheManifestAndAnIndependentCountAndAgenciesAddUp() throws {
        let parent = Repo.temporaryFolder("report-v2")
        defer { try? FileManager.default.removeItem(at: parent) }
        for seed in [51, 52] {
            let export = try Repo.generate(cases: 400, seed: seed, broken: seed == 52 ? 10 : 0, jsonShare: seed == 52 ? 0.3 : 0, into: parent)
            let manifest = try json(export.appendingPathComponent("MANIFEST.json"))
            let expected = try oracle(export, asOf: "2026-01-06")
            let output = parent.appendingPathComponent("out\(seed)")
            for year in [2024, 2025] {
                let config = try Repo.config(input: export, output: output, stages: [.ingest, .report])
                _ = try PipelineRunner.run(RunRequest(config: config, asOf: CivilDate(iso: "2026-01-06")!, reportYear: year))
                let folder = output.appendingPathComponent("public/reports/\(year)")
                let label = "seed \(seed) \(year)"
                let stats = try json(folder.appendingPathComponent("statistics.json"))
                for agency in try XCTUnwrap(stats["agencies"] as? [[String: Any]]) {
                    try compare(agency, manifest: manifest, oracle: expected, year: String(year), label: label)
                }
                try checkAgenciesAddUp(folder.appendingPathComponent("statistics.csv"), label: label)
                try checkText(folder, stats: stats, label: label)
            }
        }
    }

    private func compare(_ agency: [String: Any], manifest: [String: Any], oracle: Oracle, year: String, label: String) throws {
        let code = try XCTUnwrap(agency["agency_code"] as? String)
        let what = "\(label) \(code)"
        let coercive = (manifest["coercive_by_agency_year"] as? [String: [String: [String: Int]]])?[code]?[year] ?? [:]
        let coercion = try XCTUnwrap(agency["coercion"] as? [String: Any])
        XCTAssertEqual(nonZero(coercion["by_measure"]), coercive, "\(what) 行政强制 by measure")
        XCTAssertEqual(nonZero(coercion["enforcement_by_method"]), oracle.enforcement[code]?[year] ?? [:], "\(what) by method")
        let held = (manifest["hearings_held_by_agency_year"] as? [String: [String: Int]])?[code]?[year] ?? 0
        XCTAssertEqual(agency["hearings_held"] as? Int, held, "\(what) hearings held")
        let permits = (manifest["permits_by_agency_year"] as? [String: [String: [String: Int]]])?[code]?[year] ?? [:]
        var licensing = nonZero(agency["licensing"])
        XCTAssertEqual(licensing.removeValue(forKey: "not_accepted") ?? 0, oracle.not_accepted[code]?[year] ?? 0, "\(what) 不予受理")
        XCTAssertEqual(licensing, permits, "\(what) permits")
        let changes = try XCTUnwrap(agency["status_changes"] as? [String: Any])
        let expected = oracle.status_changes[code]?[year] ?? .init(changed: 0, withdrawn: 0, changed_by_reason: [:], withdrawn_by_reason: [:])
        XCTAssertEqual(Oracle.Changes(changed: changes["changed"] as? Int ?? -1, withdrawn: changes["withdrawn"] as? Int ?? -1,
                                      changed_by_reason: nonZero(changes["changed_by_reason"]),
                                      withdrawn_by_reason: nonZero(changes["withdrawn_by_reason"])), expected, "\(what) changes")
    }

    /// Every additive figure of statistics.csv: the agencies' values sum to the total's.
    private func checkAgenciesAddUp(_ csv: URL, label: String) throws {
        let text = String(decoding: try Data(contentsOf: csv).dropFirst(3), as: UTF8.self)
        var agencies: [String: Int] = [:], total: [String: Int] = [:]
        for line in text.split(separator: "\r\n").dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard cells.count == 5 else { continue }
            let figure = cells[3]
            // Percentages, rounded 万元, dates and the year-on-year change (over agencies with last-year decisions only) do not add up.
            if figure.hasSuffix("percent") || figure.hasSuffix("wan_yuan") || figure.hasSuffix("judged_on")
                || ["previous_year.year", "previous_year.decisions_change"].contains(figure) { continue }
            // Whole numbers as they are, yuan amounts in fen.
            guard let value = cells[4].contains(".") ? Yuan(decimal: cells[4]).map({ Int($0.fen) }) : Int(cells[4]) else { continue }
            if cells[1].isEmpty { total[figure] = value } else { agencies[figure, default: 0] += value }
        }
        XCTAssertGreaterThan(total.count, 100, label)
        for (figure, value) in total.sorted(by: { $0.key < $1.key }) {
            XCTAssertEqual(agencies[figure] ?? 0, value, "\(label): agencies' \(figure) add up to the total")
        }
        for figure in ["coercion.by_measure.查封", "hearings_held", "licensing.applied", "licensing.not_accepted",
                       "status_changes.withdrawn_by_reason.行政复议决定"] {
            XCTAssertNotNil(total[figure], "\(label): statistics.csv has \(figure)")
        }
    }

    /// The HTML report states the totals of statistics.json, and no 状态说明 prose.
    private func checkText(_ folder: URL, stats: [String: Any], label: String) throws {
        let total = try XCTUnwrap(stats["total"] as? [String: Any])
        let html = try String(contentsOf: folder.appendingPathComponent("index.html"), encoding: .utf8)
        let coercion = try XCTUnwrap(total["coercion"] as? [String: Any]), measures = try XCTUnwrap(coercion["by_measure"] as? [String: Int])
        let licensing = try XCTUnwrap(total["licensing"] as? [String: Int]), changes = try XCTUnwrap(total["status_changes"] as? [String: Any])
        let year = stats["year"] as? Int ?? 0
        for needle in ["查封\(measures["查封"] ?? -1)件、扣押\(measures["扣押"] ?? -1)件", "强制执行\(measures["强制执行"] ?? -1)件",
                       "举行听证\(total["hearings_held"] as? Int ?? -1)次",
                       "收到行政许可申请\(licensing["applied"] ?? -1)件，受理\(licensing["accepted"] ?? -1)件；作出不予受理决定\(licensing["not_accepted"] ?? -1)件",
                       "\(year)年内变更决定\(changes["changed"] as? Int ?? -1)件、撤销决定\(changes["withdrawn"] as? Int ?? -1)件"] {
            XCTAssertTrue(html.contains(needle), "\(label): the report lacks \(needle)")
        }
        for prose in ["复议机关决定", "判决撤销", "依法自行撤销", "经批准变更缴纳期限"] {
            XCTAssertFalse(html.contains(prose), "\(label): the report quotes a 状态说明 (\(prose))")
        }
    }

    // MARK: Set-aside rows per agency

    func testSetAsideRowsAreWarnedAboutPerAgency() throws {
        let parent = Repo.temporaryFolder("report-v2-warn")
        defer { try? FileManager.default.removeItem(at: parent) }
        let generated = try Repo.generate(cases: 200, seed: 54, broken: 16, jsonShare: 0.3, into: parent)
        for export in [Repo.sample, generated] {
            let expected = try oracle(export, asOf: "2026-01-12")
            let output = parent.appendingPathComponent("out-\(export.lastPathComponent)")
            let config = try Repo.config(input: export, output: output, stages: [.ingest, .report])
            let summary = try PipelineRunner.run(RunRequest(config: config, asOf: CivilDate(iso: "2026-01-12")!)).0
            let report = try XCTUnwrap(summary.report)
            let label = export.lastPathComponent
            XCTAssertEqual(Dictionary(uniqueKeysWithValues: report.agencies.map { ($0.agencyCode, $0.rowsSetAside) }).filter { $0.value > 0 },
                           expected.set_aside.by_agency, label)
            XCTAssertEqual(report.rowsSetAsideWithoutAgency, expected.set_aside.without_agency, label)
            XCTAssertEqual(expected.set_aside.by_agency.values.reduce(0, +) + expected.set_aside.without_agency, summary.rowsSetAside, label)
            // 2026-01-12 is within every agency's warning days: one warning per agency with rows of its own, with its own count.
            for agency in report.agencies {
                let own = report.warnings.filter { $0.hasPrefix(agency.name + " ") }
                if let rows = expected.set_aside.by_agency[agency.agencyCode] {
                    XCTAssertEqual(own.count, 1, "\(label) \(agency.name): \(report.warnings)")
                    XCTAssertTrue(own.first?.contains("本次有\(rows)行本机关数据被搁置") ?? false, "\(label): \(own)")
                } else {
                    XCTAssertEqual(own, [], "\(label): \(agency.name) has no rows set aside and is not warned")
                }
                let folder = output.appendingPathComponent("public/reports/2025/\(agency.agencyCode)")
                let setAside = try json(folder.appendingPathComponent("statistics.json"))["set_aside"] as? [String: Int]
                XCTAssertEqual(setAside, ["total": agency.rowsSetAside], "\(label) \(agency.agencyCode)")
                let page = try String(contentsOf: folder.appendingPathComponent("index.html"), encoding: .utf8)
                XCTAssertTrue(page.contains(agency.rowsSetAside > 0 ? "本机关数据中有\(agency.rowsSetAside)行未通过数据核查" : "本机关的导出数据全部通过核查"),
                              "\(label) \(agency.agencyCode)")
            }
            let apart = report.warnings.filter { $0.hasPrefix("另有") }
            XCTAssertEqual(apart.count, expected.set_aside.without_agency > 0 ? 1 : 0, "\(label): \(report.warnings)")
            if expected.set_aside.without_agency > 0 {
                XCTAssertTrue(apart[0].contains("另有\(expected.set_aside.without_agency)行被搁置的数据无法确定执法主体"), apart[0])
            }
            let aggregate = try json(output.appendingPathComponent("public/reports/2025/statistics.json"))["set_aside"] as? [String: Int]
            XCTAssertEqual(aggregate, ["total": summary.rowsSetAside], label)
        }
    }

    // MARK: Supervision

    func testSupervisionTimeLimitsEqualAnIndependentCount() throws {
        let parent = Repo.temporaryFolder("report-v2-supervision")
        defer { try? FileManager.default.removeItem(at: parent) }
        let export = try Repo.generate(cases: 400, seed: 55, broken: 0, into: parent)
        try shortenHearingNotices(export, count: 2)
        let expected = try oracle(export, asOf: "2026-01-06")
        XCTAssertEqual(expected.supervision.late_hearing_notices.count, 2, "the tampered hearing notices")
        XCTAssertFalse(expected.supervision.decision_overruns.isEmpty, "the generator runs about 5 % of cases past 90 days")
        XCTAssertFalse(expected.supervision.late_services.isEmpty, "and serves about 2 % late")

        let config = try Repo.config(input: export, output: parent.appendingPathComponent("out"), stages: [.ingest, .supervision])
        let summary = try PipelineRunner.run(RunRequest(config: config, asOf: CivilDate(iso: "2026-01-06")!)).0
        XCTAssertEqual(summary.rowsSetAside, 0)
        let folder = URL(fileURLWithPath: config.output).appendingPathComponent("internal/supervision")
        let report = try json(folder.appendingPathComponent("supervision.json"))
        func findings(_ key: String) -> [(caseID: String, deadline: String, done: String?, days: Int, note: String)] {
            (report[key] as? [[String: Any]] ?? []).map {
                ($0["case_id"] as? String ?? "?", $0["deadline"] as? String ?? "?", $0["done"] as? String, $0["days"] as? Int ?? -1,
                 $0["note"] as? String ?? "")
            }
        }
        for (key, oracleList) in [("decision_time_limit_overruns", expected.supervision.decision_overruns),
                                  ("late_services", expected.supervision.late_services),
                                  ("late_hearing_notices", expected.supervision.late_hearing_notices)] {
            let got = findings(key)
            XCTAssertEqual(got.map(\.caseID), oracleList.map(\.caseID), key)
            XCTAssertEqual(got.map(\.deadline), oracleList.map(\.deadline), key)
            XCTAssertEqual(got.map(\.done), oracleList.map(\.done), key)
            XCTAssertEqual(got.map(\.days), oracleList.map(\.days), key)
        }
        let notes = findings("decision_time_limit_overruns").map(\.note)
        XCTAssertEqual(notes.map { $0.contains("提到延长办案期限") && !$0.contains("未提到") }, expected.supervision.decision_overruns.map(\.extended))

        let supervision = try XCTUnwrap(summary.supervision)
        XCTAssertEqual(supervision.decisionTimeLimitOverruns, expected.supervision.decision_overruns.count)
        XCTAssertEqual(supervision.lateServices, expected.supervision.late_services.count)
        XCTAssertEqual(supervision.lateHearingNotices, 2)
        let page = try String(contentsOf: folder.appendingPathComponent("index.html"), encoding: .utf8)
        for finding in expected.supervision.decision_overruns + expected.supervision.late_services + expected.supervision.late_hearing_notices {
            XCTAssertTrue(page.contains(finding.caseID) && page.contains(finding.deadline), "the page lists \(finding.caseID)")
        }
        XCTAssertTrue(page.contains("超过九十日办案期限作出处罚决定（\(expected.supervision.decision_overruns.count)件）"))
        XCTAssertTrue(page.contains("听证通知不足七个工作日（2件）"))
    }

    /// Moves the 听证通知日期 of the first `count` hearing cases to two days before the hearing
    /// (not before the 听证申请日期, which ingest would refuse), written as an ISO date.
    private func shortenHearingNotices(_ export: URL, count: Int) throws {
        let script = """
            import csv, datetime as dt, sys
            sys.path.insert(0, sys.argv[2])
            from report_v2_oracle import date
            path = sys.argv[1] + "/cases.csv"
            with open(path, encoding="utf-8-sig", newline="") as fh:
                reader = csv.DictReader(fh)
                fields, rows = reader.fieldnames, list(reader)
            left = int(sys.argv[3])
            for row in rows:
                if left and row["听证日期"].strip():
                    row["听证通知日期"] = max(date(row["听证申请日期"]), date(row["听证日期"]) - dt.timedelta(days=2)).isoformat()
                    left -= 1
            with open(path, "w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=fields)
                writer.writeheader()
                writer.writerows(rows)
            """
        let run = try Repo.run("/usr/bin/env", ["python3", "-c", script, export.path,
                                                Repo.root.appendingPathComponent("Tests/Fixtures").path, "\(count)"])
        XCTAssertEqual(run.code, 0, run.output)
    }
}
