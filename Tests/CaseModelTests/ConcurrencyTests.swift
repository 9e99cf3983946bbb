import CaseModel
import XCTest

/// Work shared out on every core comes back in order, every item once.
final class ConcurrencyTests: XCTestCase {
    func testBlocksCoverEveryPositionOnceInOrder() {
        for count in [0, 1, 2, 255, 256, 257, 4096, 10_001] {
            for size in [1, 3, 256, 4096, 20_000] {
                let blocks = concurrentBlocks(count: count, size: size) { $0 }
                XCTAssertEqual(blocks.flatMap { Array($0) }, Array(0..<count), "count \(count), size \(size)")
                XCTAssertTrue(blocks.allSatisfy { !$0.isEmpty && $0.count <= size }, "count \(count), size \(size)")
                XCTAssertTrue(blocks.dropLast().allSatisfy { $0.count == size }, "only the last block is shorter")
            }
        }
    }

    func testMapKeepsTheOrder() {
        let items = Array(0..<50_000)
        XCTAssertEqual(concurrentMap(items, chunkSize: 7) { $0 * 3 }, items.map { $0 * 3 })
    }
}
