import CaseModel
@testable import Ingest
import XCTest

final class NormalizeTests: XCTestCase {
    func testDatesInEveryExportForm() {
        let expected = CivilDate(year: 2025, month: 3, day: 14)
        for text in ["2025-03-14", "2025/3/14", "2025.03.14", "2025年3月14日", "20250314", "２０２５-０３-１４", " 2025-03-14\u{3000}"] {
            XCTAssertEqual(Normalize.date(text), expected, text)
        }
    }

    func testBrokenDatesAreRejected() {
        // The broken forms gen_export.py plants, plus mixed separators.
        for text in ["2025-02-30", "2025/13/08", "2025年3月", "20251341", "2025.00.12", "待定", "2025-3/14", "25-03-14", ""] {
            XCTAssertNil(Normalize.date(text), text)
        }
    }

    func testDateTimes() {
        XCTAssertEqual(Normalize.dateTime("2025-03-14 10:20:30")?.iso, "2025-03-14T10:20:30")
        XCTAssertEqual(Normalize.dateTime("2025-03-14 10:20")?.iso, "2025-03-14T10:20:00")
        XCTAssertEqual(Normalize.dateTime("2025-03-14T10:20:30")?.iso, "2025-03-14T10:20:30")
        XCTAssertEqual(Normalize.dateTime("2025/3/14 09:05")?.iso, "2025-03-14T09:05:00")
        XCTAssertNil(Normalize.dateTime("2025-03-14 25:00"))
    }

    func testFlags() {
        for yes in ["是", "Y", "y", "1", "true", "TRUE", "Ｙ"] { XCTAssertEqual(Normalize.flag(yes), true, yes) }
        for no in ["否", "N", "0", "false", "False"] { XCTAssertEqual(Normalize.flag(no), false, no) }
        XCTAssertNil(Normalize.flag("也许"))
    }

    func testAmountsAreExactDecimals() {
        func fen(_ text: String) -> Int64? { Normalize.amount(text).flatMap { $0 }?.fen }
        XCTAssertEqual(fen("50000"), 5_000_000)
        XCTAssertEqual(fen("50,000.00"), 5_000_000)
        XCTAssertEqual(fen("50000元"), 5_000_000)
        XCTAssertEqual(fen("5万元"), 5_000_000)
        XCTAssertEqual(fen("5万"), 5_000_000)
        XCTAssertEqual(fen("1.25万元"), 1_250_000)
        XCTAssertEqual(fen("0.0001万元"), 100)
        XCTAssertEqual(fen("￥1,200.50"), 120_050)
        XCTAssertEqual(fen("人民币300元整"), 30_000)
        XCTAssertEqual(fen("１２００"), 120_000)
        XCTAssertEqual(fen("1234.5"), 123_450)
        XCTAssertNotNil(Normalize.amount(""), "empty is a valid 'none'")
        XCTAssertNil(Normalize.amount("")!, "empty means no amount")
        for bad in ["1.234", "-5", "五万元", "0.0000001万", "abc", "1.2.3"] {
            XCTAssertNil(Normalize.amount(bad), bad)
        }
    }

    func testWidthAndNames() {
        XCTAssertEqual(Normalize.halfWidth("ＹＸＳＬ－２０２５"), "YXSL-2025")
        XCTAssertEqual(Normalize.halfWidth("罚〔２０２５〕１７号"), "罚〔2025〕17号")
        XCTAssertEqual(Normalize.personName("张\u{3000}三"), "张三")
        XCTAssertEqual(Normalize.trim("\u{3000}玉溪市\u{3000}"), "玉溪市")
        XCTAssertEqual(Normalize.list("A；B;C、 D，E,F|G\r\nH", separators: .items), ["A", "B", "C", "D", "E", "F", "G", "H"])
        XCTAssertEqual(Normalize.list("笔录1份，照片2张；视频\n检测报告", separators: .evidence), ["笔录1份，照片2张", "视频", "检测报告"])
    }
}

final class CSVAndEncodingTests: XCTestCase {
    func testRFC4180QuotingAndLineNumbers() throws {
        let text = "a,b,c\r\n1,\"x, \"\"quoted\"\"\",3\r\n2,\"line1\r\nline2\",4\r\n\r\n5,,\n"
        let records = CSVReader.parse(Array(text.utf8))
        XCTAssertEqual(records.map(\.fields), [["a", "b", "c"], ["1", "x, \"quoted\"", "3"],
                                                ["2", "line1\r\nline2", "4"], ["5", "", ""]])
        XCTAssertEqual(records.map(\.line), [1, 2, 3, 6])
    }

    func testUnterminatedQuoteMarksItsRecordAndLosesNothing() {
        let records = CSVReader.parse(Array("a,b,c\n1,2,3\n4,\"open,6\n7,8,9\n".utf8))
        XCTAssertEqual(records.map(\.line), [1, 2, 3, 4])
        XCTAssertEqual(records.map(\.defect), [nil, nil, .strayQuote(field: 1), .swallowed(byLine: 3)])
        XCTAssertEqual(records[3].fields, ["7", "8", "9"])
    }

    func testEncodingIsDecidedPerFile() throws {
        let utf8 = try TextDecoding.decode(Array("执法,1".utf8))
        XCTAssertEqual(utf8.encoding, .utf8)
        let bom = try TextDecoding.decode([0xEF, 0xBB, 0xBF] + Array("执法".utf8))
        XCTAssertEqual(bom.encoding, .utf8WithBOM)
        XCTAssertEqual(String(decoding: bom.utf8, as: UTF8.self), "执法")
        let gb = try TextDecoding.decode([0xD6, 0xB4, 0xB7, 0xA8, 0x2C, 0x31])
        XCTAssertEqual(gb.encoding, .gb18030)
        XCTAssertEqual(String(decoding: gb.utf8, as: UTF8.self), "执法,1")
        XCTAssertThrowsError(try TextDecoding.decode([0x41, 0x0A, 0x42, 0xFF, 0xFF]))
    }

    func testOverlongUTF8IsNotUTF8() {
        XCTAssertFalse(TextDecoding.isValidUTF8([0xC0, 0x80]))
        XCTAssertFalse(TextDecoding.isValidUTF8([0xED, 0xA0, 0x80]), "surrogates are not UTF-8")
        XCTAssertTrue(TextDecoding.isValidUTF8(Array("𠀀执法".utf8)))
    }
}

final class ParallelCSVTests: XCTestCase {
    /// A large input parses in pieces on every core; the result must equal one serial pass.
    func testPiecesGiveTheSameRecordsAsOnePass() throws {
        var text = "id,note,amount\r\n"
        for row in 0..<6_000 {
            text += row % 7 == 0 ? "\(row),\"多行\r\n备注，含\"\"引号\"\"\",\(row)元\r\n" : "\(row),普通备注,\(row)\r\n"
        }
        let bytes = Array(text.utf8)
        let parallel = CSVReader.parse(bytes, parts: 8)
        let serial = CSVReader.parse(bytes, parts: 1)
        XCTAssertEqual(bytes.withUnsafeBufferPointer { CSVReader.split($0, parts: 8) }.count, 8)
        XCTAssertEqual(parallel.count, 6_001)
        XCTAssertEqual(parallel.map(\.fields), serial.map(\.fields))
        XCTAssertEqual(parallel.map(\.line), serial.map(\.line))
        XCTAssertEqual(serial[8].line, 10, "row 0 spans two lines")
    }

    func testStrayQuotesFallBackToOnePiece() {
        let bytes = Array(("a,b\n" + String(repeating: "1,x\"y\n", count: 10)).utf8)
        XCTAssertEqual(bytes.withUnsafeBufferPointer { CSVReader.split($0, parts: 4) }.count, 1)
    }
}
