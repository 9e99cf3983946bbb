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
            case 0xFF01...0xFF5E: scalars.append(Unicode.Scalar(scalar.value - 0xFEE0)!)
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
        let text = code(raw)
        if text.count == 8, text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            let digits = Array(text)
            return CivilDate(year: Int(String(digits[0..<4]))!, month: Int(String(digits[4..<6]))!,
                             day: Int(String(digits[6..<8]))!)
        }
        var body = Substring(text)
        if body.hasSuffix("日") { body = body.dropLast() }
        let parts = body.split(omittingEmptySubsequences: false) { "-/.年月".contains($0) }
        guard parts.count == 3, parts[0].count == 4, (1...2).contains(parts[1].count), (1...2).contains(parts[2].count),
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        // Mixed separators such as 2025-3月14 are not a form any system writes.
        let separators = text.filter { "-/.年月".contains($0) }
        guard ["--", "//", "..", "年月"].contains(separators), text.hasSuffix("日") == (separators == "年月") else { return nil }
        return CivilDate(year: y, month: m, day: d)
    }

    /// A date with a time: `2025-03-14 10:20[:30]`, `2025-03-14T10:20:30`, `2025/3/14 10:20`.
    public static func dateTime(_ raw: String) -> CivilDateTime? {
        let text = code(raw)
        let halves = text.split(maxSplits: 1) { $0 == " " || $0 == "T" }
        guard let day = halves.first.flatMap({ date(String($0)) }) else { return nil }
        guard halves.count == 2 else { return CivilDateTime(date: day, hour: 0, minute: 0, second: 0) }
        let clock = halves[1].split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(clock.count), clock.allSatisfy({ (1...2).contains($0.count) && $0.allSatisfy(\.isNumber) }) else {
            return nil
        }
        let numbers = clock.compactMap { Int($0) }
        return CivilDateTime(date: day, hour: numbers[0], minute: numbers[1], second: numbers.count == 3 ? numbers[2] : 0)
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
        text = text.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "，", with: "")
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

    /// Splits a list cell on any of `separators`, trimming and dropping empty items.
    public static func list(_ raw: String, separators: Set<Character>) -> [String] {
        raw.split(whereSeparator: { separators.contains($0) }).map { trim(String($0)) }.filter { !$0.isEmpty }
    }

    public static let listSeparators: Set<Character> = [";", "；", ",", "，", "、", "\n", "\r\n", "|"]
    /// Evidence items may contain commas, so only semicolons and line ends separate them.
    public static let evidenceSeparators: Set<Character> = [";", "；", "\n", "\r\n"]
}
