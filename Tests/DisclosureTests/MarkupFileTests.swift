import Disclosure
import TestSupport
import XCTest

/// The gate reads a large public file a piece at a time: it must find exactly what reading it whole
/// finds — the same values at the same places, across the cuts, with the same judgement of short names
/// by their neighbours — and read a file it cannot cut, whole.
final class MarkupFileTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("markup-file-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func index() -> PersonalValueIndex {
        let index = PersonalValueIndex()
        for name in ["王强", "李秀英", "欧阳建国", "张伟", "陈静"] { index.addName(name) }
        index.addIDNumber("530102198807151234")
        index.addPhone("13987654321")
        index.addAddress("昆明市盘龙区人民路66号3栋")
        index.addPublicSeat("昆明市盘龙区人民路66号")
        return index
    }

    /// A feed-like file: one element per line, texts of ordinary words with the values here and there,
    /// some split by a tag or a line break, some in words that only look like a name (王强化, 张伟大).
    private func feed(seed: UInt64, decisions: Int) -> String {
        var generator = SplitMix64(seed: seed)
        let words = ["责令改正", "罚款", "没收违法所得", "当事人", "经营", "食品", "王强化", "用水高峰期", "张伟大", "检查", "人民路", "。", "，",
                     "&amp;", "&#29579;&#24378;", "李秀<br/>英", "1398765<b>4321</b>", "530102<i>19880715</i>1234", "欧阳\n建国", "陈静"]
        var lines = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<decisions>"]
        for number in 0..<decisions {
            let count = generator.next(below: 40) + 5
            let text = (0..<count).map { _ in words[generator.next(below: words.count)] }.joined()
            lines.append("<decision n=\"\(number)\">")
            lines.append("<title>\(text)</title>")
            if generator.next(below: 7) == 0 { lines.append("<address>昆明市盘龙区人民路66号</address>") }
            if generator.next(below: 11) == 0 { lines.append("<address>昆明市盘龙区人民路66号3栋</address>") }
            lines.append("</decision>")
        }
        lines.append("</decisions>")
        return lines.joined(separator: "\n") + "\n"
    }

    private func key(_ hit: GateHit) -> String { "\(hit.kind.rawValue)/\(hit.valueIndex)@\(hit.canonicalOffset)" }

    func testPiecesFindWhatTheWholeFileFinds() throws {
        let index = index()
        for seed in [1, 7, 42, 2026] as [UInt64] {
            let text = feed(seed: seed, decisions: 3_000)
            let path = folder.appendingPathComponent("feed-\(seed).xml").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let whole = index.hits(inMarkup: text).map(key)
            XCTAssertGreaterThan(whole.count, 100, "the test file holds values")
            // Small pieces and contexts: hundreds of cuts, many of them next to a value.
            for (piece, context) in [(4_096, 512), (10_000, 300), (1 << 20, 64 << 10), (4 << 20, 64 << 10)] {
                let pieces = try XCTUnwrap(index.hits(inMarkupFile: path, piece: piece, context: context))
                XCTAssertEqual(pieces.map(key), whole, "seed \(seed), pieces of \(piece) with \(context) around")
            }
        }
    }

    func testAFileWithoutLineStartsIsReadWhole() throws {
        let index = index()
        let text = String(repeating: "{\"t\":\"经营食品\",\"p\":\"王强\"},", count: 5_000) + "\"李秀英\""
        let path = folder.appendingPathComponent("one-line.json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let pieces = try XCTUnwrap(index.hits(inMarkupFile: path, piece: 1_000, context: 100))
        XCTAssertEqual(pieces.map(key), index.hits(inMarkup: text).map(key))
        XCTAssertGreaterThanOrEqual(pieces.count, 5_000)
    }

    func testAnUnreadableFileIsNotPassed() {
        XCTAssertNil(index().hits(inMarkupFile: folder.appendingPathComponent("missing.xml").path))
    }
}
