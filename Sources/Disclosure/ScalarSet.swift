/// A set of scalars as one bit per scalar of the Basic Multilingual Plane (8 KB), with a Set
/// for the rest. The scanners ask their character classes at almost every character; as
/// Set<UInt32> each question was a SipHash, 5 % of redaction with the dictionaries below
/// (perf, bench redact). Membership here is one load and a mask.
struct ScalarSet: Sendable {
    private var bits = [UInt64](repeating: 0, count: 0x10000 / 64)
    private var others: Set<UInt32> = []

    init(_ scalars: some Sequence<UInt32>) {
        for scalar in scalars { insert(scalar) }
    }

    init(_ string: String) { self.init(string.unicodeScalars.lazy.map(\.value)) }

    mutating func insert(_ scalar: UInt32) {
        if scalar < 0x10000 { bits[Int(scalar >> 6)] |= 1 << (UInt64(scalar) & 63) } else { others.insert(scalar) }
    }

    func union(_ string: String) -> ScalarSet {
        var copy = self
        for scalar in string.unicodeScalars { copy.insert(scalar.value) }
        return copy
    }

    @inline(__always)
    func contains(_ scalar: UInt32) -> Bool {
        scalar < 0x10000 ? bits[Int(scalar >> 6)] & (1 << (UInt64(scalar) & 63)) != 0 : others.contains(scalar)
    }
}

/// A Float per scalar, directly indexed for the Basic Multilingual Plane (NaN where there is
/// none), with a dictionary for the rest: the given-name model and the surname tiers are read
/// at every character a name might start or continue at (see `ScalarSet` for why not a Dictionary).
struct ScalarTable: Sendable {
    private var values = [Float](repeating: .nan, count: 0x10000)
    private var others: [UInt32: Float] = [:]

    init(_ entries: [UInt32: Float]) {
        for (scalar, value) in entries { self[scalar] = value }
    }

    @inline(__always)
    subscript(scalar: UInt32) -> Float? {
        get {
            guard scalar < 0x10000 else { return others[scalar] }
            let value = values[Int(scalar)]
            return value.isNaN ? nil : value
        }
        set {
            // A NaN value would read as absent; the models' values are logs of shares, never NaN.
            if scalar < 0x10000 { values[Int(scalar)] = newValue ?? .nan } else { others[scalar] = newValue }
        }
    }
}
