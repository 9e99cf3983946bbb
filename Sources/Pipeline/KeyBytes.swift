import Foundation

/// Bytes that identify an Encodable value, for hashing into a key: each member as the type encodes it
/// (in the order it encodes them, fixed for a build; a String-keyed dictionary's in the order of its
/// keys, since its own order is not fixed), each string and number length-prefixed and each
/// element marked with its depth in the value, so two different values never give the same bytes
/// (a tree is given back whole by its elements in order with their depths). Not JSON and never read
/// back. Made without JSONEncoder, whose tree of every value and sort of every object's keys were most
/// of what the render input keys of 100,000 cases cost; a key made this way changes with the program,
/// which only means the first night of a new one compares the cases' document data instead.
enum KeyBytes {
    static func of<T: Encodable>(_ value: T) throws -> [UInt8] {
        let sink = Sink()
        // Through `write`, as every member is: a dictionary given here is written in key order too.
        try write(value, sink: sink, depth: 0)
        return sink.bytes
    }

    /// What each element starts with.
    enum Tag: UInt8 {
        case keyed = 0x01, unkeyed = 0x02, key = 0x03, element = 0x04
        case null = 0x10, bool = 0x11, string = 0x12, number = 0x13
    }

    final class Sink {
        // Written by one thread only (each key has its own sink): the run-time exclusivity check on
        // every append was a tenth of the keys' cost.
        @exclusivity(unchecked) var bytes: [UInt8] = []
        /// What each type met so far is (see `ValueKind`): found once per type and sink, not by
        /// casting every value (a protocol cast searches the conformances, most of the keys' cost).
        @exclusivity(unchecked) private var kinds: [ObjectIdentifier: ValueKind] = [:]

        init() { bytes.reserveCapacity(1024) }

        func kind<T>(of type: T.Type) -> ValueKind {
            let id = ObjectIdentifier(type)
            if let known = kinds[id] { return known }
            let found = ValueKind(type)
            kinds[id] = found
            return found
        }

        func mark(_ tag: Tag, depth: Int) {
            bytes.append(tag.rawValue)
            appendLength(depth)
        }

        func text(_ tag: Tag, _ value: String) {
            bytes.append(tag.rawValue)
            appendLength(value.utf8.count)
            bytes.append(contentsOf: value.utf8)
        }

        func bool(_ value: Bool) {
            bytes.append(Tag.bool.rawValue)
            bytes.append(value ? 1 : 0)
        }

        func null() { bytes.append(Tag.null.rawValue) }

        /// LEB128.
        private func appendLength(_ value: Int) {
            var rest = UInt(value)
            repeat {
                let low = UInt8(rest & 0x7F)
                rest >>= 7
                bytes.append(rest == 0 ? low : low | 0x80)
            } while rest != 0
        }
    }
}

private struct KeyBytesEncoder: Encoder {
    let sink: KeyBytes.Sink
    let depth: Int
    /// Never tracked: nothing reads it, and a new array of boxed keys for every member was most of the keys' cost.
    var codingPath: [CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        sink.mark(.keyed, depth: depth)
        return KeyedEncodingContainer(KeyedContainer<Key>(sink: sink, depth: depth + 1))
    }

    func unkeyedContainer() -> UnkeyedEncodingContainer {
        sink.mark(.unkeyed, depth: depth)
        return UnkeyedContainer(sink: sink, depth: depth + 1)
    }

    func singleValueContainer() -> SingleValueEncodingContainer { SingleValue(sink: sink, depth: depth) }
}

/// Writes one value of any kind at `depth` (a primitive as is, anything else through its own `encode(to:)`).
/// How `write` writes a value of a type: a string, a flag, a number, a dictionary with String keys, or
/// anything else through its own `encode(to:)`. (An optional is anything else: its `encode(to:)` writes
/// what it holds, or null, through the single-value container, the same bytes.)
enum ValueKind {
    case string, bool, number, stringKeyed, other

    init<T>(_ type: T.Type) {
        if type == String.self {
            self = .string
        } else if type == Bool.self {
            self = .bool
        } else if type is any BinaryInteger.Type || type == Double.self || type == Float.self {
            self = .number
        } else if type is any StringKeyedEntries.Type {
            self = .stringKeyed
        } else {
            self = .other
        }
    }
}

private func write<T: Encodable>(_ value: T, sink: KeyBytes.Sink, depth: Int) throws {
    switch sink.kind(of: T.self) {
    case .string:
        // T is String itself (not a subclass or an optional: the kind is of the exact type).
        sink.text(.string, unsafeBitCast(value, to: String.self))
    case .bool: sink.bool(unsafeBitCast(value, to: Bool.self))
    case .number: sink.text(.number, String(describing: value))
    case .stringKeyed:
        guard let dictionary = value as? any StringKeyedEntries else {
            try value.encode(to: KeyBytesEncoder(sink: sink, depth: depth))
            return
        }
        // Written as the keyed container its own encode(to:) makes, but in the order of its keys' bytes: a
        // dictionary iterates in an order that depends on its history and the process's hash seed.
        sink.mark(.keyed, depth: depth)
        for (key, member) in dictionary.entriesInKeyOrder() {
            sink.mark(.key, depth: depth + 1)
            sink.text(.string, key)
            try write(member, sink: sink, depth: depth + 2)
        }
    case .other: try value.encode(to: KeyBytesEncoder(sink: sink, depth: depth))
    }
}

/// A dictionary with String keys (the `extra` columns of the contract v2 rows), entries in an order fixed by the keys alone.
protocol StringKeyedEntries {
    func entriesInKeyOrder() -> [(key: String, value: any Encodable)]
}

extension Dictionary: StringKeyedEntries where Key == String, Value: Encodable {
    func entriesInKeyOrder() -> [(key: String, value: any Encodable)] {
        map { (key: $0.key, value: $0.value as any Encodable) }.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let sink: KeyBytes.Sink
    let depth: Int
    /// Never tracked: nothing reads it, and a new array of boxed keys for every member was most of the keys' cost.
    var codingPath: [CodingKey] { [] }

    private func member(_ key: Key) {
        sink.mark(.key, depth: depth)
        sink.text(.string, key.stringValue)
    }

    mutating func encodeNil(forKey key: Key) throws {
        member(key)
        sink.null()
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        member(key)
        try write(value, sink: sink, depth: depth + 1)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        member(key)
        return KeyBytesEncoder(sink: sink, depth: depth + 1).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
        member(key)
        return KeyBytesEncoder(sink: sink, depth: depth + 1).unkeyedContainer()
    }

    mutating func superEncoder() -> Encoder {
        sink.mark(.key, depth: depth)
        sink.text(.string, "super")
        return KeyBytesEncoder(sink: sink, depth: depth + 1)
    }

    mutating func superEncoder(forKey key: Key) -> Encoder {
        member(key)
        return KeyBytesEncoder(sink: sink, depth: depth + 1)
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let sink: KeyBytes.Sink
    let depth: Int
    /// Never tracked: nothing reads it, and a new array of boxed keys for every member was most of the keys' cost.
    var codingPath: [CodingKey] { [] }
    private(set) var count = 0

    init(sink: KeyBytes.Sink, depth: Int) {
        self.sink = sink
        self.depth = depth
    }

    private mutating func element() {
        sink.mark(.element, depth: depth)
        count += 1
    }

    mutating func encodeNil() throws {
        element()
        sink.null()
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        element()
        try write(value, sink: sink, depth: depth + 1)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        element()
        return KeyBytesEncoder(sink: sink, depth: depth + 1).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
        element()
        return KeyBytesEncoder(sink: sink, depth: depth + 1).unkeyedContainer()
    }

    mutating func superEncoder() -> Encoder {
        element()
        return KeyBytesEncoder(sink: sink, depth: depth + 1)
    }
}

private struct SingleValue: SingleValueEncodingContainer {
    let sink: KeyBytes.Sink
    let depth: Int
    /// Never tracked: nothing reads it, and a new array of boxed keys for every member was most of the keys' cost.
    var codingPath: [CodingKey] { [] }

    mutating func encodeNil() throws { sink.null() }

    mutating func encode<T: Encodable>(_ value: T) throws { try write(value, sink: sink, depth: depth) }
}
