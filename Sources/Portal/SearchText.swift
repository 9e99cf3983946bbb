import Foundation

/// How search reads text, identically in the index builder (here) and in the browser
/// (the script of search.html, `fold`, `runs`, `tokens` and `bucket`): a change to one
/// must be made to the other, or queries stop finding what the index holds.
public enum SearchText {
    /// Folds what a citizen may type differently for the same thing: full-width and
    /// half-width forms (NFKC: "ＡＢ１２" → "ab12", "（" → "("), ASCII case, and every
    /// bracket a 文书编号 is written with (〔〕 [] () （） 【】 〖〗 {}) → 〔〕, so
    /// 玉水罚[2025]2号 and 玉水罚(2025)2号 are 玉水罚〔2025〕2号.
    public static func fold(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        forEachFoldedScalar(of: text) { out.append($0) }
        return String(out)
    }

    /// The scalars of `fold(text)`, one after the other, without making the string: the search index
    /// folds the text of every decision, and appending to a String cost more than the rest of it.
    /// Returns the number of scalars of `text` itself (what the search index's size is worked out from).
    @discardableResult
    static func forEachFoldedScalar(of text: String, _ body: (Unicode.Scalar) -> Void) -> Int {
        forEachCompatibilityScalar(of: text) { body(folded($0)) }
    }

    /// NFKC of a text, as `fold` sees it (for the tests: Foundation's answer is their oracle).
    static func compatibilityForm(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        forEachCompatibilityScalar(of: text) { out.append($0) }
        return String(out)
    }

    /// The scalars of the text's NFKC. Decisions are written in scalars NFKC maps one at a time (ASCII
    /// and CJK ideographs stay, full-width forms become ASCII, see `CompatibilityTable`); text of those
    /// alone is mapped scalar by scalar, anything else goes whole to Foundation's normalizer, which cost
    /// more than the rest of the search index of every decision.
    /// Returns the number of scalars of `text` itself, counted in the pass that checks them.
    @discardableResult
    private static func forEachCompatibilityScalar(of text: String, _ body: (Unicode.Scalar) -> Void) -> Int {
        let table = CompatibilityTable.shared
        var count = 0
        var mapped = true
        for scalar in text.unicodeScalars {
            count += 1
            if mapped && !table.maps(scalar) { mapped = false }
        }
        if mapped {
            for scalar in text.unicodeScalars { table.forEachScalar(ofImageOf: scalar, body) }
        } else {
            for scalar in text.precomposedStringWithCompatibilityMapping.unicodeScalars { body(scalar) }
        }
        return count
    }

    /// Brackets to 〔〕, ASCII capitals to small letters, after NFKC.
    private static func folded(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar {
        case "(", "[", "{", "【", "〔", "〖", "〘": return "〔"
        case ")", "]", "}", "】", "〕", "〗", "〙": return "〕"
        case "A"..."Z": return Unicode.Scalar(scalar.value + 32) ?? scalar
        default: return scalar
        }
    }

    /// A character that can be part of a search term: a letter or a number (Unicode L*, N*,
    /// as the browser's /[\p{L}\p{N}]/u) or a folded bracket, so a 文书编号 stays one term.
    static func isTermCharacter(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "〔" || scalar == "〕" { return true }
        // The Basic Multilingual Plane from a table made once: the general category getter cost a third of the index.
        if scalar.value < 0x1_0000 { return TermCharacters.basicPlane[Int(scalar.value)] }
        return isLetterOrNumber(scalar)
    }

    static func isLetterOrNumber(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }

    /// `isLetterOrNumber` of every scalar of the Basic Multilingual Plane (surrogates: false).
    private enum TermCharacters {
        static let basicPlane: [Bool] = (0..<0x1_0000).map { value in
            Unicode.Scalar(UInt32(value)).map(SearchText.isLetterOrNumber) ?? false
        }
    }

    /// What NFKC makes of single scalars: ASCII and the CJK ideographs stay as they are; for the other
    /// blocks Chinese text is written in (Latin-1, general punctuation, CJK symbols and punctuation, half-
    /// and full-width forms) Foundation is asked once per scalar. A scalar is left out (its text goes to
    /// the normalizer whole) unless its image is made only of starters that compose with no other starter
    /// here — then NFKC of a text of such scalars is the images one after another (no reordering, no
    /// composition across them). Hangul and kana, which do compose, are not in it.
    struct CompatibilityTable {
        /// CJK Unified Ideographs and extension A (with the Yijing hexagrams between them): no decomposition.
        static let ideographs: ClosedRange<UInt32> = 0x3400...0x9FFF
        static let blocks: [ClosedRange<UInt32>] = [0xA0...0xFF, 0x2000...0x206F, 0x3000...0x303F, 0xFF00...0xFF5F, 0xFFE0...0xFFEF]
        static let shared = CompatibilityTable()

        /// For each scalar of the blocks: its image when that is one scalar (0: none, or not one scalar).
        private var single = [UInt32](repeating: 0, count: 0x1_0000)
        /// Images of more than one scalar (… → ...).
        private var longer: [UInt32: [Unicode.Scalar]] = [:]

        init() {
            for block in Self.blocks {
                for value in block {
                    guard let scalar = Unicode.Scalar(value) else { continue }
                    let image = Array(String(scalar).precomposedStringWithCompatibilityMapping.unicodeScalars)
                    guard !image.isEmpty, image.allSatisfy(Self.isInertStarter) else { continue }
                    if image.count == 1 { single[Int(value)] = image[0].value } else { longer[value] = image }
                }
            }
        }

        /// True when the scalar's image is known here.
        func maps(_ scalar: Unicode.Scalar) -> Bool {
            let value = scalar.value
            if value < 0x80 || Self.ideographs.contains(value) { return true }
            return value < 0x1_0000 && (single[Int(value)] != 0 || longer[value] != nil)
        }

        /// The scalars of the image of a scalar that `maps`.
        func forEachScalar(ofImageOf scalar: Unicode.Scalar, _ body: (Unicode.Scalar) -> Void) {
            let value = scalar.value
            if value < 0x80 || Self.ideographs.contains(value) { return body(scalar) }
            if value < 0x1_0000, single[Int(value)] != 0, let image = Unicode.Scalar(single[Int(value)]) { return body(image) }
            for part in longer[value] ?? [scalar] { body(part) }
        }

        /// A scalar of combining class 0 from a block where no two starters compose (ASCII, Latin-1,
        /// general punctuation, CJK symbols, the ideographs).
        static func isInertStarter(_ scalar: Unicode.Scalar) -> Bool {
            let value = scalar.value
            guard scalar.properties.canonicalCombiningClass == .notReordered else { return false }
            return value < 0x100 || (0x2000...0x206F).contains(value) || (0x3000...0x303F).contains(value) || ideographs.contains(value)
        }
    }

    /// The terms of folded text: maximal runs of term characters (punctuation and spaces
    /// separate them).
    public static func runs(_ folded: String) -> [[Unicode.Scalar]] {
        var out: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        for scalar in folded.unicodeScalars {
            if isTermCharacter(scalar) {
                current.append(scalar)
            } else if !current.isEmpty {
                out.append(current)
                current = []
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// The index's keys for a run: every pair of neighbouring characters (Chinese has no
    /// spaces between words, so pairs find any substring of two or more characters); a run
    /// of one character is its own key.
    public static func tokens(_ run: [Unicode.Scalar]) -> [String] {
        guard run.count > 1 else { return run.map { String($0) } }
        return (1..<run.count).map { String(String.UnicodeScalarView([run[$0 - 1], run[$0]])) }
    }

    /// Every key of a text, folded first.
    public static func tokens(of text: String) -> Set<String> {
        var packed = Set<UInt64>()
        keys(of: text, into: &packed)
        return Set(packed.map(string(ofKey:)))
    }

    /// The keys of a text packed in 64 bits (the first character of a pair in the high half,
    /// 0 there for a run of one): the index builder handles millions of keys at 100,000
    /// decisions and makes strings only of the distinct ones. Same keys as `tokens`.
    public static func keys(of text: String, into keys: inout Set<UInt64>) {
        forEachKey(of: text) { keys.insert($0) }
    }

    /// Each key of a text as it comes (a key may come more than once); returns the number of scalars of the text.
    @discardableResult
    static func forEachKey(of text: String, _ body: (UInt64) -> Void) -> Int {
        var previous: UInt32 = 0
        var length = 0
        let count = forEachFoldedScalar(of: text) { scalar in
            if isTermCharacter(scalar) {
                if length > 0 { body(UInt64(previous) << 32 | UInt64(scalar.value)) }
                previous = scalar.value
                length += 1
            } else {
                if length == 1 { body(UInt64(previous)) }
                length = 0
            }
        }
        if length == 1 { body(UInt64(previous)) }
        return count
    }

    /// The distinct keys of one text at a time, for the index builder: an open-addressed table of keys that
    /// is emptied (only where it was filled) for the next text. `Set<UInt64>` hashed every key with SipHash
    /// and grew for every decision, half of what working out 100,000 decisions' keys cost. A key is never 0
    /// (a pair's second character and a lone character are term characters, never U+0000), so 0 marks a free slot.
    struct KeyCollector {
        private var slots = [UInt64](repeating: 0, count: 1 << 12)
        private var mask = (1 << 12) - 1
        private(set) var keys: [UInt64] = []

        /// The distinct keys of `text`, in the order first met, and the number of scalars of the text.
        mutating func keys(of text: String) -> (keys: [UInt64], scalars: Int) {
            for key in keys { clear(key) }
            keys.removeAll(keepingCapacity: true)
            let scalars = SearchText.forEachKey(of: text) { insert($0) }
            return (keys, scalars)
        }

        private func slot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 20) & mask }

        private mutating func insert(_ key: UInt64) {
            var index = slot(key)
            while slots[index] != 0 {
                if slots[index] == key { return }
                index = (index + 1) & mask
            }
            slots[index] = key
            keys.append(key)
            // At most half full, so a probe ends soon.
            if keys.count * 2 > slots.count { grow() }
        }

        private mutating func clear(_ key: UInt64) {
            // Linear probing: a key is cleared where it was put, and the table is emptied of every key it holds.
            var index = slot(key)
            while slots[index] != key { index = (index + 1) & mask }
            slots[index] = 0
        }

        private mutating func grow() {
            slots = [UInt64](repeating: 0, count: slots.count * 2)
            mask = slots.count - 1
            for key in keys {
                var index = slot(key)
                while slots[index] != 0 { index = (index + 1) & mask }
                slots[index] = key
            }
        }
    }

    public static func string(ofKey key: UInt64) -> String {
        var scalars = String.UnicodeScalarView()
        if key >> 32 != 0, let first = Unicode.Scalar(UInt32(key >> 32)) { scalars.append(first) }
        if let second = Unicode.Scalar(UInt32(key & 0xFFFF_FFFF)) { scalars.append(second) }
        return String(scalars)
    }

    /// The shard a key lives in: FNV-1a (32 bit) over the key's UTF-16 code units, which is
    /// what JavaScript strings are made of, modulo the number of shards.
    public static func bucket(_ token: String, of count: Int) -> Int {
        var hash: UInt32 = 0x811C_9DC5
        for unit in token.utf16 {
            hash ^= UInt32(unit)
            hash = hash &* 0x0100_0193
        }
        return Int(hash % UInt32(max(1, count)))
    }
}
