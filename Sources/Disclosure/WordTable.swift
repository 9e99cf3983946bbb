/// The word list as an open-addressing hash table of packed keys (`Lexicon.pack`): the name
/// finder looks up the words starting at every character, and Swift's Dictionary (SipHash,
/// resilient storage) spent a sixth of the redaction time there.
///
/// Speed: with 300,000 words the table does not fit in the cache, and almost every lookup was a
/// cache miss, twice (keys and values in separate arrays: 80 % of `NameFinder.segment`, perf,
/// bench redact). So a slot holds its key and value together, one-character words sit in a
/// direct table by scalar, and each entry says whether a longer word starts with it
/// (`longer`): the segmenter stops looking as soon as no longer word can follow, which skips
/// about 60 % of the lookups on case text (as jieba's prefix dictionary does).
struct WordTable: Sendable {
    /// What the table knows about a run of characters.
    struct Entry {
        /// Natural log of the word's probability; nil when the run is only the start of longer words.
        var probability: Float?
        /// Some longer word starts with this run.
        var longer: Bool
    }

    private struct Slot {
        var key: UInt64
        var probability: Float
        var isWord: Bool
        var longer: Bool
    }

    private static let empty = Slot(key: 0, probability: 0, isWord: false, longer: false)

    /// Words of two to four characters and the starts of longer ones.
    private let slots: [Slot]
    /// One-character words and starts, indexed by scalar (the Basic Multilingual Plane; packed keys have no others).
    private let singles: [Slot]
    private let mask: Int
    private let shift: UInt64

    /// `entries` with keys that are never 0 (a packed word has at least one character).
    init(_ entries: [UInt64: Float]) {
        var all: [UInt64: Slot] = [:]
        all.reserveCapacity(entries.count * 3 / 2)
        for (key, probability) in entries where key != 0 {
            all[key, default: Self.empty].probability = probability
            all[key, default: Self.empty].isWord = true
            var length = Self.length(of: key)
            while length > 1 {
                length -= 1
                all[key & Self.prefixMask(length), default: Self.empty].longer = true
            }
        }
        var singles = [Slot](repeating: Self.empty, count: 0x10000)
        var capacity = 16
        var bits: UInt64 = 4
        while capacity < all.count * 2 { capacity <<= 1; bits += 1 }
        var slots = [Slot](repeating: Self.empty, count: capacity)
        let mask = capacity - 1
        let shift = 64 - bits
        for (key, entry) in all where key != 0 {
            var slot = entry
            slot.key = key
            if key < 0x10000 {
                singles[Int(key)] = slot
                continue
            }
            var index = Int((key &* 0x9E37_79B9_7F4A_7C15) >> shift) & mask
            while slots[index].key != 0 { index = (index + 1) & mask }
            slots[index] = slot
        }
        self.slots = slots
        self.singles = singles
        self.mask = mask
        self.shift = shift
    }

    /// Number of characters in a packed key (its highest non-zero 16-bit group).
    private static func length(of key: UInt64) -> Int {
        var length = 0
        var rest = key
        while rest != 0 { length += 1; rest >>= 16 }
        return length
    }

    private static func prefixMask(_ length: Int) -> UInt64 { length >= 4 ? ~0 : (1 << (16 * UInt64(length))) - 1 }

    @inline(__always)
    subscript(key: UInt64) -> Float? { entry(key)?.probability }

    /// The entry of a packed run of characters; nil when no word is or starts with it.
    @inline(__always)
    func entry(_ key: UInt64) -> Entry? {
        let slot = find(key)
        guard slot.key == key, key != 0 else { return nil }
        return Entry(probability: slot.isWord ? slot.probability : nil, longer: slot.longer)
    }

    @inline(__always)
    private func find(_ key: UInt64) -> Slot {
        if key < 0x10000 { return singles[Int(key)] }
        var index = Int((key &* 0x9E37_79B9_7F4A_7C15) >> shift) & mask
        while true {
            let slot = slots[index]
            if slot.key == key || slot.key == 0 { return slot }
            index = (index + 1) & mask
        }
    }
}
