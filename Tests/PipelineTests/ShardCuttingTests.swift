import CaseModel
import Disclosure
import Foundation
import Ingest
@testable import Pipeline
import XCTest

/// How a night is cut into shards: an agency, or one decision year of an agency with more cases than
/// the workers' threshold; the publish step finds each case's shard from what the workers registered.
final class ShardCuttingTests: XCTestCase {
    func testAnAgencyAboveTheThresholdIsCutByDecisionYear() throws {
        var cases = RedactionBench.syntheticCases(count: 40, seed: 3).cases
        for index in cases.indices {
            // 30 cases of one agency over three years, 10 of another.
            cases[index].agencyCode = index < 30 ? "LARGE" : "SMALL"
            cases[index].decisionDate = try XCTUnwrap(CivilDate(year: 2023 + index % 3, month: 1 + index % 12, day: 1 + index % 28))
        }
        let shards = ShardWork.shards(cases, splitAbove: 12)
        XCTAssertEqual(shards.keys.sorted(), ["LARGE-2023", "LARGE-2024", "LARGE-2025", "SMALL"])
        XCTAssertEqual(shards.values.map(\.count).reduce(0, +), cases.count)
        let registered = Set(shards.keys)
        for (shard, members) in shards {
            for item in members { XCTAssertEqual(ShardWork.shard(of: item, registered: registered), shard, item.id) }
        }
        XCTAssertEqual(Set(ShardWork.shards(cases, splitAbove: 30).keys), ["LARGE", "SMALL"], "30 is not above 30")
        // Registered whole (a worker with a higher threshold): the publish step follows the agency shard.
        XCTAssertEqual(ShardWork.shard(of: cases[0], registered: ["LARGE", "SMALL"]), "LARGE")
    }

    /// Once a night is published, earlier nights' batch folders go and nothing else: this night's, a later night's
    /// (a worker already started on it), and anything not named as a batch stay; a published document that was a
    /// hard link of a removed shard file is untouched.
    func testPublishingRemovesOnlyEarlierNightsBatchFolders() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("sanxiang-shard-cleanup-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let shards = output.appendingPathComponent("shards")
        let batches = ["2025-12-31-0f3a", "2026-01-05-9b1c", "2026-01-06-77aa", "2026-01-06-e402", "2026-01-07-1d2e", "notes", "2026-13-01-aaaa",
                       "2026-01-05"]
        for batch in batches {
            let folder = shards.appendingPathComponent(batch).appendingPathComponent("AGENCY/2")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data("文书 \(batch)".utf8).write(to: folder.appendingPathComponent("送达回证.pdf"))
        }
        let published = output.appendingPathComponent("internal/documents/AGENCY/C1/送达回证.pdf")
        try FileManager.default.createDirectory(at: published.deletingLastPathComponent(), withIntermediateDirectories: true)
        XCTAssertEqual(link(shards.appendingPathComponent("2026-01-05-9b1c/AGENCY/2/送达回证.pdf").path, published.path), 0)

        let cleanup = ShardWork.removeEarlierBatches(output: output, asOf: try XCTUnwrap(CivilDate(iso: "2026-01-06")))
        XCTAssertEqual(cleanup.removed, ["2025-12-31-0f3a", "2026-01-05-9b1c"])
        XCTAssertEqual(cleanup.failed, [])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: shards.path).sorted(),
                       ["2026-01-05", "2026-01-06-77aa", "2026-01-06-e402", "2026-01-07-1d2e", "2026-13-01-aaaa", "notes"])
        XCTAssertEqual(try String(contentsOf: published, encoding: .utf8), "文书 2026-01-05-9b1c")
        // Nothing of earlier nights left: a second call removes nothing.
        XCTAssertEqual(ShardWork.removeEarlierBatches(output: output, asOf: try XCTUnwrap(CivilDate(iso: "2026-01-06"))).removed, [])
    }
}

/// What a worker does with the export, without PostgreSQL: the shards it registers from the agencies' parts read one
/// at a time are the shards of the whole export's accepted cases, and a shard written a slice of cases at a time is
/// the shard written whole, manifest and files byte for byte.
final class ShardPartsTests: XCTestCase {
    func testShardsFromAgencyPartsAreTheWholeExportsShards() throws {
        let config = try Repo.config(input: Repo.sample, output: Repo.temporaryFolder("parts-shards"), stages: [.ingest])
        let asOf = try XCTUnwrap(CivilDate(iso: "2026-01-06"))
        let whole = try ExportReader.read(folder: config.inputURL, options: IngestOptions(asOf: asOf))
        let parts = try AgencyParts(config: config, asOf: asOf)
        for splitAbove in [3, 1_000] {
            let expected = ShardWork.shards(whole.cases, splitAbove: splitAbove)
            let registered = try parts.shards(splitAbove: splitAbove)
            XCTAssertEqual(Set(registered.keys), Set(expected.keys), "split above \(splitAbove)")
            for (shard, items) in expected {
                XCTAssertEqual(registered[shard]?.cases, items.count, shard)
                XCTAssertEqual(registered[shard]?.agency, items.first?.agencyCode, shard)
            }
        }
        XCTAssertGreaterThan(Set(whole.cases.map(\.agencyCode)).count, 1)
    }

    func testAShardWrittenASliceAtATimeIsTheShardWrittenWhole() throws {
        let parent = Repo.temporaryFolder("shard-slices")
        defer { try? FileManager.default.removeItem(at: parent) }
        let config = try Repo.config(input: Repo.sample, output: parent.appendingPathComponent("config"), stages: [.ingest])
        let asOf = try XCTUnwrap(CivilDate(iso: "2026-01-06"))
        let parts = try AgencyParts(config: config, asOf: asOf)
        let agency = try XCTUnwrap(try parts.shards(splitAbove: 1_000).max { $0.value.cases < $1.value.cases }?.value.agency)
        let part = try parts.read(agency)
        XCTAssertGreaterThan(part.cases.count, 4)
        let run = ShardWork.prepare(config: config, asOf: asOf)
        let index = RenderStage.IngestIndex(part)
        let planner = DocumentPlanner(config: config, index: index)
        let templates = try run.templates()
        let renderer = try run.renderer()
        let claim = ShardClaim(batch: "2026-01-06/test", shard: agency, token: 1)
        var written: [(folder: URL, documents: Int)] = []
        for (name, slice) in [("whole", 100_000), ("sliced", 2)] {
            written.append(try ShardWork.write(claim, cases: part.cases, slice: slice,
                                               plan: { ShardWork.plan($0, planner: planner, templates: templates) },
                                               index: index, fingerprint: "f", renderer: renderer,
                                               output: parent.appendingPathComponent(name)))
        }
        XCTAssertEqual(written[0].documents, written[1].documents)
        XCTAssertGreaterThan(written[0].documents, 10)
        let files = try Repo.files(written[0].folder)
        XCTAssertTrue(files.keys.contains(ShardManifest.fileName))
        XCTAssertEqual(files, try Repo.files(written[1].folder), "the same manifest and documents, byte for byte")
    }
}
