/// The posting lists of the search index's keys while they are gathered: for each key (a pair of folded
/// characters packed in 64 bits, never 0), the ascending numbers of the decisions that hold it, as LEB128
/// gaps (one or two bytes a decision). At 100,000 decisions there are about a million keys, most in one or
/// two decisions: a dictionary of one growable array per key cost a heap object, its reference counting
/// and a SipHash per posting, most of the index builder's time on one core and a part of the portal
/// stage's peak memory. Here the keys live in an open-addressed table, and every list in one arena of
/// 16-byte blocks, chained when a list outgrows its block.
struct PostingsTable {
    private static let blockSize = 16

    /// Per slot: the entry of the key there, or -1 (at most half the slots are taken, so probes end soon).
    private var slots = [Int32](repeating: -1, count: 1 << 12)
    private var mask = (1 << 12) - 1
    /// Per entry, in the order the keys were first met.
    private(set) var keys: [UInt64] = []
    private var lastID: [Int32] = []
    private var firstBlock: [Int32] = []
    private var lastBlock: [Int32] = []
    /// Bytes used in the entry's last block.
    private var lastFill: [UInt8] = []
    /// The blocks, one after another, and each block's successor in its list (-1: the list ends there).
    private var arena: [UInt8] = []
    private var nextBlock: [Int32] = []

    var isEmpty: Bool { keys.isEmpty }

    /// Adds `id` to the list of `key`; ids come in ascending order for each key.
    mutating func append(_ id: Int32, to key: UInt64) {
        let entry = entryAdding(key)
        let last = lastID[entry]
        var gap = UInt32(bitPattern: last < 0 ? id : id &- last)
        lastID[entry] = id
        while gap >= 0x80 {
            put(UInt8(gap & 0x7F) | 0x80, entry: entry)
            gap >>= 7
        }
        put(UInt8(gap), entry: entry)
    }

    /// The list of `key`, decoded; nil when no id was added to it.
    func ids(of key: UInt64) -> [Int32]? {
        guard let entry = entry(of: key) else { return nil }
        var out: [Int32] = []
        var value: UInt32 = 0, shift: UInt32 = 0, previous: Int32 = 0
        var block = Int(firstBlock[entry])
        while block >= 0 {
            let used = block == Int(lastBlock[entry]) ? Int(lastFill[entry]) : Self.blockSize
            for byte in arena[block * Self.blockSize..<block * Self.blockSize + used] {
                value |= UInt32(byte & 0x7F) << shift
                if byte & 0x80 != 0 {
                    shift += 7
                    continue
                }
                let id = out.isEmpty ? Int32(bitPattern: value) : previous &+ Int32(bitPattern: value)
                out.append(id)
                previous = id
                value = 0
                shift = 0
            }
            block = Int(nextBlock[block])
        }
        return out
    }

    func contains(_ key: UInt64) -> Bool { entry(of: key) != nil }

    private func slot(of key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask }

    private func entry(of key: UInt64) -> Int? {
        var index = slot(of: key)
        while slots[index] >= 0 {
            let entry = Int(slots[index])
            if keys[entry] == key { return entry }
            index = (index + 1) & mask
        }
        return nil
    }

    private mutating func entryAdding(_ key: UInt64) -> Int {
        var index = slot(of: key)
        while slots[index] >= 0 {
            let entry = Int(slots[index])
            if keys[entry] == key { return entry }
            index = (index + 1) & mask
        }
        let entry = keys.count
        slots[index] = Int32(entry)
        keys.append(key)
        lastID.append(-1)
        let block = newBlock()
        firstBlock.append(Int32(block))
        lastBlock.append(Int32(block))
        lastFill.append(0)
        if keys.count * 2 > slots.count { grow() }
        return entry
    }

    private mutating func newBlock() -> Int {
        let block = nextBlock.count
        nextBlock.append(-1)
        arena.append(contentsOf: repeatElement(0, count: Self.blockSize))
        return block
    }

    private mutating func put(_ byte: UInt8, entry: Int) {
        var block = Int(lastBlock[entry])
        var fill = Int(lastFill[entry])
        if fill == Self.blockSize {
            let next = newBlock()
            nextBlock[block] = Int32(next)
            lastBlock[entry] = Int32(next)
            block = next
            fill = 0
        }
        arena[block * Self.blockSize + fill] = byte
        lastFill[entry] = UInt8(fill + 1)
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        mask = slots.count - 1
        for (entry, key) in keys.enumerated() {
            var index = slot(of: key)
            while slots[index] >= 0 { index = (index + 1) & mask }
            slots[index] = Int32(entry)
        }
    }
}
