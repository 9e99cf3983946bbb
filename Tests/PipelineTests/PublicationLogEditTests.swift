import CaseModel
import Foundation
@testable import Pipeline
import TestSupport
import XCTest

/// Tonight's log made from last night's in place (`PublicationLogEdit`) must answer every question the portal asks exactly as
/// the two logs held as separate dictionaries did: tonight's row, last night's row, whether the two are the same, and the rows
/// the store saves. Checked against that model (two plain dictionaries) over random nights of the portal's own operations.
final class PublicationLogEditTests: XCTestCase {
    private let published = CivilDate(year: 2026, month: 1, day: 6)
    private let deadline = CivilDate(year: 2026, month: 1, day: 15)

    private func row(_ caseID: String, hash: String, bytes: [UInt8], pdf: String?) throws -> PublicationRow {
        PublicationRow(caseID: caseID, agencyCode: "A", indexNo: "A/2026-\(caseID)", publishedOn: try XCTUnwrap(published),
                       withdrawnOn: nil, withdrawalReason: nil, deadline: try XCTUnwrap(deadline), publicHash: hash,
                       publicCase: bytes, pdfPath: pdf)
    }

    /// The model: the two logs as the portal held them before, tonight's a copy of last night's.
    private struct TwoLogs {
        var tonight: [String: PublicationRow]
        var last: [String: PublicationRow]

        mutating func fill(_ id: String, _ bytes: [UInt8]) {
            last[id]?.publicCase = bytes
            if tonight[id]?.publicCase.isEmpty == true { tonight[id]?.publicCase = bytes }
        }

        mutating func release(_ id: String) {
            guard tonight[id] == last[id] else { return }
            tonight[id]?.publicCase = []
            last[id]?.publicCase = []
        }

        func changed() -> [PublicationRow] {
            tonight.values.filter { last[$0.caseID] != $0 }.sorted { $0.caseID < $1.caseID }
        }
    }

    func testItAnswersAsTheTwoLogsDidOverRandomNights() throws {
        var random = SplitMix64(seed: 31)
        for night in 0..<40 {
            let ids = (0..<Int.random(in: 1...40, using: &random)).map { "C-\(night)-\($0)" }
            var lastNight: [String: PublicationRow] = [:]
            for id in ids where Bool.random(using: &random) {
                lastNight[id] = try row(id, hash: "h\(Int.random(in: 0..<3, using: &random))", bytes: [], pdf: nil)
            }
            var model = TwoLogs(tonight: lastNight, last: lastNight)
            var edit = PublicationLogEdit(lastNight: lastNight)
            for _ in 0..<Int.random(in: 0...120, using: &random) {
                guard let id = ids.randomElement(using: &random) else { continue }
                switch Int.random(in: 0..<7, using: &random) {
                case 0:  // a row made or changed tonight
                    let made = try row(id, hash: "h\(Int.random(in: 0..<3, using: &random))", bytes: [UInt8.random(in: 1...3, using: &random)],
                                       pdf: Bool.random(using: &random) ? "documents/A/\(id).pdf" : nil)
                    model.tonight[id] = made
                    edit[id] = made
                case 1:  // set back to last night's (a case the gate stopped)
                    model.tonight[id] = model.last[id]
                    edit[id] = edit.last(id)
                case 2:  // taken off tonight's log
                    model.tonight[id] = nil
                    edit[id] = nil
                case 3:  // last night's public case read back from the store
                    guard model.last[id]?.publicCase.isEmpty == true else { continue }
                    let bytes = [UInt8.random(in: 1...3, using: &random)]
                    model.fill(id, bytes)
                    edit.fillLastNight(id, publicCase: bytes)
                case 4:  // a row found unchanged lets go of its public case
                    model.release(id)
                    edit.releaseUnchanged(id)
                case 5:  // a field changed through the row, as the portal's hashes are set
                    let hash = "h\(Int.random(in: 0..<3, using: &random))"
                    model.tonight[id]?.publicHash = hash
                    edit[id]?.publicHash = hash
                default:  // the same value written again
                    model.tonight[id] = model.tonight[id]
                    edit[id] = edit[id]
                }
                for check in ids {
                    XCTAssertEqual(edit[check], model.tonight[check], "tonight's row of \(check), night \(night)")
                    XCTAssertEqual(edit.last(check), model.last[check], "last night's row of \(check), night \(night)")
                    XCTAssertEqual(edit.isAsLastNight(check), model.tonight[check] == model.last[check], "\(check), night \(night)")
                }
                XCTAssertEqual(edit.differing, ids.filter { model.tonight[$0] != model.last[$0] }.count,
                               "last night's row is held beside only where tonight's differs")
            }
            XCTAssertEqual(edit.rows, model.tonight)
            XCTAssertEqual(edit.count, model.tonight.count)
            let changed = model.changed()
            if changed.contains(where: { $0.publicCase.isEmpty }) {
                XCTAssertThrowsError(try edit.changedRows(), "a changed row without its public case must not blank the stored one")
                XCTAssertEqual(try edit.changedRows { _ in true }, changed)
            } else {
                XCTAssertEqual(try edit.changedRows(), changed)
            }
        }
    }

    /// Last night's rows stay where they are until tonight changes them: a night that changes nothing keeps no second copy,
    /// and the table tonight's rows are in is last night's own (no copy of it is made by reading or by unchanged writes).
    func testANightThatChangesNothingHoldsNothingBeside() throws {
        var lastNight: [String: PublicationRow] = [:]
        for number in 0..<200 { lastNight["C\(number)"] = try row("C\(number)", hash: "h", bytes: [], pdf: nil) }
        var edit = PublicationLogEdit(lastNight: lastNight)
        for id in lastNight.keys {
            edit.fillLastNight(id, publicCase: [1])
            edit[id] = edit[id]
            edit[id]?.publicHash = "h"
            edit.releaseUnchanged(id)
        }
        XCTAssertEqual(try edit.changedRows(), [])
        XCTAssertEqual(edit.differing, 0)
        XCTAssertEqual(edit.rows, lastNight)
        XCTAssertTrue(lastNight.keys.allSatisfy { edit.isAsLastNight($0) })
    }
}
