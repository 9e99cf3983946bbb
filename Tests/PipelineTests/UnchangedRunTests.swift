import Archive
import CaseModel
import Foundation
@testable import Pipeline
import TestSupport
import XCTest

/// A night on which nothing changed writes nothing; anything that would change the output, or a
/// damaged output, makes it a full run again; and a rerun after a partial change equals a cold run.
final class UnchangedRunTests: SampleCopyTestCase {
    private let asOf = CivilDate(iso: "2026-01-06")!

    private func night(into folder: URL? = nil, asOf date: CivilDate? = nil, fullRun: Bool = false,
                     adjust: (inout PipelineConfig) -> Void = { _ in }) throws -> RunSummary {
        var config = try Repo.config(input: export, output: folder ?? output)
        adjust(&config)
        var request = RunRequest(config: config, asOf: date ?? asOf)
        request.mayKeepUnchangedOutput = !fullRun
        return try PipelineRunner.run(request).0
    }

    /// Path → inode, size, modification and change time of every file under the output (the lock aside).
    private func stamps(_ folder: URL) throws -> [String: String] {
        var out: [String: String] = [:]
        for file in try FileWalker.list(root: folder, isExcluded: { $0 == ".lock" }) {
            out[file.path] = "\(file.stamp.inode)/\(file.stamp.size)/\(file.stamp.modifiedSeconds).\(file.stamp.modifiedNanoseconds)/"
                + "\(file.changed.seconds).\(file.changed.nanoseconds)"
        }
        return out
    }

    /// Path → bytes of every file under public/ and internal/.
    private func published(_ folder: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for part in ["public", "internal"] {
            let root = folder.appendingPathComponent(part)
            for file in try FileWalker.list(root: root, isExcluded: { _ in false }) {
                out[part + "/" + file.path] = try Data(contentsOf: root.appendingPathComponent(file.path))
            }
        }
        return out
    }

    /// Changes one byte of a file in place and puts its modification time back: only the change time tells.
    private func editKeepingSizeAndTime(_ url: URL, bytes original: Data) throws {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        var bytes = original
        bytes[bytes.count / 2] = bytes[bytes.count / 2] == UInt8(ascii: "x") ? UInt8(ascii: "y") : UInt8(ascii: "x")
        try bytes.write(to: url)
        try FileManager.default.setAttributes([.modificationDate: try XCTUnwrap(attributes[.modificationDate])], ofItemAtPath: url.path)
    }

    private func treeHeads(_ folder: URL) throws -> Int {
        try String(contentsOf: folder.appendingPathComponent("archive/tree-heads.jsonl"), encoding: .utf8)
            .split(separator: "\n").count
    }

    private func assertSame(_ actual: [String: Data], _ expected: [String: Data], _ message: String,
                            file: StaticString = #filePath, line: UInt = #line) {
        let differing = Set(actual.keys).union(expected.keys).filter { actual[$0] != expected[$0] }.sorted()
        XCTAssertEqual(differing, [], message, file: file, line: line)
    }

    /// The record's stamps are written byte by byte, without a String per number: they must read as the
    /// text they always were (so a record written before stays comparable), across the range of each number.
    func testStampsAreWrittenAsTheirText() throws {
        var generator = SystemRandomNumberGenerator()
        func draw() -> Int { Int.random(in: Int.min...Int.max, using: &generator) >> Int.random(in: 0...62, using: &generator) }
        let files = (0..<500).map { number -> ListedFile in
            let stamp = FileStamp(device: number == 0 ? UInt64.max : UInt64.random(in: 0...UInt64.max, using: &generator) >> 20,
                                  inode: UInt64.random(in: 0...UInt64.max, using: &generator), size: abs(draw() / 2),
                                  modifiedSeconds: draw(), modifiedNanoseconds: Int.random(in: 0..<1_000_000_000, using: &generator))
            return ListedFile(path: "public/decisions/案件-\(number).html", stamp: stamp, isLink: number % 3 == 0,
                              changed: (draw(), Int.random(in: 0..<1_000_000_000, using: &generator)))
        }
        let expected = files.map { file -> String in
            let stamp = file.stamp
            return "\(file.isLink ? "L" : "F")/\(stamp.device)/\(stamp.inode)/\(stamp.size)/"
                + "\(stamp.modifiedSeconds).\(stamp.modifiedNanoseconds)/\(file.changed.seconds).\(file.changed.nanoseconds)"
        }
        XCTAssertEqual(UnchangedRun.stamps(files).map(\.stamp), expected)
        let record = zip(expected, files).map { "\($0)\t\($1.path)\n" }.joined()
        var one: [UInt8] = []
        UnchangedRun.forEachLineBlock(files) { one += $0 }
        XCTAssertEqual(String(decoding: one, as: UTF8.self), record)
        // The lines made a window of blocks at a time, in order, are the whole record's (500 files repeated to 300,000:
        // more than one window of 16 blocks of 16,384 files, the last window short), and so is their digest.
        let many = Array(repeating: files, count: 600).flatMap { $0 }
        var pieces: [[UInt8]] = []
        UnchangedRun.forEachLineBlock(many) { pieces.append($0) }
        XCTAssertEqual(pieces.count, (many.count + 16383) / 16384)
        let whole = Array(String(repeating: record, count: 600).utf8)
        XCTAssertEqual(pieces.flatMap { $0 }, whole)
        XCTAssertEqual(UnchangedRun.digest(of: many), try sha256sum(whole))
        XCTAssertEqual(UnchangedRun.digest(of: []), try sha256sum([]))
    }

    /// The SHA-256 of `bytes` in lower-case hex as coreutils' sha256sum gives it: an implementation not the project's.
    private func sha256sum(_ bytes: [UInt8]) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("record-\(UUID().uuidString)")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return String(try Shell.run("/usr/bin/sha256sum", [file.path], stderr: false).output.prefix(64))
    }

    func testAnUnchangedNightWritesNothingAndReportsTheSameOutcome() throws {
        let first = try night()
        XCTAssertNil(first.unchanged)
        let before = try stamps(output)
        let heads = try treeHeads(output)

        let second = try night()
        XCTAssertEqual(second.unchanged, true)
        XCTAssertEqual(second.exitStatus, first.exitStatus)
        XCTAssertEqual(second.rowsSetAside, first.rowsSetAside)
        let accepted = try XCTUnwrap(first.store?.added)
        XCTAssertEqual(second.store, StoreChanges(added: 0, changed: 0, unchanged: accepted, absent: 0))
        XCTAssertEqual(second.documents?.kept, first.documents?.documents)
        XCTAssertEqual(second.documents?.pages, 0)
        XCTAssertEqual(second.portal?.newlyPublished, 0)
        XCTAssertEqual(second.portal?.published, first.portal?.published)
        XCTAssertEqual(try stamps(output), before, "no file written, linked or removed")
        XCTAssertEqual(try treeHeads(output), heads, "nothing new to log")
        XCTAssertEqual(try Verifier.verify(root: output, input: export).problems, [])
        // Told from the last summary, a night that took nothing from workers' shards repeats none of their warnings
        // (a publish step that found shards unfinished, then all done by the next, unchanged, night).
        var published = first
        published.documents?.fromShards = 12
        published.documents?.shardWarnings = ["5 个分片尚未由 sanxiang worker 完成，其文书由本次运行生成。"]
        XCTAssertNil(UnchangedRun.rerun(of: published).documents?.fromShards)
        XCTAssertNil(UnchangedRun.rerun(of: published).documents?.shardWarnings)

        let full = try night(fullRun: true)
        XCTAssertNil(full.unchanged, "--full-run runs every stage")
        XCTAssertEqual(full.store, StoreChanges(added: 0, changed: 0, unchanged: accepted, absent: 0))
        XCTAssertEqual(try night().unchanged, true, "and leaves a record the next night can use")
    }

    func testADamagedOutputIsFoundAndRepaired() throws {
        _ = try night()
        let good = try published(output)
        let page = try XCTUnwrap(good.keys.sorted().first { $0.hasPrefix("public/decisions/") && $0.hasSuffix(".html") })
        let pageURL = output.appendingPathComponent(page)

        try editKeepingSizeAndTime(pageURL, bytes: try XCTUnwrap(good[page]))
        XCTAssertNil(try night().unchanged, "an edited page is found")
        assertSame(try published(output), good, "and the page is made again")

        let document = try XCTUnwrap(good.keys.sorted().first { $0.hasPrefix("internal/documents/") })
        try FileManager.default.removeItem(at: output.appendingPathComponent(document))
        XCTAssertNil(try night().unchanged, "a missing document is found")
        assertSame(try published(output), good, "and the document is made again")

        // A document replaced by a link to a copy of itself is no file the run made: it is made again, as a file.
        let linked = output.appendingPathComponent(try XCTUnwrap(good.keys.sorted().last { $0.hasPrefix("internal/documents/") }))
        let copy = parent.appendingPathComponent("copy.pdf")
        try FileManager.default.copyItem(at: linked, to: copy)
        try FileManager.default.removeItem(at: linked)
        try FileManager.default.createSymbolicLink(at: linked, withDestinationURL: copy)
        XCTAssertNil(try night().unchanged, "a document replaced by a link is found")
        assertSame(try published(output), good, "and the document is made again")
        var info = stat()
        XCTAssertEqual(lstat(linked.path, &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFREG, "as a file of its own")

        try Data("stray".utf8).write(to: output.appendingPathComponent("public/stray.html"))
        XCTAssertNil(try night().unchanged, "a file added to the portal is found")
        assertSame(try published(output), good, "and the portal is rebuilt without it")

        try FileManager.default.removeItem(at: output.appendingPathComponent("state.sqlite"))
        XCTAssertNil(try night().unchanged, "a lost state store is a full run")
        XCTAssertEqual(try night().unchanged, true)
        XCTAssertEqual(try Verifier.verify(root: output, input: export).problems, [])
    }

    /// On a night whose export changed, the output is compared with the last night's record while the export is
    /// read (`UnchangedRun.Pending`), and the stages that keep files wait for it: a page, a public PDF and a
    /// document edited since last night (size and time put back) must still be made again, not kept.
    func testADamagedOutputIsRepairedOnANightWhoseExportChanged() throws {
        _ = try night()
        let good = try published(output)
        let keys = good.keys.sorted()
        let edited = [keys.first { $0.hasPrefix("public/decisions/") && $0.hasSuffix(".html") },
                      keys.first { $0.hasPrefix("public/documents/") && $0.hasSuffix(".pdf") },
                      keys.last { $0.hasPrefix("internal/documents/") }].compactMap { $0 }
        XCTAssertEqual(edited.count, 3)
        for path in edited { try editKeepingSizeAndTime(output.appendingPathComponent(path), bytes: try XCTUnwrap(good[path])) }
        let status = try Repo.run("/usr/bin/env", ["python3", Repo.root.appendingPathComponent("Tests/Bench/mutate_export.py").path,
                                                   "--export", export.path, "--every", "7"])
        XCTAssertEqual(status.code, 0, status.output)
        let rerun = try night()
        XCTAssertNil(rerun.unchanged)
        XCTAssertGreaterThan(rerun.store?.changed ?? 0, 0, status.output)
        let cold = parent.appendingPathComponent("cold")
        _ = try night(into: cold)
        let repaired = try published(output), coldFiles = try published(cold)
        assertSame(repaired, coldFiles, "rerun and cold run differ")
        for path in edited { XCTAssertEqual(repaired[path], coldFiles[path], path) }
        XCTAssertEqual(try Verifier.verify(root: output, input: export).problems, [])
    }

    private func reportForYear(_ year: Int) throws {
        let config = try Repo.config(input: export, output: output)
        _ = try PipelineRunner.run(RunRequest(config: config, asOf: asOf, reportYear: year, recordsRun: false))
    }

    /// `report --year` swaps public/ with every kept file hard-linked, which changes their change time: the next
    /// night must not take them all for edited (and make every page and public PDF again) — but a page edited
    /// before the report ran is still found.
    func testAReportForAnotherYearLeavesTheNextNightItsKeptFiles() throws {
        let first = try night()
        let pages = try XCTUnwrap(first.portal?.published)
        XCTAssertGreaterThan(pages, 10)
        try reportForYear(2024)
        let next = try night()
        XCTAssertNil(next.unchanged, "the report's own files are new")
        XCTAssertEqual(next.portal?.pagesWritten, 0, "every page is kept")
        XCTAssertEqual(next.documents?.kept, next.documents?.documents)

        let good = try published(output)
        let page = try XCTUnwrap(good.keys.sorted().first { $0.hasPrefix("public/decisions/") && $0.hasSuffix(".html") })
        let pageURL = output.appendingPathComponent(page)
        try editKeepingSizeAndTime(pageURL, bytes: try XCTUnwrap(good[page]))
        try reportForYear(2024)
        let repaired = try night()
        XCTAssertEqual(repaired.portal?.pagesWritten, 1, "the page edited before the report is made again, and only it")
        assertSame(try published(output), good, "as it was")
        XCTAssertEqual(try night().unchanged, true)
        XCTAssertEqual(try Verifier.verify(root: output, input: export).problems, [])
    }

    func testAnythingThatDecidesTheOutputMakesAFullRun() throws {
        _ = try night()
        XCTAssertNil(try night(asOf: CivilDate(iso: "2026-01-07")).unchanged, "another as-of date")
        XCTAssertEqual(try night(asOf: CivilDate(iso: "2026-01-07")).unchanged, true)
        XCTAssertNil(try night(asOf: CivilDate(iso: "2026-01-07"), adjust: { $0.portalBaseURL = "https://gs.example.gov.cn/" }).unchanged,
                     "another setting")
        XCTAssertNil(try night(asOf: CivilDate(iso: "2026-01-07")).unchanged, "and back")

        let status = try Repo.run("/usr/bin/env", ["python3", Repo.root.appendingPathComponent("Tests/Bench/mutate_export.py").path,
                                                   "--export", export.path, "--every", "20"])
        XCTAssertEqual(status.code, 0, status.output)
        let changed = try night(asOf: CivilDate(iso: "2026-01-07"))
        XCTAssertNil(changed.unchanged, "a changed export")
        XCTAssertGreaterThan(changed.store?.changed ?? 0, 0)

        let templates = parent.appendingPathComponent("templates")
        try FileManager.default.copyItem(at: Repo.root.appendingPathComponent("Templates/documents"), to: templates)
        XCTAssertNil(try night(asOf: CivilDate(iso: "2026-01-07"), adjust: { $0.templates = templates.path }).unchanged,
                     "another templates folder")
        XCTAssertEqual(try night(asOf: CivilDate(iso: "2026-01-07"), adjust: { $0.templates = templates.path }).unchanged, true)
        let readme = templates.appendingPathComponent("README.md")
        try (try Data(contentsOf: readme) + Data("\n".utf8)).write(to: readme)
        XCTAssertNil(try night(asOf: CivilDate(iso: "2026-01-07"), adjust: { $0.templates = templates.path }).unchanged,
                     "a file of the templates folder edited")
    }

    /// Validate skips the check only for cases the last run rendered from the same inputs: a case that
    /// lost a statutory element is set aside, stays set aside on the next night, and comes back when mended.
    func testOnlyCasesRenderedFromTheSameInputsSkipTheStatutoryCheck() throws {
        let first = try night()
        let json = export.appendingPathComponent("cases.json")
        let original = try Data(contentsOf: json)
        var cases = try XCTUnwrap(try JSONSerialization.jsonObject(with: original) as? [[String: Any]])
        let index = try XCTUnwrap(cases.firstIndex { $0["case_id"] as? String == "TJLY-2025-000003" })
        cases[index]["party_address"] = ""
        try JSONSerialization.data(withJSONObject: cases).write(to: json)
        let folder = output.appendingPathComponent("internal/documents/114309226090872308/TJLY-2025-000003")

        let broken = try night()
        XCTAssertEqual(broken.rowsSetAside, first.rowsSetAside + 1)
        XCTAssertEqual(broken.documents?.casesSetAside, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path))
        let again = try night(fullRun: true)
        XCTAssertEqual(again.rowsSetAside, first.rowsSetAside + 1, "a set-aside case is not in the memo: checked again")
        XCTAssertEqual(again.documents?.casesSetAside, 1)

        try original.write(to: json)
        let mended = try night()
        XCTAssertEqual(mended.rowsSetAside, first.rowsSetAside)
        XCTAssertEqual(mended.documents?.documents, first.documents?.documents)
        XCTAssertGreaterThan(try FileManager.default.contentsOfDirectory(atPath: folder.path).count, 2)
        let cold = parent.appendingPathComponent("cold")
        _ = try night(into: cold)
        assertSame(try published(output), try published(cold), "mended rerun and cold run differ")
    }

    /// The correctness bar of every incremental path: a rerun after some cases changed writes the
    /// same public/ and internal/ as a cold run of the changed export into a fresh folder.
    func testARerunAfterSomeCasesChangedEqualsAColdRunOfTheChangedExport() throws {
        _ = try night()
        let before = try published(output)
        let stampsBefore = try stamps(output)
        let status = try Repo.run("/usr/bin/env", ["python3", Repo.root.appendingPathComponent("Tests/Bench/mutate_export.py").path,
                                                   "--export", export.path, "--every", "10"])
        XCTAssertEqual(status.code, 0, status.output)
        let rerun = try night()
        XCTAssertGreaterThan(rerun.store?.changed ?? 0, 3, status.output)
        let cold = parent.appendingPathComponent("cold")
        _ = try night(into: cold)
        assertSame(try published(output), try published(cold), "rerun and cold run differ")
        // Every page, feed and search file the portal made again with last night's bytes is last night's
        // very file (the gate and the archive skip it); the public PDFs and the reports are drawn anew.
        let after = try published(output)
        let stampsAfter = try stamps(output)
        let site = before.keys.filter { $0.hasPrefix("public/") && !$0.hasPrefix("public/reports/") && !$0.hasSuffix(".pdf") }
        let sameBytes = site.filter { after[$0] == before[$0] }
        XCTAssertGreaterThan(sameBytes.count, 10)
        let replaced = sameBytes.filter { stampsAfter[$0]?.split(separator: "/").first != stampsBefore[$0]?.split(separator: "/").first }
        XCTAssertEqual(replaced.sorted(), [], "unchanged public files written anew")
    }
}
