/// Character classes the scanners share. They work on Unicode scalar values
/// (UInt32): Chinese characters are one scalar each, and comparing integers is
/// what makes 1,000 cases a second possible.
enum Chars {
    @inline(__always)
    static func isHan(_ s: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(s) || (0x3400...0x4DBF).contains(s) || (0xF900...0xFAFF).contains(s) || (0x20000...0x2FFFF).contains(s)
    }

    /// Full-width ASCII (U+FF01–U+FF5E) as ASCII, the ideographic space as a space.
    @inline(__always)
    static func fold(_ s: UInt32) -> UInt32 {
        if (0xFF01...0xFF5E).contains(s) { return s - 0xFEE0 }
        if s == 0x3000 { return 0x20 }
        return s
    }

    /// The value of a digit written any way identifiers are written: ASCII, full-width
    /// or a Chinese numeral used digit by digit (一三八…, 〇 and 零 for 0, 幺 for 1, 两 for 2).
    @inline(__always)
    static func digit(_ s: UInt32) -> Int? {
        switch s {
        case 0x30...0x39: return Int(s - 0x30)
        case 0xFF10...0xFF19: return Int(s - 0xFF10)
        case 0x3007, 0x96F6: return 0          // 〇 零
        case 0x4E00, 0x5E7A: return 1          // 一 幺
        case 0x4E8C, 0x4E24: return 2          // 二 两
        case 0x4E09: return 3
        case 0x56DB: return 4
        case 0x4E94: return 5
        case 0x516D: return 6
        case 0x4E03: return 7
        case 0x516B: return 8
        case 0x4E5D: return 9
        default: return nil
        }
    }

    @inline(__always)
    static func isArabicDigit(_ s: UInt32) -> Bool { (0x30...0x39).contains(fold(s)) }

    @inline(__always)
    static func isChineseDigit(_ s: UInt32) -> Bool { digit(s) != nil && !isArabicDigit(s) }

    @inline(__always)
    static func isLatin(_ s: UInt32) -> Bool {
        let f = fold(s)
        return (0x41...0x5A).contains(f) || (0x61...0x7A).contains(f)
    }

    @inline(__always)
    static func isSpace(_ s: UInt32) -> Bool { s == 0x20 || s == 0x3000 || s == 0x09 || s == 0x0A || s == 0x0D || s == 0xA0 }

    /// Separators people put inside numbers: spaces and line breaks, dots, hyphens and dashes
    /// of every width, middle dots, slashes, underscores, ×, asterisks and brackets (A123456(7)).
    static let separators: ScalarSet = ScalarSet(" \u{3000}\t\n\r\u{A0}.．-－–—―‐‑·•・/／_＿×*＊()（）[]［］+＋".unicodeScalars.map(\.value))

    /// Reserves for the UTF-8 length (an upper bound) instead of letting `map` count the scalars first.
    static func scalars(_ text: String) -> [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars { out.append(scalar.value) }
        return out
    }

    /// Values that are no scalar (surrogates, beyond U+10FFFF) are left out. Encoded to UTF-8 by
    /// hand: appending scalar by scalar to a String was 3 % of redaction (perf, bench redact).
    static func string(_ scalars: ArraySlice<UInt32>) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(scalars.count * 3)
        for value in scalars {
            switch value {
            case 0..<0x80:
                bytes.append(UInt8(value))
            case 0x80..<0x800:
                bytes.append(UInt8(0xC0 | value >> 6))
                bytes.append(UInt8(0x80 | value & 0x3F))
            case 0xD800...0xDFFF:
                continue
            case 0x800..<0x10000:
                bytes.append(UInt8(0xE0 | value >> 12))
                bytes.append(UInt8(0x80 | value >> 6 & 0x3F))
                bytes.append(UInt8(0x80 | value & 0x3F))
            case 0x10000...0x10FFFF:
                bytes.append(UInt8(0xF0 | value >> 18))
                bytes.append(UInt8(0x80 | value >> 12 & 0x3F))
                bytes.append(UInt8(0x80 | value >> 6 & 0x3F))
                bytes.append(UInt8(0x80 | value & 0x3F))
            default:
                continue
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func string(_ scalars: [UInt32]) -> String { string(scalars[...]) }

    /// Does the text at `index` start with `word`?
    @inline(__always)
    static func matches(_ text: [UInt32], at index: Int, _ word: [UInt32]) -> Bool {
        guard index >= 0, index + word.count <= text.count else { return false }
        for offset in 0..<word.count where text[index + offset] != word[offset] { return false }
        return true
    }

    /// Does the text end with `word` just before `end`?
    @inline(__always)
    static func endsWith(_ text: [UInt32], before end: Int, _ word: [UInt32]) -> Bool {
        matches(text, at: end - word.count, word)
    }

    /// Does any of the words occur in text[range]? Words grouped by their first scalar (`WordSet`).
    static func containsAny(_ text: [UInt32], _ range: Range<Int>, _ words: WordSet) -> Bool {
        for index in range where words.first.contains(text[index]) {
            for word in words.byFirst[text[index]] ?? [] where index + word.count <= range.upperBound && matches(text, at: index, word) { return true }
        }
        return false
    }
}

/// Words as scalar arrays, grouped by their first scalar, for scanning without String.
struct WordSet {
    let byFirst: [UInt32: [[UInt32]]]
    let byLast: [UInt32: [[UInt32]]]
    let first: ScalarSet
    /// Last scalars of the words: most positions are ruled out before the dictionary is asked.
    let last: ScalarSet

    init(_ words: [String]) {
        var groups: [UInt32: [[UInt32]]] = [:]
        var ends: [UInt32: [[UInt32]]] = [:]
        for word in words {
            let scalars = Chars.scalars(word)
            if let head = scalars.first, let tail = scalars.last {
                groups[head, default: []].append(scalars)
                ends[tail, default: []].append(scalars)
            }
        }
        byFirst = groups.mapValues { $0.sorted { $0.count > $1.count } }
        byLast = ends.mapValues { $0.sorted { $0.count > $1.count } }
        first = ScalarSet(groups.keys)
        last = ScalarSet(ends.keys)
    }

    /// Does a word start at `index`?
    @inline(__always)
    func starts(_ text: [UInt32], at index: Int) -> Bool {
        guard index < text.count, first.contains(text[index]), let words = byFirst[text[index]] else { return false }
        return words.contains { Chars.matches(text, at: index, $0) }
    }

    /// Does a word end right before `index`?
    @inline(__always)
    func ends(_ text: [UInt32], before index: Int) -> Bool {
        guard index > 0, last.contains(text[index - 1]), let words = byLast[text[index - 1]] else { return false }
        return words.contains { Chars.endsWith(text, before: index, $0) }
    }
}
