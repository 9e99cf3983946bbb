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
        try write(value, sink: sink, depth: 0, codingPath: [])
        return sink.bytes
    }

    /// What each element starts with.
    enum Tag: UInt8 {
        case keyed = 0x01, unkeyed = 0x02, key = 0x03, element = 0x04
        case null = 0x10, bool = 0x11, string = 0x12, number = 0x13
    }

    final class Sink {
        var bytes: [UInt8] = []

        init() { bytes.reserveCapacity(1024) }

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
    let codingPath: [CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        sink.mark(.keyed, depth: depth)
        return KeyedEncodingContainer(KeyedContainer<Key>(sink: sink, depth: depth + 1, codingPath: codingPath))
    }

    func unkeyedContainer() -> UnkeyedEncodingContainer {
        sink.mark(.unkeyed, depth: depth)
        return UnkeyedContainer(sink: sink, depth: depth + 1, codingPath: codingPath)
    }

    func singleValueContainer() -> SingleValueEncodingContainer { SingleValue(sink: sink, depth: depth, codingPath: codingPath) }
}

/// Writes one value of any kind at `depth` (a primitive as is, anything else through its own `encode(to:)`).
private func write<T: Encodable>(_ value: T, sink: KeyBytes.Sink, depth: Int, codingPath: [CodingKey]) throws {
    switch value {
    case let text as String: sink.text(.string, text)
    case let flag as Bool: sink.bool(flag)
    case let number as any BinaryInteger: sink.text(.number, String(describing: number))
    case let number as Double: sink.text(.number, String(describing: number))
    case let number as Float: sink.text(.number, String(describing: number))
    case let dictionary as any StringKeyedEntries:
        // Written as the keyed container its own encode(to:) makes, but in the order of its keys' bytes: a
        // dictionary iterates in an order that depends on its history and the process's hash seed.
        sink.mark(.keyed, depth: depth)
        for (key, member) in dictionary.entriesInKeyOrder() {
            sink.mark(.key, depth: depth + 1)
            sink.text(.string, key)
            try write(member, sink: sink, depth: depth + 2, codingPath: codingPath)
        }
    default: try value.encode(to: KeyBytesEncoder(sink: sink, depth: depth, codingPath: codingPath))
    }
}

/// A dictionary with String keys (the `extra` columns of the contract v2 rows), entries in an order fixed by the keys alone.
private protocol StringKeyedEntries {
    func entriesInKeyOrder() -> [(key: String, value: any Encodable)]
}

extension Dictionary: StringKeyedEntries where Key == String, Value: Encodable {
    fileprivate func entriesInKeyOrder() -> [(key: String, value: any Encodable)] {
        map { (key: $0.key, value: $0.value as any Encodable) }.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let sink: KeyBytes.Sink
    let depth: Int
    let codingPath: [CodingKey]

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
        try write(value, sink: sink, depth: depth + 1, codingPath: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        member(key)
        return KeyBytesEncoder(sink: sink, depth: depth + 1, codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
        member(key)
        return KeyBytesEncoder(sink: sink, depth: depth + 1, codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> Encoder {
        sink.mark(.key, depth: depth)
        sink.text(.string, "super")
        return KeyBytesEncoder(sink: sink, depth: depth + 1, codingPath: codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> Encoder {
        member(key)
        return KeyBytesEncoder(sink: sink, depth: depth + 1, codingPath: codingPath + [key])
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let sink: KeyBytes.Sink
    let depth: Int
    let codingPath: [CodingKey]
    private(set) var count = 0

    init(sink: KeyBytes.Sink, depth: Int, codingPath: [CodingKey]) {
        self.sink = sink
        self.depth = depth
        self.codingPath = codingPath
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
        try write(value, sink: sink, depth: depth + 1, codingPath: codingPath)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        element()
        return KeyBytesEncoder(sink: sink, depth: depth + 1, codingPath: codingPath).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
        element()
        return KeyBytesEncoder(sink: sink, depth: depth + 1, codingPath: codingPath).unkeyedContainer()
    }

    mutating func superEncoder() -> Encoder {
        element()
        return KeyBytesEncoder(sink: sink, depth: depth + 1, codingPath: codingPath)
    }
}

private struct SingleValue: SingleValueEncodingContainer {
    let sink: KeyBytes.Sink
    let depth: Int
    let codingPath: [CodingKey]

    mutating func encodeNil() throws { sink.null() }

    mutating func encode<T: Encodable>(_ value: T) throws { try write(value, sink: sink, depth: depth, codingPath: codingPath) }
}
