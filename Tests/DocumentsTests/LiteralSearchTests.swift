@testable import Documents
import Foundation
import TestSupport
import XCTest

/// The documents' own text search (`includes`, `literalRange`) answers as Foundation's `contains` and
/// `range(of:)` do on the text they read: Chinese, digits, punctuation and Latin letters in NFC.
final class LiteralSearchTests: XCTestCase {
    private let alphabet = Array("行政处罚法》第三十条《（）、，。罚款人民币元整ab1２😀\t ")

    private func text(_ random: inout SplitMix64, upTo length: Int) -> String {
        String((0..<random.next(below: length + 1)).map { _ in alphabet[random.next(below: alphabet.count)] })
    }

    func testItFindsWhatFoundationFinds() {
        var random = SplitMix64(seed: 0x5EA5C4)
        for round in 0..<20_000 {
            let haystack = text(&random, upTo: 40)
            // Half the needles are taken from the text itself, so most of them are there.
            var needle = text(&random, upTo: 4)
            if round % 2 == 0, !haystack.isEmpty {
                let from = random.next(below: haystack.count)
                let length = random.next(below: min(5, haystack.count - from) + 1)
                let start = haystack.index(haystack.startIndex, offsetBy: from)
                needle = String(haystack[start..<haystack.index(start, offsetBy: length)])
            }
            XCTAssertEqual(haystack.includes(needle), haystack.contains(needle), "\(haystack) / \(needle)")
            XCTAssertEqual(haystack.literalRange(of: needle), haystack.range(of: needle), "\(haystack) / \(needle)")
            if !haystack.isEmpty {
                let from = haystack.index(haystack.startIndex, offsetBy: random.next(below: haystack.count))
                XCTAssertEqual(haystack.literalRange(of: needle, from: from), haystack.range(of: needle, range: from..<haystack.endIndex),
                               "\(haystack) / \(needle) from \(haystack.distance(from: haystack.startIndex, to: from))")
                let tail = haystack[from...]
                XCTAssertEqual(tail.includes(needle), tail.contains(needle), "substring \(tail) / \(needle)")
                XCTAssertEqual(tail.literalRange(of: needle), tail.range(of: needle), "substring \(tail) / \(needle)")
            }
        }
    }

    func testAnEmptyNeedleIsNowhereAsForFoundation() {
        XCTAssertFalse("行政处罚".includes(""))
        XCTAssertFalse("行政处罚".contains(""))
        XCTAssertNil("行政处罚".literalRange(of: ""))
        XCTAssertFalse("".includes("罚"))
        XCTAssertEqual("《听证通知书》（红水罚听〔2025〕1号）".literalRange(of: "）").map { "《听证通知书》（红水罚听〔2025〕1号）"[$0] }, "）")
    }
}
