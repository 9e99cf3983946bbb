/// A quantity on a 清单 (items.csv 数量), held exactly as written: an
/// integer or a decimal, never floating point, so 3.50 立方米 is printed
/// as the export meant it and sums stay exact.
public struct Quantity: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The digits without the decimal point, e.g. 350 for 3.50.
    public let digits: Int64
    /// How many of `digits` lie after the decimal point (trailing zeros dropped: 3.50 → 35, scale 1).
    public let scale: Int

    public init?(digits: Int64, scale: Int) {
        guard digits >= 0, (0...6).contains(scale) else { return nil }
        var digits = digits
        var scale = scale
        while scale > 0 && digits % 10 == 0 {
            digits /= 10
            scale -= 1
        }
        self.digits = digits
        self.scale = scale
    }

    /// Parses the canonical form `12`, `3.5`, `0.25` (no sign, no separators).
    public init?(decimal text: String) {
        let pieces = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(pieces.count), !pieces[0].isEmpty, pieces[0].count <= 12,
              pieces.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return nil }
        let fraction = pieces.count == 2 ? String(pieces[1]) : ""
        guard pieces.count == 1 || !fraction.isEmpty, fraction.count <= 6,
              let value = Int64(String(pieces[0]) + fraction) else { return nil }
        self.init(digits: value, scale: fraction.count)
    }

    /// `1200`, `3.5`: the form documents print and outputs write.
    public var decimalString: String {
        guard scale > 0 else { return String(digits) }
        var text = String(digits)
        while text.count <= scale { text = "0" + text }
        text.insert(".", at: text.index(text.endIndex, offsetBy: -scale))
        return text
    }

    public var description: String { decimalString }

    public var isZero: Bool { digits == 0 }

    public static func < (a: Quantity, b: Quantity) -> Bool {
        let scale = max(a.scale, b.scale)
        return a.scaled(to: scale) < b.scaled(to: scale)
    }

    private func scaled(to target: Int) -> Int64 {
        var value = digits
        for _ in scale..<target { value *= 10 }
        return value
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Quantity(decimal: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "not a decimal quantity: \(text)"))
        }
        self = value
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(decimalString)
    }
}
