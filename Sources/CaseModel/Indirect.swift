/// An optional value held by reference: nil takes a pointer's room instead of the value's. `CaseDetails` carries the
/// particulars of a 责令改正, a 行政许可 and a 行政强制 (80, 208 and 256 bytes inline) that most cases lack: inline, the
/// details of 100,000 cases were mostly empty space (about 70 MB of a night's memory, twice that while they were read).
/// It reads, compares, hashes and codes as the optional it holds: a key made from a case's details (`Encodable`) is the
/// same as before, and an absent value is left out of a keyed container as an absent optional is.
@propertyWrapper
public struct Indirect<Value: Sendable>: Sendable {
    /// Never changed once made: a new value gets a new box, so copies of the holder never share a change.
    private final class Box: Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    private var box: Box?

    public init(wrappedValue: Value?) { box = wrappedValue.map(Box.init) }

    public var wrappedValue: Value? {
        get { box?.value }
        set { box = newValue.map(Box.init) }
    }
}

extension Indirect: Equatable where Value: Equatable {
    public static func == (left: Indirect, right: Indirect) -> Bool { left.wrappedValue == right.wrappedValue }
}

extension Indirect: Hashable where Value: Hashable {
    public func hash(into hasher: inout Hasher) { hasher.combine(wrappedValue) }
}

extension Indirect: Encodable where Value: Encodable {
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value = wrappedValue { try container.encode(value) } else { try container.encodeNil() }
    }
}

extension Indirect: Decodable where Value: Decodable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        self.init(wrappedValue: container.decodeNil() ? nil : try container.decode(Value.self))
    }
}

// A holder's synthesised coding calls these for its `Indirect` members (more specific than the generic members):
// the value is written only when present and read as absent when its key is missing, as an optional member's is.
extension KeyedEncodingContainer {
    public mutating func encode<Value: Encodable & Sendable>(_ value: Indirect<Value>, forKey key: Key) throws {
        try encodeIfPresent(value.wrappedValue, forKey: key)
    }
}

extension KeyedDecodingContainer {
    public func decode<Value: Decodable & Sendable>(_ type: Indirect<Value>.Type, forKey key: Key) throws -> Indirect<Value> {
        Indirect(wrappedValue: try decodeIfPresent(Value.self, forKey: key))
    }
}
