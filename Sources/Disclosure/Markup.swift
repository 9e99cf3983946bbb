/// Visible text of markup for the publication gate: what a reader of the page, feed or
/// index sees once tags are gone and references and escapes are decoded.
enum Markup {
    static func visibleText(_ markup: String) -> String {
        let input = Chars.scalars(markup)
        var out: [UInt32] = []
        out.reserveCapacity(input.count)
        var i = 0
        while i < input.count {
            let s = input[i]
            if s == 0x3C { // < … >: a tag is a separator, never text
                var j = i + 1
                while j < input.count, input[j] != 0x3E { j += 1 }
                if j < input.count { out.append(0x20); i = j + 1; continue }
            }
            if s == 0x26, let (value, length) = reference(input, i) { // &…;
                out.append(value)
                i += length
                continue
            }
            if s == 0x5C, i + 1 < input.count { // JSON escapes
                let next = input[i + 1]
                if next == 0x75, i + 6 <= input.count, let value = hex(input[(i + 2)..<(i + 6)]) { out.append(value); i += 6; continue }
                if [0x6E, 0x72, 0x74].contains(next) { out.append(0x20); i += 2; continue }
                if [0x2F, 0x5C, 0x22].contains(next) { out.append(next); i += 2; continue }
            }
            out.append(s)
            i += 1
        }
        return Chars.string(out)
    }

    private static let named: [String: UInt32] = ["amp": 0x26, "lt": 0x3C, "gt": 0x3E, "quot": 0x22, "apos": 0x27, "nbsp": 0xA0, "middot": 0xB7, "times": 0xD7]

    private static func reference(_ input: [UInt32], _ start: Int) -> (UInt32, Int)? {
        var end = start + 1
        while end < input.count, end - start <= 10, input[end] != 0x3B { end += 1 }
        guard end < input.count, input[end] == 0x3B, end > start + 1 else { return nil }
        let body = input[(start + 1)..<end]
        if body.first == 0x23 { // #
            let digits = body.dropFirst()
            if digits.first == 0x78 || digits.first == 0x58 { return hex(digits.dropFirst()).map { ($0, end - start + 1) } }
            var value: UInt32 = 0
            for d in digits {
                guard (0x30...0x39).contains(d), value < 0x10FFFF else { return nil }
                value = value * 10 + (d - 0x30)
            }
            return digits.isEmpty ? nil : (value, end - start + 1)
        }
        return named[Chars.string(body)].map { ($0, end - start + 1) }
    }

    private static func hex(_ digits: ArraySlice<UInt32>) -> UInt32? {
        guard !digits.isEmpty, digits.count <= 6 else { return nil }
        var value: UInt32 = 0
        for d in digits {
            switch d {
            case 0x30...0x39: value = value * 16 + (d - 0x30)
            case 0x41...0x46: value = value * 16 + (d - 0x37)
            case 0x61...0x66: value = value * 16 + (d - 0x57)
            default: return nil
            }
        }
        return value
    }
}
