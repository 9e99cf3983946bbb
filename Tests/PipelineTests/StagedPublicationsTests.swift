import CaseModel
import ErrorReporting
import Foundation
import TestSupport
@testable import Pipeline
import XCTest

/// Tonight's changed publication rows wait in a file of the staging area (the commit journal's line format) and are read
/// back a block at a time, by the site and by the store's save.
final class StagedPublicationsTests: XCTestCase {
    private func rows(_ count: Int, seed: UInt64) -> [PublicationRow] {
        var generator = SplitMix64(seed: seed)
        let day = CivilDate(iso: "2026-01-06")!
        return (0..<count).map { number in
            let text = String(repeating: "罚款\(number)元，\n\"引号\"；", count: Int(generator.next() % 200))
            return PublicationRow(caseID: String(format: "C-%05d", number), agencyCode: "A\(number % 7)", indexNo: "A/2025-\(number)",
                                  publishedOn: day, withdrawnOn: number % 5 == 0 ? day : nil, withdrawalReason: number % 5 == 0 ? "依法撤销" : nil,
                                  deadline: day, publicHash: "h\(number)", publicCase: Array("{\"facts\":\"\(text)\"}".utf8),
                                  pdfPath: number % 3 == 0 ? nil : "documents/A/\(number).pdf", timingKnown: number % 4 != 0,
                                  historyURL: number % 9 == 0 ? "https://example.gov.cn/\(number)" : nil)
        }
    }

    /// 5,000 rows over several megabytes, read back in blocks of 1 to 3,000: every row as written, in its order.
    func testRowsReadBackAsWrittenWhateverTheBlock() throws {
        let folder = Repo.temporaryFolder("staged-publications")
        defer { try? FileManager.default.removeItem(at: folder) }
        let written = rows(5_000, seed: 29)
        let staged = try StagedPublications(written, path: folder.appendingPathComponent(StagedPublications.fileName).path)
        XCTAssertEqual(staged.caseIDs, written.map(\.caseID))
        XCTAssertGreaterThan(try FileManager.default.attributesOfItem(atPath: staged.path)[.size] as? Int ?? 0, 5 << 20)
        for block in [1, 7, 2048, 3_000] {
            var read: [PublicationRow] = []
            var largest = 0
            try StagedPublications.forEachBlock(in: staged.path, block: block) { rows in
                largest = max(largest, rows.count)
                read += rows
            }
            XCTAssertEqual(read, written, "block \(block)")
            XCTAssertEqual(largest, min(block, written.count))
        }
        let empty = try StagedPublications([], path: folder.appendingPathComponent("empty").path)
        try StagedPublications.forEachBlock(in: empty.path) { _ in XCTFail("an empty file has no rows") }
    }

    /// A file cut anywhere inside its last row, or holding a line that is no row, stops the reader: never fewer rows.
    func testACutOrDamagedFileStopsTheReader() throws {
        let folder = Repo.temporaryFolder("staged-publications-cut")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("rows").path
        let staged = try StagedPublications(rows(40, seed: 3), path: path)
        let bytes = try XCTUnwrap(FileManager.default.contents(atPath: staged.path))
        for cut in [bytes.count - 1, bytes.count - 2, bytes.count / 2] {
            try bytes.prefix(cut).write(to: URL(fileURLWithPath: path))
            XCTAssertThrowsError(try StagedPublications.forEachBlock(in: path) { _ in }, "cut at \(cut)") { error in
                XCTAssertTrue(error is FileSystemError, "\(error)")
            }
        }
        try (bytes + Data("{\"case_id\":1}\n".utf8)).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try StagedPublications.forEachBlock(in: path) { _ in })
        XCTAssertThrowsError(try StagedPublications.forEachBlock(in: folder.appendingPathComponent("missing").path) { _ in })
    }

    /// The store saves the staged rows beside those held in memory, in one transaction.
    func testTheStoreSavesTheStagedRows() throws {
        let folder = Repo.temporaryFolder("staged-publications-store")
        defer { try? FileManager.default.removeItem(at: folder) }
        let all = rows(3_000, seed: 8)
        let staged = try StagedPublications(Array(all.prefix(2_500)), path: folder.appendingPathComponent("rows").path)
        var changes = StateChanges()
        changes.publications = Array(all.suffix(500))
        let store = try StateStore(path: folder.appendingPathComponent("state.sqlite").path)
        try store.apply(changes, snapshot: nil, publicationsFile: staged.path)
        let saved = try store.publicationRows()
        XCTAssertEqual(saved.count, 3_000)
        for row in all { XCTAssertEqual(saved[row.caseID], row, row.caseID) }
    }
}
