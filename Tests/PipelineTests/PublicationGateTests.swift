import CaseModel
import Disclosure
import ErrorReporting
import Foundation
import Ingest
@testable import Pipeline
import TestSupport
import XCTest

/// The publication gate, independent of the redactor: whatever reaches the staged
/// portal with a personal value of the export in it withholds its case, reported by
/// case, channel and kind, never the value.
final class PublicationGateTests: SampleCopyTestCase {
    private let asOf = CivilDate(iso: "2026-01-06")!

    /// The cases ingest accepts from the export as it stands (the sample sets some rows aside on purpose).
    private func accepted() throws -> [EnforcementCase] {
        var config = try Repo.config(input: export, output: output, stages: [.ingest])
        config.documentRules = []
        return try PipelineRunner.run(RunRequest(config: config, asOf: asOf, useStateStore: false, writeOutputs: false)).1.cases
    }

    private func cases() throws -> [[String: Any]] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: export.appendingPathComponent("cases.json"))) as? [[String: Any]])
    }

    /// Every byte under public/ as text (pages, feeds, JSON; file names too).
    private func publicText() -> String {
        let root = output.appendingPathComponent("public")
        var text = ""
        for path in FileManager.default.enumerator(atPath: root.path)?.compactMap({ $0 as? String }) ?? [] {
            text += path + "\n"
            if let data = FileManager.default.contents(atPath: root.appendingPathComponent(path).path) {
                text += String(decoding: data, as: UTF8.self)
            }
        }
        return text
    }

    /// 违法条款 is published as the export gives it (law citations are public), so the redactor
    /// never reads it: a person's name and ID number typed into it get past the redactor, and the
    /// gate must stop that case, say so by case, channel and kind, and exit with status 4.
    func testAValuePastTheRedactorIsStoppedByTheGate() throws {
        let url = export.appendingPathComponent("cases.json")
        var all = try cases()
        let accepted = try accepted()
        let person = try XCTUnwrap(accepted.first { $0.party.type == .naturalPerson && !$0.party.isMinor && $0.party.idNumber.count == 18 })
        let name = person.party.name, id = person.party.idNumber
        // An organisation's accepted case, published in full, names the person in a field the redactor trusts.
        let organisation = try XCTUnwrap(accepted.first { $0.party.type == .legalPerson && $0.source.file == "cases.json"
                                                          && $0.disclosure == .proactive && $0.status != .withdrawn })
        let target = try XCTUnwrap(all.firstIndex { $0["case_id"] as? String == organisation.id })
        let targetID = organisation.id
        all[target]["violated_provisions"] = "《中华人民共和国森林法》第三十九条（举报人\(name)，身份证号\(id)）"
        try JSONSerialization.data(withJSONObject: all).write(to: url)

        let config = try Repo.config(input: export, output: output, stages: [.ingest, .portal])
        let summary = try PipelineRunner.run(RunRequest(config: config, asOf: asOf)).0
        XCTAssertEqual(summary.portal?.gateWithheld, 1)
        XCTAssertEqual(summary.exitStatus, 4, "a distinct exit status says the gate withheld a case")
        XCTAssertEqual(summary.portal?.withheld[PublicationGate.withheldReason], 1)
        let report = try JSONDecoder().decode(GateReport.self, from: Data(contentsOf: output.appendingPathComponent(GateReport.path)))
        XCTAssertEqual(report.findings.map(\.caseID), [targetID])
        XCTAssertEqual(report.findings.first?.kinds, ["姓名", "证件号码"])
        let text = publicText()
        XCTAssertFalse(text.contains(name) || text.contains(id), "the value reached public/")
        XCTAssertFalse(text.contains(targetID), "none of the stopped case's items are published")
        let reportText = try String(contentsOf: output.appendingPathComponent(GateReport.path), encoding: .utf8)
        XCTAssertFalse(reportText.contains(name) || reportText.contains(id), "the gate's report names the kind, never the value")
    }

    /// A page someone (or a bug) wrote with a person's ID number in it, spaced and entity-encoded:
    /// the sweep over the staged files finds it and names the page's case.
    func testTheSweepReadsPagesAsAPersonWouldAndNamesTheCase() throws {
        let index = PersonalValueIndex()
        index.addIDNumber("110101199003074514")
        index.addName("欧阳建国")
        let folder = parent.appendingPathComponent("public")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("decisions/A"), withIntermediateDirectories: true)
        try "<p>身份证 1101 0119 9003 0745 14</p>".write(to: folder.appendingPathComponent("decisions/A/2025-00001.html"),
                                                      atomically: true, encoding: .utf8)
        try "<p>&#27431;&#38451;建国</p>".write(to: folder.appendingPathComponent("decisions/A/2025-00002.html"), atomically: true, encoding: .utf8)
        try "<p>林业主管部门 2025年3月1日 罚款5000元</p>".write(to: folder.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
        let owners = ["decisions/A/2025-00001.html": "C1", "decisions/A/2025-00002.html": "C2"]
        let found = PublicationGate(index: index).sweep(folder: folder) { owners[$0] }
        XCTAssertEqual(found.map(\.caseID), ["C1", "C2"])
        XCTAssertEqual(found.first?.kinds, ["证件号码"])
        XCTAssertEqual(found.last?.kinds, ["姓名"])
    }

    /// Every entry under public/ is swept: a folder named after a person, a hidden file with a
    /// person's ID number in it, a link to a folder (its name, not its content: its target is swept
    /// where it is); and a public/ the sweep cannot list is never passed.
    func testTheSweepReadsEveryEntryAndNeverPassesWhatItCannotList() throws {
        let index = PersonalValueIndex()
        index.addIDNumber("110101199003074514")
        index.addName("欧阳建国")
        let folder = parent.appendingPathComponent("public-entries")
        let manager = FileManager.default
        try manager.createDirectory(at: folder.appendingPathComponent("欧阳建国/empty"), withIntermediateDirectories: true)
        try manager.createDirectory(at: folder.appendingPathComponent("decisions"), withIntermediateDirectories: true)
        try "{\"id\": \"110101199003074514\"}".write(to: folder.appendingPathComponent("decisions/.json"), atomically: true, encoding: .utf8)
        try "<p>罚款5000元</p>".write(to: folder.appendingPathComponent("decisions/clean.html"), atomically: true, encoding: .utf8)
        try manager.createSymbolicLink(atPath: folder.appendingPathComponent("to-decisions").path, withDestinationPath: "decisions")
        let found = PublicationGate(index: index).sweep(folder: folder) { _ in nil }
        XCTAssertEqual(found.map(\.channel), ["decisions/.json", "欧阳建国", "欧阳建国/empty"])
        XCTAssertEqual(found.first?.kinds, ["证件号码"])

        let missing = PublicationGate(index: index).sweep(folder: parent.appendingPathComponent("no-such-public")) { _ in nil }
        XCTAssertEqual(missing.map(\.kinds), [["无法读取"]], "a folder the sweep cannot list is not passed")
        XCTAssertNil(missing.first?.caseID)
    }

    /// The sweep checks the listing a batch at a time and gives its findings in the order of their paths, whatever the batch:
    /// a tree of folders and files, some named after or holding a person's values, swept in batches of 1 to 64 entries,
    /// gives the findings of one batch of the whole listing, and those are the files made to hold a value, sorted.
    func testTheSweepInBatchesFindsTheSameInPathOrder() throws {
        let index = PersonalValueIndex()
        index.addIDNumber("110101199003074514")
        index.addName("欧阳建国")
        let folder = parent.appendingPathComponent("public-batches")
        var generator = SplitMix64(seed: 2026)
        var expected: [String] = []
        for agency in ["A", "B-1", "B", "欧阳建国"] {
            let sub = folder.appendingPathComponent("decisions/\(agency)")
            try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
            if agency == "欧阳建国" { expected.append("decisions/欧阳建国") }
            for number in 0..<Int.random(in: 5...20, using: &generator) {
                let name = String(format: "2025-%05d.html", number)
                let leaks = Int.random(in: 0..<4, using: &generator) == 0
                try (leaks ? "<p>110101199003074514</p>" : "<p>罚款5000元</p>").write(to: sub.appendingPathComponent(name),
                                                                                   atomically: true, encoding: .utf8)
                if leaks || agency == "欧阳建国" { expected.append("decisions/\(agency)/\(name)") }
            }
        }
        expected.sort()
        let gate = PublicationGate(index: index)
        let whole = gate.sweep(folder: folder, batch: 100_000) { "owner of " + $0 }
        XCTAssertEqual(whole.map(\.channel), expected)
        XCTAssertEqual(whole.map(\.caseID), expected.map { "owner of " + $0 })
        for size in [1, 2, 3, 7, 64] {
            XCTAssertEqual(gate.sweep(folder: folder, batch: size) { "owner of " + $0 }, whole, "batches of \(size)")
        }
    }

    /// The gate's key is the digest of its index's whole content (made and hashed a megabyte at a time, never whole): an
    /// index of several megabytes, with published seats, keys as the digest of the bytes joined; one value more changes it.
    func testTheGateKeyIsTheDigestOfTheWholeIndex() throws {
        let index = PersonalValueIndex()
        let surnames = Array("赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜")
        let given = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红")
        for first in surnames { for second in given { for third in given { index.addName(String([first, second, third])) } } }
        for number in 0..<20_000 { index.addAddress("云南省玉溪市红塔区珊瑚路\(number)号") }
        index.addPublicSeat("云南省玉溪市红塔区珊瑚路18号")
        XCTAssertGreaterThan(index.contentBytes().count, 3 << 19, "more than a piece")
        let head = Array("sanxiang-gate-v1\n\(UnchangedRun.programStamp())\n\(try UnchangedRun.lexiconIdentity())\n".utf8)
        let key = try PublicationGate.key(index)
        XCTAssertEqual(key, StateStore.contentHash(head + index.contentBytes()))
        var pieces: [[UInt8]] = []
        index.contentBytes { pieces.append($0) }
        XCTAssertGreaterThan(pieces.count, 1)
        XCTAssertEqual(pieces.flatMap { $0 }, index.contentBytes())
        index.addName("欧阳建国")
        XCTAssertNotEqual(try PublicationGate.key(index), key)
    }

    /// The site's sweep reads exactly the files it is given (the site stage's own: the decisions' files were swept before),
    /// every folder of their paths named in them; a listed file that cannot be read is not passed.
    func testASweepOfListedFilesReadsThoseAndTheirFolders() throws {
        let index = PersonalValueIndex()
        index.addIDNumber("110101199003074514")
        index.addName("欧阳建国")
        let folder = parent.appendingPathComponent("public-listed")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("欧阳建国"), withIntermediateDirectories: true)
        try "<p>110101199003074514</p>".write(to: folder.appendingPathComponent("listed.html"), atomically: true, encoding: .utf8)
        try "<p>110101199003074514</p>".write(to: folder.appendingPathComponent("unlisted.html"), atomically: true, encoding: .utf8)
        try "<p>罚款5000元</p>".write(to: folder.appendingPathComponent("欧阳建国/clean.html"), atomically: true, encoding: .utf8)
        let found = PublicationGate(index: index).sweep(folder: folder, only: ["listed.html", "欧阳建国/clean.html", "gone.html"]) { _ in nil }
        XCTAssertEqual(found.map(\.channel), ["listed.html", "欧阳建国/clean.html", "gone.html"])
        XCTAssertEqual(found.map(\.kinds), [["证件号码"], ["姓名"], ["无法读取"]])
    }

    /// The site's files (home, agencies' pages, feeds, search, sitemap) are written after the export is let go of, by the
    /// portal-site stage, and swept like every public file: a person's name typed into the agency's 行政复议机关 reaches the
    /// agency's page, which belongs to no case, so the run stops in that stage and the last night's portal stays as it was.
    func testAPersonalValueInASiteFileStopsTheRunAndKeepsTheLastPortal() throws {
        let config = try Repo.config(input: export, output: output, stages: [.ingest, .portal])
        _ = try PipelineRunner.run(RunRequest(config: config, asOf: asOf))
        let home = output.appendingPathComponent("public/index.html")
        let before = try Data(contentsOf: home)

        let person = try publishedPerson()
        let agency = try XCTUnwrap(try acceptedIngest().agencies.first { $0.code == person.agencyCode })
        // agencies.csv is GB18030 in the sample: read through iconv, written back as UTF-8 (each file's encoding is its own).
        let url = export.appendingPathComponent("agencies.csv")
        let text = try Repo.run("/usr/bin/iconv", ["-f", "GB18030", "-t", "UTF-8", url.path]).output
        let edited = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.contains(agency.code) ? line.replacingOccurrences(of: agency.reconsiderationBody, with: agency.reconsiderationBody + "（联系人"
                                                                   + person.party.name + "）") : String(line)
        }.joined(separator: "\n")
        XCTAssertNotEqual(edited, text)
        try edited.write(to: url, atomically: true, encoding: .utf8)

        XCTAssertThrowsError(try PipelineRunner.run(RunRequest(config: config, asOf: CivilDate(iso: "2026-01-07")!))) { error in
            let failure = error as? StageFailure
            XCTAssertEqual(failure?.stage, "portal-site")
            let findings = (failure?.underlying as? PublicationGateError)?.findings ?? []
            XCTAssertEqual(findings.map(\.channel), ["agencies/\(agency.code)/index.html"], "\(error)")
            XCTAssertEqual(findings.first?.kinds, ["姓名"])
        }
        XCTAssertEqual(try Data(contentsOf: home), before, "the last night's portal stays whole")
    }

    /// The annual report is public too: a person's name that reached it (typed into the agency's name) stops
    /// `report --year` — in the PDF, which the gate reads through the document it is drawn from, as in the page and the
    /// statistics files — and the reports published before stay as they were.
    func testAPersonalValueInTheAnnualReportStopsItAndKeepsTheLastReports() throws {
        let config = try Repo.config(input: export, output: output, stages: [.ingest, .portal, .report])
        _ = try PipelineRunner.run(RunRequest(config: config, asOf: asOf))
        let reports = output.appendingPathComponent("public/reports")
        let before = try Repo.files(reports)
        let year = asOf.year - 1
        XCTAssertNotNil(before["\(year)/report.pdf"], before.keys.sorted().joined(separator: " "))

        let person = try publishedPerson()
        let agency = try XCTUnwrap(try acceptedIngest().agencies.first { $0.code == person.agencyCode })
        let url = export.appendingPathComponent("agencies.csv")
        let text = try Repo.run("/usr/bin/iconv", ["-f", "GB18030", "-t", "UTF-8", url.path]).output
        let edited = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.contains(agency.code) ? line.replacingOccurrences(of: agency.name, with: agency.name + "（联系人" + person.party.name + "）")
                : String(line)
        }.joined(separator: "\n")
        XCTAssertNotEqual(edited, text)
        try edited.write(to: url, atomically: true, encoding: .utf8)

        var reportOnly = config
        reportOnly.stages = [.ingest, .report]
        let request = RunRequest(config: reportOnly, asOf: asOf, reportYear: year, recordsRun: false)
        XCTAssertThrowsError(try PipelineRunner.run(request)) { error in
            let failure = error as? StageFailure
            XCTAssertEqual(failure?.stage, "report", "\(error)")
            let findings = (failure?.underlying as? PublicationGateError)?.findings ?? []
            let channels = Set(findings.map(\.channel))
            for file in ["report.pdf", "index.html", "statistics.json", "statistics.csv"] {
                XCTAssertTrue(channels.contains("reports/\(year)/\(agency.code)/\(file)"), "\(file): \(channels.sorted())")
            }
            XCTAssertTrue(findings.allSatisfy { $0.kinds == ["姓名"] && $0.caseID == nil }, "\(findings)")
        }
        XCTAssertEqual(try Repo.files(reports), before, "the reports published stay as they were")
    }

    /// A person's phone entered as the agency's own (a clerk typing the switchboard for a party without one) is on the
    /// agency's page as the agency's published phone: no hit there, the run publishes and the case stays on the portal.
    func testAPersonsPhoneEnteredAsTheAgencysOwnStopsNothing() throws {
        let person = try publishedPerson()
        let agency = try XCTUnwrap(try acceptedIngest().agencies.first { $0.code == person.agencyCode })
        var all = try cases()
        let target = try XCTUnwrap(all.firstIndex { $0["case_id"] as? String == person.id })
        all[target]["party_phone"] = agency.phone
        try JSONSerialization.data(withJSONObject: all).write(to: export.appendingPathComponent("cases.json"))

        let config = try Repo.config(input: export, output: output, stages: [.ingest, .portal])
        _ = try PipelineRunner.run(RunRequest(config: config, asOf: asOf))
        let page = try String(contentsOf: output.appendingPathComponent("public/agencies/\(agency.code)/index.html"), encoding: .utf8)
        XCTAssertTrue(page.contains(agency.phone), "the agency's phone stays on its page")
        let gate = try String(contentsOf: output.appendingPathComponent("internal/redaction/gate.json"), encoding: .utf8)
        XCTAssertFalse(gate.contains(person.id), "the person's case is not withheld for it")
        XCTAssertTrue(publicText().contains(person.docNo), "the person's decision is published")
    }

    /// A natural person's case of cases.json, published with no minor involved.
    private func publishedPerson() throws -> EnforcementCase {
        let cases = try acceptedIngest().cases.filter { $0.source.file == "cases.json" && $0.disclosure == .proactive }
        return try XCTUnwrap(cases.first { $0.party.type == .naturalPerson && !$0.party.isMinor && $0.status != .withdrawn })
    }

    private func acceptedIngest() throws -> IngestResult {
        var check = try Repo.config(input: export, output: output, stages: [.ingest])
        check.documentRules = []
        return try PipelineRunner.run(RunRequest(config: check, asOf: asOf, useStateStore: false, writeOutputs: false)).1
    }

    /// A 个体工商户 registered under the operator's own name with a 居民身份证 is a natural person:
    /// the name and the ID number appear in no public file (page, feeds, search index, PDF metadata).
    func testASoleTraderWithAnIDCardIsPublishedAsAPerson() throws {
        let url = export.appendingPathComponent("cases.json")
        var all = try cases()
        let index = try XCTUnwrap(all.firstIndex { ($0["party_type"] as? String) == "自然人" && ($0["party_minor"] as? String) != "是"
                                                    && ($0["disclosure"] as? String ?? "主动公开") == "主动公开" })
        all[index]["party_type"] = "个体工商户"
        all[index]["party_id_type"] = "居民身份证"
        let name = try XCTUnwrap(all[index]["party_name"] as? String)
        let id = try XCTUnwrap(all[index]["party_id_no"] as? String)
        try JSONSerialization.data(withJSONObject: all).write(to: url)
        let config = try Repo.config(input: export, output: output, stages: [.ingest, .portal])
        let summary = try PipelineRunner.run(RunRequest(config: config, asOf: asOf)).0
        XCTAssertEqual(summary.portal?.gateWithheld, 0, "the redactor anonymises it; the gate has nothing to stop")
        let text = publicText()
        XCTAssertFalse(text.contains(name))
        XCTAssertFalse(text.contains(id))
        XCTAssertFalse(text.contains(String(id.suffix(12))))
        // The PDFs' metadata and text: through pdftotext and pdfinfo, as a reader would.
        let root = output.appendingPathComponent("public/documents")
        for path in FileManager.default.enumerator(atPath: root.path)?.compactMap({ $0 as? String }) ?? [] where path.hasSuffix(".pdf") {
            let file = root.appendingPathComponent(path).path
            let body = try Repo.run("/usr/bin/pdftotext", [file, "-"]).output + (try Repo.run("/usr/bin/pdfinfo", [file]).output)
            XCTAssertFalse(body.contains(name) || body.contains(id), "\(path) carries the operator's name or ID")
        }
    }
}

/// The 法制科's review queue and approvals (disclosure.require_approval).
final class ReviewQueueTests: SampleCopyTestCase {
    /// Two organisations' cases mention a person the model finds with no role word before the name
    /// (an uncertain name); the 法制科 has approved one of them.
    private func plantUncertainNames() throws -> (approved: String, held: String) {
        let url = export.appendingPathComponent("cases.json")
        var all = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String: Any]])
        var config = try Repo.config(input: export, output: output, stages: [.ingest])
        config.documentRules = []
        let accepted = try PipelineRunner.run(RunRequest(config: config, asOf: CivilDate(iso: "2026-01-06")!, useStateStore: false,
                                                         writeOutputs: false)).1.cases
        let published = Set(accepted.filter { $0.source.file == "cases.json" && $0.disclosure == .proactive && !$0.party.isMinor
                                               && $0.status != .withdrawn }.map(\.id))
        let organisations = all.indices.filter { published.contains(all[$0]["case_id"] as? String ?? "") }
        XCTAssertGreaterThanOrEqual(organisations.count, 2)
        // Two-character names with no role word before them: found, replaced, but not certain.
        all[organisations[0]]["facts"] = (all[organisations[0]]["facts"] as? String ?? "") + "当日谭胜在河道内采砂。"
        all[organisations[1]]["facts"] = (all[organisations[1]]["facts"] as? String ?? "") + "次日葛明在河道内采砂。"
        try JSONSerialization.data(withJSONObject: all).write(to: url)
        return (try XCTUnwrap(all[organisations[0]]["case_id"] as? String), try XCTUnwrap(all[organisations[1]]["case_id"] as? String))
    }

    func testUncertainNamesWaitForApprovalAndTheQueueShowsEachChange() throws {
        let (approvedID, heldID) = try plantUncertainNames()
        var config = try Repo.config(input: export, output: output, stages: [.ingest, .portal])
        let open = try PipelineRunner.run(RunRequest(config: config, asOf: CivilDate(iso: "2026-01-06")!)).0
        XCTAssertEqual(open.portal?.heldForApproval, 0, "without require_approval nothing waits")
        let queue = try String(contentsOf: output.appendingPathComponent(ReviewQueue.path), encoding: .utf8)
        XCTAssertTrue(queue.contains("<del>谭胜</del><ins>谭某</ins>"), "the original and what the portal prints instead")
        XCTAssertTrue(queue.contains("<mark class=\"uncertain\" title=\"不确定是否为人名\"><del>葛明</del>"), "the uncertain name is flagged")
        XCTAssertTrue(queue.contains("<h2>\(heldID)（"))
        // Every case with an uncertain name waits, the approved one excepted (the sample may have others of its own).
        let uncertainCases = queue.components(separatedBy: "<section>").filter { $0.contains("不确定的人名") }.count
        XCTAssertGreaterThanOrEqual(uncertainCases, 2)

        let fresh = parent.appendingPathComponent("fresh")
        config.output = fresh.path
        config.requireApproval = true
        let approvals = parent.appendingPathComponent("approved.txt")
        try "# 法制科审核通过\n\(approvedID)  # 2026-01-05 审核\n".write(to: approvals, atomically: true, encoding: .utf8)
        config.approvals = approvals.path
        let held = try PipelineRunner.run(RunRequest(config: config, asOf: CivilDate(iso: "2026-01-06")!)).0
        XCTAssertEqual(held.portal?.heldForApproval, uncertainCases - 1)
        XCTAssertEqual(held.portal?.withheld[ReviewQueue.heldReason], uncertainCases - 1)
        XCTAssertTrue(held.portal?.warnings.contains { $0.contains(heldID) } ?? false, "a held case past its deadline is warned about")
        let rows = try StateStore(path: fresh.appendingPathComponent("state.sqlite").path).publicationRows()
        XCTAssertNotNil(rows[approvedID], "the approved case is published")
        XCTAssertNil(rows[heldID], "the other waits")
    }
}
