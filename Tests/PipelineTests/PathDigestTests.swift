@testable import Pipeline
import XCTest

/// The kept-in-place set holds path digests: equal paths must meet, different paths must not.
final class PathDigestTests: XCTestCase {
    func testEqualPathsShareADigestAndDifferentOnesDoNot() {
        var generator = SystemRandomNumberGenerator()
        let kinds = ["行政处罚决定书", "送达回证-1", "送达回证-2", "案卷", "法制审核意见书", "催告书"]
        var paths = Set<String>()
        while paths.count < 200_000 {
            let agency = "1153" + String(Int.random(in: 100_000...999_999, using: &generator))
            let year = Int.random(in: 2019...2026, using: &generator)
            let number = Int.random(in: 1...99_999, using: &generator)
            paths.insert("internal/documents/\(agency)/YXSL-\(year)-\(number)/\(kinds.randomElement(using: &generator) ?? "").pdf")
        }
        let digests = paths.map(PathDigest.init)
        XCTAssertEqual(Set(digests).count, paths.count, "no two of 200,000 paths share a digest")
        // The same path made again (another String, the same bytes) meets its digest.
        for path in paths.prefix(1_000) {
            XCTAssertEqual(PathDigest(String(decoding: Array(path.utf8), as: UTF8.self)), PathDigest(path))
        }
    }

    /// Bytes decide, as on the disk: a composed and a decomposed é are two file names, so two digests.
    func testDigestsFollowTheBytesNotCanonicalEquivalence() {
        let composed = "internal/documents/r/\u{E9}/案.pdf"
        let decomposed = "internal/documents/r/e\u{301}/案.pdf"
        XCTAssertEqual(composed, decomposed, "Swift calls them equal")
        XCTAssertNotEqual(PathDigest(composed), PathDigest(decomposed))
        XCTAssertNotEqual(PathDigest("a/b"), PathDigest("a/b/"))
        XCTAssertNotEqual(PathDigest(""), PathDigest("\u{0}"))
    }
}
