import CaseModel
import Disclosure
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
}
