import CaseModel
import Foundation
@testable import Pipeline
import XCTest

/// Tonight's public cases of the rows to write wait in a file (`TonightPublicCases`), each row holding a stand-in: every kept
/// row must come back with exactly its own bytes, in whatever order and batch it is asked for, and a row that was not kept
/// (or holds its own bytes, or another stand-in, or was forgotten) must come back as it is.
final class TonightPublicCasesTests: XCTestCase {
    private let published = CivilDate(year: 2026, month: 1, day: 6)
    private let deadline = CivilDate(year: 2026, month: 1, day: 15)

    private func row(_ caseID: String, _ publicCase: [UInt8]) throws -> PublicationRow {
        PublicationRow(caseID: caseID, agencyCode: "A", indexNo: "A/2026-\(caseID)", publishedOn: try XCTUnwrap(published),
                       withdrawnOn: nil, withdrawalReason: nil, deadline: try XCTUnwrap(deadline), publicHash: "",
                       publicCase: publicCase, pdfPath: nil)
    }

    func testKeptRowsComeBackWithTheirOwnBytesInAnyOrder() throws {
        let folder = Repo.temporaryFolder("tonight-cases")
        defer { try? FileManager.default.removeItem(at: folder) }
        var random = SystemRandomNumberGenerator()
        let kept = try TonightPublicCases(path: folder.appendingPathComponent(TonightPublicCases.fileName).path)
        var original: [String: [UInt8]] = [:]
        var log: [String: PublicationRow] = [:]
        for batch in 0..<20 {
            let rows = try (0..<Int.random(in: 0...60, using: &random)).map { number -> PublicationRow in
                let id = "C-\(batch)-\(number)"
                // Some rows with no public case at all (a withheld shell is never empty, but the file must not mind).
                let bytes = number % 7 == 0 ? [] : Array("{\"案件\":\"\(id)\",\"x\":\"\(String(repeating: "违", count: Int.random(in: 0...300, using: &random)))\"}".utf8)
                original[id] = bytes
                return try row(id, bytes)
            }
            let standIns = Dictionary(uniqueKeysWithValues: try kept.keep(rows).map { ($0.caseID, $0.standIn) })
            XCTAssertEqual(Set(standIns.keys), Set(rows.filter { !$0.publicCase.isEmpty }.map(\.caseID)), "only rows with bytes are kept")
            for item in rows { log[item.caseID] = try row(item.caseID, standIns[item.caseID] ?? []) }
        }
        XCTAssertTrue(log.values.allSatisfy { kept.holds($0) == !(original[$0.caseID] ?? []).isEmpty })
        XCTAssertTrue(log.values.allSatisfy { !$0.holdsPublicCase }, "a stand-in is never taken for JSON")
        XCTAssertEqual(Set(log.values.map(\.publicCase)).count, log.values.filter { !$0.publicCase.isEmpty }.count + 1,
                       "every stand-in is its own")
        let asked = log.values.shuffled(using: &random)
        for start in stride(from: 0, to: asked.count, by: 37) {
            let part = Array(asked[start..<min(start + 37, asked.count)])
            let filled = try kept.filled(part)
            XCTAssertEqual(filled.map(\.caseID), part.map(\.caseID), "in the order asked")
            for item in filled { XCTAssertEqual(item.publicCase, original[item.caseID], item.caseID) }
        }
        // A row that holds its own bytes is left as it is; a forgotten one is no longer filled.
        let some = try XCTUnwrap(log.keys.sorted().first { !(original[$0] ?? []).isEmpty })
        XCTAssertEqual(try kept.filled(try row(some, Array("shell".utf8))).publicCase, Array("shell".utf8))
        let standIn = try XCTUnwrap(log[some]?.publicCase)
        XCTAssertEqual(try kept.filled(try row(some, PublicationRow.otherStandIn)).publicCase, PublicationRow.otherStandIn)
        XCTAssertEqual(try kept.filled(try row(some, PublicationRow.standIn(1 << 40))).publicCase, PublicationRow.standIn(1 << 40))
        kept.forget(some)
        XCTAssertFalse(kept.holds(try row(some, standIn)))
        XCTAssertEqual(try kept.filled(try row(some, standIn)).publicCase, standIn)
    }
}
