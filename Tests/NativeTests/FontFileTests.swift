import Foundation
@testable import Native
import XCTest

/// A font file is mapped, not read into memory: it must serve shaping and subsetting exactly as the
/// same bytes held in memory do, and a path that is no font file must still be refused by name.
final class FontFileTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("FontFileTests-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    func testAMappedFileShapesAndSubsetsAsItsBytesInMemoryDo() throws {
        let path = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
        try XCTSkipUnless(FileManager.default.fileExists(atPath: path), "fonts-noto-cjk is not installed")
        let bytes = try XCTUnwrap(FileManager.default.contents(atPath: path))
        let mapped = try FontFile(path: path)
        let inMemory = FontFile(bytes: [UInt8](bytes), name: "in memory")
        XCTAssertEqual(mapped.faceCount, inMemory.faceCount)
        XCTAssertGreaterThan(mapped.faceCount, 2)
        let text = "行政处罚决定书：罚款人民币壹万元整（¥10,000.00）。"
        for index in [0, 2] {
            let fromFile = try FontFace(file: mapped, index: index)
            let fromBytes = try FontFace(file: inMemory, index: index)
            XCTAssertEqual(fromFile.unitsPerEm, fromBytes.unitsPerEm)
            XCTAssertEqual(fromFile.shape(text), fromBytes.shape(text), "face \(index)")
            let scalars = text.unicodeScalars.map(\.value)
            let subsetFromFile = try XCTUnwrap(fromFile.subset(covering: scalars))
            let subsetFromBytes = try XCTUnwrap(fromBytes.subset(covering: scalars))
            XCTAssertEqual(subsetFromFile.bytes, subsetFromBytes.bytes, "face \(index)")
            XCTAssertEqual(subsetFromFile.newIDs, subsetFromBytes.newIDs, "face \(index)")
        }
    }

    func testAPathThatIsNoReadableFontFileIsRefusedByName() throws {
        let empty = folder.appendingPathComponent("empty.otf").path
        XCTAssertTrue(FileManager.default.createFile(atPath: empty, contents: Data()))
        let missing = folder.appendingPathComponent("missing.otf").path
        for path in [empty, missing, folder.path] {
            XCTAssertThrowsError(try FontFile(path: path), path) {
                XCTAssertEqual($0 as? FontFile.Failure, .unreadable(path: path))
            }
        }
    }

    /// Every Cairo face of one subset draws from the subset's own bytes (no copy each): the faces outlive
    /// the caller's reference to the subset, and a subset's bytes read back as they were given.
    func testCanvasFontsShareTheirSubsetsBytesAndOutliveItsOtherHolders() throws {
        let path = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
        try XCTSkipUnless(FileManager.default.fileExists(atPath: path), "fonts-noto-cjk is not installed")
        let face = try FontFace(file: FontFile(path: path), index: 2)
        var subset: FontSubset? = try XCTUnwrap(face.subset(covering: Array("执法文书".unicodeScalars.map(\.value))))
        let original = try XCTUnwrap(subset).bytes
        XCTAssertEqual(FontSubset(bytes: original, newIDs: [:], unitsPerEm: 1000).bytes, original)
        let fonts = try (0..<3).map { _ in try CanvasFont(subset: XCTUnwrap(subset)) }
        let pinned = try XCTUnwrap(subset).pinned
        XCTAssertTrue(fonts.allSatisfy { $0.subset.pinned === pinned })
        subset = nil
        XCTAssertEqual(fonts.map { $0.subset.bytes }, Array(repeating: original, count: 3))
    }
}
