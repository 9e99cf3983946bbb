import CaseModel
import XCTest

/// `CaseDetailsTable` stands where a `[String: CaseDetails]` stood: over random assignments, overwrites and removals it
/// answers every lookup, count and set of values as a dictionary given the same operations does.
final class CaseDetailsTableTests: XCTestCase {
    func testAnswersAsADictionaryGivenTheSameOperations() {
        var random = SeededGenerator(seed: 20261206)
        var table = CaseDetailsTable()
        var model: [String: CaseDetails] = [:]
        let ids = (0..<300).map { "CASE-2025-\(String(format: "%06d", $0))" }
        for step in 0..<5_000 {
            let id = ids[Int(random.next() % UInt64(ids.count))]
            switch random.next() % 4 {
            case 0:
                // Removal: the last entry moves into the gap, and must still be found under its own id.
                table[id] = nil
                model[id] = nil
            default:
                var details = CaseDetails(caseID: id, guardian: "监护人\(step)")
                // Filed under another id now and then: the table files by the key given, as a dictionary does.
                if random.next() % 10 == 0 { details.caseID = "OTHER-\(step)" }
                table[id] = details
                model[id] = details
            }
            XCTAssertEqual(table[id], model[id], "step \(step)")
        }
        XCTAssertEqual(table.count, model.count)
        XCTAssertEqual(table.isEmpty, model.isEmpty)
        for id in ids { XCTAssertEqual(table[id], model[id], id) }
        XCTAssertEqual(Set(table.values.map(\.guardian)), Set(model.values.map(\.guardian)))
        XCTAssertNil(table["NOT-THERE"])
    }

    func testBuiltFromEntriesTheLaterOfTwoStandsAndOrderDoesNotMatterForEquality() {
        let first = CaseDetails(caseID: "A", guardian: "甲")
        let second = CaseDetails(caseID: "B", guardian: "乙")
        let replaced = CaseDetails(caseID: "A", guardian: "丙")
        let table = CaseDetailsTable([first, second, replaced])
        XCTAssertEqual(table.count, 2)
        XCTAssertEqual(table["A"]?.guardian, "丙")
        XCTAssertEqual(table.values.map(\.caseID), ["A", "B"])
        XCTAssertEqual(table, ["B": second, "A": replaced])
        XCTAssertNotEqual(table, ["A": replaced])
        XCTAssertNotEqual(table, ["B": second, "A": first])
    }
}

/// SplitMix64: the same numbers on every machine.
private struct SeededGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
