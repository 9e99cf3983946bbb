import CaseModel
import Foundation
@testable import Native
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

    /// Texts gather in memory and are written a batch at a time: those written and those not yet written both come back.
    func testTextsComeBackWrittenOrGathered() throws {
        let descriptor = open(folder.appendingPathComponent("spill").path, O_RDWR | O_CREAT | O_EXCL, 0o600)
        XCTAssertGreaterThanOrEqual(descriptor, 0)
        let store = TextSpillFile(descriptor: descriptor, batchBytes: 1_000)
        let texts = (0..<300).map { "第\($0)段：" + String(repeating: "当事人于𠀀日擅自", count: 2 + $0 % 7) }
        let kept = Self.kept(texts, in: store)
        XCTAssertTrue(kept.allSatisfy(\.isStored))
        let onDisk = Int(lseek(descriptor, 0, SEEK_END))
        XCTAssertGreaterThan(onDisk, 0, "full batches are written")
        XCTAssertLessThan(onDisk, store.size, "the last texts are still gathered")
        XCTAssertEqual(concurrentMap(kept, chunkSize: 8) { $0.string }, texts)
        XCTAssertEqual(store.failedReads, 0)
    }

    /// A batch that cannot be written (a full disk: /dev/full) stays in memory and is read from there; texts offered after
    /// it stay in their cases.
    func testABatchThatCannotBeWrittenIsReadFromMemory() throws {
        let descriptor = open("/dev/full", O_RDWR)
        XCTAssertGreaterThanOrEqual(descriptor, 0)
        let store = TextSpillFile(descriptor: descriptor, batchBytes: 500)
        let texts = (0..<40).map { "处理决定第\($0)号：责令改正，并处罚款" + String(repeating: "伍仟元整", count: 1 + $0 % 5) }
        let kept = Self.kept(texts, in: store)
        let stored = kept.prefix { $0.isStored }.count
        XCTAssertGreaterThan(stored, 0)
        XCTAssertLessThan(stored, texts.count, "after the failed write the store takes no more")
        XCTAssertTrue(kept[stored...].allSatisfy { !$0.isStored })
        XCTAssertEqual(kept.map(\.string), texts)
        XCTAssertEqual(store.failedReads, 0)
        store.discard()
        XCTAssertEqual(kept[0].string, "")
        XCTAssertEqual(store.failedReads, 1)
    }

    /// Each text as an `ExportText` offered to `store`.
    private static func kept(_ texts: [String], in store: TextSpillFile) -> [ExportText] {
        texts.map { text in
            var value = ExportText(text)
            value.store(in: store)
            return value
        }
    }

    func testNoStoreWhereNoFileCanBeMade() {
        XCTAssertNil(TextSpillFile(folder: folder.appendingPathComponent("missing").path))
        let file = folder.appendingPathComponent("a-file")
        XCTAssertTrue(FileManager.default.createFile(atPath: file.path, contents: Data("x".utf8)))
        XCTAssertNil(TextSpillFile(folder: file.path))
    }
}
