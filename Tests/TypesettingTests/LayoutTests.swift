import Foundation
@testable import Typesetting
import XCTest

final class LineBreakingTests: XCTestCase {
    let geometry = PageGeometry.gbt9704
    let fullLine = String(repeating: "汉", count: 28)

    private func lines(_ blocks: [Block]) throws -> [(baseline: Double, text: String, firstX: Double, lastX: Double)] {
        try Fixtures.typesetter.layout(Fixtures.document(blocks, pageNumbers: .none)).flatMap(\.lines)
    }

    func testNoLineStartsWithClosingPunctuation() throws {
        // 28 characters fill the line exactly, so each mark would start line two.
        for mark in "，。、；：？！）》」』】〕〉”’" {
            let result = try lines([.flush(fullLine + String(mark) + "字字")])
            XCTAssertEqual(result.count, 2, String(mark))
            XCTAssertNotEqual(result[1].text.first, mark, "line starts with \(mark)")
            XCTAssertEqual(result[0].text.last, "汉", String(mark))
            XCTAssertEqual(result[1].text, "汉" + String(mark) + "字字", String(mark))
        }
    }

    func testNoLineEndsWithOpeningPunctuation() throws {
        for mark in "（《「『【〔〈“‘" {
            let text = String(repeating: "汉", count: 27) + String(mark) + "字字"
            let result = try lines([.flush(text)])
            XCTAssertEqual(result.count, 2, String(mark))
            XCTAssertNotEqual(result[0].text.last, mark, "line ends with \(mark)")
            XCTAssertEqual(result[1].text.first, mark, String(mark))
        }
    }

    func testEllipsisAndDashNeverSplit() throws {
        for pair in ["……", "——"] {
            let mark = pair.first!
            for lead in 25...28 {
                let text = String(repeating: "汉", count: lead) + pair + "字"
                let result = try lines([.flush(text)])
                XCTAssertEqual(result.map(\.text).joined(), text)
                for line in result {
                    XCTAssertEqual(line.text.filter { $0 == mark }.count % 2, 0, "\(pair) split: \(result.map(\.text))")
                }
            }
        }
    }

    func testLatinWordsAndNumbersStayWhole() throws {
        let text = String(repeating: "汉", count: 25) + "50,000.00元和ABC-123号"
        let result = try lines([.flush(text)])
        XCTAssertEqual(result.count, 2)
        XCTAssertTrue(result[1].text.hasPrefix("50,000.00"), result[1].text)
        XCTAssertTrue(result.contains { $0.text.contains("ABC-123") })
    }

    func testJustifiedLinesEndAtTheRightEdgeAndTheLastLineIsRagged() throws {
        // "2025" does not fit after 26 characters; the line is spread to the edge.
        let text = String(repeating: "汉", count: 26) + "2025年" + String(repeating: "字", count: 30)
        let pages = try Fixtures.typesetter.layout(Fixtures.document([.flush(text)], pageNumbers: .none))
        let result = pages[0].lines
        XCTAssertEqual(result.count, 3)
        XCTAssertEqual(result[0].text.count, 26)
        let cell = geometry.characterPitch
        XCTAssertEqual(result[0].lastX + cell, geometry.right, accuracy: 0.6)
        XCTAssertEqual(result[1].lastX + cell, geometry.right, accuracy: 0.6)
        XCTAssertLessThan(result[2].lastX + cell, geometry.right - cell)
    }

    func testJustificationNeverOpensGapsThatReadAsSpaces() throws {
        // A long number leaves three characters of room: the gaps stop at a tenth of an em.
        let text = String(repeating: "汉", count: 25) + "50,000.00元和" + String(repeating: "字", count: 30)
        let first = try Fixtures.typesetter.layout(Fixtures.document([.flush(text)], pageNumbers: .none))[0]
        var xs: [Double] = []
        for case .glyphs(let run) in first.items where run.glyphs.first?.y == first.lines[0].baseline {
            xs += run.glyphs.map(\.x)
        }
        for (a, b) in zip(xs, xs.dropFirst()) {
            XCTAssertLessThan(b - a - geometry.characterPitch, 16 * 0.1)
        }
    }

    func testFirstLineIndentIsTwoCharacters() throws {
        let result = try lines([.paragraph(String(repeating: "汉", count: 40))])
        XCTAssertEqual(result[0].firstX, geometry.left + 2 * geometry.characterPitch, accuracy: 0.01)
        XCTAssertEqual(result[1].firstX, geometry.left, accuracy: 0.01)
        XCTAssertEqual(result[0].text.count, 26)
        XCTAssertEqual(result[1].text.count, 14)
    }
}

final class GridTests: XCTestCase {
    let geometry = PageGeometry.gbt9704

    func testAFullPageIs22LinesOf28Characters() throws {
        let text = String(repeating: "国", count: 28 * 22 + 5)
        let pages = try Fixtures.typesetter.layout(Fixtures.document([.flush(text)], pageNumbers: .none))
        XCTAssertEqual(pages.count, 2)
        let first = pages[0].lines
        XCTAssertEqual(first.count, 22)
        XCTAssertTrue(first.allSatisfy { $0.text.count == 28 })
        XCTAssertEqual(pages[1].lines.map(\.text.count), [5])
        // Columns on the 156 mm / 28 pitch, lines on the 225 mm / 22 pitch.
        for case .glyphs(let run) in pages[0].items {
            for (index, glyph) in run.glyphs.enumerated() {
                let column = (glyph.x - geometry.left) / geometry.characterPitch
                XCTAssertEqual(column, column.rounded(), accuracy: 0.001, "glyph \(index)")
            }
        }
        let baselines = first.map(\.baseline)
        for (a, b) in zip(baselines, baselines.dropFirst()) { XCTAssertEqual(b - a, geometry.linePitch, accuracy: 0.01) }
        XCTAssertEqual(geometry.characterPitch * 28, 156 * PageGeometry.millimetre, accuracy: 1e-9)
        XCTAssertEqual(geometry.linePitch * 22, 225 * PageGeometry.millimetre, accuracy: 1e-9)
        // The first glyph's left edge is the block's left edge; the last line's em box sits inside the block.
        XCTAssertEqual(first[0].firstX, geometry.left, accuracy: 0.01)
        XCTAssertLessThan(baselines.last! + 16 * 0.12, geometry.bottom)
    }

    func testGridHoldsInThePDF() throws {
        let text = String(repeating: "国", count: 28 * 3)
        let rendered = try Fixtures.typesetter.render(Fixtures.document([.flush(text)], pageNumbers: .none))
        let words = try Fixtures.words(rendered.bytes)
        let lineTops = Set(words.map { ($0.yMin * 10).rounded() / 10 }).sorted()
        XCTAssertEqual(lineTops.count, 3)
        XCTAssertEqual(lineTops[1] - lineTops[0], geometry.linePitch, accuracy: 0.1)
        let left = words.map(\.xMin).min()!, right = words.map(\.xMax).max()!
        XCTAssertEqual(left, geometry.left, accuracy: 0.5)
        // Glyphs are 16 pt on a 15.79 pt pitch: the last one overhangs by 0.21 pt.
        XCTAssertEqual(right, geometry.right + 16 - geometry.characterPitch, accuracy: 0.5)
    }
}

final class PageNumberTests: XCTestCase {
    let geometry = PageGeometry.gbt9704

    func testNumbersAlternateSidesSevenMillimetresBelowTheBlock() throws {
        let text = String(repeating: "国", count: 28 * 22 * 2 + 10)
        let rendered = try Fixtures.typesetter.render(Fixtures.document([.flush(text)]))
        XCTAssertEqual(rendered.pageCount, 3)
        let words = try Fixtures.words(rendered.bytes).filter { $0.text.contains("—") }
        XCTAssertEqual(words.count, 6, "\(words)")
        for page in 1...3 {
            let marks = words.filter { $0.page == page }
            let xMin = marks.map(\.xMin).min()!, xMax = marks.map(\.xMax).max()!
            if page % 2 == 1 {
                XCTAssertEqual(xMax, geometry.right - 14, accuracy: 1, "page \(page) right, one character in")
            } else {
                XCTAssertEqual(xMin, geometry.left + 14, accuracy: 1, "page \(page) left, one character in")
            }
            // The dash's middle is 7 mm below the block.
            let middle = marks.map { ($0.yMin + $0.yMax) / 2 }.reduce(0, +) / Double(marks.count)
            XCTAssertEqual(middle, geometry.bottom + 7 * PageGeometry.millimetre, accuracy: 2.5, "page \(page)")
        }
        let text2 = try Fixtures.pdftotext(rendered.bytes)
        XCTAssertTrue(text2.contains("1") && text2.contains("2") && text2.contains("3"))
    }

    func testPageOfTotalForForms() throws {
        let text = String(repeating: "国", count: 28 * 30)
        let rendered = try Fixtures.typesetter.render(Fixtures.document([.flush(text)], pageNumbers: .pageOfTotal))
        let extracted = try Fixtures.pdftotext(rendered.bytes).replacingOccurrences(of: " ", with: "")
        XCTAssertTrue(extracted.contains("第1页共2页"), extracted)
        XCTAssertTrue(extracted.contains("第2页共2页"), extracted)
    }
}

final class TableTests: XCTestCase {
    func testHeaderRepeatsOnEveryPageAndRowsNeverSplit() throws {
        let rows = (1...60).map { ["第\($0)项", "事实清楚，证据确凿，适用法律正确，程序合法。", "符合"] }
        let table = Table(columns: [.init("序号", width: 1), .init("审核内容", width: 4), .init("结论", width: 1, alignment: .center)],
                          rows: rows)
        let document = Fixtures.document([.paragraph("法制审核情况如下："), .table(table), .paragraph("以上意见供参考。")])
        let pages = try Fixtures.typesetter.layout(document)
        XCTAssertGreaterThan(pages.count, 2)
        for (index, page) in pages.enumerated() where page.items.contains(where: { if case .rule = $0 { return true }; return false }) {
            let texts = page.lines.map(\.text)
            let header = texts.firstIndex { $0.contains("审核内容") }
            XCTAssertNotNil(header, "page \(index + 1) has the header")
        }
        let rendered = try Fixtures.typesetter.render(document)
        let extracted = try Fixtures.pdftotext(rendered.bytes)
        for number in 1...60 { XCTAssertTrue(extracted.contains("第\(number)项"), "row \(number)") }
        XCTAssertEqual(extracted.components(separatedBy: "审核内容").count - 1, rendered.pageCount)
    }
}

final class PDFTests: XCTestCase {
    func testExtractedTextEqualsTheSource() throws {
        let paragraphs = [Fixtures.facts, "当事人应当自收到本决定书之日起十五日内缴纳罚款人民币伍万元整（¥50,000.00）。逾期不缴纳的，每日按罚款数额的3%加处罚款。",
                          "行政处罚法第五十九条规定的事项：（一）当事人的姓名或者名称、地址；（二）违反法律、法规、规章的事实和证据。"]
        let document = Fixtures.document([.title(["玉溪市水利局", "行政处罚决定书"]), .documentNumber("玉水罚〔2025〕17号"),
                                          .keyValue(key: "当事人：", value: "张三")] + paragraphs.map(Block.paragraph),
                                         pageNumbers: .none)
        let rendered = try Fixtures.typesetter.render(document)
        let extracted = try Fixtures.pdftotext(rendered.bytes)
            .replacingOccurrences(of: "\n", with: "").replacingOccurrences(of: "\u{0C}", with: "")
        let source = "玉溪市水利局行政处罚决定书玉水罚〔2025〕17号当事人：张三" + paragraphs.joined()
        XCTAssertEqual(extracted, source)
        // Kangxi radicals (U+2F00…) would mean glyphs were mapped back without the text.
        XCTAssertFalse(extracted.unicodeScalars.contains { (0x2F00...0x2FDF).contains($0.value) })
    }

    /// A long number pushed to the next line would leave wide gaps; justification
    /// stops short of the width at which text extraction reads gaps as spaces.
    func testLooseLinesStillExtractWithoutSpaces() throws {
        let item = "罚款人民币壹拾壹万陆仟捌佰伍拾元整（¥116,850.00）。"
        let source = "1." + item
        let rendered = try Fixtures.typesetter.render(Fixtures.document([.numberedList([item])], pageNumbers: .none))
        let extracted = try Fixtures.pdftotext(rendered.bytes).replacingOccurrences(of: "\n", with: "")
            .replacingOccurrences(of: "\u{0C}", with: "")
        XCTAssertEqual(extracted, source)
    }

    func testSameInputSameBytes() throws {
        let document = Fixtures.document([.title(["行政处罚决定书"]), .paragraph(Fixtures.facts),
                                          .signature(Signature(names: ["玉溪市水利局"], date: "2025年3月14日"))])
        let first = try Fixtures.typesetter.render(document)
        let second = try Fixtures.typesetter.render(document)
        let fresh = try Typesetter(fonts: Fixtures.fonts).render(document)
        XCTAssertEqual(first.bytes, second.bytes)
        XCTAssertEqual(first.bytes, fresh.bytes)
        let postscript = OutputProfile(kind: .print(PrintableArea(top: 5, right: 5, bottom: 5, left: 5)), format: .postscript)
        XCTAssertEqual(try Fixtures.typesetter.render(document, profile: postscript).bytes,
                       try Fixtures.typesetter.render(document, profile: postscript).bytes)
    }

    func testMetadataComesFromTheData() throws {
        let rendered = try Fixtures.typesetter.render(Fixtures.document([.paragraph("正文")]))
        let info = try Fixtures.poppler("pdfinfo", rendered.bytes, arguments: ["-isodates"])
        XCTAssertTrue(info.contains("Title:           行政处罚决定书"), info)
        XCTAssertTrue(info.contains("Author:          玉溪市水利局"), info)
        XCTAssertTrue(info.contains("Subject:         行政处罚"), info)
        XCTAssertTrue(info.contains("Keywords:        行政处罚, 水法"), info)
        XCTAssertTrue(info.contains("CreationDate:    2025-03-14T00:00:00"), info)
        XCTAssertTrue(info.contains("Page size:       595.276 x 841.89 pts (A4)"), info)
    }

    func testFontsAreEmbeddedAsSubsets() throws {
        let rendered = try Fixtures.typesetter.render(Fixtures.document([.title(["标题"]), .paragraph("正文Latin 123")]))
        let fonts = try Fixtures.poppler("pdffonts", rendered.bytes)
        let rows = fonts.split(separator: "\n").dropFirst(2)
        XCTAssertFalse(rows.isEmpty)
        for row in rows {
            let columns = row.split(separator: " ")
            XCTAssertTrue(columns[0].dropFirst(6).hasPrefix("+"), "subset tag: \(row)")
            XCTAssertTrue(row.contains(" yes yes yes "), "embedded, subset, unicode: \(row)")
        }
        XCTAssertLessThan(rendered.bytes.count, 60_000, "subsets, not whole CJK fonts")
    }

    func testMissingFontNamesRoleAndPath() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fonts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let manifest = try String(contentsOf: Fixtures.root.appendingPathComponent("Fonts/fonts.yml"), encoding: .utf8)
            .replacingOccurrences(of: "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", with: "方正黑体.ttf")
        try manifest.write(to: folder.appendingPathComponent("fonts.yml"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try FontSet.load(manifest: folder.appendingPathComponent("fonts.yml"))) { error in
            let failure = error as? FontError
            XCTAssertEqual(failure?.role, "标题（黑体）")
            XCTAssertEqual(failure?.path, folder.appendingPathComponent("方正黑体.ttf").path)
        }
    }

    func testRareCharactersOutsideTheWorkingFontStillRenderAndExtract() throws {
        // 喆 and 堃 are not in GB 2312: they come from the per-document fallback subset.
        let rendered = try Fixtures.typesetter.render(Fixtures.document([.paragraph("当事人王喆、李堃到场。")], pageNumbers: .none))
        let extracted = try Fixtures.pdftotext(rendered.bytes).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(extracted, "当事人王喆、李堃到场。")
    }
}
