import Foundation
import TestSupport
@testable import Typesetting
import XCTest

/// The rules that look back over a page: the signature takes text with it
/// (GB/T 9704 7.3.5), a heading keeps two lines after it; and the faces: a
/// character the role's face lacks comes from the next face of the role.
final class PageRulesTests: XCTestCase {
    /// `lines` full lines of body text, set flush so each holds 28 characters.
    private func fullLines(_ lines: Int) -> Block {
        .flush(String(repeating: "行政执法文书", count: lines * 28 / 6) + String(repeating: "文", count: lines * 28 % 6))
    }

    private let signature = Block.signature(Signature(names: ["玉溪市水利局"], date: "2025年3月14日"))

    private func pages(_ blocks: [Block]) throws -> [LaidOutPage] {
        try Fixtures.typesetter.layout(Fixtures.document(blocks, pageNumbers: .none))
    }

    func testFullLinesFillTheirLines() throws {
        let laidOut = try pages([fullLines(20)])
        XCTAssertEqual(laidOut.count, 1)
        XCTAssertEqual(laidOut[0].lines.count, 20)
    }

    func testSignatureThatWouldStartAPageTakesTwoLinesWithIt() throws {
        // 20 lines leave two: the signature needs a blank pair, the name and the date;
        // after 23 it fits under the one line on page 2, which is not enough.
        for used in [19, 20, 21, 22, 23] {
            let laidOut = try pages([fullLines(used), signature])
            XCTAssertEqual(laidOut.count, 2, "\(used)")
            let last = laidOut[laidOut.count - 1].lines.map(\.text)
            XCTAssertEqual(last.suffix(2), ["玉溪市水利局", "2025年3月14日"], "\(used)")
            XCTAssertEqual(last.count, 4, "two lines of text before the signature after \(used) lines: \(last)")
            XCTAssertEqual(laidOut[0].lines.count, used - 2, "\(used)")
        }
    }

    func testSignatureThatFitsMovesNothing() throws {
        let laidOut = try pages([fullLines(18), signature])
        XCTAssertEqual(laidOut.count, 1)
        XCTAssertEqual(laidOut[0].lines.count, 20)
    }

    func testHeadingNeverEndsAPage() throws {
        let heading = Block.heading(.one, "二、处罚依据和内容")
        let after = Block.paragraph(String(repeating: "根据水法第六十五条的规定，", count: 6))
        for used in [20, 21] {
            let laidOut = try pages([fullLines(used), heading, after])
            XCTAssertEqual(laidOut[0].lines.count, used, "\(used): the heading left page 1")
            XCTAssertEqual(laidOut[1].lines.first?.text, "二、处罚依据和内容", "\(used)")
        }
        // With two lines after it on the page the heading stays.
        let laidOut = try pages([fullLines(19), heading, after])
        XCTAssertEqual(laidOut[0].lines.count, 22)
        XCTAssertEqual(laidOut[0].lines[19].text, "二、处罚依据和内容")
    }

    func testHeadingsInARowMoveTogether() throws {
        let blocks: [Block] = [fullLines(20), .heading(.one, "一、违法事实"), .heading(.two, "（一）现场检查情况"),
                               .paragraph(String(repeating: "经查，", count: 30))]
        let laidOut = try pages(blocks)
        XCTAssertEqual(laidOut[0].lines.count, 20)
        XCTAssertEqual(laidOut[1].lines.prefix(2).map(\.text), ["一、违法事实", "（一）现场检查情况"])
    }

    func testSealMarkIsLightAndAboveTheName() throws {
        let marked = Block.signature(Signature(names: ["玉溪市水利局"], date: "2025年3月14日", sealMark: true))
        let laidOut = try pages([.paragraph("特此通知。"), marked])
        let lines = laidOut[0].lines.map(\.text)
        XCTAssertEqual(lines.suffix(3), ["（印章）", "玉溪市水利局", "2025年3月14日"])
        let grays = laidOut[0].items.compactMap { item -> (String, Double)? in
            if case .glyphs(let run) = item { return (run.text, run.gray) }
            return nil
        }
        XCTAssertEqual(grays.first { $0.0 == "（印章）" }?.1, LayoutEngine.sealMarkGray)
        XCTAssertTrue(grays.filter { $0.0 != "（印章）" }.allSatisfy { $0.1 == 0 })
        let text = try Fixtures.pdftotext(Fixtures.typesetter.render(Fixtures.document([.paragraph("特此通知。"), marked])).bytes)
        XCTAssertTrue(text.contains("（印章）"), text)
    }

    /// A role whose first file is absent (no `make deps` yet) takes the next one, and
    /// a role listing one mapping, as older manifests do, still loads.
    func testAbsentFirstFileFallsBackToTheNext() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fonts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let noto = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
        var manifest = "roles:\n"
        for role in ["title", "heading", "kai", "latin"] { manifest += "  \(role):\n    file: \(noto)\n    index: 2\n" }
        manifest += "  body:\n    - file: 没有的仿宋.otf\n    - file: \(noto)\n      index: 2\n"
        try manifest.write(to: folder.appendingPathComponent("fonts.yml"), atomically: true, encoding: .utf8)
        let fonts = try FontSet.load(manifest: folder.appendingPathComponent("fonts.yml"))
        XCTAssertEqual(fonts.face(.body).familyName, "Noto Serif CJK SC")
        XCTAssertFalse(fonts.hasFallback(.body))
        XCTAssertTrue(fonts.face(.body) === fonts.face(.title), "one face for one file and index")
    }

    /// Fandol has GB 2312 only: 堃 喆 昇 㑇 𠮷 of a name come from Noto CJK, never .notdef.
    func testCharactersTheBodyFaceLacksComeFromTheNextFace() throws {
        let fonts = Fixtures.fonts
        let body = fonts.face(.body)
        let rare = "堃喆昇㑇𠮷"
        guard fonts.hasFallback(.body), rare.unicodeScalars.contains(where: { !body.covers($0) }) else {
            throw XCTSkip("正文字体 \(body.familyName) 没有后备字体或已有这些字（未安装 Fandol？运行 make deps）")
        }
        let text = "当事人李堃、王喆、张昇、陈㑇、吉𠮷到场。"
        let laidOut = try pages([.keyValue(key: "当事人：", value: "李堃"), .paragraph(text)])
        for case .glyphs(let run) in laidOut[0].items {
            XCTAssertFalse(run.glyphs.contains { $0.id == 0 }, ".notdef in “\(run.text)” (\(run.face.familyName))")
            if run.text.unicodeScalars.contains(where: { rare.unicodeScalars.contains($0) }) {
                XCTAssertTrue(run.face.familyName.contains("Noto"), "“\(run.text)” drawn with \(run.face.familyName)")
            }
        }
        let rendered = try Fixtures.typesetter.render(Fixtures.document([.keyValue(key: "当事人：", value: "李堃"), .paragraph(text)],
                                                                        pageNumbers: .none))
        let extracted = try Fixtures.pdftotext(rendered.bytes).filter { !$0.isWhitespace }
        XCTAssertEqual(extracted, "当事人：李堃" + text)
        let embedded = try Fixtures.poppler("pdffonts", rendered.bytes)
        XCTAssertTrue(embedded.contains("Fandol"), embedded)
        XCTAssertTrue(embedded.contains("NotoSerifCJK"), "the fallback face is embedded: \(embedded)")
    }
}
