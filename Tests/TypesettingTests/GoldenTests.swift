import Foundation
import Native
import TestSupport
@testable import Typesetting
import XCTest

/// First pages rendered to PNG (pdftoppm, 60 dpi) against the files in
/// Golden/. `make golden` (RECORD_GOLDEN=1) refreshes them; a drift fails with
/// the number of differing pixels and writes the new rendering and a diff image.
final class GoldenTests: XCTestCase {
    static let folder = Fixtures.root.appendingPathComponent("Tests/TypesettingTests/Golden")

    private func check(_ name: String, _ document: Document, file: StaticString = #filePath, line: UInt = #line) throws {
        try Golden.check(name, pdf: Fixtures.typesetter.render(document).bytes, folder: Self.folder, file: file, line: line)
    }

    func testTitleNumberAndKeyValues() throws {
        try check("title-number-keyvalue", Fixtures.document([
            .title(["玉溪市水利局", "行政处罚决定书"]), .documentNumber("玉水罚〔2025〕17号"),
            .keyValue(key: "当事人：", value: "玉溪市华泰砂石料有限公司"),
            .keyValue(key: "统一社会信用代码：", value: "91530400MA6K1234X5"),
            .keyValue(key: "住所：", value: "云南省玉溪市红塔区珊瑚路18号玉溪市红塔区珊瑚路18号玉溪市红塔区珊瑚路18号"),
        ]))
    }

    func testHeadingsParagraphsAndLists() throws {
        try check("headings-paragraphs-list", Fixtures.document([
            .heading(.one, "一、违法事实"), .paragraph(Fixtures.facts), .heading(.two, "（一）证据"),
            .heading(.three, "1.书证"), .heading(.four, "（1）现场勘验笔录"),
            .numberedList(["现场勘验笔录1份；", "询问笔录2份（ABC-123，50,000.00元）；", "现场照片12张。"]),
            .flush("顶格段落：以上事实清楚，证据确凿。"),
        ]))
    }

    func testCharts() throws {
        try check("charts", Fixtures.document([
            .centered("表1  图表之前的居中标题"),
            .chart(Chart(kind: .bars, caption: "图1  各类行政执法决定数量",
                         labels: ["行政许可", "行政处罚", "行政强制", "行政检查", "行政征收", "行政收费", "行政确认", "行政给付", "行政裁决", "其他"],
                         values: [5, 23, 2, 4, 2, 0, 2, 2, 0, 2], unit: "件", height: 60)),
            .chart(Chart(kind: .line, caption: "图2  行政执法决定月度数量", labels: (1...12).map { "\($0)月" },
                         values: [4, 2, 1, 6, 3, 2, 3, 5, 6, 1, 5, 4], unit: "件", height: 45)),
        ]))
    }

    func testTable() throws {
        let rows = ReviewTableSample.rows
        try check("table", Fixtures.document([
            .paragraph("经审核，意见如下："),
            .table(Table(columns: [.init("序号", width: 1, alignment: .center), .init("审核事项", width: 3),
                                   .init("结论", width: 1.2, alignment: .center)], rows: rows)),
            .paragraph("以上意见，请研究。"),
        ]))
    }

    func testSignatureWithSeal() throws {
        let seal = RasterImage(width: 240, height: 240)
        seal.strokeCircle(red: 0.85, green: 0.1, blue: 0.1, center: (120, 120), radius: 110, lineWidth: 8)
        try check("signature-seal", Fixtures.document([
            .paragraph(Fixtures.facts),
            .signature(Signature(names: ["玉溪市水利局"], date: "2025年3月14日", sealPNG: try seal.png())),
        ]))
    }

    func testImageAndPageOfTotal() throws {
        let chart = RasterImage(width: 400, height: 200)
        chart.fill(red: 1, green: 1, blue: 1, rectangle: (0, 0, 400, 200))
        for (index, value) in [60.0, 120, 90, 170, 140].enumerated() {
            chart.fill(red: 0.2, green: 0.3, blue: 0.6, rectangle: (30 + Double(index) * 75, 190 - value, 50, value))
        }
        try check("image-page-of-total", Fixtures.document([
            .heading(.one, "一、按月统计"), .image(Image(png: try chart.png(), width: 120, height: 60, caption: "图1 各月决定数")),
            .paragraph("图表之后正文回到网格。"), .pageBreak, .paragraph("第二页。"),
        ], pageNumbers: .pageOfTotal))
    }
}

enum ReviewTableSample {
    static let rows: [[String]] = [
        ["1", "执法主体是否合法", "符合"], ["2", "执法人员是否具备执法资格", "符合"],
        ["3", "案件事实是否清楚，当事人基本情况是否查明", "符合"], ["4", "证据是否合法、充分", "不符合"],
        ["5", "适用法律、法规、规章是否准确", "符合"], ["6", "裁量基准运用是否适当", "不适用"],
    ]
}
