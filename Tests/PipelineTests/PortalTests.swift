import CaseModel
import ErrorReporting
import Foundation
@testable import Pipeline
import XCTest

final class PortalTests: SampleCopyTestCase {

    private func run(_ day: String) throws -> RunSummary {
        let config = try Repo.config(input: export, output: output, stages: [.ingest, .portal])
        return try PipelineRunner.run(RunRequest(config: config, asOf: CivilDate(iso: day)!)).0
    }

    private func docNo(_ id: String) throws -> String {
        let cases = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: export.appendingPathComponent("cases.json"))) as? [[String: Any]])
        return try XCTUnwrap(cases.first { $0["case_id"] as? String == id }?["doc_no"] as? String)
    }

    /// Case id → decision date (YYYY-MM-DD) in the export's cases.json.
    private func decisionDates() throws -> [String: String] {
        let cases = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: export.appendingPathComponent("cases.json"))) as? [[String: Any]])
        var out: [String: String] = [:]
        for item in cases {
            // The export writes dates in several forms (2024/11/24, 2025.01.04 …).
            guard let id = item["case_id"] as? String, let text = item["decision_date"] as? String else { continue }
            let parts = text.split { !$0.isNumber }.compactMap { Int($0) }
            if parts.count >= 3, let date = CivilDate(year: parts[0], month: parts[1], day: parts[2]) { out[id] = date.iso }
        }
        return out
    }

    private func editCase(_ id: String, _ change: (inout [String: Any]) -> Void) throws {
        let url = export.appendingPathComponent("cases.json")
        var cases = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String: Any]])
        let index = try XCTUnwrap(cases.firstIndex { $0["case_id"] as? String == id })
        change(&cases[index])
        try JSONSerialization.data(withJSONObject: cases).write(to: url)
    }

    /// The second night's edits of the tests below: RLYJ-2025-000009 is withdrawn, TJLY-2025-000003's fine changed on review.
    private func withdrawAndChangeTwoCases() throws {
        try editCase("RLYJ-2025-000009") { item in
            item["status"] = "已撤销"
            item["status_date"] = "2026-01-08"
            item["status_reason"] = "本机关发现认定事实不清，依法自行撤销"
        }
        try editCase("TJLY-2025-000003") { item in
            item["status"] = "已变更"
            item["status_date"] = "2026-01-08"
            item["status_reason"] = "经行政复议，复议机关决定变更罚款数额"
            item["fine_amount"] = "1000"
        }
    }

    private func inodes(_ folder: String) throws -> [String: Int] {
        let root = output.appendingPathComponent(folder)
        var out: [String: Int] = [:]
        for path in FileManager.default.enumerator(atPath: root.path)?.compactMap({ $0 as? String }) ?? [] where path.hasSuffix(".html") || path.hasSuffix(".pdf") {
            let attributes = try FileManager.default.attributesOfItem(atPath: root.appendingPathComponent(path).path)
            out[path] = (attributes[.systemFileNumber] as? NSNumber)?.intValue
        }
        return out
    }

    private func pageText(ofDocNo docNo: String) throws -> (path: String, text: String) {
        let folder = output.appendingPathComponent("public/decisions")
        for path in FileManager.default.enumerator(atPath: folder.path)?.compactMap({ $0 as? String }) ?? [] where path.hasSuffix(".html") {
            let text = try String(contentsOf: folder.appendingPathComponent(path), encoding: .utf8)
            if text.contains(docNo) { return (path, text) }
        }
        XCTFail("no decision page shows \(docNo)")
        return ("", "")
    }

    /// The agency's history and go-live date decide what is late: a decision in the history keeps its
    /// first publication date; one due before go-live without history is "unknown", not late.
    func testHistoryAndGoLiveDecideWhatIsLate() throws {
        var config = try Repo.config(input: export, output: output, stages: [.ingest, .portal, .report, .supervision])
        let asOf = CivilDate(iso: "2026-01-06")!
        let docNo = try docNo("RLYJ-2025-000009")
        let history = parent.appendingPathComponent("history.csv")
        // One row by case id, one by 文书编号 written with other brackets; one bad date is reported, not fatal.
        let folded = docNo.replacingOccurrences(of: "〔", with: "[").replacingOccurrences(of: "〕", with: "]")
        // Both were published on the old site the day they were decided.
        let decided = try decisionDates()
        let first = try XCTUnwrap(decided["TJLY-2025-000003"]), second = try XCTUnwrap(decided["RLYJ-2025-000009"])
        try "case_id,doc_no,first_published_on,url\nTJLY-2025-000003,,\(first),https://old.example.gov.cn/a\n,\(folded),\(second),\nX,,not-a-date,\n"
            .write(to: history, atomically: true, encoding: .utf8)
        config.publicationHistory = history.path
        let summary = try PipelineRunner.run(RunRequest(config: config, asOf: asOf)).0
        XCTAssertEqual(summary.portal?.late.count, 0)
        XCTAssertEqual(summary.supervision?.lateDisclosures, 0)
        XCTAssertGreaterThan(summary.supervision?.disclosuresOfUnknownTiming ?? 0, 30)
        let store = try StateStore(path: output.appendingPathComponent("state.sqlite").path)
        let rows = try store.publicationRows()
        XCTAssertEqual(rows["TJLY-2025-000003"]?.publishedOn.iso, first)
        XCTAssertEqual(rows["TJLY-2025-000003"]?.timingKnown, true)
        XCTAssertEqual(rows["RLYJ-2025-000009"]?.publishedOn.iso, second, "matched by 文书编号 with other brackets")
        XCTAssertEqual(rows.values.filter { !$0.timingKnown }.count, summary.supervision?.disclosuresOfUnknownTiming)
        let statistics = try String(contentsOf: output.appendingPathComponent("public/reports/2025/statistics.json"), encoding: .utf8)
        XCTAssertTrue(statistics.contains("\"timing_unknown\""), "the annual report counts unknown timeliness apart")
        let quarantine = try String(contentsOf: output.appendingPathComponent("quarantine/warnings.json"), encoding: .utf8)
        XCTAssertTrue(quarantine.contains("history.csv"), "a bad history row is reported with its file")

        // With a go-live date long before, the same decisions are known to be late.
        let early = parent.appendingPathComponent("early")
        var strict = try Repo.config(input: export, output: early, stages: [.ingest, .portal, .supervision])
        strict.goLive = CivilDate(iso: "2020-01-01")
        let late = try PipelineRunner.run(RunRequest(config: strict, asOf: asOf)).0
        XCTAssertGreaterThan(late.portal?.late.count ?? 0, 30)
        XCTAssertEqual(late.supervision?.disclosuresOfUnknownTiming, 0)
        XCTAssertEqual(late.supervision?.lateDisclosures, late.portal?.late.count)
    }

    /// A second run with one case changed rewrites only that case's files and the lists;
    /// a withdrawn decision's page becomes a notice, a changed one shows its change.
    func testChangesRewriteOnlyTheirFilesAndWithdrawalsBecomeNotices() throws {
        let first = try run("2026-01-06")
        let portal = try XCTUnwrap(first.portal)
        XCTAssertGreaterThan(portal.published, 40)
        XCTAssertEqual(portal.newlyPublished, portal.published + portal.withdrawn)
        XCTAssertTrue(portal.late.isEmpty, "on the first run, decisions due before it are not known to be late")
        XCTAssertGreaterThan(portal.timingUnknown, 30, "2024–2025 decisions were due before this first run")
        let before = try inodes("public/decisions").merging(try inodes("public/documents")) { a, _ in a }

        // RLYJ-2025-000009 is withdrawn, TJLY-2025-000003 changed.
        try withdrawAndChangeTwoCases()
        let second = try run("2026-01-09")
        XCTAssertEqual(second.portal?.newlyPublished, 0)
        XCTAssertEqual(second.portal?.pagesWritten, 2)
        let after = try inodes("public/decisions").merging(try inodes("public/documents")) { a, _ in a }
        let rewritten = Set(after.filter { before[$0.key] != $0.value }.map(\.key))
        let withdrawn = try pageText(ofDocNo: try docNo("RLYJ-2025-000009"))
        let changed = try pageText(ofDocNo: try docNo("TJLY-2025-000003"))
        let pdfs = rewritten.filter { $0.hasSuffix(".pdf") }
        XCTAssertEqual(rewritten.subtracting(pdfs), [withdrawn.path, changed.path], "only the changed cases' pages are rewritten")
        XCTAssertLessThanOrEqual(pdfs.count, 1, "only the changed case's public copy is rewritten: \(pdfs)")
        XCTAssertTrue(rewritten.contains(withdrawn.path) && rewritten.contains(changed.path), "\(rewritten)")
        XCTAssertGreaterThan(before.count - rewritten.count, 40, "the others are kept as they were")

        XCTAssertTrue(withdrawn.text.contains("撤销公告") && withdrawn.text.contains("认定事实不清"), withdrawn.text)
        XCTAssertFalse(withdrawn.text.contains("违法事实"), "the withdrawn content is taken down")
        XCTAssertTrue(changed.text.contains("变更说明") && changed.text.contains("1000.00"), changed.text)
        let feed = try String(contentsOf: output.appendingPathComponent("public/feeds/decisions.xml"), encoding: .utf8)
        XCTAssertTrue(feed.contains("<withdrawn date=\"2026-01-09\">"), "withdrawn in the feed")
        let atom = try String(contentsOf: output.appendingPathComponent("public/feeds/atom.xml"), encoding: .utf8)
        XCTAssertTrue(atom.contains("【撤销】") && atom.contains("【变更】"))
    }

    /// A published decision that later must not be public leaves the portal: its page becomes a notice, its copy goes.
    func testADecisionThatBecomesNonPublicLeavesThePortal() throws {
        _ = try run("2026-01-06")
        let docNo = try docNo("TJLY-2025-000003")
        let before = try pageText(ofDocNo: docNo)
        XCTAssertTrue(before.text.contains("违法事实"))
        try editCase("TJLY-2025-000003") { item in
            item["disclosure"] = "不予公开"
            item["nondisclosure_reason"] = "个人隐私"
        }
        _ = try run("2026-01-07")
        let after = try pageText(ofDocNo: docNo)
        XCTAssertEqual(after.path, before.path)
        XCTAssertTrue(after.text.contains("撤下公告") && after.text.contains("依法不再公开"), after.text)
        XCTAssertFalse(after.text.contains("违法事实"), "the content is taken down")
        let documents = output.appendingPathComponent("public/documents/114309226090872308")
        let copies = (try? FileManager.default.contentsOfDirectory(atPath: documents.path)) ?? []
        let index = after.path.split(separator: "/").last.map { String($0.dropLast(5)) } ?? "?"
        XCTAssertFalse(copies.contains { $0.hasPrefix(index) }, "its public copy is gone: \(copies)")
    }

    func testFeedsValidateAndParse() throws {
        _ = try run("2026-01-06")
        let feeds = output.appendingPathComponent("public/feeds")
        let xmllint = try Repo.run("/usr/bin/env", ["xmllint", "--noout", "--schema", Repo.root.appendingPathComponent("Templates/feeds/decisions.xsd").path,
                                                    feeds.appendingPathComponent("decisions.xml").path])
        XCTAssertEqual(xmllint.code, 0, xmllint.output)
        let parse = try Repo.run("/usr/bin/env", ["python3", "-c", """
            import sys, xml.etree.ElementTree as E
            a = E.parse(sys.argv[1]).getroot(); s = E.parse(sys.argv[2]).getroot()
            print(a.tag, len(a.findall('{http://www.w3.org/2005/Atom}entry')), s.tag, len(s))
            """, feeds.appendingPathComponent("atom.xml").path, output.appendingPathComponent("public/sitemap.xml").path])
        XCTAssertEqual(parse.code, 0, parse.output)
        XCTAssertTrue(parse.output.hasPrefix("{http://www.w3.org/2005/Atom}feed "), parse.output)
        // search-index.json is the manifest of the split index (Templates/portal/README.md).
        let index = try Data(contentsOf: output.appendingPathComponent("public/search-index.json"))
        let manifest = try XCTUnwrap(try JSONSerialization.jsonObject(with: index) as? [String: Any])
        XCTAssertGreaterThan(manifest["count"] as? Int ?? 0, 40)
        let shards = try XCTUnwrap(manifest["key_shards"] as? Int)
        for number in 0..<shards {
            XCTAssertTrue(FileManager.default.fileExists(atPath: output.appendingPathComponent("public/search/k-\(number).json").path))
        }
        for name in ["robots.txt", "404.html", "favicon.svg", "reports/index.html"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: output.appendingPathComponent("public/" + name).path), name)
        }
    }

    /// Every page the run writes is valid HTML5 by the Nu HTML Checker (Tests/Fixtures/html5_validate.py).
    func testEveryPageIsValidHTML() throws {
        let config = try Repo.config(input: export, output: output, stages: [.ingest, .portal, .report, .supervision])
        _ = try PipelineRunner.run(RunRequest(config: config, asOf: CivilDate(iso: "2026-01-06")!))
        let deps = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/sanxiang/pydeps")
        for folder in ["public", "internal/supervision"] {
            let result = try Repo.run("/usr/bin/env", ["python3", Repo.root.appendingPathComponent("Tests/Fixtures/html5_validate.py").path,
                                                       "--deps", deps.path, "--root", output.appendingPathComponent(folder).path])
            XCTAssertEqual(result.code, 0, "\(folder): \(result.output.prefix(2000))")
        }
    }

    func testAnInvalidFeedFailsTheRun() throws {
        var config = try Repo.config(input: export, output: output, stages: [.ingest, .portal])
        let strict = parent.appendingPathComponent("strict.xsd")
        try String(contentsOf: config.feedSchemaURL, encoding: .utf8)
            .replacingOccurrences(of: "<xs:pattern value=\"\\d{1,15}\\.\\d{2}\"/>", with: "<xs:pattern value=\"\\d{1,2}\\.\\d{2}\"/>")
            .write(to: strict, atomically: true, encoding: .utf8)
        config.feedSchema = strict.path
        XCTAssertThrowsError(try PipelineRunner.run(RunRequest(config: config, asOf: CivilDate(iso: "2026-01-06")!))) { error in
            let failure = error as? StageFailure
            XCTAssertEqual(failure?.stage, "portal-site", "the failure names the stage that writes the feed")
            XCTAssertTrue(failure?.underlying is FeedValidationError, "\(error)")
            XCTAssertTrue(failure?.message.contains("decisions.xml") ?? false, "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.appendingPathComponent("public/index.html").path),
                       "nothing is published from a failed run")
    }

    /// The portal lets go of the public case of each log row that is as the last run left it: the store must still hold
    /// every decision's public case, the same bytes a fresh run makes, after a night with changes and after a night on
    /// which every page's hash changes (the site's footer) while no public case does.
    func testTheStoreKeepsEveryPublicCaseWhenTheRunLetsGoOfUnchangedOnes() throws {
        func stored() throws -> [String: PublicationRow] {
            try StateStore(path: output.appendingPathComponent("state.sqlite").path).publicationRows()
        }
        _ = try run("2026-01-06")
        let first = try stored()
        XCTAssertGreaterThan(first.count, 40)
        try withdrawAndChangeTwoCases()
        _ = try run("2026-01-09")
        let second = try stored()
        XCTAssertEqual(Set(second.keys), Set(first.keys))
        let changed = Set(second.filter { first[$0.key]?.publicCase != $0.value.publicCase }.keys)
        XCTAssertEqual(changed, ["TJLY-2025-000003", "RLYJ-2025-000009"])
        for (id, row) in second where !changed.contains(id) {
            XCTAssertTrue(row == first[id], "\(id): an unchanged row is left as it was")
        }
        // The same export in a fresh folder: every public case the same bytes as the store keeps after two nights.
        var config = try Repo.config(input: export, output: parent.appendingPathComponent("fresh"), stages: [.ingest, .portal])
        _ = try PipelineRunner.run(RunRequest(config: config, asOf: CivilDate(iso: "2026-01-09")!))
        let fresh = try StateStore(path: parent.appendingPathComponent("fresh/state.sqlite").path).publicationRows()
        for (id, row) in second where row.withdrawnOn == nil {
            XCTAssertTrue(row.publicCase == fresh[id]?.publicCase, "\(id)'s public case as a fresh run makes it")
        }

        // A new footer changes every page's hash, and no public case: each row is saved again, with its public case.
        config = try Repo.config(input: export, output: output, stages: [.ingest, .portal])
        config.portalSite.contact = "联系电话：0471-0000000"
        let third = try PipelineRunner.run(RunRequest(config: config, asOf: CivilDate(iso: "2026-01-12")!)).0
        XCTAssertEqual(third.portal?.pagesWritten, second.count, "every page is written again")
        let rows = try stored()
        for (id, row) in rows {
            XCTAssertFalse(row.publicCase.isEmpty, id)
            XCTAssertTrue(row.publicCase == second[id]?.publicCase, "\(id): the same public case")
            XCTAssertNotEqual(row.publicHash, second[id]?.publicHash, "\(id): a new hash")
        }

        // Evidence no longer published: nearly every public case changes, each page's bytes set aside while the night works
        // (`TonightPublicCases`). The store then holds, for every decision, what a fresh run with that rule makes.
        config.disclosurePolicy.fields["evidence"] = .drop
        let fourth = try PipelineRunner.run(RunRequest(config: config, asOf: CivilDate(iso: "2026-01-13")!)).0
        var freshConfig = try Repo.config(input: export, output: parent.appendingPathComponent("fresh-without-evidence"), stages: [.ingest, .portal])
        freshConfig.portalSite = config.portalSite
        freshConfig.disclosurePolicy = config.disclosurePolicy
        _ = try PipelineRunner.run(RunRequest(config: freshConfig, asOf: CivilDate(iso: "2026-01-13")!))
        let withoutEvidence = try StateStore(path: parent.appendingPathComponent("fresh-without-evidence/state.sqlite").path).publicationRows()
        let last = try stored()
        let changedCases = last.filter { rows[$0.key]?.publicCase != $0.value.publicCase }.count
        XCTAssertGreaterThan(changedCases, rows.count / 2, "most public cases changed (a withdrawal's notice shows no evidence)")
        XCTAssertEqual(fourth.portal?.pagesWritten, changedCases, "the page of each changed public case is written again")
        for (id, row) in last {
            XCTAssertTrue(row.holdsPublicCase, "\(id) is stored with its JSON, not a stand-in")
            XCTAssertFalse(String(decoding: row.publicCase, as: UTF8.self).contains("\"evidence\""), id)
            if row.withdrawnOn == nil {
                XCTAssertTrue(row.publicCase == withoutEvidence[id]?.publicCase, "\(id)'s public case as a fresh run makes it")
            }
        }
        let page = try pageText(ofDocNo: try docNo("TJLY-2025-000003"))
        XCTAssertTrue(page.text.contains("变更说明"), "a page made from a public case read back from the staging area")

        // A 行政处罚决定书 cannot be filled without its evidence: those public copies are left out (their pages stand alone) …
        let leftOut = Set(last.filter { $0.value.withdrawnOn == nil && $0.value.pdfPath == nil && rows[$0.key]?.pdfPath != nil }.keys)
        XCTAssertFalse(leftOut.isEmpty, "some public copies need the evidence")
        // … and not tried again, nor their pages made again, on a night that changes nothing they are made from.
        let fifth = try PipelineRunner.run(RunRequest(config: config, asOf: CivilDate(iso: "2026-01-14")!)).0
        XCTAssertEqual(fifth.portal?.pagesWritten, 0, "nothing changed: no page written")
        XCTAssertEqual(try stored(), last, "the log as the night before")
        // A template changed (a copy of the folder, one template with a comment added): the left-out copies are tried again
        // (and still cannot be filled), every other page stays as it is.
        let templates = parent.appendingPathComponent("templates")
        try FileManager.default.copyItem(at: config.templatesURL, to: templates)
        let template = templates.appendingPathComponent("行政处罚决定书.xml")
        try (try Data(contentsOf: template) + Data("\n<!-- 修订 -->\n".utf8)).write(to: template)
        config.templates = templates.path
        let sixth = try PipelineRunner.run(RunRequest(config: config, asOf: CivilDate(iso: "2026-01-15")!)).0
        XCTAssertEqual(sixth.portal?.pagesWritten, leftOut.count, "only the left-out copies' pages, tried again")
        XCTAssertTrue(try stored().filter { leftOut.contains($0.key) }.allSatisfy { $0.value.pdfPath == nil }, "still left out")
        // Evidence published again: the copies are made.
        config.disclosurePolicy.fields["evidence"] = .transform
        _ = try PipelineRunner.run(RunRequest(config: config, asOf: CivilDate(iso: "2026-01-16")!))
        let again = try stored()
        for id in leftOut {
            let path = try XCTUnwrap(again[id]?.pdfPath, "\(id)'s public copy is made again")
            XCTAssertTrue(FileManager.default.fileExists(atPath: output.appendingPathComponent("public/" + path).path), path)
        }
    }

    /// 索引号 continue from the highest number each agency has used in each year, gaps and all, and are
    /// never given twice — counted from the log once, not searched for again for every new decision.
    func testIndexNumbersContinueEachAgencysYear() {
        func row(_ id: String, _ indexNo: String) -> PublicationRow {
            PublicationRow(caseID: id, agencyCode: String(indexNo.split(separator: "/")[0]), indexNo: indexNo,
                           publishedOn: CivilDate(iso: "2025-03-01")!, withdrawnOn: nil, withdrawalReason: nil,
                           deadline: CivilDate(iso: "2025-03-10")!, publicHash: "", publicCase: [], pdfPath: nil)
        }
        let log = Dictionary(uniqueKeysWithValues: [row("a1", "A01/2025-00001"), row("a7", "A01/2025-00007"), row("a3", "A01/2024-00003"),
                                                    row("b2", "B02/2025-00002"), row("x4", "X-9/2025-00004")].map { ($0.caseID, $0) })
        var numbers = PortalIndexNumbers(log)
        XCTAssertEqual(numbers.next(agency: "A01", year: 2025), "A01/2025-00008")
        XCTAssertEqual(numbers.next(agency: "A01", year: 2025), "A01/2025-00009")
        XCTAssertEqual(numbers.next(agency: "A01", year: 2024), "A01/2024-00004")
        XCTAssertEqual(numbers.next(agency: "A01", year: 2026), "A01/2026-00001")
        XCTAssertEqual(numbers.next(agency: "B02", year: 2025), "B02/2025-00003")
        XCTAssertEqual(numbers.next(agency: "X-9", year: 2025), "X-9/2025-00005", "an agency code with a hyphen")
        XCTAssertEqual(numbers.next(agency: "C03", year: 2025), "C03/2025-00001")
    }
}
