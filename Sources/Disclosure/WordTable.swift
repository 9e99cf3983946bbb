/// The word list as an open-addressing hash table of packed keys: the name finder looks
/// up four words at every character, and Swift's Dictionary (SipHash, resilient
/// storage) spent a sixth of the redaction time there.
struct WordTable: Sendable {
    private let keys: [UInt64]
    private let values: [Float]
    private let mask: Int
    private let shift: UInt64

    /// `entries` with keys that are never 0 (a packed word has at least one character).
    init(_ entries: [UInt64: Float]) {
        var capacity = 16
        var bits: UInt64 = 4
        while capacity < entries.count * 2 { capacity <<= 1; bits += 1 }
        var keys = [UInt64](repeating: 0, count: capacity)
        var values = [Float](repeating: 0, count: capacity)
        let mask = capacity - 1
        let shift = 64 - bits
        for (key, value) in entries where key != 0 {
            var slot = Int((key &* 0x9E37_79B9_7F4A_7C15) >> shift) & mask
            while keys[slot] != 0 { slot = (slot + 1) & mask }
            keys[slot] = key
            values[slot] = value
        }
        self.keys = keys
        self.values = values
        self.mask = mask
        self.shift = shift
    }

    @inline(__always)
    subscript(key: UInt64) -> Float? {
        var slot = Int((key &* 0x9E37_79B9_7F4A_7C15) >> shift) & mask
        while true {
            let found = keys[slot]
            if found == key { return values[slot] }
            if found == 0 { return nil }
            slot = (slot + 1) & mask
        }
    }
}
