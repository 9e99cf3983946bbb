import CaseModel
import Foundation
import Ingest
@testable import Pipeline
import TestSupport
import XCTest

final class RunTests: XCTestCase {
    let asOf = CivilDate(iso: "2026-01-06")!

    private func run(input: URL, output: URL) throws -> RunSummary {
        var config = PipelineConfig(baseFolder: Repo.root)
        config.input = input.path
        config.output = output.path
        return try PipelineRunner.run(RunRequest(config: config, asOf: asOf)).0
    }

    func testSampleRunWritesTheQuarantineAsSpecified() throws {
        let output = Repo.temporaryFolder("run")
        defer { try? FileManager.default.removeItem(at: output) }
        let summary = try run(input: Repo.sample, output: output)
        XCTAssertEqual(summary.exitStatus, 3)
        XCTAssertEqual(summary.rowsSetAside, 13)
        for balance in summary.balances { XCTAssertEqual(balance.read, balance.accepted + balance.setAside, balance.file) }

        let data = try Data(contentsOf: output.appendingPathComponent("quarantine/quarantine.json"))
        let entries = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        let expected = try ExpectedError.load(Repo.sample)
        XCTAssertEqual(Set(entries.map { "\($0["file"]!)#\($0["row"]!)" }), Set(expected.map { "\($0.file)#\($0.row)" }))
        for entry in entries {
            XCTAssertEqual(Set(entry.keys), ["file", "row", "case_id", "field", "kind", "message"])
            XCTAssertTrue((entry["message"] as? String)?.contains("第\(entry["row"]!)行") ?? false)
        }
        let report = try String(contentsOf: output.appendingPathComponent("quarantine/report.txt"), encoding: .utf8)
        XCTAssertTrue(report.contains("cases.csv：读取 65 行，接收 59 行，暂存 6 行"), report)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.appendingPathComponent(".staging").path))
    }

    /// A run lets go of the export's records before its commit; what it hands back for the terminal — the problems,
    /// balances, agencies and officers — is still what the ingest found, as a check of the same export finds it.
    func testARunHandsBackTheIngestsProblemsAfterLettingGoOfItsRecords() throws {
        let output = Repo.temporaryFolder("run-handback")
        defer { try? FileManager.default.removeItem(at: output) }
        var config = PipelineConfig(baseFolder: Repo.root)
        config.input = Repo.sample.path
        config.output = output.path
        let (summary, handedBack) = try PipelineRunner.run(RunRequest(config: config, asOf: asOf))
        let checked = try ExportReader.read(folder: Repo.sample, options: IngestOptions(asOf: asOf))
        XCTAssertGreaterThan(checked.cases.count, 10)
        XCTAssertEqual(handedBack.problems, checked.problems)
        XCTAssertEqual(handedBack.balances, checked.balances)
        XCTAssertEqual(handedBack.agencies, checked.agencies)
        XCTAssertEqual(handedBack.officers, checked.officers)
        XCTAssertEqual(summary.cases.accepted, checked.cases.count)
        XCTAssertTrue(handedBack.cases.isEmpty && handedBack.records.isEmpty && handedBack.details.isEmpty)

        var taken = checked
        let records = taken.takeRecords()
        XCTAssertTrue(taken.cases.isEmpty && taken.reviews.isEmpty && taken.penalties.isEmpty && taken.deliveries.isEmpty
                      && taken.rowAgencyCodes.isEmpty)
        XCTAssertEqual(taken.problems, checked.problems)
        XCTAssertEqual(records.caseCount, checked.cases.count)
    }

    /// The last run's publication log is read from the store when a stage first asks for it (the portal, after the
    /// export is in memory), once, without its rows' public cases, which are read for the cases asked for; after the
    /// portal, the run's own log is what later stages read.
    func testTheLastRunsPublicationLogIsReadWhenFirstAskedFor() throws {
        let folder = Repo.temporaryFolder("run-lazy-log")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("state.sqlite").path
        let store = try StateStore(path: path)
        let row = PublicationRow(caseID: "C-1", agencyCode: "A", indexNo: "A/2025-00001", publishedOn: asOf, withdrawnOn: nil,
                                 withdrawalReason: nil, deadline: asOf, publicHash: "h", publicCase: Array("{\"id\":\"C-1\"}".utf8), pdfPath: nil)
        var changes = StateChanges()
        changes.publications = [row]
        try store.apply(changes, snapshot: nil)

        let run = RunContext(request: RunRequest(config: PipelineConfig(baseFolder: Repo.root), asOf: asOf),
                             previous: PreviousState(storePath: path), events: nil)
        XCTAssertNil(run.previous.publications, "not read before it is asked for")
        var withoutCase = row
        withoutCase.publicCase = []
        XCTAssertEqual(try run.publications(), ["C-1": withoutCase])
        XCTAssertEqual(run.previous.publications, ["C-1": withoutCase])
        let copied = try XCTUnwrap(try run.lastPublicCases(file: folder.appendingPathComponent("cases.bin").path))
        XCTAssertEqual(try copied.read(["C-9", "C-1"]), ["C-1": row.publicCase], "the public cases of the rows asked for")
        // Read once: a row stored afterwards (nothing else writes while a run holds the output's lock) is not read again.
        var later = changes
        later.publications[0].caseID = "C-2"
        try store.apply(later, snapshot: nil)
        XCTAssertEqual(try run.lastPublications(), ["C-1": withoutCase])
        run.publicationLog = [:]
        XCTAssertEqual(try run.publications(), [:], "after the portal, its own log")
        let none = RunContext(request: RunRequest(config: PipelineConfig(baseFolder: Repo.root), asOf: asOf), previous: PreviousState(),
                              events: nil)
        XCTAssertEqual(try none.publications(), [:], "without a store, an empty log")
    }

    /// The last run's memos are read from the store when a stage first asks (validate or render; the portal), not with
    /// the rest of the last run's state before the ingest, where they stood beside the export being read. The render memo
    /// is read once and let go of after the render stage; the redaction memo is handed over to the portal, once.
    func testTheLastRunsMemosAreReadWhenFirstAskedFor() throws {
        let folder = Repo.temporaryFolder("run-lazy-memos")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("state.sqlite").path
        let store = try StateStore(path: path)
        let render = RenderMemo(fingerprint: "f", cases: ["C-1": "1"], inputs: ["C-1": "k"], files: ["C-1": ["行政处罚决定书.pdf"]])
        let redaction = RedactionMemo(settings: "s", forms: Array("0王强\n".utf8), minors: [],
                                      cases: ["C-1": .init(key: "k", removed: ["个人姓名": 1], uncertain: 0)])
        let run = RunContext(request: RunRequest(config: PipelineConfig(baseFolder: Repo.root), asOf: asOf),
                             previous: try PipelineRunner.loadPrevious(configWithStore(path)), events: nil)
        // Stored after the run's state was loaded, before a stage asks: what the stage gets is read when it asks.
        var changes = StateChanges()
        changes.renderMemoFile = try render.fileBytes()
        changes.redactionMemoFile = try redaction.fileBytes()
        try store.apply(changes, snapshot: nil)
        XCTAssertEqual(try run.lastRenderMemo(), render)
        var other = changes
        other.renderMemoFile = try RenderMemo(fingerprint: "g", cases: [:], inputs: [:], files: [:]).fileBytes()
        try store.apply(other, snapshot: nil)
        XCTAssertEqual(try run.lastRenderMemo(), render, "read once")
        run.releaseLastRenderMemo()
        XCTAssertNil(try run.lastRenderMemo(), "let go of after the render stage, not read again")
        XCTAssertEqual(try run.takeLastRedactionMemo(), redaction)
        XCTAssertNil(try run.takeLastRedactionMemo(), "handed over once")

        let none = RunContext(request: RunRequest(config: PipelineConfig(baseFolder: Repo.root), asOf: asOf), previous: PreviousState(),
                              events: nil)
        XCTAssertNil(try none.lastRenderMemo(), "without a store, no memo")
        XCTAssertNil(try none.takeLastRedactionMemo())
    }

    private func configWithStore(_ path: String) -> PipelineConfig {
        var config = PipelineConfig(baseFolder: Repo.root)
        config.stateStore = path
        return config
    }

    func testSameInputGivesByteIdenticalOutputs() throws {
        let first = Repo.temporaryFolder("det1"), second = Repo.temporaryFolder("det2")
        defer { try? FileManager.default.removeItem(at: first); try? FileManager.default.removeItem(at: second) }
        _ = try run(input: Repo.sample, output: first)
        _ = try run(input: Repo.sample, output: second)
        for file in ["quarantine/quarantine.json", "quarantine/warnings.json", "quarantine/report.txt", "run-summary.json",
                     "public/reports/2025/report.pdf", "public/reports/2025/index.html", "public/reports/2025/statistics.json",
                     "public/reports/2025/statistics.csv", "public/feeds/reports.xml"] {
            XCTAssertEqual(try Data(contentsOf: first.appendingPathComponent(file)),
                           try Data(contentsOf: second.appendingPathComponent(file)), file)
        }
    }

    func testStateStoreKeepsHashesAndReportsChanges() throws {
        let parent = Repo.temporaryFolder("store")
        defer { try? FileManager.default.removeItem(at: parent) }
        let export = parent.appendingPathComponent("export")
        try FileManager.default.copyItem(at: Repo.sample, to: export)
        let output = parent.appendingPathComponent("out")

        let first = try run(input: export, output: output)
        XCTAssertEqual(first.store, StoreChanges(added: 71, changed: 0, unchanged: 0, absent: 0))
        let second = try run(input: export, output: output)
        XCTAssertEqual(second.store, StoreChanges(added: 0, changed: 0, unchanged: 71, absent: 0))

        // Change one case's facts in cases.json and drop another from it.
        let jsonURL = export.appendingPathComponent("cases.json")
        var objects = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: jsonURL)) as? [[String: Any]])
        objects[0]["facts"] = "（更正）" + (objects[0]["facts"] as? String ?? "")
        let dropObject = objects.removeLast()
        let dropped = dropObject["case_id"] as? String
        try JSONSerialization.data(withJSONObject: objects).write(to: jsonURL)
        let third = try run(input: export, output: output)
        XCTAssertEqual(third.store, StoreChanges(added: 0, changed: 1, unchanged: 69, absent: 1))

        let store = try StateStore(path: output.appendingPathComponent("state.sqlite").path)
        let stored = try store.cases()
        XCTAssertEqual(stored.count, 70)
        XCTAssertFalse(stored.contains { $0.id == dropped })
        let hashes = try store.contentHashes()
        for item in stored {
            XCTAssertEqual(hashes[item.id], StateStore.contentHash(CanonicalJSON.payload(of: item)), item.id)
        }

        // The dropped case comes back as it was: present again, and not a change (an unchanged row is not rewritten).
        try JSONSerialization.data(withJSONObject: try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: jsonURL)) as? [[String: Any]])
            + [dropObject]).write(to: jsonURL)
        let fourth = try run(input: export, output: output)
        XCTAssertEqual(fourth.store, StoreChanges(added: 0, changed: 0, unchanged: 71, absent: 0))
        XCTAssertTrue(try store.cases().contains { $0.id == dropped })
        XCTAssertEqual(try store.cases().count, 71)
    }

    /// A case whose data lacks a statutory element of one of its documents gets none of them and is set aside, named.
    func testACaseLackingAStatutoryElementIsSetAsideNamingIt() throws {
        let parent = Repo.temporaryFolder("missing-element")
        defer { try? FileManager.default.removeItem(at: parent) }
        let export = parent.appendingPathComponent("export")
        try FileManager.default.copyItem(at: Repo.sample, to: export)
        let json = export.appendingPathComponent("cases.json")
        var cases = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [[String: Any]])
        let index = try XCTUnwrap(cases.firstIndex { $0["case_id"] as? String == "TJLY-2025-000003" })
        cases[index]["party_address"] = ""
        try JSONSerialization.data(withJSONObject: cases).write(to: json)
        let output = parent.appendingPathComponent("out")

        let summary = try run(input: export, output: output)
        XCTAssertEqual(summary.rowsSetAside, 14)
        XCTAssertEqual(summary.documents?.casesSetAside, 1)
        XCTAssertEqual(summary.balances.first { $0.file == "cases.json" }?.setAside, 4, "3 broken rows + the case lacking an element")
        let quarantine = try String(contentsOf: output.appendingPathComponent("quarantine/quarantine.json"), encoding: .utf8)
        XCTAssertTrue(quarantine.contains("missing_statutory_element"), quarantine)
        XCTAssertTrue(quarantine.contains("缺少《行政处罚事先告知书》的法定要素") || quarantine.contains("缺少《行政处罚决定书》的法定要素"))
        XCTAssertTrue(quarantine.contains("当事人的地址"), quarantine)
        let folder = output.appendingPathComponent("internal/documents/114309226090872308/TJLY-2025-000003")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path), "no half-empty documents")
    }

    /// Documents whose data, templates and settings did not change are kept, not re-rendered.
    /// The render stage plans and renders a slice of cases at a time: slices of two cases make the
    /// same documents, summary and memo as one slice of the whole export, and keep them the next night.
    func testRenderingInSlicesMakesTheSameDocuments() throws {
        let parent = Repo.temporaryFolder("slices")
        defer { try? FileManager.default.removeItem(at: parent) }
        var whole = try Repo.config(input: Repo.sample, output: parent.appendingPathComponent("whole"), stages: [.ingest, .render])
        whole.casesPerRenderSlice = 100_000
        var sliced = try Repo.config(input: Repo.sample, output: parent.appendingPathComponent("sliced"), stages: [.ingest, .render])
        sliced.casesPerRenderSlice = 2
        let asOf = CivilDate(iso: "2026-01-06")!
        let first = try PipelineRunner.run(RunRequest(config: whole, asOf: asOf)).0
        let second = try PipelineRunner.run(RunRequest(config: sliced, asOf: asOf)).0
        XCTAssertGreaterThan(first.cases.accepted, 20, "the sample gives many slices of two")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        XCTAssertEqual(try encoder.encode(first.documents), try encoder.encode(second.documents))
        let documents = "internal/documents"
        let made = try Repo.files(whole.outputURL.appendingPathComponent(documents))
        XCTAssertGreaterThan(made.count, 100)
        XCTAssertEqual(made, try Repo.files(sliced.outputURL.appendingPathComponent(documents)), "the same files, byte for byte")
        XCTAssertEqual(try StateStore(path: whole.stateStoreURL.path).renderMemo(), try StateStore(path: sliced.stateStoreURL.path).renderMemo())
        var again = RunRequest(config: sliced, asOf: asOf)
        again.mayKeepUnchangedOutput = false
        let rerun = try PipelineRunner.run(again).0
        XCTAssertEqual(rerun.documents?.kept, first.documents?.documents, "the next night keeps every sliced case's documents")
    }

    func testUnchangedDocumentsAreKeptAndChangedOnesRerendered() throws {
        let parent = Repo.temporaryFolder("incremental")
        defer { try? FileManager.default.removeItem(at: parent) }
        let export = parent.appendingPathComponent("export")
        try FileManager.default.copyItem(at: Repo.sample, to: export)
        let output = parent.appendingPathComponent("out")
        let first = try run(input: export, output: output)
        XCTAssertEqual(first.documents?.kept, 0)
        let total = try XCTUnwrap(first.documents?.documents)
        let second = try run(input: export, output: output)
        XCTAssertEqual(second.documents?.kept, total)
        XCTAssertEqual(second.documents?.pages, 0)

        let json = export.appendingPathComponent("cases.json")
        var cases = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [[String: Any]])
        let index = try XCTUnwrap(cases.firstIndex { $0["case_id"] as? String == "TJLY-2025-000003" })
        cases[index]["facts"] = (cases[index]["facts"] as? String ?? "") + "补充查明的事实。"
        try JSONSerialization.data(withJSONObject: cases).write(to: json)
        let third = try run(input: export, output: output)
        let redone = total - (third.documents?.kept ?? 0)
        // Its notice, decision, receipts (one per service) and 案卷.
        let files = try FileManager.default.contentsOfDirectory(
            atPath: output.appendingPathComponent("internal/documents/114309226090872308/TJLY-2025-000003").path)
        XCTAssertEqual(redone, files.count, "only that case's documents are rendered again (\(redone))")
        XCTAssertTrue((3...8).contains(redone), "\(files)")
        let decision = output.appendingPathComponent("internal/documents/114309226090872308/TJLY-2025-000003/行政处罚决定书.pdf")
        let text = try Repo.run("/usr/bin/env", ["pdftotext", decision.path, "-"]).output
        XCTAssertTrue(text.replacingOccurrences(of: "\n", with: "").contains("补充查明的事实"))
    }

    func testADamagedStoreIsSetAsideAndRebuilt() throws {
        let output = Repo.temporaryFolder("damaged")
        defer { try? FileManager.default.removeItem(at: output) }
        try Data("this is not a database, it is what a crash left behind".utf8)
            .write(to: output.appendingPathComponent("state.sqlite"))
        let summary = try run(input: Repo.sample, output: output)
        XCTAssertEqual(summary.store?.added, 71)
        XCTAssertTrue(FileManager.default.fileExists(atPath: output.appendingPathComponent("state.sqlite.damaged").path))
    }

    func testCanonicalPayloadRoundTripsThroughJSONDecoder() throws {
        let result = try ExportReader.read(folder: Repo.sample, options: IngestOptions(asOf: asOf))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for item in result.cases {
            var anchored = item
            anchored.source = SourceRef(file: "", row: 0)
            let payload = CanonicalJSON.payload(of: item)
            XCTAssertEqual(try JSONDecoder().decode(EnforcementCase.self, from: Data(payload)), anchored, item.id)
            // Byte for byte what the standard encoder writes for the same value.
            XCTAssertEqual(String(decoding: payload, as: UTF8.self), String(decoding: try encoder.encode(anchored), as: UTF8.self))
        }
        for review in result.reviews {
            XCTAssertEqual(try JSONDecoder().decode(Review.self, from: Data(CanonicalJSON.payload(of: review))), review)
        }
        for record in result.records {
            XCTAssertEqual(try JSONDecoder().decode(ProcessRecord.self, from: Data(CanonicalJSON.payload(of: record))), record)
        }
        for officer in result.officers {
            XCTAssertEqual(try JSONDecoder().decode(Officer.self, from: Data(CanonicalJSON.payload(of: officer))), officer)
        }
        for agency in result.agencies {
            XCTAssertEqual(try JSONDecoder().decode(Agency.self, from: Data(CanonicalJSON.payload(of: agency))), agency)
        }
    }

    func testOutputWriterStaysInsideItsFolder() throws {
        let output = Repo.temporaryFolder("writer")
        defer { try? FileManager.default.removeItem(at: output) }
        let writer = try OutputWriter(root: output)
        XCTAssertThrowsError(try writer.write("x", to: "../escape.txt"))
        XCTAssertThrowsError(try writer.write("x", to: "/etc/escape.txt"))
        try writer.write("kept", to: "a/b.txt")
        try writer.commit()
        XCTAssertEqual(try String(contentsOf: output.appendingPathComponent("a/b.txt"), encoding: .utf8), "kept")
    }

    /// The writer reads a path's first component and refuses "." and ".." as bytes; it must agree
    /// with splitting the path into components (how it was first written) on every path.
    func testPathCheckAgreesWithSplittingIntoComponents() {
        let parts = ["a", "b", "中", ".", "..", "...", ".a", "", "/"]
        var random = SplitMix64(seed: 0x5EED)
        for _ in 0..<20_000 {
            var path = ""
            for _ in 0..<(1 + random.next(below: 6)) {
                path += parts[random.next(below: parts.count)] + (random.next(below: 2) == 0 ? "/" : "")
            }
            let components = path.split(separator: "/").map(String.init)
            let expected = components.isEmpty || components.contains("..") || components.contains(".") ? nil : components[0]
            XCTAssertEqual(OutputWriter.topLevel(of: path), expected, path)
        }
    }

    /// A file remade with last night's bytes is carried forward as that very file (a hard link, so
    /// the gate and the archive need not read it again); a file written where an earlier call of the
    /// same run kept last night's must never truncate, through the link, the file the live portal serves.
    func testWriteUnlessSameKeepsLastNightsFileAndNeverWritesThroughIt() throws {
        let output = Repo.temporaryFolder("writer-same")
        defer { try? FileManager.default.removeItem(at: output) }
        let first = try OutputWriter(root: output)
        try first.write("列表 A", to: "public/a.html")
        try first.write("列表 B", to: "public/b.html")
        try first.commit()
        let live = { (name: String) in output.appendingPathComponent("public/" + name).path }
        let lastNight = try XCTUnwrap(inode(live("a.html")))

        let writer = try OutputWriter(root: output)
        let staged = { (name: String) in writer.staging.appendingPathComponent("public/" + name).path }
        try writer.writeUnlessSame("列表 A", to: "public/a.html")
        XCTAssertEqual(inode(staged("a.html")), lastNight, "same bytes: last night's file, linked")
        // The portal writes its site again after the gate withheld a case: first different bytes over the link…
        try writer.writeUnlessSame("列表 A，另有一件", to: "public/a.html")
        XCTAssertEqual(try String(contentsOfFile: live("a.html"), encoding: .utf8), "列表 A", "the live file was written through the link")
        XCTAssertNotEqual(inode(staged("a.html")), lastNight)
        // … then last night's bytes again: the staged file goes back to last night's, not what was staged.
        try writer.writeUnlessSame("列表 A", to: "public/a.html")
        XCTAssertEqual(inode(staged("a.html")), lastNight)
        try writer.write("新的 B", to: "public/b.html")
        try writer.commit()
        XCTAssertEqual(try String(contentsOfFile: live("a.html"), encoding: .utf8), "列表 A")
        XCTAssertEqual(inode(live("a.html")), lastNight)
        XCTAssertEqual(try String(contentsOfFile: live("b.html"), encoding: .utf8), "新的 B")
    }

    /// The feed of every decision is written in pieces, never whole in memory, and kept from last night
    /// when its bytes are the same — also when a piece differs only past the first megabyte written.
    func testAStreamedFileIsKeptOnlyWhenEveryByteIsTheSame() throws {
        let output = Repo.temporaryFolder("writer-stream")
        defer { try? FileManager.default.removeItem(at: output) }
        // 3 MB in pieces of about 1 KB: written in several flushes.
        let pieces = (0..<3_000).map { "<decision n=\"\($0)\">" + String(repeating: "决", count: 330) + "</decision>\n" }
        func produce(_ last: String) -> ((String) throws -> Void) throws -> Void {
            { emit in for piece in pieces { try emit(piece) }; try emit(last) }
        }
        let first = try OutputWriter(root: output)
        _ = try first.streamUnlessSame(to: "public/feeds/decisions.xml", produce("</decisions>\n"))
        try first.commit()
        let live = output.appendingPathComponent("public/feeds/decisions.xml").path
        let lastNight = try XCTUnwrap(inode(live))
        XCTAssertEqual(try String(contentsOfFile: live, encoding: .utf8), pieces.joined() + "</decisions>\n")

        let writer = try OutputWriter(root: output)
        var staged = try writer.streamUnlessSame(to: "public/feeds/decisions.xml", produce("</decisions>\n"))
        XCTAssertEqual(inode(staged), lastNight, "same bytes: last night's file, linked")
        // Same length, one byte different at the very end: a new file; the live one is not written through the link.
        staged = try writer.streamUnlessSame(to: "public/feeds/decisions.xml", produce("</decisionz>\n"))
        XCTAssertNotEqual(inode(staged), lastNight)
        XCTAssertTrue(try String(contentsOfFile: live, encoding: .utf8).hasSuffix("</decisions>\n"), "the live file is untouched")
        XCTAssertTrue(try String(contentsOfFile: staged, encoding: .utf8).hasSuffix("</decisionz>\n"))
        try writer.commit()
        XCTAssertTrue(try String(contentsOfFile: live, encoding: .utf8).hasSuffix("</decisionz>\n"))
        XCTAssertNotEqual(inode(live), lastNight)
    }

    private func inode(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.systemFileNumber] as? Int
    }

    /// The render stage's workers write at once, into shared and new folders.
    func testOutputWriterTakesWritesFromManyThreads() throws {
        let output = Repo.temporaryFolder("writer-threads")
        defer { try? FileManager.default.removeItem(at: output) }
        let writer = try OutputWriter(root: output)
        let failures = NSLock()
        var failed: [String] = []
        DispatchQueue.concurrentPerform(iterations: 400) { index in
            let bytes = [UInt8](repeating: UInt8(index % 251), count: 1000 + index * 37)
            do {
                try writer.write(bytes, to: "docs/\(index % 7)/\(index % 13)/\(index).bin")
            } catch {
                failures.withLock { failed.append("\(index): \(error)") }
            }
        }
        XCTAssertEqual(failed, [])
        try writer.commit()
        for index in 0..<400 {
            let data = FileManager.default.contents(atPath: output.appendingPathComponent("docs/\(index % 7)/\(index % 13)/\(index).bin").path)
            XCTAssertEqual(data.map([UInt8].init), [UInt8](repeating: UInt8(index % 251), count: 1000 + index * 37), "file \(index)")
        }
    }
}
