import CaseModel
import Foundation
@testable import Pipeline
import TestSupport
import XCTest

/// Tonight's log made from last night's in place (`PublicationLogEdit`) must answer every question the portal asks exactly as
/// the two logs held as separate dictionaries did: tonight's row, last night's row, whether the two are the same, and the rows
/// the store saves. Checked against that model (two plain dictionaries) over random nights of the portal's own operations,
/// public cases set aside (`setAside`: a stand-in in the rows, the bytes elsewhere) included.
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
            // Each stand-in given out → the bytes it stands for; last night's other bytes stand as `otherStandIn`.
            var setAside: [[UInt8]: [UInt8]] = [:]
            // Cases given real bytes after theirs were set aside: their rows may be told apart though their bytes are the
            // same (saved again: harmless), never told the same though they differ.
            var opaque = Set<String>()
            func resolved(_ row: PublicationRow?) -> PublicationRow? {
                guard var row else { return nil }
                if let bytes = setAside[row.publicCase] {
                    row.publicCase = bytes
                } else if row.publicCase == PublicationRow.otherStandIn, let bytes = model.last[row.caseID]?.publicCase {
                    row.publicCase = bytes
                }
                return row
            }
            for _ in 0..<Int.random(in: 0...120, using: &random) {
                guard let id = ids.randomElement(using: &random) else { continue }
                switch Int.random(in: 0..<8, using: &random) {
                case 7:  // tonight's public case set aside in the staging area (its page is to be written)
                    guard let bytes = edit[id]?.publicCase, edit[id]?.holdsPublicCase == true else { continue }
                    let standIn = PublicationRow.standIn(UInt64(setAside.count + 1))
                    setAside[standIn] = bytes
                    edit.setAside(id, standIn: standIn)
                    XCTAssertFalse(edit[id]?.holdsPublicCase ?? true)
                    XCTAssertFalse(edit.last(id)?.holdsPublicCase ?? false, "last night's bytes are let go of too")
                case 0:  // a row made or changed tonight
                    let made = try row(id, hash: "h\(Int.random(in: 0..<3, using: &random))", bytes: Self.json(&random),
                                       pdf: Bool.random(using: &random) ? "documents/A/\(id).pdf" : nil)
                    model.tonight[id] = made
                    if edit.last(id).map({ !$0.publicCase.isEmpty && !$0.holdsPublicCase }) == true { opaque.insert(id) }
                    edit[id] = made
                case 1:  // set back to last night's (a case the gate stopped)
                    model.tonight[id] = model.last[id]
                    edit[id] = edit.last(id)
                case 2:  // taken off tonight's log
                    model.tonight[id] = nil
                    edit[id] = nil
                case 3:  // last night's public case read back from the store
                    guard model.last[id]?.publicCase.isEmpty == true else { continue }
                    let bytes = Self.json(&random)
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
                    XCTAssertEqual(resolved(edit[check]), model.tonight[check], "tonight's row of \(check), night \(night)")
                    XCTAssertEqual(resolved(edit.last(check)), model.last[check], "last night's row of \(check), night \(night)")
                    let same = model.tonight[check] == model.last[check]
                    if opaque.contains(check) {
                        XCTAssertTrue(!edit.isAsLastNight(check) || same, "told the same though different: \(check), night \(night)")
                    } else {
                        XCTAssertEqual(edit.isAsLastNight(check), same, "\(check), night \(night)")
                    }
                }
                if opaque.isEmpty {
                    XCTAssertEqual(edit.differing, ids.filter { model.tonight[$0] != model.last[$0] }.count,
                                   "last night's row is held beside only where tonight's differs")
                }
            }
            XCTAssertEqual(edit.rows.mapValues { resolved($0) }, model.tonight)
            XCTAssertEqual(edit.count, model.tonight.count)
            let changed = model.changed()
            let editChanged = try edit.changedRows { _ in true }.compactMap { resolved($0) }
            if opaque.isEmpty {
                XCTAssertEqual(editChanged, changed)
            } else {
                XCTAssertTrue(Set(changed.map(\.caseID)).isSubset(of: editChanged.map(\.caseID)), "every changed row is saved")
            }
            // A row the store would save without its JSON (let go of, or set aside and not said to be kept) stops the run.
            if try edit.changedRows(kept: { _ in true }).contains(where: { !$0.holdsPublicCase }) {
                XCTAssertThrowsError(try edit.changedRows(), "a changed row without its public case must not blank the stored one")
            } else {
                XCTAssertEqual(try edit.changedRows().compactMap { resolved($0) }, editChanged)
            }
        }
    }

    /// A public case as JSON: a few bytes, some the same as another row's.
    private static func json(_ random: inout SplitMix64) -> [UInt8] {
        Array("{\(Int.random(in: 0..<3, using: &random))}".utf8)
    }

    /// Setting a public case aside never makes a changed row look unchanged: the same bytes on both nights share the stand-in,
    /// other bytes do not, and last night's real bytes given back to tonight's row (read from the store) are saved again
    /// rather than taken as the same.
    func testSettingAsideKeepsRowsComparingAsTheirBytes() throws {
        let old = Array("{\"facts\":\"旧\"}".utf8), new = Array("{\"facts\":\"新\"}".utf8)
        var edit = PublicationLogEdit(lastNight: ["S": try row("S", hash: "h", bytes: old, pdf: nil),
                                                  "D": try row("D", hash: "h", bytes: old, pdf: nil),
                                                  "H": try row("H", hash: "h", bytes: old, pdf: nil)])
        edit["D"]?.publicCase = new
        edit["H"]?.publicHash = "h2"
        for (number, id) in ["S", "D", "H"].enumerated() { edit.setAside(id, standIn: PublicationRow.standIn(UInt64(number + 1))) }
        XCTAssertTrue(edit.isAsLastNight("S"), "the same row, set aside")
        XCTAssertFalse(edit.isAsLastNight("D"), "other bytes")
        XCTAssertFalse(edit.isAsLastNight("H"), "the same bytes, another hash")
        XCTAssertEqual(try edit.changedRows { _ in true }.map(\.caseID), ["D", "H"])
        XCTAssertThrowsError(try edit.changedRows(), "set aside and not said to be kept")
        edit["H"]?.publicHash = "h"
        XCTAssertTrue(edit.isAsLastNight("H"), "back to last night's hash: the same stand-in on both nights")
        edit["D"] = try row("D", hash: "h", bytes: old, pdf: nil)
        XCTAssertEqual(try edit.changedRows(), [try row("D", hash: "h", bytes: old, pdf: nil)], "saved again, with its bytes")
    }

    /// Last night's rows stay where they are until tonight changes them: a night that changes nothing keeps no second copy,
    /// and the table tonight's rows are in is last night's own (no copy of it is made by reading or by unchanged writes).
    func testANightThatChangesNothingHoldsNothingBeside() throws {
        var lastNight: [String: PublicationRow] = [:]
        for number in 0..<200 { lastNight["C\(number)"] = try row("C\(number)", hash: "h", bytes: [], pdf: nil) }
        var edit = PublicationLogEdit(lastNight: lastNight)
        for id in lastNight.keys {
            edit.fillLastNight(id, publicCase: Array("{}".utf8))
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
