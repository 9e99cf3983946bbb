import Foundation

/// Equal fields of one column share one String's storage.
///
/// An export repeats the same values over thousands of rows — an agency's code,
/// a legal basis, a 案由, a 裁量说明, a 送达方式 — and every field over 15 bytes
/// of UTF-8 is a heap allocation of its own (shorter ones live inside the
/// String). The decoded export keeps the fields the reader made, so at 100,000
/// cases the copies were a large part of what a night holds from the ingest to
/// the commit. The reader asks here before making a String of a field's bytes.
///
/// What it costs is bounded whatever the export holds: a column whose fields
/// turn out mostly distinct (违法事实, 文书编号) stops being looked up and its
/// table is let go, and no column's table grows past `maxEntries`. The table
/// holds Strings the records hold anyway; only its slots are extra, for as long
/// as one piece of one file is read.
struct FieldInterner {
    /// Fields of this many bytes or fewer are stored inside the String itself.
    static let inlineBytes = 15
    /// Lookups a column is judged over, again and again.
    static let window = 1_024
    /// A column stays interned while at least one lookup in this many finds its value.
    static let minimumHitEvery = 8
    /// Distinct values a column's table remembers.
    static let maxEntries = 16_384

    private struct Column {
        /// A field's hash → the String made of it first. Two values with one
        /// hash: the later one is simply not shared.
        var table: [Int: String] = [:]
        var lookups = 0
        var hits = 0
        var active = true
    }

    private var columns: [Column] = []

    /// The String of a field's bytes (invalid UTF-8 repaired as
    /// `String(decoding:as:)` repairs it), shared with an earlier equal field of
    /// the same column when there is one.
    mutating func string(_ bytes: UnsafeBufferPointer<UInt8>, column: Int) -> String {
        guard bytes.count > Self.inlineBytes else { return String(decoding: bytes, as: UTF8.self) }
        while columns.count <= column { columns.append(Column()) }
        guard columns[column].active else { return String(decoding: bytes, as: UTF8.self) }
        var hasher = Hasher()
        hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        let hash = hasher.finalize()
        columns[column].lookups += 1
        let found = columns[column].table[hash]
        let made: String
        if let found, Self.same(found, bytes) {
            columns[column].hits += 1
            made = found
        } else {
            made = String(decoding: bytes, as: UTF8.self)
            // A repaired field's bytes differ from the String's, so it is never found again: not worth a slot.
            if found == nil, columns[column].table.count < Self.maxEntries, made.utf8.count == bytes.count {
                columns[column].table[hash] = made
            }
        }
        judge(column)
        return made
    }

    /// At the end of each window: a column whose values seldom repeat is no longer looked up.
    private mutating func judge(_ column: Int) {
        guard columns[column].lookups == Self.window else { return }
        if columns[column].hits * Self.minimumHitEvery < Self.window {
            columns[column] = Column(table: [:], lookups: 0, hits: 0, active: false)
        } else {
            columns[column].lookups = 0
            columns[column].hits = 0
        }
    }

    private static func same(_ string: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var string = string
        return string.withUTF8 { utf8 in
            guard utf8.count == bytes.count, let mine = utf8.baseAddress, let theirs = bytes.baseAddress else { return false }
            return memcmp(mine, theirs, bytes.count) == 0
        }
    }
}
