import CaseModel
import Foundation
@testable import Pipeline
import XCTest

/// Last night's review page is read from its file a piece at a time, not held whole: wherever the pieces end, the
/// sections found and their bytes are those of the page as written, with an id read twice left out and the scan
/// ending at the first malformed section, as a scan of the whole page does.
final class ReviewQueueLastPageTests: XCTestCase {
    func testSectionsReadInPiecesAreThePagesWhateverThePieceSize() throws {
        let (page, expected) = Self.page(sections: 120, seed: 7)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sanxiang-lastpage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("queue.html").path
        try Data(page).write(to: URL(fileURLWithPath: path))

        XCTAssertEqual(ReviewQueue.sections(in: page), expected.ranges)
        for chunk in [3, 13, 14, 15, 64, 1000, 1 << 22] {
            let file = try XCTUnwrap(ReviewQueue.LastPage(path: path)?.file)
            XCTAssertEqual(ReviewQueue.sections(reading: file, chunk: chunk), expected.ranges, "chunk \(chunk)")
        }
        let last = try XCTUnwrap(ReviewQueue.LastPage(path: path))
        for (id, text) in expected.texts {
            XCTAssertEqual(try XCTUnwrap(last.section(id)).text(), text, id)
        }
        XCTAssertNil(last.section("重复编号"))
        XCTAssertNil(last.section("在坏节之后"))
    }

    func testAMissingPageIsNoPageAndAShortReadStopsTheStage() throws {
        XCTAssertNil(ReviewQueue.LastPage(path: "/nonexistent/queue.html"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sanxiang-lastpage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("queue.html").path
        let (page, expected) = Self.page(sections: 3, seed: 1)
        try Data(page).write(to: URL(fileURLWithPath: path))
        let last = try XCTUnwrap(ReviewQueue.LastPage(path: path))
        // The file cut short under the open page: a section past its new end is not made of fewer bytes.
        try Data(page.prefix(10)).write(to: URL(fileURLWithPath: path))
        let id = try XCTUnwrap(expected.texts.keys.sorted().last)
        XCTAssertThrowsError(try XCTUnwrap(last.section(id)).text())
    }

    /// A page as `ReviewQueue.page` lays it out: sections with ids of varied lengths (some Chinese, one holding "（", which
    /// reads as a shorter id), one id twice, then a malformed section and one more after it that no scan reaches.
    private static func page(sections count: Int, seed: UInt64) -> (bytes: [UInt8], expected: (ranges: [String: Range<Int>], texts: [String: String])) {
        var state = seed
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33)
        }
        var bytes = Array("<!DOCTYPE html>\n<html><body><h1>公示前人工审核清单</h1>\n".utf8)
        var ranges: [String: Range<Int>] = [:]
        var texts: [String: String] = [:]
        func add(_ id: String, heading: String) -> Range<Int> {
            let body = String(repeating: "违法事实<del>张某</del><ins>张某某</ins>；", count: 1 + next() % 40)
            let section = "<section>\n<h2>\(heading)（截止 2026年1月\(1 + next() % 28)日）</h2>\n<p>\(body)</p>\n</section>\n"
            let start = bytes.count
            bytes += Array(section.utf8)
            texts[id] = section
            return start..<bytes.count
        }
        for number in 0..<count {
            let id = number % 3 == 0 ? "案件\(number)号" : "CASE-2025-" + String(repeating: "0", count: next() % 6) + "\(number)"
            ranges[id] = add(id, heading: id)
        }
        _ = add("重复编号", heading: "重复编号")
        _ = add("重复编号", heading: "重复编号")
        texts["重复编号"] = nil
        bytes += Array("<section>\n<h2>没有括号的坏节</h2>\n</section>\n".utf8)
        _ = add("在坏节之后", heading: "在坏节之后")
        texts["在坏节之后"] = nil
        bytes += Array("</body></html>\n".utf8)
        return (bytes, (ranges, texts))
    }

    /// Tonight's sections wait in a file of the staging area: 600 of random sizes and scripts read back as staged, in any
    /// order; the page made from them lists them by deadline then case id; the file goes with the last entry holding it.
    func testStagedSectionsReadBackAsMadeAndTheirFileGoesWithThem() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sanxiang-staged-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent(ReviewQueue.StagedSections.fileName).path
        var generator = SystemRandomNumberGenerator()
        let pieces = ["当事人", "张某", "<del>", "罚款 2,000 元", "\n", "é", "🙂", "x"]
        var staged: ReviewQueue.StagedSections? = try ReviewQueue.StagedSections(path: path)
        var entries: [ReviewQueue.Entry] = []
        var texts: [String: String] = [:]
        for number in 0..<600 {
            let text = "<section>\n" + (0..<Int.random(in: 0...400, using: &generator)).map { _ in
                pieces.randomElement(using: &generator) ?? ""
            }.joined() + "\(number)</section>\n"
            let id = "C-\(String(format: "%04d", number))"
            let deadline = try XCTUnwrap(CivilDate(iso: "2026-01-\(String(format: "%02d", 1 + number % 28))"))
            entries.append(.init(caseID: id, uncertain: 0, deadline: deadline, section: try XCTUnwrap(staged).stage(text)))
            texts[id] = text
        }
        for entry in entries.shuffled(using: &generator) { XCTAssertEqual(try entry.section.text(), texts[entry.caseID]) }

        var page = ""
        try ReviewQueue.page(entries, asOf: try XCTUnwrap(CivilDate(iso: "2026-01-06")), emit: { page += $0 })
        let order = entries.sorted { ($0.deadline, $0.caseID) < ($1.deadline, $1.caseID) }.compactMap { texts[$0.caseID] }
        XCTAssertTrue(page.contains(order.joined()), "the sections in deadline order, then by case id")

        staged = nil
        XCTAssertTrue(FileManager.default.fileExists(atPath: path), "held while an entry holds a section")
        entries = []
        XCTAssertFalse(FileManager.default.fileExists(atPath: path), "the file goes with the last section")
    }
}
