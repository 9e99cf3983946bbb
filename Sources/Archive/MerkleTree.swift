import Crypto
import Foundation

/// A 32-byte SHA-256 digest.
public typealias Digest32 = [UInt8]

/// The Merkle tree of RFC 6962 §2.1 (RFC 9162 §2.1): leaf hash SHA-256(0x00 ‖ d),
/// node hash SHA-256(0x01 ‖ left ‖ right), the left subtree always the largest
/// power of two smaller than the size. Perfect subtrees are hashed once and kept,
/// so roots and proofs for many sizes cost little.
public final class MerkleTree {
    public private(set) var leafHashes: [Digest32] = []
    /// Perfect subtree hashes keyed by start index and height (size 2^height).
    private var perfect: [Int: [Int: Digest32]] = [:]

    public init() {}

    public var size: Int { leafHashes.count }

    public func append(leafData: [UInt8]) { leafHashes.append(Self.leafHash(leafData)) }

    public static func leafHash(_ data: [UInt8]) -> Digest32 { Array(SHA256.hash(data: [0] + data)) }

    public static func nodeHash(_ left: Digest32, _ right: Digest32) -> Digest32 { Array(SHA256.hash(data: [1] + left + right)) }

    public static let emptyRoot: Digest32 = Array(SHA256.hash(data: [UInt8]()))

    /// MTH(D[0:size]).
    public func root(size: Int) -> Digest32? {
        guard (0...self.size).contains(size) else { return nil }
        return size == 0 ? Self.emptyRoot : hash(0, size)
    }

    /// PATH(m, D[0:size]) of RFC 6962 §2.1.1.
    public func inclusionProof(leaf index: Int, size: Int) -> [Digest32]? {
        guard 0 <= index, index < size, size <= self.size else { return nil }
        return path(index, 0, size)
    }

    /// PROOF(old, D[0:new]) of RFC 6962 §2.1.2.
    public func consistencyProof(from old: Int, to new: Int) -> [Digest32]? {
        guard 0 < old, old <= new, new <= size else { return nil }
        return subproof(old, 0, new, true)
    }

    // MARK: Recursion over D[start : start + count]

    private func hash(_ start: Int, _ count: Int) -> Digest32 {
        if count == 1 { return leafHashes[start] }
        if count & (count - 1) == 0 {
            let height = count.trailingZeroBitCount
            if let known = perfect[start]?[height] { return known }
            let value = Self.nodeHash(hash(start, count / 2), hash(start + count / 2, count / 2))
            perfect[start, default: [:]][height] = value
            return value
        }
        let k = Self.split(count)
        return Self.nodeHash(hash(start, k), hash(start + k, count - k))
    }

    private func path(_ index: Int, _ start: Int, _ count: Int) -> [Digest32] {
        if count == 1 { return [] }
        let k = Self.split(count)
        if index < k { return path(index, start, k) + [hash(start + k, count - k)] }
        return path(index - k, start + k, count - k) + [hash(start, k)]
    }

    private func subproof(_ m: Int, _ start: Int, _ count: Int, _ complete: Bool) -> [Digest32] {
        if m == count { return complete ? [] : [hash(start, count)] }
        let k = Self.split(count)
        if m <= k { return subproof(m, start, k, complete) + [hash(start + k, count - k)] }
        return subproof(m - k, start + k, count - k, false) + [hash(start, k)]
    }

    /// The largest power of two smaller than `count` (count ≥ 2).
    static func split(_ count: Int) -> Int {
        var k = 1
        while k << 1 < count { k <<= 1 }
        return k
    }

    // MARK: Verification (RFC 9162 §2.1.3.2 and §2.1.4.2), independent of the tree

    public static func verifyInclusion(leafHash: Digest32, index: Int, size: Int, proof: [Digest32], root: Digest32) -> Bool {
        guard index < size else { return false }
        var fn = index, sn = size - 1
        var r = leafHash
        for p in proof {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                r = nodeHash(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && r == root
    }

    public static func verifyConsistency(oldSize: Int, newSize: Int, oldRoot: Digest32, newRoot: Digest32,
                                         proof: [Digest32]) -> Bool {
        if oldSize == newSize { return proof.isEmpty && oldRoot == newRoot }
        guard oldSize > 0, oldSize < newSize, !proof.isEmpty || oldSize & (oldSize - 1) == 0 else { return false }
        var path = proof
        if oldSize & (oldSize - 1) == 0 { path.insert(oldRoot, at: 0) }
        var fn = oldSize - 1, sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path[0], sr = path[0]
        for c in path.dropFirst() {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                fr = nodeHash(c, fr)
                sr = nodeHash(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        return fr == oldRoot && sr == newRoot && sn == 0
    }
}

extension SHA256.Digest {
    /// Lowercase hex, as ledgers, indexes and stores hold a digest.
    public var hex: String { Array(self).hex }
}

extension Array where Element == UInt8 {
    /// Lowercase hex.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(count * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public init?(hex text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(bytes.count / 2)
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        for index in stride(from: 0, to: bytes.count, by: 2) {
            guard let high = value(bytes[index]), let low = value(bytes[index + 1]) else { return nil }
            out.append(high << 4 | low)
        }
        self = out
    }
}

/// The right edge of an RFC 6962 tree: the roots of its perfect subtrees, largest first (one per set
/// bit of the size). It is all a log that only grows needs to know of its past leaves to append more
/// and compute the new root, so a nightly run need not read and hash every leaf ever logged.
public struct MerkleFrontier: Equatable, Sendable {
    public private(set) var size: Int
    public private(set) var peaks: [Digest32]

    public init() {
        size = 0
        peaks = []
    }

    /// A frontier as stored; nil when the number of peaks does not fit the size.
    public init?(size: Int, peaks: [Digest32]) {
        guard size >= 0, size.nonzeroBitCount == peaks.count, peaks.allSatisfy({ $0.count == 32 }) else { return nil }
        self.size = size
        self.peaks = peaks
    }

    public mutating func append(leafHash: Digest32) {
        var hash = leafHash
        var carried = size
        // Each trailing set bit of the size is a subtree of the new leaf's height: merge it in.
        while carried & 1 == 1, let left = peaks.popLast() {
            hash = MerkleTree.nodeHash(left, hash)
            carried >>= 1
        }
        peaks.append(hash)
        size += 1
    }

    /// MTH of the whole tree: the peaks folded from the right, as RFC 6962 splits at the largest power of two.
    public var root: Digest32 {
        guard var hash = peaks.last else { return MerkleTree.emptyRoot }
        for left in peaks.dropLast().reversed() { hash = MerkleTree.nodeHash(left, hash) }
        return hash
    }
}
