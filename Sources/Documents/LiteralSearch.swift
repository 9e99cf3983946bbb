#if canImport(Glibc)
import Glibc
#endif

extension StringProtocol {
    /// Whether `part` occurs in the text, compared byte for byte (UTF-8). False for an empty `part`, as
    /// Foundation's `contains` answers. Foundation's search folds each character cluster, locale-aware,
    /// and was about a twentieth of making a document (a case's facts searched for its provisions).
    /// Byte for byte differs from it only for text that is canonically equal but spelt apart (é as e and
    /// an accent): none of what these documents look for.
    func includes<Part: StringProtocol>(_ part: Part) -> Bool {
        let found = utf8.withContiguousStorageIfAvailable { text in
            part.utf8.withContiguousStorageIfAvailable { needle in Self.search(text, needle) != nil }
        }
        if let found = found ?? nil { return found }
        return Self.search(Array(utf8), Array(part.utf8)) != nil
    }

    /// Where `part` first occurs at or after `start`, compared byte for byte like `includes`; nil for an empty `part`.
    func literalRange<Part: StringProtocol>(of part: Part, from start: Index? = nil) -> Range<Index>? {
        let view = utf8
        let from = start.map { view.distance(from: view.startIndex, to: $0) } ?? 0
        let bytes = Array(view)
        guard from <= bytes.count, let offset = bytes[from...].withUnsafeBufferPointer({ text in
            Array(part.utf8).withUnsafeBufferPointer { needle in Self.search(text, needle) }
        }) else { return nil }
        let lower = view.index(view.startIndex, offsetBy: from + offset)
        return lower..<view.index(lower, offsetBy: part.utf8.count)
    }

    /// The offset of the first `needle` in `text`; nil when absent or when `needle` is empty. Each candidate
    /// start is found by its first byte (memchr), then compared whole (memcmp).
    private static func search(_ text: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let textStart = text.baseAddress, let needleStart = needle.baseAddress, needle.count > 0, needle.count <= text.count else { return nil }
        let lastStart = text.count - needle.count
        var offset = 0
        while offset <= lastStart {
            guard let hit = memchr(textStart + offset, Int32(needleStart[0]), lastStart - offset + 1) else { return nil }
            let position = UnsafeRawPointer(hit) - UnsafeRawPointer(textStart)
            if memcmp(textStart + position, needleStart, needle.count) == 0 { return position }
            offset = position + 1
        }
        return nil
    }

    private static func search(_ text: [UInt8], _ needle: [UInt8]) -> Int? {
        text.withUnsafeBufferPointer { text in needle.withUnsafeBufferPointer { needle in search(text, needle) } }
    }
}
