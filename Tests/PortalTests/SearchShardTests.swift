import Foundation
@testable import Portal
import TestSupport
import XCTest

/// The search index's document shards are written directly, byte for byte as JSONEncoder (and `json`'s
/// escapes of <, > and &) wrote them, so a night after the change rewrites none of them.
final class SearchShardTests: XCTestCase {
    private let pieces: [String] = ["行政处罚", "玉水罚〔2024〕2号", "\"", "\\", "/", "<script>", "&amp;", "\n", "\t", "\r", "\u{8}", "\u{C}",
                                    "\u{0}", "\u{1F}", "\u{7F}", "\u{2028}", "é", "😀", " ", "a", "Z9", "、", "（个体工商户）"]

    func testDocumentShardsAreTheEncodersBytes() throws {
        var random = SplitMix64(seed: 0xD0C5)
        for round in 0..<300 {
            let rows: [[PortalSearchIndex.SearchField]] = (0..<random.next(below: 40)).map { _ in
                (0..<random.next(below: 10)).map { _ in
                    if random.next(below: 4) == 0 { return .number(random.next(below: 200_000) - 100) }
                    return .text((0..<random.next(below: 6)).map { _ in pieces[random.next(below: pieces.count)] }.joined())
                }
            }
            XCTAssertEqual(PortalSearchIndex.documentShard(rows[...]), try PortalSearchIndex.json(rows), "round \(round)")
        }
    }
}
