import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension PersonalValueIndex {
    /// `hits(inMarkup:)` of a file, read a piece at a time (a megabyte: one piece in flight on each core is
    /// about 15 MB of scalars and their origins): the portal's feed of every decision is over
    /// 100 MB at 100,000 decisions, and read whole its text took about ten times that in memory while it
    /// was searched (the sweep reads it every night it changes).
    ///
    /// The file is cut only where a line starts with a tag ("\n<"): there the markup reader is between
    /// tags, so the text a person sees of the whole file is that of its pieces one after the other. Each
    /// piece is searched with at least `context` bytes of the file on either side and reports only the
    /// values that start inside it, so every value shorter than `context` is found exactly as in the whole
    /// file, with the same neighbours (a two-character name is judged by the characters around it). A file
    /// with no such line start is read whole. Nil when the file cannot be read.
    public func hits(inMarkupFile path: String, piece: Int = 1 << 20, context: Int = 64 << 10) -> [GateHit]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var data: [UInt8] = []
        var ownedFrom = 0      // in `data`: where the bytes this piece answers for start (before: left context)
        var ownedCanonical = 0 // canonical offset in the whole file of data[ownedFrom]
        var atEnd = false
        var hits: [GateHit] = []
        /// The next megabyte of the file into `data`; false on a read error.
        func readMore() -> Bool {
            guard let more = Self.read(descriptor, upTo: 1 << 20) else { return false }
            if more.isEmpty { atEnd = true } else { data += more }
            return true
        }
        while true {
            while !atEnd, data.count - ownedFrom < piece + context {
                guard readMore() else { return nil }
            }
            let cut = atEnd ? data.count : Self.lastLineStart(in: data, after: ownedFrom, before: data.count - context)
            guard let cut else {
                // No place to cut yet: read on (a file without one is read whole).
                guard readMore() else { return nil }
                continue
            }
            let (found, ownedLength) = ownedHits(data, owned: ownedFrom..<cut)
            hits += found.map { GateHit(kind: $0.kind, valueIndex: $0.valueIndex, canonicalOffset: ownedCanonical + $0.canonicalOffset) }
            if cut == data.count, atEnd { return hits }
            // The next piece's left context starts at a line start at least `context` bytes before the cut.
            let keep = Self.lastLineStart(in: data, after: 0, before: cut - context + 1) ?? 0
            data.removeFirst(keep)
            ownedFrom = cut - keep
            ownedCanonical += ownedLength
        }
    }

    /// The values starting in `owned` (offsets from its start) and its canonical length; the rest of
    /// `data` is the context around it.
    private func ownedHits(_ data: [UInt8], owned: Range<Int>) -> ([GateHit], Int) {
        let parts = [data[..<owned.lowerBound], data[owned], data[owned.upperBound...]].map { bytes in
            CanonicalText(Markup.visibleText(String(decoding: bytes, as: UTF8.self)))
        }
        let canonical = CanonicalText(joining: parts)
        let start = parts[0].scalars.count, end = start + parts[1].scalars.count
        let found = outsideSeats(matches(in: canonical), canonical).filter { (start..<end).contains($0.canonicalOffset) }
        return (found.map { GateHit(kind: $0.kind, valueIndex: $0.value, canonicalOffset: $0.canonicalOffset - start) }, end - start)
    }

    /// The position of the last "<" that starts a line, after `lower` and before `upper`; nil when there is none.
    static func lastLineStart(in data: [UInt8], after lower: Int, before upper: Int) -> Int? {
        var index = min(upper, data.count) - 1
        while index > lower, index >= 1 {
            if data[index] == 0x3C, data[index - 1] == 0x0A { return index }
            index -= 1
        }
        return nil
    }

    /// Up to `count` bytes as one read(2) returns them (none at the end of the file); nil on a read error.
    /// The buffer is not zeroed first: most public files are a few kilobytes, and clearing a megabyte
    /// twice for each (the read with its bytes, the one that finds the end) cost a seventh of the sweep.
    private static func read(_ descriptor: Int32, upTo count: Int) -> [UInt8]? {
        var failed = false
        let buffer = [UInt8](unsafeUninitializedCapacity: count) { bytes, initialized in
            while true {
                let got = Glibc.read(descriptor, bytes.baseAddress, count)
                if got < 0, errno == EINTR { continue }
                failed = got < 0
                initialized = max(got, 0)
                return
            }
        }
        return failed ? nil : buffer
    }
}

extension CanonicalText {
    /// Texts one after the other (their origins, positions in each text's own scalars, are not shifted:
    /// only the canonical offsets are read from the result).
    init(joining parts: [CanonicalText]) {
        scalars = parts.flatMap(\.scalars)
        origin = parts.flatMap(\.origin)
    }
}
