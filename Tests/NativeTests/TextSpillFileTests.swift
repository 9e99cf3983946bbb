import CaseModel
import Foundation
import Native
import XCTest

/// The unnamed file that holds a night's long texts gives back every text as it was kept, from any thread, and leaves
/// nothing in its folder.
final class TextSpillFileTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("sanxiang-spill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: folder)
    }

    func testTextsComeBackAsKeptFromEveryThread() throws {
        let store = try XCTUnwrap(TextSpillFile(folder: folder.path))
        var generator = SystemRandomNumberGenerator()
        let pieces = ["违法事实：当事人未经批准擅自取水。", "𠀀𠀁 emoji 👩‍👩‍👧 and ASCII", "处理决定\r\n第二行\u{0}", ""]
        var texts: [ExportText] = []
        var expected: [String] = []
        for index in 0..<2_000 {
            let text = (0..<Int.random(in: 3...40, using: &generator)).map { _ in pieces.randomElement(using: &generator) ?? "" }.joined()
                + String(index)
            var value = ExportText(text)
            value.store(in: store)
            XCTAssertEqual(value.isStored, text.utf8.count >= ExportText.minimumStoredBytes, text)
            texts.append(value)
            expected.append(text)
        }
        XCTAssertGreaterThan(store.size, 100_000)
        let read = concurrentMap(Array(texts.indices), chunkSize: 16) { texts[$0].string }
        XCTAssertEqual(read, expected)
        XCTAssertEqual(store.failedReads, 0)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [], "the file has no name")
        // Once discarded, the texts are gone: a read is a failed read, counted, and nothing more is kept.
        store.discard()
        XCTAssertEqual(store.size, 0)
        let stored = try XCTUnwrap(texts.first { $0.isStored })
        XCTAssertEqual(stored.string, "")
        XCTAssertEqual(store.failedReads, 1)
        var late = ExportText(expected[0] + expected[1] + String(repeating: "x", count: ExportText.minimumStoredBytes))
        late.store(in: store)
        XCTAssertFalse(late.isStored)
    }

    func testNoStoreWhereNoFileCanBeMade() {
        XCTAssertNil(TextSpillFile(folder: folder.appendingPathComponent("missing").path))
        let file = folder.appendingPathComponent("a-file")
        FileManager.default.createFile(atPath: file.path, contents: Data("x".utf8))
        XCTAssertNil(TextSpillFile(folder: file.path))
    }
}
