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
    /// Distinct values a column's table remembers.
    public static let maxEntries = 16_384

    private struct Column {
        /// A value's hash → the String made of it first. Two values with one
        /// hash: the later one is simply not shared.
        var table: [Int: String] = [:]
        var judge = RepeatJudge()
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
        return columns[column].judge.isWorthIt
    }

    /// Counts a lookup: the equal String stored for these bytes (`shared`), or nil with the bytes' hash to store
    /// a new one under. Nil altogether when the column was just judged not worth looking up.
    private mutating func lookUp(_ bytes: UnsafeBufferPointer<UInt8>, column: Int) -> (shared: String?, hash: Int)? {
        var hasher = Hasher()
        hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        let hash = hasher.finalize()
        var shared: String?
        if let stored = columns[column].table[hash], Self.same(stored, bytes) { shared = stored }
        guard columns[column].judge.count(hit: shared != nil) else {
            columns[column].table = [:]
            return nil
        }
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

    private static func same(_ string: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var string = string
        return string.withUTF8 { utf8 in
            guard utf8.count == bytes.count, let mine = utf8.baseAddress, let theirs = bytes.baseAddress else { return false }
            return memcmp(mine, theirs, bytes.count) == 0
        }
    }
}

/// Whether looking values up for sharing still pays, judged again at the end of each window of `window` lookups:
/// once fewer than one in `minimumHitEvery` found an equal value, it never does again (the values are mostly
/// distinct, and the table of them would only cost). `StringInterner` keeps one per column; the ingest one for
/// the rows' unknown columns.
public struct RepeatJudge: Sendable {
    /// Lookups judged together.
    public static let window = 1_024
    /// Looking up stays worth it while at least one lookup in this many finds its value.
    public static let minimumHitEvery = 8

    public private(set) var isWorthIt = true
    private var lookups = 0
    private var hits = 0

    public init() {}

    /// Counts one lookup; false from the end of the first window that found too few.
    public mutating func count(hit: Bool) -> Bool {
        lookups += 1
        if hit { hits += 1 }
        if lookups == Self.window {
            isWorthIt = isWorthIt && hits * Self.minimumHitEvery >= lookups
            (lookups, hits) = (0, 0)
        }
        return isWorthIt
    }
}
