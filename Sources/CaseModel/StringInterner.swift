import Foundation

/// Equal strings of one column share one String's storage.
///
/// An export repeats the same values over thousands of rows — an agency's code,
/// a legal basis, a 案由, a 裁量说明, a 送达方式 — and every String over 15 bytes
/// of UTF-8 is a heap allocation of its own (shorter ones live inside the
/// String). The decoded export keeps the fields the CSV reader made, and the
/// portal the public cases it decodes, so at 100,000 cases the copies were a
/// large part of what a night holds. A reader asks here before making (or
/// keeping) a String; a column is a field's place: a CSV column, a member of a type.
///
/// What it costs is bounded whatever the data holds: a column whose values
/// turn out mostly distinct (违法事实, 文书编号) stops being looked up and its
/// table is let go, and no column's table grows past `maxEntries`. The table
/// holds Strings the records hold anyway; only its slots are extra, for as long
/// as the interner lives.
public struct StringInterner: Sendable {
    /// Strings of this many bytes or fewer are stored inside the String itself.
    public static let inlineBytes = 15
    /// Lookups a column is judged over, again and again.
    public static let window = 1_024
    /// A column stays interned while at least one lookup in this many finds its value.
    public static let minimumHitEvery = 8
    /// Distinct values a column's table remembers.
    public static let maxEntries = 16_384

    private struct Column {
        /// A value's hash → the String made of it first. Two values with one
        /// hash: the later one is simply not shared.
        var table: [Int: String] = [:]
        var lookups = 0
        var hits = 0
        var active = true
    }

    private var columns: [Column] = []

    public init() {}

    /// The String of a field's bytes (invalid UTF-8 repaired as
    /// `String(decoding:as:)` repairs it), shared with an earlier equal field of
    /// the same column when there is one.
    public mutating func string(_ bytes: UnsafeBufferPointer<UInt8>, column: Int) -> String {
        guard bytes.count > Self.inlineBytes, isActive(column), let found = lookUp(bytes, column: column) else {
            return String(decoding: bytes, as: UTF8.self)
        }
        if let shared = found.shared { return shared }
        return remember(String(decoding: bytes, as: UTF8.self), found.hash, bytes, column)
    }

    /// The String itself, or an earlier equal String of the same column whose storage it then shares.
    public mutating func shared(_ value: String, column: Int) -> String {
        guard value.utf8.count > Self.inlineBytes, isActive(column) else { return value }
        var storage = value
        return storage.withUTF8 { bytes in
            guard let found = lookUp(bytes, column: column) else { return value }
            return found.shared ?? remember(value, found.hash, bytes, column)
        }
    }

    private mutating func isActive(_ column: Int) -> Bool {
        while columns.count <= column { columns.append(Column()) }
        return columns[column].active
    }

    /// Counts a lookup: the equal String stored for these bytes (`shared`), or nil with the bytes' hash to store
    /// a new one under. Nil altogether when the column was just judged not worth looking up.
    private mutating func lookUp(_ bytes: UnsafeBufferPointer<UInt8>, column: Int) -> (shared: String?, hash: Int)? {
        var hasher = Hasher()
        hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        let hash = hasher.finalize()
        columns[column].lookups += 1
        var shared: String?
        if let stored = columns[column].table[hash], Self.same(stored, bytes) {
            columns[column].hits += 1
            shared = stored
        }
        guard judge(column) else { return nil }
        return (shared, hash)
    }

    /// Stores a new value under its hash unless the slot is taken or the table is full; returns the value.
    private mutating func remember(_ value: String, _ hash: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ column: Int) -> String {
        // A repaired field's bytes differ from its String's, so it would never be found again: not worth a slot.
        if columns[column].table[hash] == nil, columns[column].table.count < Self.maxEntries, value.utf8.count == bytes.count {
            columns[column].table[hash] = value
        }
        return value
    }

    /// At the end of each window: a column whose values seldom repeat is no longer looked up. False when it was just let go.
    private mutating func judge(_ column: Int) -> Bool {
        guard columns[column].lookups == Self.window else { return true }
        if columns[column].hits * Self.minimumHitEvery < Self.window {
            columns[column] = Column(table: [:], lookups: 0, hits: 0, active: false)
            return false
        }
        columns[column].lookups = 0
        columns[column].hits = 0
        return true
    }

    private static func same(_ string: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var string = string
        return string.withUTF8 { utf8 in
            guard utf8.count == bytes.count, let mine = utf8.baseAddress, let theirs = bytes.baseAddress else { return false }
            return memcmp(mine, theirs, bytes.count) == 0
        }
    }
}
