import Archive
@testable import Pipeline
import TestSupport
import XCTest

/// The commit's listing of the in-place folders (`LivePaths`) gives back every listed path under a folder, as listed.
final class LivePathsTests: XCTestCase {
    private let parts = ["internal", "documents", "redaction", "public", "1153", "TJLY-2025-000001", "行政处罚决定书.pdf", "送达回证-2.pdf",
                         "案卷.pdf", "a\nb", "x", "documents2", ".json"]

    private func listed(_ paths: [String]) -> [ListedFile] {
        paths.map { ListedFile(path: $0, stamp: FileStamp(device: 1, inode: 1, size: 1, modifiedSeconds: 0, modifiedNanoseconds: 0)) }
    }

    func testEveryPathUnderAFolderComesBackAsListed() throws {
        var random = SplitMix64(seed: 0x11FE)
        let folders = ["internal/documents/", "internal/redaction/"]
        for round in 0..<200 {
            let paths = (0..<random.next(below: 300)).map { _ in
                (0..<(1 + random.next(below: 5))).map { _ in parts[random.next(below: parts.count)] }.joined(separator: "/")
            }.sorted()
            let live = try XCTUnwrap(LivePaths(listed(paths), under: folders, excluded: ["state.sqlite", "archive/"]))
            for folder in ["internal/documents/", "internal/redaction/", "internal/documents/1153/"] {
                XCTAssertEqual(live.paths(under: folder), paths.filter { $0.hasPrefix(folder) }, "round \(round), \(folder)")
            }
            XCTAssertNil(live.paths(under: "public/"), "not a folder it lists")
        }
    }

    func testAFolderHoldingAnExcludedPathIsNotListed() {
        XCTAssertNil(LivePaths(listed(["internal/documents/a.pdf"]), under: ["internal/documents/"], excluded: ["internal/documents/key.pem"]))
        XCTAssertNil(LivePaths(listed(["internal/documents/a.pdf"]), under: ["internal/documents/"], excluded: ["internal/"]))
        XCTAssertNil(LivePaths(listed([]), under: [], excluded: []))
    }
}
