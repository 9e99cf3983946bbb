import CaseModel
import Foundation
@testable import Pipeline
import XCTest

/// The legal-review gate on generated exports against Tests/Fixtures/review_oracle.py,
/// which reads the raw CSV files itself and applies the catalogue of pipeline.yml.
final class ReviewGateTests: XCTestCase {
    struct Oracle: Decodable {
        var major: [String]
        var flag_disagreements: [String]
        var violations: [String: [String]]
    }

    func testClassificationAndViolationsEqualAnIndependentCount() throws {
        let parent = Repo.temporaryFolder("review-gate")
        defer { try? FileManager.default.removeItem(at: parent) }
        let deps = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/sanxiang/pydeps")
        var checkedViolations = 0
        for seed in [41, 42, 43] {
            let export = try Repo.generate(cases: 400, seed: seed, broken: 0, into: parent)
            let oracleRun = try Repo.run("/usr/bin/env", ["python3", Repo.root.appendingPathComponent("Tests/Fixtures/review_oracle.py").path,
                                                          "--export", export.path, "--deps", deps.path])
            XCTAssertEqual(oracleRun.code, 0, oracleRun.output)
            let oracle = try JSONDecoder().decode(Oracle.self, from: Data(oracleRun.output.utf8))

            let config = try Repo.config(input: export, output: parent.appendingPathComponent("out\(seed)"), stages: [.ingest, .supervision])
            let summary = try PipelineRunner.run(RunRequest(config: config, asOf: CivilDate(iso: "2026-01-06")!)).0
            XCTAssertEqual(summary.rowsSetAside, 0)
            XCTAssertEqual(summary.supervision?.majorByCatalogue, oracle.major.count, "seed \(seed)")

            let data = try Data(contentsOf: URL(fileURLWithPath: config.output).appendingPathComponent("internal/supervision/supervision.json"))
            let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let disagreements = (report["major_flag_disagreements"] as? [[String: Any]] ?? []).compactMap { $0["case_id"] as? String }
            XCTAssertEqual(disagreements.sorted(), oracle.flag_disagreements, "seed \(seed)")
            var byRule: [String: [String]] = [:]
            for item in report["review_violations"] as? [[String: Any]] ?? [] {
                for violation in item["violations"] as? [[String: Any]] ?? [] {
                    byRule[violation["rule"] as? String ?? "?", default: []].append(item["case_id"] as? String ?? "?")
                }
            }
            XCTAssertEqual(byRule.mapValues { $0.sorted() }, oracle.violations, "seed \(seed)")
            checkedViolations += oracle.violations.values.map(\.count).reduce(0, +)
        }
        XCTAssertGreaterThan(checkedViolations, 5, "the seeds must exercise the violation rules")
    }
}
