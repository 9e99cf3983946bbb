import Foundation
@testable import Portal
import TestSupport
import XCTest

/// The search index folds text without Foundation's normalizer where it can: the quick way must give
/// NFKC exactly (Foundation's own answer is the oracle), on every scalar it maps and on mixed text
/// with what it does not map (combining marks, Hangul jamo, kana voicing marks, astral letters).
final class SearchFoldTests: XCTestCase {
    func testEveryMappedScalarIsItsNFKC() {
        let ranges: [ClosedRange<UInt32>] = [0...0x7F, 0x3400...0x9FFF] + SearchText.CompatibilityTable.blocks
        var checked = 0
        for range in ranges {
            for value in range {
                guard let scalar = Unicode.Scalar(value) else { continue }
                let text = String(scalar)
                XCTAssertEqual(Array(SearchText.compatibilityForm(text).unicodeScalars),
                               Array(text.precomposedStringWithCompatibilityMapping.unicodeScalars), "U+\(String(value, radix: 16))")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 27_000)
    }

    func testMixedTextIsItsNFKC() {
        // Scalars NFKC changes with their neighbours (a letter and a combining accent compose; Hangul
        // jamo make a syllable; カ and the voicing mark make ガ) beside those the table maps.
        let pool: [UInt32] = [0x41, 0x65, 0x7A, 0x31, 0x28, 0x5B, 0x2C, 0x20, 0xA0, 0xB2, 0xBD, 0xE9, 0x301, 0x308, 0x327,
                              0x1100, 0x1161, 0x11A8, 0x3131, 0x30AB, 0x3099, 0xFF76, 0xFF9E, 0x2026, 0x2014, 0x201C, 0x3000,
                              0x3001, 0x3014, 0x3036, 0x4E2D, 0x7F5A, 0x9FA5, 0x3400, 0xF900, 0xFF08, 0xFF10, 0xFF21, 0xFF41,
                              0xFFE5, 0x2460, 0x2160, 0x1D400, 0x20000, 0x2F800, 0x212B, 0x2126, 0xFB01]
        var random = SplitMix64(seed: 20261204)
        for _ in 0..<5_000 {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<(1 + random.next(below: 12)) {
                if let scalar = Unicode.Scalar(pool[random.next(below: pool.count)]) { scalars.append(scalar) }
            }
            let text = String(scalars)
            let name = text.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: " ")
            XCTAssertEqual(Array(SearchText.compatibilityForm(text).unicodeScalars),
                           Array(text.precomposedStringWithCompatibilityMapping.unicodeScalars), name)
            XCTAssertEqual(Array(SearchText.fold(text).unicodeScalars), Array(Self.referenceFold(text).unicodeScalars), name)
        }
    }

    /// The fold as first written: Foundation's NFKC of the whole text, then brackets and capitals.
    static func referenceFold(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.precomposedStringWithCompatibilityMapping.unicodeScalars {
            switch scalar {
            case "(", "[", "{", "【", "〔", "〖", "〘": out.append("〔")
            case ")", "]", "}", "】", "〕", "〗", "〙": out.append("〕")
            case "A"..."Z": out.append(Unicode.Scalar(scalar.value + 32) ?? scalar)
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    func testTermCharactersAreLettersAndNumbers() {
        for value in UInt32(0)..<0x1_0000 {
            guard let scalar = Unicode.Scalar(value), scalar != "〔", scalar != "〕" else { continue }
            let category = scalar.properties.generalCategory
            let expected = [.uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                            .decimalNumber, .letterNumber, .otherNumber].contains(category)
            XCTAssertEqual(SearchText.isTermCharacter(scalar), expected, "U+\(String(value, radix: 16))")
        }
        XCTAssertTrue(SearchText.isTermCharacter("〔"))
        XCTAssertTrue(SearchText.isTermCharacter("𠀀"))
        XCTAssertFalse(SearchText.isTermCharacter("😀"))
    }

    /// The index builder's collector gives each text's keys as the String-based tokens do, whatever it
    /// held before: one collector over texts of 1 to 9,000 characters (beyond its first table, so it grows),
    /// runs of one character, repeats and texts the normalizer takes whole. The count is of the text's own scalars.
    func testTheKeyCollectorFindsEachTextsDistinctKeys() {
        let pool: [UInt32] = [0x4E2D, 0x56FD, 0x7F5A, 0x6B3E, 0x8FDD, 0x6CD5, 0x5143, 0x3001, 0xFF0C, 0x3002, 0x20, 0x41, 0x62, 0x31,
                              0x39, 0x28, 0xFF08, 0x3014, 0xE9, 0x301, 0x30AB, 0x3099, 0x20000, 0x1F600, 0xA]
        var random = SplitMix64(seed: 20261205)
        var collector = SearchText.KeyCollector()
        for round in 0..<400 {
            var scalars = String.UnicodeScalarView()
            let length = round % 50 == 0 ? 9_000 : 1 + random.next(below: 300)
            // Mostly ideographs from a wide range, so long texts have thousands of distinct pairs.
            for _ in 0..<length {
                let value = random.next(below: 3) == 0 ? pool[random.next(below: pool.count)] : UInt32(0x4E00 + random.next(below: 600))
                if let scalar = Unicode.Scalar(value) { scalars.append(scalar) }
            }
            let text = String(scalars)
            let (keys, count) = collector.keys(of: text)
            XCTAssertEqual(keys.count, Set(keys).count, "round \(round): a key twice")
            XCTAssertEqual(Set(keys.map(SearchText.string(ofKey:))), SearchText.tokens(of: text), "round \(round)")
            XCTAssertEqual(count, text.unicodeScalars.count, "round \(round)")
        }
        XCTAssertEqual(collector.keys(of: "").keys, [])
        XCTAssertEqual(Set(collector.keys(of: "中 国 中").keys.map(SearchText.string(ofKey:))), ["中", "国"])
    }
}
