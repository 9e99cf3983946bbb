import CaseModel
import Foundation
import Ingest
@testable import Pipeline
import XCTest

/// The render input key hashes `KeyBytes` of each case's contract v2 details and records: two values
/// must give the same bytes exactly when they are equal, or a changed case would keep old documents.
final class KeyBytesTests: XCTestCase {
    private struct Inner: Codable, Equatable { var b: Int?; var c: Int? }
    private struct Outer: Codable, Equatable { var a: Inner?; var c: Int?; var list: [[String]]?; var text: String?; var flag: Bool? }

    private enum Kind: String, Codable { case first, second }
    private struct EveryKind: Codable {
        var text = "案件", number = -42, wide: Int64 = 1 << 40, small: UInt8 = 7, flag = true, real = 0.1, single: Float = 1.5
        var missing: String? = nil, present: Int? = 3, kind = Kind.second, texts = ["a", ""], numbers = [1, 2], reals = [2.5]
        var flags = [false], map = ["b": 2, "a": 1, "案": 3], nested = [Inner(b: 1, c: nil)], kinds = [Kind.first]
    }

    /// The bytes of one value of every kind, as the format has written them since it was made: a faster writer must
    /// give the same (the render keys of every case, and with them every document kept, depend on them).
    func testTheBytesOfEveryKindOfValueAreTheFormatsBytes() throws {
        let hex = try KeyBytes.of(EveryKind()).map { String(format: "%02x", $0) }.joined()
        XCTAssertEqual(hex, Self.everyKindBytes)
    }

    private static let everyKindBytes = "010003011204746578741206e6a188e4bbb6030112066e756d62657213032d34320301120477696465130d31303939353131"
        + "36323737373603011205736d616c6c13013703011204666c61671101030112047265616c1303302e310301120673696e676c"
        + "651303312e350301120770726573656e74130133030112046b696e6412067365636f6e640301120574657874730202040312"
        + "016104031200030112076e756d62657273020204031301310403130132030112057265616c73020204031303322e35030112"
        + "05666c616773020204031100030112036d617001020303120161130131030312016213013203031203e6a188130133030112"
        + "066e65737465640202040301040305120162130131030112056b696e64730202040312056669727374"

    /// Values whose members or elements could run together in a stream without depths and lengths.
    func testValuesThatOnlyNestOrSplitDifferentlyGiveDifferentBytes() throws {
        let values: [Outer] = [
            Outer(a: Inner(b: 1), c: 2), Outer(a: Inner(b: 1, c: 2)), Outer(a: Inner(), c: nil), Outer(a: nil),
            Outer(list: [["x"], ["y"]]), Outer(list: [["x", "y"]]), Outer(list: [["xy"]]), Outer(list: [[], ["xy"]]), Outer(list: [["xy"], []]),
            Outer(list: []), Outer(list: [[]]), Outer(text: ""), Outer(text: "1"), Outer(c: 1), Outer(flag: false), Outer(flag: true),
            Outer(a: Inner(b: 1), text: "ab"), Outer(a: Inner(c: 1), text: "ab"),
        ]
        for (i, first) in values.enumerated() {
            for second in values[(i + 1)...] {
                XCTAssertNotEqual(try KeyBytes.of(first), try KeyBytes.of(second), "\(first) and \(second)")
            }
            XCTAssertEqual(try KeyBytes.of(first), try KeyBytes.of(first))
        }
    }

    /// On a generated export's cases (every kind of contract v2 detail and record), and on each case's
    /// details with one of its members changed: equal bytes exactly for equal values (Swift's own ==).
    func testEqualBytesExactlyForEqualDetailsOfAGeneratedExport() throws {
        let parent = Repo.temporaryFolder("key-bytes")
        defer { try? FileManager.default.removeItem(at: parent) }
        let folder = try Repo.generate(cases: 300, seed: 29, broken: 0, into: parent)
        let ingest = try ExportReader.read(folder: folder, options: IngestOptions(asOf: try XCTUnwrap(CivilDate(iso: "2026-01-06"))))
        var details = ingest.cases.map { ingest.details(of: $0) }
        for (index, original) in details.enumerated() where index % 3 == 0 {
            var changed = original
            switch index % 4 {
            case 0: changed.guardian += "甲"
            case 1: changed.penalties = changed.penalties.reversed() + [changed.penalties.first].compactMap { $0 }
            case 2: changed.procedure.narrative = changed.procedure.narrative.isEmpty ? "经过" : ""
            default: changed.setAsideChildRows = []
            }
            details.append(changed)
        }
        let bytes = try details.map { try KeyBytes.of($0) }
        var byBytes: [[UInt8]: CaseDetails] = [:]
        for (value, key) in zip(details, bytes) {
            if let seen = byBytes[key] { XCTAssertEqual(seen, value, "the same bytes for different details of \(value.caseID)") }
            byBytes[key] = value
        }
        let distinctValues = Set(details)
        XCTAssertEqual(byBytes.count, distinctValues.count, "different bytes for equal details")
        let records = Dictionary(grouping: ingest.records, by: \.caseID)
        XCTAssertFalse(records.isEmpty)
        for (id, list) in records {
            XCTAssertEqual(try KeyBytes.of(list), try KeyBytes.of(list.map { $0 }), id)
            if list.count > 1 { XCTAssertNotEqual(try KeyBytes.of(list), try KeyBytes.of(Array(list.dropLast())), id) }
        }
    }

    /// A dictionary (the `extra` columns of deliveries, penalties, records and items) iterates in an order
    /// that depends on its history and on the process's hash seed: equal dictionaries built otherwise
    /// must still give the same bytes, or a case with unknown columns would never be found unchanged.
    func testEqualDictionariesGiveEqualBytesWhateverTheirHistory() throws {
        struct Row: Encodable { var extra: [String: String] }
        let entries = (0..<40).map { ("列\($0)", "值\($0 * 7)") }
        var forward: [String: String] = [:]
        for (key, value) in entries { forward[key] = value }
        var backward = [String: String](minimumCapacity: 500)
        for (key, value) in entries.reversed() { backward[key] = value }
        var grown = forward
        for number in 40..<400 { grown["临时\(number)"] = "x" }
        for number in 40..<400 { grown["临时\(number)"] = nil }
        XCTAssertEqual(forward, backward)
        XCTAssertEqual(forward, grown)
        XCTAssertEqual(try KeyBytes.of(Row(extra: forward)), try KeyBytes.of(Row(extra: backward)))
        XCTAssertEqual(try KeyBytes.of(Row(extra: forward)), try KeyBytes.of(Row(extra: grown)))
        XCTAssertEqual(try KeyBytes.of([forward, [:]]), try KeyBytes.of([backward, [:]]))
        // Given whole (the redaction memo's settings hash the disclosure policy's field map so).
        XCTAssertEqual(try KeyBytes.of(forward), try KeyBytes.of(backward))
        XCTAssertEqual(try KeyBytes.of(forward), try KeyBytes.of(grown))
        var changed = forward
        changed["列3"] = "另"
        XCTAssertNotEqual(try KeyBytes.of(Row(extra: forward)), try KeyBytes.of(Row(extra: changed)))
        XCTAssertNotEqual(try KeyBytes.of(Row(extra: ["ab": "c"])), try KeyBytes.of(Row(extra: ["a": "bc"])))
    }
}
