import CaseModel
import Foundation
@testable import Pipeline
import XCTest

/// `Indirect` holds an optional by reference and must be indistinguishable from the optional it replaces: the same
/// JSON, the same key bytes (render and store keys are made from them), the same equality, and value semantics.
final class IndirectTests: XCTestCase {
    struct Inner: Codable, Hashable, Sendable {
        var name: String
        var day: CivilDate?
        var count: Int
    }

    struct Plain: Codable, Hashable {
        var id: String
        var first: Inner?
        var second: Inner?
    }

    struct Boxed: Codable, Hashable {
        var id: String
        @Indirect var first: Inner?
        @Indirect var second: Inner?
    }

    private func pairs() -> [(Plain, Boxed)] {
        var generator = SystemRandomNumberGenerator()
        return (0..<200).map { round in
            func inner() -> Inner? {
                guard Bool.random(using: &generator) else { return nil }
                return Inner(name: String(repeating: "决定\(round)", count: Int.random(in: 0...3, using: &generator)),
                             day: Bool.random(using: &generator) ? CivilDate(iso: "2025-0\(Int.random(in: 1...9))-1\(round % 10)") : nil,
                             count: Int.random(in: -5...500, using: &generator))
            }
            let plain = Plain(id: "C-\(round)", first: inner(), second: inner())
            return (plain, Boxed(id: plain.id, first: plain.first, second: plain.second))
        }
    }

    func testItCodesAndKeysAsTheOptionalItHolds() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var absent = 0
        for (plain, boxed) in pairs() {
            XCTAssertEqual(try encoder.encode(boxed), try encoder.encode(plain))
            XCTAssertEqual(try KeyBytes.of(boxed), try KeyBytes.of(plain))
            XCTAssertEqual(try JSONDecoder().decode(Boxed.self, from: encoder.encode(plain)), boxed)
            XCTAssertEqual(try JSONDecoder().decode(Plain.self, from: encoder.encode(boxed)), plain)
            if plain.first == nil { absent += 1 }
        }
        XCTAssertGreaterThan(absent, 0)
        // A missing key reads as absent, an explicit null too.
        XCTAssertNil(try JSONDecoder().decode(Boxed.self, from: Data(#"{"id":"x"}"#.utf8)).first)
        XCTAssertNil(try JSONDecoder().decode(Boxed.self, from: Data(#"{"id":"x","first":null}"#.utf8)).first)
    }

    func testItComparesHashesAndCopiesAsAValue() {
        for (plain, boxed) in pairs() {
            var copy = boxed
            XCTAssertEqual(copy, boxed)
            XCTAssertEqual(copy.hashValue, boxed.hashValue)
            copy.first = Inner(name: "改了", day: nil, count: 1)
            XCTAssertEqual(boxed.first, plain.first, "the original is not changed through a copy")
            XCTAssertEqual(copy == boxed, plain.first == Inner(name: "改了", day: nil, count: 1))
            copy.first?.count += 1
            XCTAssertEqual(copy.first?.count, 2)
        }
    }

    /// What it is for: the details of a case without a permit, a coercive measure or a rectification take a
    /// pointer's room for each, not the particulars'.
    func testCaseDetailsHoldTheirOptionalParticularsByReference() {
        XCTAssertLessThan(MemoryLayout<CaseDetails>.stride, 400)
        XCTAssertEqual(MemoryLayout<Indirect<PermitDetails>>.stride, MemoryLayout<Int>.stride)
    }
}
