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

    private func snapshot(_ ingest: IngestResult) -> StateStore.Snapshot {
        StateStore.Snapshot(agencies: ingest.agencies, officers: ingest.officers, cases: ingest.cases, reviews: ingest.reviews,
                            records: ingest.records, asOf: CivilDate(iso: "2026-01-10")!, input: "test")
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

        let updated = try store("updated.sqlite", [snapshot(lastNight), snapshot(tonight)])
        let fresh = try store("fresh.sqlite", [snapshot(tonight)])
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
        let again = try store("again.sqlite", [snapshot(tonight), snapshot(tonight)])
        for table in Self.tables { XCTAssertEqual(try again.snapshotRows(of: table), try fresh.snapshotRows(of: table), table) }
        let emptied = try store("emptied.sqlite", [snapshot(lastNight), snapshot(IngestResult())])
        for table in Self.tables { XCTAssertEqual(try emptied.snapshotRows(of: table), [], table) }
    }
}
