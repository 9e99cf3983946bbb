import CaseModel
import Foundation
import Pipeline
import TestSupport
import XCTest

/// The portal in a real browser (issue #16): a run writes public/ into a temporary folder, then
/// `Tests/Browser/search_test.py` serves it on 127.0.0.1 and drives headless Chromium (Debian's
/// chromium, chromium-driver and python3-selenium, which `make test` installs): search by a word,
/// by a 文书编号 written with other brackets and by filters gives the right decisions and counts,
/// and axe-core finds no violation on any kind of page at 1280 and 390 px. Screenshots of the
/// home, decision, search and report pages at both widths are kept in
/// `$TMPDIR/sanxiang-screenshots/<export>/` for a person to look at.
final class BrowserTests: XCTestCase {
    private static let script = Repo.root.appendingPathComponent("Tests/Browser/search_test.py")
    private static let deps = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/sanxiang/pydeps")

    /// The bundled sample as `make run` writes it (every stage), as of its export date.
    func testSamplePortalInChromium() throws {
        try portal(of: Repo.sample, named: "sample", timeout: 240)
    }

    /// A generated 2,000-case export (seed 21): about 1,600 public decisions, so results run to
    /// many pages and the search index to many shards. Part of `make test` and CI (issue #16 asks
    /// for every point on a 2,000-case export); the debug build takes a few minutes for ingest,
    /// portal and report. SANXIANG_SKIP_BROWSER_EXPORT=1 leaves it out of a quick local run.
    func testGeneratedExportPortalInChromium() throws {
        try XCTSkipIf(ProcessInfo.processInfo.environment["SANXIANG_SKIP_BROWSER_EXPORT"] == "1",
                      "SANXIANG_SKIP_BROWSER_EXPORT=1")
        let parent = Repo.temporaryFolder("browser-export")
        defer { try? FileManager.default.removeItem(at: parent) }
        let export = parent.appendingPathComponent("export")
        let generated = try Repo.run("/usr/bin/env", ["python3", Repo.generator.path, "--out", export.path, "--cases", "2000",
                                                      "--seed", "21", "--no-media"])
        XCTAssertEqual(generated.code, 0, generated.output)
        try portal(of: export, named: "export-2000", stages: [.ingest, .portal, .report], timeout: 600)
    }

    private func portal(of export: URL, named name: String, stages: [StageName]? = nil, timeout: Double) throws {
        let parent = Repo.temporaryFolder("browser-\(name)")
        defer { try? FileManager.default.removeItem(at: parent) }
        let output = parent.appendingPathComponent("out")
        let config = try Repo.config(input: export, output: output, stages: stages)
        _ = try PipelineRunner.run(RunRequest(config: config, asOf: CivilDate(iso: "2026-01-06")!))
        let shots = FileManager.default.temporaryDirectory.appendingPathComponent("sanxiang-screenshots/\(name)")
        let started = Date()
        let result = try Shell.run("/usr/bin/python3", [Self.script.path, "--public", output.appendingPathComponent("public").path,
                                                        "--deps", Self.deps.path, "--shots", shots.path], timeout: timeout)
        XCTAssertEqual(result.code, 0, "search_test.py on \(name) (exit \(result.code)):\n\(result.output)")
        print("browser test on \(name): \(String(format: "%.0f", Date().timeIntervalSince(started))) s, screenshots in \(shots.path)")
    }
}
