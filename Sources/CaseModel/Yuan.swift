/// An amount of money in yuan, held exactly as a whole number of fen (分).
/// Amounts are never floating point: 0.1 + 0.2 must stay 0.30.
public struct Yuan: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let fen: Int64

    public init(fen: Int64) { self.fen = fen }

    public init(yuan: Int64) { self.fen = yuan * 100 }

    public static let zero = Yuan(fen: 0)

    public var isZero: Bool { fen == 0 }

    /// `50000.00`: the decimal form every machine-readable output uses.
    public var decimalString: String {
        let sign = fen < 0 ? "-" : ""
        let magnitude = fen.magnitude
        let cents = magnitude % 100
        return sign + "\(magnitude / 100)." + (cents < 10 ? "0\(cents)" : "\(cents)")
    }

    /// `1,047,320.00`: the decimal form with thousands separators, as documents print figures.
    public var groupedString: String {
        let magnitude = fen.magnitude
        var whole = String(magnitude / 100)
        var groups: [String] = []
        while whole.count > 3 {
            groups.insert(String(whole.suffix(3)), at: 0)
            whole.removeLast(3)
        }
        groups.insert(whole, at: 0)
        let cents = magnitude % 100
        return (fen < 0 ? "-" : "") + groups.joined(separator: ",") + "." + (cents < 10 ? "0\(cents)" : "\(cents)")
    }

    public var description: String { decimalString }

    public static func < (a: Yuan, b: Yuan) -> Bool { a.fen < b.fen }

    public static func + (a: Yuan, b: Yuan) -> Yuan { Yuan(fen: a.fen + b.fen) }

    /// Parses the canonical decimal form (`123.45`, `50000`, `-3.5`).
    public init?(decimal text: String) {
        var digits = Substring(text)
        var negative = false
        if digits.first == "-" {
            negative = true
            digits = digits.dropFirst()
        }
        let pieces = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(pieces.count), !pieces[0].isEmpty,
              pieces[0].allSatisfy({ $0.isASCII && $0.isNumber }), pieces[0].count <= 15 else { return nil }
        var fraction = pieces.count == 2 ? String(pieces[1]) : ""
        guard fraction.count <= 2, fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if pieces.count == 2 && fraction.isEmpty { return nil }
        while fraction.count < 2 { fraction += "0" }
        guard let whole = Int64(pieces[0]), let cents = Int64(fraction) else { return nil }
        self.fen = (whole * 100 + cents) * (negative ? -1 : 1)
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Yuan(decimal: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "not a decimal amount: \(text)"))
        }
        self = value
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(decimalString)
    }
}
