import CaseModel
@testable import Ingest
import XCTest

/// Equal fields share one String's storage, and sharing never changes a field.
final class StringInternerTests: XCTestCase {
    /// Where a String keeps its UTF-8 bytes: equal addresses mean one shared storage.
    private func address(_ string: String) -> UnsafeRawPointer? {
        var string = string
        return string.withUTF8 { UnsafeRawPointer($0.baseAddress) }
    }

    /// A reference reader that shares nothing: a field is the text between
    /// commas, quotes taken off and doubled quotes made single.
    private func plainFields(_ csv: String) -> [[String]] {
        csv.split(separator: "\n", omittingEmptySubsequences: true).map { line in
            var fields: [String] = []
            var field = ""
            var quoted = false
            var chars = Array(line)
            var i = 0
            while i < chars.count {
                let c = chars[i]
                if quoted {
                    if c == "\"", i + 1 < chars.count, chars[i + 1] == "\"" { field.append("\""); i += 1 } else if c == "\"" { quoted = false } else { field.append(c) }
                } else if c == "\"" {
                    quoted = true
                } else if c == "," {
                    fields.append(field)
                    field = ""
                } else {
                    field.append(c)
                }
                i += 1
            }
            fields.append(field)
            chars.removeAll()
            return fields
        }
    }

    /// Random rows over columns of every kind: a few long values repeated, every value
    /// distinct, short values, quoted values with commas and doubled quotes. The reader's
    /// fields equal the reference reader's, whether the file is read in one piece or eight.
    func testSharingNeverChangesAField() {
        var generator = SystemRandomNumberGenerator()
        let basis = ["《中华人民共和国食品安全法》第一百二十四条第一款第（一）项", "《中华人民共和国行政处罚法》第二十八条",
                     "依据《中华人民共和国道路交通安全法》第九十条，处以罚款", "责令改正，并处罚款人民币伍仟元整，没收违法所得"]
        for round in 0..<20 {
            var csv = "案件编号,依据,事实,短,引用\n"
            let rows = Int.random(in: 1...3_000, using: &generator)
            for row in 0..<rows {
                let law = basis.randomElement(using: &generator) ?? ""
                let facts = "当事人第\(round)-\(row)号违法事实：" + String(repeating: "经查", count: Int.random(in: 0...9, using: &generator))
                let short = ["是", "否", "2025-03-14"].randomElement(using: &generator) ?? ""
                let quoted = "\"" + law + ",其中\"\"引号\"\"" + "\""
                csv += "C-\(row),\(law),\(facts),\(short),\(quoted)\n"
            }
            let expected = plainFields(csv)
            let bytes = Array(csv.utf8)
            for parts in [1, 8] {
                let fields = CSVReader.parse(bytes, parts: parts).map(\.fields)
                XCTAssertEqual(fields.count, expected.count, "round \(round), \(parts) pieces")
                // The first differing row only: a whole export in a failure message helps nobody.
                if let row = fields.indices.first(where: { $0 < expected.count && fields[$0] != expected[$0] }) {
                    XCTFail("round \(round), \(parts) pieces, row \(row): \(fields[row]) instead of \(expected[row])")
                }
            }
        }
    }

    func testARepeatedLongValueIsStoredOnce() {
        let law = "《中华人民共和国食品安全法》第一百二十四条第一款第（一）项"
        var csv = "案件编号,依据\n"
        for row in 0..<500 { csv += "C-\(row),\(law)\n" }
        let records = CSVReader.parse(Array(csv.utf8), parts: 1).dropFirst()
        XCTAssertEqual(records.count, 500)
        XCTAssertTrue(records.allSatisfy { $0.fields[1] == law })
        XCTAssertEqual(Set(records.map { address($0.fields[1]) }).count, 1, "one storage for 500 equal fields")
    }

    func testOnlyEqualFieldsOfOneColumnAreShared() {
        var interner = StringInterner()
        let a = Array("《中华人民共和国行政处罚法》第二十八条".utf8)
        let b = Array("《中华人民共和国行政处罚法》第二十九条".utf8)
        let first = a.withUnsafeBufferPointer { interner.string($0, column: 0) }
        let again = a.withUnsafeBufferPointer { interner.string($0, column: 0) }
        let other = b.withUnsafeBufferPointer { interner.string($0, column: 0) }
        let otherColumn = a.withUnsafeBufferPointer { interner.string($0, column: 1) }
        XCTAssertEqual(address(first), address(again))
        XCTAssertEqual(other, "《中华人民共和国行政处罚法》第二十九条")
        XCTAssertNotEqual(address(first), address(other))
        XCTAssertNotEqual(address(first), address(otherColumn), "columns keep their own tables")
    }

    /// Bad UTF-8 is repaired exactly as `String(decoding:as:)` repairs it, shared or not.
    func testRepairedFieldsAreTheDecodersRepair() {
        var interner = StringInterner()
        let bad: [UInt8] = Array("处罚决定书".utf8) + [0xFF, 0xFE] + Array("第一百二十四条".utf8)
        for _ in 0..<3 {
            let made = bad.withUnsafeBufferPointer { interner.string($0, column: 0) }
            XCTAssertEqual(made, String(decoding: bad, as: UTF8.self))
            XCTAssertTrue(made.contains("\u{FFFD}"))
        }
    }

    /// A column whose values seldom repeat stops being looked up: later repeats are no longer
    /// shared (its table was let go), while a repeating column goes on sharing.
    func testAColumnOfDistinctValuesStopsBeingLookedUp() {
        var interner = StringInterner()
        let repeated = Array("依据《中华人民共和国道路交通安全法》第九十条".utf8)
        var firstDistinct: [UInt8] = []
        for row in 0..<(RepeatJudge.window * 2) {
            let distinct = Array("当事人第\(row)号案件的违法事实经查属实".utf8)
            if row == 0 { firstDistinct = distinct }
            _ = distinct.withUnsafeBufferPointer { interner.string($0, column: 0) }
            _ = repeated.withUnsafeBufferPointer { interner.string($0, column: 1) }
        }
        let one = firstDistinct.withUnsafeBufferPointer { interner.string($0, column: 0) }
        let two = firstDistinct.withUnsafeBufferPointer { interner.string($0, column: 0) }
        XCTAssertEqual(one, two)
        XCTAssertNotEqual(address(one), address(two), "the distinct column is no longer interned")
        let three = repeated.withUnsafeBufferPointer { interner.string($0, column: 1) }
        let four = repeated.withUnsafeBufferPointer { interner.string($0, column: 1) }
        XCTAssertEqual(address(three), address(four), "the repeating column still is")
    }
}

extension StringInternerTests {
    /// Strings already made are shared as bytes are: equal ones of a column come back as the first one's storage.
    func testStringsAlreadyMadeAreSharedLikeBytes() {
        var interner = StringInterner()
        let law = "《中华人民共和国行政处罚法》第二十八条"
        let copies = (0..<50).map { _ in String(decoding: Array(law.utf8), as: UTF8.self) }
        let shared = copies.map { interner.shared($0, column: 3) }
        XCTAssertEqual(shared, copies)
        XCTAssertEqual(Set(shared.map(address)).count, 1)
        XCTAssertEqual(address(shared[0]), address(copies[0]), "the first one is kept, not copied")
        let short = "罚款"
        XCTAssertEqual(interner.shared(short, column: 3), short)
    }
}

/// Rows whose unknown columns hold the same values share one dictionary; values are never changed.
final class SharedExtrasTests: XCTestCase {
    private func storage(_ extra: [String: String]) -> UInt {
        var extra = extra
        return withUnsafeBytes(of: &extra) { $0.load(as: UInt.self) }
    }

    func testRepeatedExtrasShareOneDictionaryAndDistinctOnesStayRight() throws {
        var csv = "案件编号,区划代码,系统标识,备注说明\n"
        let codes = ["530102", "530111", "532502"]
        for row in 0..<3_000 { csv += "C-\(row),\(codes[row % 3]),\(row % 2 == 0 ? "SJ-A" : ""),说明\(row)\n" }
        let rows = try TableReader.rows(csv: CSVReader.parse(Array(csv.utf8)), file: .deliveries)
        XCTAssertEqual(rows.count, 3_000)
        for (number, row) in rows.enumerated() {
            var expected = ["区划代码": codes[number % 3], "备注说明": "说明\(number)"]
            if number % 2 == 0 { expected["系统标识"] = "SJ-A" }
            XCTAssertEqual(row.extra, expected, "row \(number)")
            if row.extra != expected { break }
        }
        // 备注说明 differs in every row, so these extras never repeat: every row keeps its own.
        XCTAssertEqual(Set(rows.map { storage($0.extra) }).count, 3_000)

        var repeating = "案件编号,区划代码,系统标识\n"
        for row in 0..<3_000 { repeating += "C-\(row),\(codes[row % 3]),SJ\n" }
        let shared = try TableReader.rows(csv: CSVReader.parse(Array(repeating.utf8)), file: .deliveries)
        XCTAssertEqual(shared.map(\.extra), (0..<3_000).map { ["区划代码": codes[$0 % 3], "系统标识": "SJ"] })
        XCTAssertEqual(Set(shared.map { storage($0.extra) }).count, 3, "one dictionary per distinct value")
    }
}
