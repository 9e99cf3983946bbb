import CaseModel
import Foundation
@testable import Pipeline
import XCTest

/// The portal reads last night's public cases a batch at a time from a copy of the store's log in the staging area.
final class LastPublicCasesTests: XCTestCase {
    /// 3,000 rows of 300–1,500 bytes each (several megabytes: the copy is written a megabyte at a time), read back in
    /// batches in any order: each case's bytes are the store's, a case without a row is left out, and the file goes with
    /// the copy.
    func testEveryCaseReadsBackAsTheStoreHoldsIt() throws {
        let folder = Repo.temporaryFolder("last-public-cases")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try StateStore(path: folder.appendingPathComponent("state.sqlite").path)
        let day = CivilDate(iso: "2026-01-06")!
        var generator = SystemRandomNumberGenerator()
        var changes = StateChanges()
        for number in 0..<3_000 {
            let text = String(repeating: "罚款\(number)元；", count: 20 + number % 90)
            changes.publications.append(PublicationRow(
                caseID: "C-\(number)", agencyCode: "A", indexNo: "A/2025-\(number)", publishedOn: day, withdrawnOn: nil,
                withdrawalReason: nil, deadline: day, publicHash: "h\(number)", publicCase: Array("{\"facts\":\"\(text)\"}".utf8), pdfPath: nil))
        }
        try store.apply(changes, snapshot: nil)
        let stored = try store.publicationRows().mapValues(\.publicCase)
        XCTAssertEqual(stored.count, 3_000)
        XCTAssertGreaterThan(stored.values.reduce(0) { $0 + $1.count }, 2 << 20, "the copy spans several megabyte writes")

        let path = folder.appendingPathComponent("copy").path
        var copy: LastPublicCases? = try LastPublicCases(store: store, file: path)
        let ids = stored.keys.shuffled(using: &generator)
        for start in stride(from: 0, to: ids.count, by: 700) {
            let batch = Array(ids[start..<min(start + 700, ids.count)]) + ["C-none"]
            let read = try XCTUnwrap(copy).read(batch)
            XCTAssertEqual(read.count, batch.count - 1)
            for id in batch.dropLast() { XCTAssertEqual(read[id], stored[id], id) }
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
        copy = nil
        XCTAssertFalse(FileManager.default.fileExists(atPath: path), "the copy's file goes with it")
    }
}
