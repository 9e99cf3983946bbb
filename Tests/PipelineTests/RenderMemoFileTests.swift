import Foundation
import CaseModel
import Disclosure
import ErrorReporting
@testable import Pipeline
import XCTest

/// The render memo's line format must give back exactly the memo written (a wrong hash or file name
/// against a case would keep a stale document), read what earlier versions wrote as JSON, give the
/// same bytes for the same memo, and refuse what it did not write.
final class RenderMemoFileTests: XCTestCase {
    /// Fields with everything the format escapes or could trip on: tabs, line feeds, carriage returns,
    /// backslashes (alone, before t/n/r, at the end), Chinese, an emoji, a table's name, empty strings.
    private static let pieces = ["A01-2025-0001", "\t", "\n", "\r", "\\", "\\t", "\\n", "x\\", "行政处罚决定书", "送达回证-2.pdf",
                                 "🙂", "cases", "files\t3", "", " ", "{\"cases\":1}", "sanxiang-render-memo 2"]

    private func randomString(_ generator: inout SystemRandomNumberGenerator) -> String {
        (0..<Int.random(in: 0...4, using: &generator)).map { _ in Self.pieces.randomElement(using: &generator) ?? "" }.joined()
    }

    private func randomMemo(_ generator: inout SystemRandomNumberGenerator) -> RenderMemo {
        var memo = RenderMemo(fingerprint: randomString(&generator), cases: [:],
                              inputs: Bool.random(using: &generator) ? [:] : nil, files: Bool.random(using: &generator) ? [:] : nil)
        for _ in 0..<Int.random(in: 0...40, using: &generator) {
            let id = randomString(&generator)
            memo.cases[id] = randomString(&generator)
            if memo.inputs != nil, Bool.random(using: &generator) { memo.inputs?[id] = randomString(&generator) }
            if memo.files != nil, Bool.random(using: &generator) {
                memo.files?[randomString(&generator)] = (0..<Int.random(in: 0...3, using: &generator)).map { _ in randomString(&generator) }
            }
        }
        return memo
    }

    func testTheLineFormatGivesBackTheMemoAndReadsTheJSONOfEarlierVersions() throws {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<500 {
            let memo = randomMemo(&generator)
            XCTAssertEqual(RenderMemo.read(try memo.fileBytes()), memo, "round \(round)")
            XCTAssertEqual(RenderMemo.read(try JSONEncoder().encode(memo)), memo, "round \(round): a memo written as JSON")
            // The same memo built in another order (dictionaries of another capacity) gives the same bytes.
            var rebuilt = RenderMemo(fingerprint: memo.fingerprint, cases: Dictionary(minimumCapacity: 200),
                                     inputs: memo.inputs.map { _ in Dictionary(minimumCapacity: 300) }, files: memo.files.map { _ in [:] })
            for (key, value) in memo.cases.sorted(by: { $0.key > $1.key }) { rebuilt.cases[key] = value }
            for (key, value) in (memo.inputs ?? [:]).sorted(by: { $0.key > $1.key }) { rebuilt.inputs?[key] = value }
            for (key, value) in (memo.files ?? [:]).sorted(by: { $0.key > $1.key }) { rebuilt.files?[key] = value }
            XCTAssertEqual(try rebuilt.fileBytes(), try memo.fileBytes(), "round \(round)")
        }
    }

    func testAFileItDidNotWriteIsRefused() throws {
        let memo = RenderMemo(fingerprint: "f", cases: ["A": "1", "B": "2"], inputs: ["A": "k"], files: ["A": ["x.pdf", "y.pdf"]])
        let text = try String(decoding: memo.fileBytes(), as: UTF8.self)
        XCTAssertEqual(text, "sanxiang-render-memo 2\nfingerprint\tf\ncases\t2\nA\t1\nB\t2\ninputs\t1\nA\tk\nfiles\t1\nA\tx.pdf\ty.pdf\n")
        let broken = [
            text.replacingOccurrences(of: "cases\t2", with: "cases\t3"),        // a row short
            text.replacingOccurrences(of: "cases\t2", with: "cases\t1"),        // a row over
            String(text.dropLast()),                                               // no final line feed
            text.replacingOccurrences(of: "A\t1", with: "A\t1\t9"),             // a case with two hashes
            text.replacingOccurrences(of: "B\t2", with: "A\t2"),                // a case twice
            text.replacingOccurrences(of: "x.pdf", with: "x\\q.pdf"),           // an escape it never writes
            text.replacingOccurrences(of: "inputs", with: "outputs"),           // a table it does not know
            text + "files\t0\n",                                                   // a table twice
            text.replacingOccurrences(of: "fingerprint\tf\n", with: ""),
        ]
        for (number, bytes) in broken.enumerated() {
            XCTAssertNil(RenderMemo.read(Data(bytes.utf8)), "broken file \(number)")
        }
        XCTAssertNil(RenderMemo.read(Data("{\"cases\":".utf8)), "broken JSON")
    }

    /// The commit journal carries the memo in the line format and still reads a journal of an earlier
    /// version, which held it as JSON.
    func testTheJournalsStateChangesCarryTheMemo() throws {
        var generator = SystemRandomNumberGenerator()
        let memo = randomMemo(&generator)
        var changes = StateChanges()
        changes.renderMemoFile = try memo.fileBytes()
        changes.goLive = try XCTUnwrap(CivilDate(year: 2026, month: 1, day: 6))
        let decoded = try JSONDecoder().decode(StateChanges.self, from: try JSONEncoder().encode(changes))
        XCTAssertEqual(decoded.renderMemoFile.flatMap(RenderMemo.read), memo)
        XCTAssertEqual(decoded.goLive, changes.goLive)

        let memoJSON = String(decoding: try JSONEncoder().encode(memo), as: UTF8.self)
        let earlier = "{\"publications\":[],\"reports\":[],\"goLive\":\"2026-01-06\",\"renderMemo\":\(memoJSON)}"
        let old = try JSONDecoder().decode(StateChanges.self, from: Data(earlier.utf8))
        XCTAssertEqual(old.renderMemoFile.flatMap(RenderMemo.read), memo)
        XCTAssertNil(try JSONDecoder().decode(StateChanges.self, from: Data("{\"publications\":[],\"reports\":[]}".utf8)).renderMemoFile)
        let damaged = "{\"publications\":[],\"reports\":[],\"renderMemoLines\":\"\(Data("sanxiang-render-memo 2\nx".utf8).base64EncodedString())\"}"
        XCTAssertThrowsError(try JSONDecoder().decode(StateChanges.self, from: Data(damaged.utf8)), "a damaged memo in a journal is an error")
    }

    /// A memo of many pieces (`MemoLine.Pieces`: handed on a megabyte at a time, never made whole) joins into the memo,
    /// and staged through the same pieces, its file holds the same bytes. Each piece but the last is full.
    func testAMemoOfManyPiecesIsWrittenWholeAndStagedAsWritten() throws {
        var render = RenderMemo(fingerprint: "f", cases: [:], inputs: [:], files: [:])
        var redaction = RedactionMemo(settings: "s", forms: Array("0王强\n".utf8), minors: ["王芳"], cases: [:])
        for number in 0..<30_000 {
            let id = "A01-2025-\(number)"
            render.cases[id] = String(repeating: "h", count: 40) + "\t\(number)"
            render.inputs?[id] = "键\(number)"
            render.files?[id] = ["行政处罚决定书-\(number).pdf", "送达回证\\\(number).pdf"]
            redaction.cases[id] = .init(key: "k\(number)", removed: ["个人姓名": number % 3, "详细地址": 1], uncertain: number % 2)
            redaction.textNames[id] = .init(key: "k\(number)", names: TextNames(names: [.init(text: "张德\(number)", minority: number % 5 == 0)]))
        }
        let folder = Repo.temporaryFolder("memo-pieces")
        defer { try? FileManager.default.removeItem(at: folder) }
        let writer = try OutputWriter(root: folder)
        var renderPieces: [[UInt8]] = []
        try render.write { renderPieces.append($0) }
        var redactionPieces: [[UInt8]] = []
        try redaction.write { redactionPieces.append($0) }
        for (name, pieces) in [("render", renderPieces), ("redaction", redactionPieces)] {
            XCTAssertGreaterThan(pieces.count, 2, name)
            XCTAssertTrue(pieces.dropLast().allSatisfy { $0.count >= MemoLine.Pieces.size }, name)
        }
        XCTAssertEqual(RenderMemo.read(Data(renderPieces.joined())), render)
        XCTAssertEqual(RedactionMemo.read(Data(redactionPieces.joined())), redaction)
        XCTAssertEqual(try StagedBytes(name: StagedBytes.renderMemo, in: writer, writing: render.write).read(), Data(renderPieces.joined()))
        XCTAssertEqual(try StagedBytes(name: StagedBytes.redactionMemo, in: writer, writing: redaction.write).read(),
                       Data(redactionPieces.joined()))
    }

    /// A stage leaves its memo in the staging area, not in memory (`StagedBytes`); the commit reads it back into the bytes
    /// the journal and the store take. The file is no output: nothing of it is staged for the swap. A staged memo that is
    /// gone by the commit stops the run, naming the file, rather than storing no memo.
    func testAStagedMemoIsReadBackForTheCommit() throws {
        var generator = SystemRandomNumberGenerator()
        let folder = Repo.temporaryFolder("staged-memo")
        defer { try? FileManager.default.removeItem(at: folder) }
        let writer = try OutputWriter(root: folder)
        let memo = randomMemo(&generator)
        var stage = StateChanges()
        stage.stagedRenderMemo = try StagedBytes(memo.fileBytes(), name: StagedBytes.renderMemo, in: writer)
        let redaction = RedactionMemo(settings: "s", forms: Array("0王强\n".utf8), minors: ["王芳"],
                                      cases: ["C-1": .init(key: "k", removed: ["个人姓名": 1], uncertain: 0)])
        stage.stagedRedactionMemo = try StagedBytes(redaction.fileBytes(), name: StagedBytes.redactionMemo, in: writer)
        var state = StateChanges()
        XCTAssertTrue(state.isEmpty)
        state.merge(stage)
        XCTAssertFalse(state.isEmpty, "staged memos are state to commit")
        XCTAssertNil(state.renderMemoFile, "not held in memory until the commit")
        XCTAssertTrue(writer.stagedTopLevel.isEmpty, "no part of the output")
        try state.readStagedMemos()
        XCTAssertEqual(state.renderMemoFile.flatMap(RenderMemo.read), memo)
        XCTAssertEqual(state.redactionMemoFile.flatMap(RedactionMemo.read), redaction)
        XCTAssertNil(state.stagedRenderMemo)
        let decoded = try JSONDecoder().decode(StateChanges.self, from: try JSONEncoder().encode(state))
        XCTAssertEqual(decoded.renderMemoFile.flatMap(RenderMemo.read), memo, "the journal carries what was staged")
        XCTAssertEqual(decoded.redactionMemoFile.flatMap(RedactionMemo.read), redaction)

        var lost = StateChanges()
        lost.stagedRenderMemo = try StagedBytes(memo.fileBytes(), name: StagedBytes.renderMemo, in: writer)
        try FileManager.default.removeItem(atPath: writer.stagedPath(of: StagedBytes.renderMemo))
        XCTAssertThrowsError(try lost.readStagedMemos()) { error in
            XCTAssertEqual((error as? FileSystemError)?.path, writer.stagedPath(of: StagedBytes.renderMemo))
        }
    }
}
