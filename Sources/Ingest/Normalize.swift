import CaseModel

/// Turning the many spellings of real exports into one normal form.
public enum Normalize {
    /// Full-width ASCII (ＡＢＣ１２３) to half-width and the ideographic
    /// space to a plain one. Used on codes, dates, amounts and flags — not on
    /// prose, where full-width punctuation is correct Chinese.
    public static func halfWidth(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0xFF01...0xFF5E: scalars.append(Unicode.Scalar(scalar.value - 0xFEE0) ?? scalar)
            case 0x3000: scalars.append(" ")
            default: scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C, 0xA0, 0x3000, 0xFEFF, 0x200B: return true
        default: return false
        }
    }

    /// Leading and trailing white space, full-width included, removed.
    public static func trim(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
              let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        if first == scalars.startIndex && scalars.index(after: last) == scalars.endIndex { return text }
        return String(scalars[first...last])
    }

    /// A code or flag: trimmed, half-width.
    public static func code(_ text: String) -> String { trim(halfWidth(text)) }

    /// A person's name: every space removed (exports write 张　三 for 张三).
    public static func personName(_ text: String) -> String {
        let trimmed = trim(text)
        guard trimmed.unicodeScalars.contains(where: isSpace) else { return trimmed }
        return String(String.UnicodeScalarView(trimmed.unicodeScalars.filter { !isSpace($0) }))
    }

    /// `2025-03-14`, `2025/3/14`, `2025.03.14`, `2025年3月14日`, `20250314`.
    public static func date(_ raw: String) -> CivilDate? {
        let bytes = Array(code(raw).utf8)
        var scanner = DateScanner(bytes: bytes)
        guard let date = scanner.date(), scanner.atEnd else { return nil }
        return date
    }

    /// A date with a time: `2025-03-14 10:20[:30]`, `2025-03-14T10:20:30`, `2025/3/14 10:20`.
    public static func dateTime(_ raw: String) -> CivilDateTime? {
        let bytes = Array(code(raw).utf8)
        var scanner = DateScanner(bytes: bytes)
        guard let day = scanner.date() else { return nil }
        if scanner.atEnd { return CivilDateTime(date: day, hour: 0, minute: 0, second: 0) }
        guard scanner.skip(UInt8(ascii: " ")) || scanner.skip(UInt8(ascii: "T")),
              let hour = scanner.number(digits: 1...2), scanner.skip(UInt8(ascii: ":")),
              let minute = scanner.number(digits: 1...2) else { return nil }
        var second = 0
        if scanner.skip(UInt8(ascii: ":")) {
            guard let value = scanner.number(digits: 1...2) else { return nil }
            second = value
        }
        guard scanner.atEnd else { return nil }
        return CivilDateTime(date: day, hour: hour, minute: minute, second: second)
    }

    /// 是/否, Y/N, 1/0, true/false (any case), yes/no.
    public static func flag(_ raw: String) -> Bool? {
        switch code(raw).lowercased() {
        case "是", "y", "yes", "1", "true", "t", "√": return true
        case "否", "n", "no", "0", "false", "f", "×": return false
        default: return nil
        }
    }

    /// `50000`, `50,000.00`, `50000元`, `5万元`, `￥1,200.50`, `人民币伍佰元` is not accepted:
    /// uppercase numerals are for documents, not for data. Empty means none.
    public static func amount(_ raw: String) -> Yuan?? {
        var text = code(raw)
        if text.isEmpty { return .some(nil) }
        for prefix in ["人民币", "RMB", "CNY", "¥", "￥"] where text.hasPrefix(prefix) {
            text = trim(String(text.dropFirst(prefix.count)))
        }
        if text.hasSuffix("整") { text.removeLast() }
        if text.hasSuffix("元") { text.removeLast() }
        var tenThousands = false
        if text.hasSuffix("万") {
            tenThousands = true
            text.removeLast()
        }
        if text.utf8.contains(0x2C) || text.contains(Character("，")) {
            text = String(text.filter { $0 != "," && $0 != "，" })
        }
        text = trim(text)
        guard !text.isEmpty, !text.hasPrefix("-") else { return nil }
        if tenThousands { return scaledByTenThousand(text).map { .some($0) } }
        return Yuan(decimal: text).map { .some($0) }
    }

    /// `5.5` 万 → 55000.00 exactly, by moving the decimal point four places.
    private static func scaledByTenThousand(_ text: String) -> Yuan? {
        let pieces = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(pieces.count), !pieces[0].isEmpty else { return nil }
        let whole = String(pieces[0])
        var fraction = pieces.count == 2 ? String(pieces[1]) : ""
        guard fraction.count <= 6 else { return nil }
        while fraction.count < 6 { fraction += "0" }
        let shifted = whole + String(fraction.prefix(4)) + "." + String(fraction.suffix(2))
        return Yuan(decimal: shifted)
    }

    /// A 清单 quantity: `12`, `1,200`, `3.50`, `12.0`, full width. Nil when it
    /// is not a plain non-negative number (若干, 约5, 5-10, 一批).
    public static func quantity(_ raw: String) -> Quantity? {
        var text = code(raw)
        if text.utf8.contains(0x2C) || text.contains(Character("，")) {
            // Thousands separators only: 1,200 and 12,345.5, never 1,2.
            let groups = text.split(separator: ".", maxSplits: 1)[0].split(separator: ",", omittingEmptySubsequences: false)
            guard groups.count > 1, !groups[0].isEmpty, groups[0].count <= 3, groups.dropFirst().allSatisfy({ $0.count == 3 }) else {
                return nil
            }
            text = String(text.filter { $0 != "," })
        }
        return Quantity(decimal: text)
    }

    /// Which marks separate the items of a list cell.
    public struct ListSeparators: Sendable {
        /// Semicolons (half- and full-width) and line ends always separate.
        var commas: Bool

        /// Officers and penalty kinds: also commas, 、 and |.
        public static let items = ListSeparators(commas: true)
        /// Evidence items may contain commas, so only semicolons and line ends separate them.
        public static let evidence = ListSeparators(commas: false)
    }

    /// Splits a list cell, trimming and dropping empty items.
    public static func list(_ raw: String, separators: ListSeparators) -> [String] {
        var items: [String] = []
        var utf8 = Array(raw.utf8)
        utf8.append(0x3B)  // a final separator flushes the last item
        var start = 0
        var i = 0
        while i < utf8.count {
            var width = 0
            switch utf8[i] {
            case 0x3B, 0x0A, 0x0D: width = 1
            case 0x2C, 0x7C: width = separators.commas ? 1 : 0
            case 0xEF where i + 2 < utf8.count && utf8[i + 1] == 0xBC && utf8[i + 2] == 0x9B: width = 3      // ；
            case 0xEF where separators.commas && i + 2 < utf8.count && utf8[i + 1] == 0xBC && utf8[i + 2] == 0x8C: width = 3  // ，
            case 0xE3 where separators.commas && i + 2 < utf8.count && utf8[i + 1] == 0x80 && utf8[i + 2] == 0x81: width = 3  // 、
            default: width = 0
            }
            if width > 0 {
                let item = trim(String(decoding: utf8[start..<i], as: UTF8.self))
                if !item.isEmpty { items.append(item) }
                i += width
                start = i
            } else {
                i += 1
            }
        }
        return items
    }

    /// The text without any ASCII space (ID numbers, document numbers).
    static func withoutSpaces(_ text: String) -> String {
        guard text.utf8.contains(0x20) else { return text }
        return String(decoding: text.utf8.filter { $0 != 0x20 }, as: UTF8.self)
    }
}

/// Reads the date forms of the export contract from UTF-8 bytes; the hot
/// path of an ingest, so no intermediate strings.
struct DateScanner {
    let bytes: [UInt8]
    var position = 0

    private static let year: [UInt8] = Array("年".utf8)
    private static let month: [UInt8] = Array("月".utf8)
    private static let day: [UInt8] = Array("日".utf8)

    var atEnd: Bool { position == bytes.count }

    mutating func skip(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    mutating func skip(_ sequence: [UInt8]) -> Bool {
        guard position + sequence.count <= bytes.count,
              bytes[position ..< position + sequence.count].elementsEqual(sequence) else { return false }
        position += sequence.count
        return true
    }

    mutating func number(digits: ClosedRange<Int>) -> Int? {
        var value = 0
        var count = 0
        while position < bytes.count, count < digits.upperBound, (0x30...0x39).contains(bytes[position]) {
            value = value * 10 + Int(bytes[position] - 0x30)
            position += 1
            count += 1
        }
        return digits.contains(count) ? value : nil
    }

    mutating func date() -> CivilDate? {
        let start = position
        if let compact = number(digits: 8...8) {
            return CivilDate(year: compact / 10000, month: compact / 100 % 100, day: compact % 100)
        }
        position = start
        guard let year = number(digits: 4...4) else { return nil }
        if skip(Self.year) {
            guard let month = number(digits: 1...2), skip(Self.month), let day = number(digits: 1...2), skip(Self.day) else {
                return nil
            }
            return CivilDate(year: year, month: month, day: day)
        }
        guard position < bytes.count, [UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: ".")].contains(bytes[position]) else {
            return nil
        }
        let separator = bytes[position]
        position += 1
        guard let month = number(digits: 1...2), skip(separator), let day = number(digits: 1...2) else { return nil }
        return CivilDate(year: year, month: month, day: day)
    }
}
