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

    /// The stamps come back with their paths, every field whole (the commit hands them to the archive's listing).
    func testEveryFileUnderAFolderComesBackWithItsStamp() throws {
        var random = SplitMix64(seed: 0x57A4)
        let folders = ["internal/documents/", "internal/redaction/"]
        for round in 0..<100 {
            let paths = Set((0..<random.next(below: 300)).map { _ in
                (0..<(1 + random.next(below: 5))).map { _ in parts[random.next(below: parts.count)] }.joined(separator: "/")
            }).sorted()
            let files = paths.map { path in
                ListedFile(path: path, stamp: FileStamp(device: 64_769, inode: UInt64(random.next(below: Int.max)) << 1 | 1,
                                                        size: random.next(below: 1 << 40), modifiedSeconds: random.next(below: 1 << 34),
                                                        modifiedNanoseconds: random.next(below: 1_000_000_000)),
                           isLink: random.next(below: 10) == 0,
                           changed: (random.next(below: 1 << 34), random.next(below: 1_000_000_000)))
            }
            let whole = try XCTUnwrap(LivePaths(files, under: folders, excluded: ["archive/"]))
            // Added a window at a time, as the night-start walk hands the listing out: the same listing.
            var windowed = try XCTUnwrap(LivePaths(under: folders, excluded: ["archive/"]))
            var start = 0
            while start < files.count {
                let end = min(files.count, start + 1 + random.next(below: 40))
                XCTAssertTrue(windowed.add(Array(files[start..<end])))
                start = end
            }
            windowed.finish()
            for live in [whole, windowed] {
                for folder in folders + ["internal/documents/1153/"] {
                    let expected = files.filter { $0.path.hasPrefix(folder) }
                    let back = try XCTUnwrap(live.files(under: folder), "round \(round)")
                    XCTAssertEqual(back.map(\.path), expected.map(\.path), "round \(round), \(folder)")
                    XCTAssertTrue(zip(back, expected).allSatisfy { $0.stamp == $1.stamp && $0.isLink == $1.isLink && $0.changed == $1.changed },
                                  "round \(round), \(folder): stamps as listed")
                }
                XCTAssertNil(live.files(under: "public/"))
            }
        }
        // Files on two devices: the paths are known, the stamps are not.
        var two = listed(["internal/documents/a.pdf", "internal/documents/b.pdf"])
        two[1].stamp.device = 2
        let live = try XCTUnwrap(LivePaths(two, under: ["internal/documents/"], excluded: []))
        XCTAssertEqual(live.paths(under: "internal/documents/"), ["internal/documents/a.pdf", "internal/documents/b.pdf"])
        XCTAssertNil(live.files(under: "internal/documents/"))
    }

    func testAFolderHoldingAnExcludedPathIsNotListed() {
        XCTAssertNil(LivePaths(listed(["internal/documents/a.pdf"]), under: ["internal/documents/"], excluded: ["internal/documents/key.pem"]))
        XCTAssertNil(LivePaths(listed(["internal/documents/a.pdf"]), under: ["internal/documents/"], excluded: ["internal/"]))
        XCTAssertNil(LivePaths(listed([]), under: [], excluded: []))
    }
}
