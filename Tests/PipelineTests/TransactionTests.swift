import Archive
import CaseModel
import ErrorReporting
import Foundation
@testable import Pipeline
import XCTest

/// A run is one transaction: whatever a command does, and wherever a run is
/// killed, the output folder holds the previous run's output or the new one
/// (never a mix), the state describes only committed files, and the next run
/// finishes the job with `verify` clean.
final class TransactionTests: SampleCopyTestCase {
    private let asOf = "2026-01-10"
    private var configPath: String { Repo.root.appendingPathComponent("pipeline.yml").path }

    private func sanxiang(_ arguments: [String], output: URL, input: URL? = nil,
                          fault: String? = nil) throws -> (code: Int32, output: String) {
        var all = arguments + ["--config", configPath, "--output", output.path, "--as-of", asOf]
        all += ["--input", (input ?? export).path]
        return try Repo.run(Repo.executable, all, environment: fault.map { ["SANXIANG_FAULT": $0] } ?? [:])
    }

    private func verify(_ output: URL) throws -> (code: Int32, output: String) {
        try Repo.run(Repo.executable, ["verify", "--output", output.path, "--input", export.path])
    }

    /// Path → SHA-256 of every file under `folder` (relative paths).
    private func digests(_ folder: URL) -> [String: String] {
        var out: [String: String] = [:]
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return out }
        while let relative = walker.nextObject() as? String {
            var isFolder: ObjCBool = false
            let path = folder.appendingPathComponent(relative).path
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            out[relative] = Archiver.hashFile(path)?.sha256
        }
        return out
    }

    /// Every file except those the command is meant to change (and the store, ledger, lock and the nightly
    /// run's record, which change by design: a command that swaps public/ restamps the files it kept there).
    private func everythingBut(_ output: URL, changing: [String]) -> [String: String] {
        digests(output).filter { path, _ in
            !changing.contains { path.hasPrefix($0) } && !path.hasPrefix("archive/") && !path.hasPrefix("state.sqlite") && path != ".lock"
                && path != ".unchanged-run"
        }
    }

    /// The paths whose content differs between two digest maps (added, removed or changed).
    private func differences(_ a: [String: String], _ b: [String: String]) -> [String] {
        Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
    }

    func testReportAndOtherCommandsAfterARunLeaveEveryOtherFileAsItWas() throws {
        XCTAssertEqual(try sanxiang(["run"], output: output).code, 3)
        let reportFiles = ["public/reports/2024/", "public/reports/index.html", "public/feeds/reports.xml"]
        let before = everythingBut(output, changing: reportFiles)
        XCTAssertGreaterThan(before.keys.filter { $0.hasPrefix("public/") }.count, 100)

        let report = try sanxiang(["report", "--year", "2024"], output: output)
        XCTAssertEqual(report.code, 3, report.output)
        XCTAssertEqual(differences(everythingBut(output, changing: reportFiles), before), [],
                       "report --year changes its own year's folder and the reports feed only")
        XCTAssertTrue(FileManager.default.fileExists(atPath: output.appendingPathComponent("public/reports/2024/report.pdf").path))
        let reportVerified = try verify(output)
        XCTAssertEqual(reportVerified.code, 0, reportVerified.output)

        let afterReport = everythingBut(output, changing: [])
        let check = try Repo.run(Repo.executable, ["check", "--input", export.path, "--output", output.path, "--as-of", asOf])
        XCTAssertEqual(check.code, 3, check.output)
        XCTAssertEqual(differences(everythingBut(output, changing: []), afterReport), [], "check rewrites the same quarantine and nothing else")
        let print = try Repo.run(Repo.executable, ["print", "--case", "TJLY-2024-000001", "--config", configPath,
                                                   "--output", output.path, "--as-of", asOf, "--input", export.path])
        XCTAssertEqual(print.code, 0, print.output)
        XCTAssertEqual(differences(everythingBut(output, changing: ["print/", "onsite-numbers.sqlite"]), afterReport), [])
        let verified = try verify(output)
        XCTAssertEqual(verified.code, 0, verified.output)
    }

    /// Changes the sample so the next run rewrites pages, withdraws one decision and re-renders documents.
    private func changeExport() throws {
        let json = export.appendingPathComponent("cases.json")
        var cases = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [[String: Any]])
        XCTAssertGreaterThan(cases.count, 3)
        cases[0]["facts"] = "经查，当事人于2025年3月在本辖区内擅自施工，情节较轻（本次更正）。"
        cases[1]["status"] = "撤销"
        cases[1]["status_date"] = "2025-12-30"
        cases[1]["status_reason"] = "经复议撤销"
        try JSONSerialization.data(withJSONObject: cases, options: [.sortedKeys]).write(to: json)
    }

    private func copy(_ from: URL, to: URL) throws {
        try? FileManager.default.removeItem(at: to)
        let status = try Repo.run("/bin/cp", ["-a", from.path, to.path])
        XCTAssertEqual(status.code, 0, status.output)
    }

    func testAKillAtAnyPointLeavesTheOldOrTheNewPortalAndTheNextRunFinishes() throws {
        let start = parent.appendingPathComponent("start")
        XCTAssertEqual(try sanxiang(["run"], output: start).code, 3)
        let old = digests(start.appendingPathComponent("public"))
        try changeExport()
        let reference = parent.appendingPathComponent("reference")
        try copy(start, to: reference)
        XCTAssertEqual(try sanxiang(["run"], output: reference).code, 3)
        let new = digests(reference.appendingPathComponent("public"))
        XCTAssertNotEqual(old, new, "the changed export changes the portal")

        let points = ["stage.ingest", "stage.validate", "stage.review", "stage.render", "stage.portal", "stage.report",
                      "stage.supervision", "commit.staged", "commit.journal", "commit.inplace", "commit.swap.1", "commit.swap.2",
                      "commit.swap.3", "commit.state", "commit.archive"]
        for point in points {
            let folder = parent.appendingPathComponent("kill-\(point)")
            try copy(start, to: folder)
            let killed = try sanxiang(["run"], output: folder, fault: point)
            XCTAssertEqual(killed.code, 9, "\(point): the fault hook kills the run (\(killed.output.suffix(300)))")
            let portal = digests(folder.appendingPathComponent("public"))
            XCTAssertTrue(portal == old || portal == new, "\(point): public/ is the old or the new portal, never a mix")
            try assertPublicationsAreOnDisk(folder, point: point)

            let rerun = try sanxiang(["run"], output: folder)
            XCTAssertEqual(rerun.code, 3, "\(point): \(rerun.output.suffix(500))")
            XCTAssertEqual(digests(folder.appendingPathComponent("public")), new, "\(point): the next run finishes the job")
            XCTAssertEqual(digests(folder.appendingPathComponent("internal")), digests(reference.appendingPathComponent("internal")),
                           "\(point): documents and redaction reports, updated in place, are the uninterrupted run's")
            let verified = try verify(folder)
            XCTAssertEqual(verified.code, 0, "\(point): \(verified.output.suffix(800))")
            try? FileManager.default.removeItem(at: folder)
        }
    }

    /// A first night publishes every decision; its publication rows go beside the journal, a row per line, not into it.
    /// Killed once the journal is written, the next run (a day later) finishes the commit from both: every decision keeps
    /// the first night's publication date (rows lost on the way would be published again that day), and both files go.
    func testAKilledFirstNightIsFinishedWithItsPublicationRows() throws {
        let folder = parent.appendingPathComponent("first")
        XCTAssertEqual(try sanxiang(["run"], output: folder, fault: "commit.journal").code, 9)
        let journalURL = folder.appendingPathComponent(".commit-journal.json")
        let rowsURL = folder.appendingPathComponent(".commit-publications.jsonl")
        let journal = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: journalURL)) as? [String: Any])
        XCTAssertEqual(journal["publicationsFile"] as? String, ".commit-publications.jsonl")
        XCTAssertEqual(((journal["state"] as? [String: Any])?["publications"] as? [Any])?.count, 0, "the rows are not in the journal itself")
        // The memos follow the rest of the journal, written a piece at a time, and are read back into the state it finishes.
        XCTAssertNil((journal["state"] as? [String: Any])?["renderMemoLines"])
        let renderMemo = try XCTUnwrap(Data(base64Encoded: journal["renderMemoLines"] as? String ?? ""), "the render memo as base64")
        let redactionMemo = try XCTUnwrap(Data(base64Encoded: journal["redactionMemo"] as? String ?? ""), "the redaction memo as base64")
        var decoded = try JSONDecoder().decode(CommitJournal.self, from: Data(contentsOf: journalURL))
        try decoded.memosIntoState()
        XCTAssertEqual(decoded.state.renderMemoFile, renderMemo)
        XCTAssertEqual(decoded.state.redactionMemoFile, redactionMemo)
        XCTAssertNotNil(RenderMemo.read(renderMemo))
        XCTAssertNotNil(RedactionMemo.read(redactionMemo))
        let lines = String(decoding: try Data(contentsOf: rowsURL), as: UTF8.self).split(separator: "\n")
        XCTAssertGreaterThan(lines.count, 40)

        let rerun = try Repo.run(Repo.executable, ["run", "--config", configPath, "--output", folder.path, "--as-of", "2026-01-11",
                                                   "--input", export.path])
        XCTAssertEqual(rerun.code, 3, String(rerun.output.suffix(500)))
        XCTAssertFalse(FileManager.default.fileExists(atPath: journalURL.path) || FileManager.default.fileExists(atPath: rowsURL.path))
        let rows = try StateStore(path: folder.appendingPathComponent("state.sqlite").path).publicationRows()
        XCTAssertEqual(rows.count, lines.count)
        let firstNight = try XCTUnwrap(CivilDate(iso: asOf))
        for (caseID, row) in rows {
            XCTAssertLessThanOrEqual(row.publishedOn, firstNight, "\(caseID) was published on the first night")
        }
        let verified = try verify(folder)
        XCTAssertEqual(verified.code, 0, verified.output)
    }

    /// Documents and redaction reports are updated in place (`Stage.inPlace`): a kept file is the very file of
    /// the night before (same inode: not copied, linked or rewritten), a re-rendered one replaces it, a case
    /// gone from the export leaves with its folder — and the folders equal a run from scratch on the new export.
    func testDocumentsAreUpdatedInPlaceAndEqualAFreshRun() throws {
        XCTAssertEqual(try sanxiang(["run"], output: output).code, 3)
        let documents = output.appendingPathComponent("internal/documents")
        let before = digests(documents)
        let inodes = before.keys.reduce(into: [String: UInt64]()) { $0[$1] = inode(documents.appendingPathComponent($1)) }

        let json = export.appendingPathComponent("cases.json")
        var cases = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [[String: Any]])
        let edited = try XCTUnwrap(cases[0]["case_id"] as? String)
        let dropped = try XCTUnwrap(cases[2]["case_id"] as? String)
        let droppedAgency = try XCTUnwrap(cases[2]["agency_code"] as? String)
        XCTAssertTrue(before.keys.contains { $0.hasPrefix("\(droppedAgency)/\(dropped)/") }, "the dropped case had documents")
        // The title is on every document of a case (the facts are not on a 许可's 案卷 and 送达回证).
        cases[0]["title"] = "\(cases[0]["title"] as? String ?? "")（本次更正）"
        cases.remove(at: 2)
        try JSONSerialization.data(withJSONObject: cases, options: [.sortedKeys]).write(to: json)
        // A file no run made (the night's first walk lists it; the commit deletes it from that listing).
        let stray = documents.appendingPathComponent("\(droppedAgency)/手工放入/说明.txt")
        try FileManager.default.createDirectory(at: stray.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("不是本系统生成的文件".utf8).write(to: stray)
        XCTAssertEqual(try sanxiang(["run"], output: output).code, 3)
        XCTAssertFalse(FileManager.default.fileExists(atPath: stray.deletingLastPathComponent().path), "a file no run made leaves with its folder")
        // The archive listed internal/documents from the night's first walk and the commit's moves and deletions:
        // the record it left matches the output to every stamp and change time only if that listing was the
        // output as it is, so a third night with nothing changed is answered from the record.
        let third = try sanxiang(["run"], output: output)
        XCTAssertEqual(third.code, 3)
        XCTAssertTrue(third.output.contains("未重新生成任何文件"), third.output.suffix(600).description)

        let after = digests(documents)
        XCTAssertFalse(after.keys.contains { $0.hasPrefix("\(droppedAgency)/\(dropped)/") }, "the dropped case's documents are gone")
        XCTAssertFalse(FileManager.default.fileExists(atPath: documents.appendingPathComponent("\(droppedAgency)/\(dropped)").path),
                       "and so is its folder")
        XCTAssertTrue(after.keys.contains { $0.contains("/\(edited)/") && after[$0] != before[$0] }, "the edited case is rendered again")
        let untouched = after.keys.filter { !$0.contains("/\(edited)/") }
        XCTAssertGreaterThan(untouched.count, 20)
        for path in untouched {
            XCTAssertEqual(after[path], before[path], path)
            XCTAssertEqual(inode(documents.appendingPathComponent(path)), inodes[path], "\(path) is kept where it was")
        }

        let fresh = parent.appendingPathComponent("fresh")
        XCTAssertEqual(try sanxiang(["run"], output: fresh).code, 3)
        for folder in ["internal/documents", "internal/redaction"] {
            XCTAssertEqual(differences(digests(output.appendingPathComponent(folder)), digests(fresh.appendingPathComponent(folder))), [],
                           "\(folder) after two nights equals one night on the same export")
        }
        let verified = try verify(output)
        XCTAssertEqual(verified.code, 0, verified.output)
    }

    private func inode(_ url: URL) -> UInt64? {
        (try? FileManager.default.attributesOfItem(atPath: url.path))?[.systemFileNumber] as? UInt64
    }

    /// A publication is recorded only when its page is on disk.
    private func assertPublicationsAreOnDisk(_ folder: URL, point: String) throws {
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent(".commit-journal.json").path) == false else {
            let verified = try verify(folder)
            XCTAssertNotEqual(verified.code, 0, "\(point): verify does not pass a half-finished commit")
            XCTAssertTrue(verified.output.contains("提交"), "\(point): \(verified.output.suffix(300))")
            return
        }
        let store = try StateStore(path: folder.appendingPathComponent("state.sqlite").path)
        for (caseID, row) in try store.publicationRows() where row.withdrawnOn == nil {
            let index = row.indexNo.split(separator: "/").last.map(String.init) ?? ""
            let page = folder.appendingPathComponent("public/decisions/\(row.agencyCode)/\(index).html")
            XCTAssertTrue(FileManager.default.fileExists(atPath: page.path), "\(point): \(caseID) is recorded as published but has no page")
        }
    }

    func testTwoRunsOnOneFolderNeverInterleave() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Repo.executable)
        process.arguments = ["run", "--config", configPath, "--output", output.path, "--as-of", asOf, "--input", export.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let lock = output.appendingPathComponent(".lock")
        let deadline = Date().addingTimeInterval(60)
        while (try? String(contentsOf: lock, encoding: .utf8))?.contains("\(process.processIdentifier)") != true, Date() < deadline {
            usleep(20_000)
        }
        let refused = try sanxiang(["run"], output: output)
        XCTAssertEqual(refused.code, 75, refused.output)
        XCTAssertTrue(refused.output.contains("正由另一个 sanxiang 进程使用"), refused.output)
        let report = try sanxiang(["report", "--year", "2024"], output: output)
        XCTAssertEqual(report.code, 75, report.output)

        let waited = try sanxiang(["run", "--wait", "300"], output: output)
        XCTAssertEqual(waited.code, 3, "a run that waits starts after the first one ends: \(waited.output.suffix(300))")
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 3)
        let verified = try verify(output)
        XCTAssertEqual(verified.code, 0, verified.output)
        XCTAssertGreaterThan(digests(output.appendingPathComponent("public")).count, 100)
    }
}

/// Failures of the file system are said in Chinese with the path, not as Foundation error codes.
final class FileSystemMessageTests: SampleCopyTestCase {
    func testAnOutputFolderThatCannotBeMadeIsNamedInChinese() throws {
        let blocker = parent.appendingPathComponent("not-a-folder")
        try Data("x".utf8).write(to: blocker)
        let result = try Repo.run(Repo.executable, ["run", "--config", Repo.root.appendingPathComponent("pipeline.yml").path,
                                                    "--input", export.path, "--output", blocker.appendingPathComponent("out").path,
                                                    "--as-of", "2026-01-10"])
        XCTAssertEqual(result.code, 1, result.output)
        XCTAssertTrue(result.output.contains("创建输出文件夹失败") && result.output.contains(blocker.path), result.output)
        XCTAssertTrue(result.output.contains("路径中有一项不是文件夹"), result.output)
        XCTAssertFalse(result.output.contains("NSCocoaErrorDomain") || result.output.contains("Error Domain"), result.output)
    }

    func testDiskFullAndReadOnlyAreSaidPlainly() {
        XCTAssertEqual(FileSystemError(path: "/srv/out/public/a.html", action: "写入输出文件", code: ENOSPC).message,
                       "写入输出文件失败：/srv/out/public/a.html（磁盘空间已满）")
        XCTAssertTrue(FileSystemError(path: "/srv/out", action: "替换输出", code: EROFS).message.contains("文件系统为只读"))
        XCTAssertTrue(FileSystemError(path: "/srv/out", action: "替换输出", code: EACCES).message.contains("没有权限"))
    }
}
