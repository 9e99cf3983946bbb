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

    /// A character that can be part of a search term: a letter or a number (Unicode L*, N*,
    /// as the browser's /[\p{L}\p{N}]/u) or a folded bracket, so a 文书编号 stays one term.
    static func isTermCharacter(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "〔" || scalar == "〕" { return true }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
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
        var previous: UInt32 = 0
        var length = 0
        for scalar in fold(text).unicodeScalars {
            if isTermCharacter(scalar) {
                if length > 0 { keys.insert(UInt64(previous) << 32 | UInt64(scalar.value)) }
                previous = scalar.value
                length += 1
            } else {
                if length == 1 { keys.insert(UInt64(previous)) }
                length = 0
            }
        }
        if length == 1 { keys.insert(UInt64(previous)) }
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
