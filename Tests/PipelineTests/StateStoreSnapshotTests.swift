import CaseModel
import Foundation
import Ingest
@testable import Pipeline
import XCTest

/// The store writes only the snapshot rows that differ from last night's; what it then holds
/// must be what a store given tonight's export alone holds.
final class StateStoreSnapshotTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws { folder = Repo.temporaryFolder("StateStoreSnapshotTests") }
    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    private static let tables = ["agency", "officer", "review", "process_record"]

    private func store(_ name: String, _ snapshots: [StateStore.Snapshot]) throws -> StateStore {
        let store = try StateStore(path: folder.appendingPathComponent(name).path)
        for snapshot in snapshots { try store.apply(StateChanges(), snapshot: { try $0.store(snapshot, summary: "") }) }
        return store
    }

    private func snapshot(_ ingest: IngestResult, stored: [String: String] = [:]) throws -> StateStore.Snapshot {
        try StateStore.Snapshot(agencies: ingest.agencies, officers: ingest.officers, cases: ingest.cases, reviews: ingest.reviews,
                            records: ingest.records, asOf: CivilDate(iso: "2026-01-10")!, input: "test", stored: stored)
    }

    /// Tonight's export after last night's: one case's facts changed, one case moved to another row with nothing
    /// else changed, one case gone.
    private func nights() throws -> (lastNight: IngestResult, tonight: IngestResult, changed: String, moved: String, gone: String) {
        let lastNight = try ExportReader.read(folder: Repo.sample, options: IngestOptions(asOf: CivilDate(iso: "2026-01-10")!))
        XCTAssertGreaterThan(lastNight.cases.count, 3)
        var tonight = lastNight
        tonight.cases[0].facts += "（补充）"
        tonight.cases[1].source = SourceRef(file: tonight.cases[1].source.file, row: tonight.cases[1].source.row + 1_000)
        let gone = tonight.cases.remove(at: 2).id
        return (lastNight, tonight, tonight.cases[0].id, tonight.cases[1].id, gone)
    }

    func testACaseStoredWithItsHashIsNotHeldWithItsPayloadAndTheStoreStillEndsAsAFreshOne() throws {
        let (lastNight, tonight, changed, moved, gone) = try nights()
        let updated = try store("cases-updated.sqlite", [try snapshot(lastNight)])
        let stored = try updated.allCaseHashes()
        let next = try snapshot(tonight, stored: stored)
        // Only the case whose content changed carries its payload; the moved one keeps the stored one.
        XCTAssertEqual(next.cases.filter { $0.payload != nil }.map(\.id), [changed])
        XCTAssertTrue(next.cases.contains { $0.id == moved && $0.payload == nil })
        try updated.apply(StateChanges(), snapshot: { try $0.store(next, summary: "") })

        let fresh = try store("cases-fresh.sqlite", [try snapshot(tonight)])
        let updatedRows = try updated.caseRows()
        XCTAssertEqual(updatedRows.filter { $0[0] != gone }, try fresh.caseRows())
        XCTAssertEqual(updatedRows.first { $0[0] == gone }?[4], "0", "a case gone from the export stays, marked absent")
        let movedRow = try XCTUnwrap(updatedRows.first { $0[0] == moved })
        XCTAssertEqual(movedRow[3], String(tonight.cases[1].source.row), "the moved case's row is where tonight's export has it")
        XCTAssertTrue(try XCTUnwrap(updatedRows.first { $0[0] == changed })[5].contains("（补充）"))
    }

    /// With a payload file (as a run makes its snapshot), the payloads the store lacks wait in the file, not in memory:
    /// every case's on a first night, only the changed one's the next; the store ends as with the payloads held, and the
    /// file goes with the snapshot.
    func testPayloadsWaitingInAFileAreStoredAsHeldOnes() throws {
        let (lastNight, tonight, changed, _, _) = try nights()
        let path = folder.appendingPathComponent("payloads").path
        func filedSnapshot(_ ingest: IngestResult, stored: [String: String] = [:]) throws -> StateStore.Snapshot {
            try StateStore.Snapshot(agencies: ingest.agencies, officers: ingest.officers, cases: ingest.cases, reviews: ingest.reviews,
                                    records: ingest.records, asOf: CivilDate(iso: "2026-01-10")!, input: "test", stored: stored,
                                    payloadFile: path)
        }
        let held = try store("held.sqlite", [try snapshot(lastNight)])
        let filed = try StateStore(path: folder.appendingPathComponent("filed.sqlite").path)
        do {
            let first = try filedSnapshot(lastNight)
            XCTAssertTrue(first.cases.allSatisfy { $0.payload == nil && $0.spilled != nil }, "a first night's payloads are all in the file")
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
            XCTAssertEqual(size, lastNight.cases.reduce(0) { $0 + CanonicalJSON.payload(of: $1).count })
            try filed.apply(StateChanges(), snapshot: { try $0.store(first, summary: "") })
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path), "the file goes with the snapshot")
        XCTAssertEqual(try filed.caseRows(), try held.caseRows())

        let stored = try filed.allCaseHashes()
        do {
            let next = try filedSnapshot(tonight, stored: stored)
            XCTAssertEqual(next.cases.filter(\.carriesPayload).map(\.id), [changed])
            try filed.apply(StateChanges(), snapshot: { try $0.store(next, summary: "") })
        }
        let heldNext = try snapshot(tonight, stored: try held.allCaseHashes())
        try held.apply(StateChanges(), snapshot: { try $0.store(heldNext, summary: "") })
        XCTAssertEqual(try filed.caseRows(), try held.caseRows())
        XCTAssertTrue(try XCTUnwrap(try filed.caseRows().first { $0[0] == changed })[5].contains("（补充）"))
    }

    func testAStoreChangedAfterTheRunReadItsHashesIsLeftAsItWas() throws {
        let (lastNight, tonight, _, moved, _) = try nights()
        let updated = try store("changed-meanwhile.sqlite", [try snapshot(lastNight)])
        let stored = try updated.allCaseHashes()
        // Something else stores another content for the case the run takes as unchanged.
        var other = lastNight
        let position = try XCTUnwrap(other.cases.firstIndex { $0.id == moved })
        other.cases[position].facts += "（他处改动）"
        try updated.apply(StateChanges(), snapshot: { try $0.store(try self.snapshot(other), summary: "") })
        let before = try updated.caseRows()

        XCTAssertThrowsError(try updated.apply(StateChanges(), snapshot: { try $0.store(try self.snapshot(tonight, stored: stored), summary: "") })) {
            let message = ($0 as? StateStoreError)?.message ?? ""
            XCTAssertTrue(message.contains("案件 \(moved) 的记录在本次运行期间被其他程序改动"), message)
        }
        XCTAssertEqual(try updated.caseRows(), before)
    }

    func testAStoreUpdatedNightByNightHoldsWhatAFreshStoreHolds() throws {
        let lastNight = try ExportReader.read(folder: Repo.sample, options: IngestOptions(asOf: CivilDate(iso: "2026-01-10")!))
        XCTAssertGreaterThan(lastNight.records.count, 3)
        XCTAssertGreaterThan(lastNight.reviews.count, 2)
        XCTAssertGreaterThan(lastNight.officers.count, 2)
        XCTAssertGreaterThan(lastNight.agencies.count, 1)

        // Tonight: a record changed, one gone, one new (with the id of none before), a record moved to
        // another case with nothing else changed, a review gone, an officer moved to another agency,
        // an agency gone.
        var tonight = lastNight
        tonight.records[0].officerCert = "变更后的证号"
        let removedRecord = tonight.records.remove(at: 1).id
        var added = tonight.records[1]
        added.id = "R-NEW-" + added.id
        tonight.records.append(added)
        tonight.records[2].caseID = tonight.records[3].caseID == tonight.records[2].caseID ? "另一个案件" : tonight.records[3].caseID
        tonight.reviews.removeLast()
        tonight.officers[0].agencyCode = tonight.agencies[1].code
        tonight.agencies.removeLast()

        let updated = try store("updated.sqlite", [try snapshot(lastNight), try snapshot(tonight)])
        let fresh = try store("fresh.sqlite", [try snapshot(tonight)])
        for table in Self.tables {
            XCTAssertEqual(try updated.snapshotRows(of: table), try fresh.snapshotRows(of: table), table)
        }
        let records = try updated.snapshotRows(of: "process_record")
        XCTAssertEqual(records.count, tonight.records.count)
        XCTAssertFalse(records.contains { $0[0] == removedRecord })
        XCTAssertTrue(records.contains { $0[0] == added.id })
        XCTAssertTrue(try XCTUnwrap(records.first { $0[0] == tonight.records[0].id })[2].contains("变更后的证号"))
        XCTAssertEqual(try updated.snapshotRows(of: "agency").count, tonight.agencies.count)

        // The same export again changes nothing, and an empty one empties the tables.
        let again = try store("again.sqlite", [try snapshot(tonight), try snapshot(tonight)])
        for table in Self.tables { XCTAssertEqual(try again.snapshotRows(of: table), try fresh.snapshotRows(of: table), table) }
        let emptied = try store("emptied.sqlite", [try snapshot(lastNight), try snapshot(IngestResult())])
        for table in Self.tables { XCTAssertEqual(try emptied.snapshotRows(of: table), [], table) }
    }
}
