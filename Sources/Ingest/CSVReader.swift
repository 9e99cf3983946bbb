import Foundation

/// One record of a CSV file with the physical line it starts on.
public struct CSVRecord: Sendable {
    public var fields: [String]
    public var line: Int
}

public enum CSVError: Error, Equatable, Sendable {
    /// A quoted field opened on `line` is never closed.
    case unterminatedQuote(line: Int)
}

/// RFC 4180 reader over UTF-8 bytes: quoted fields with embedded commas,
/// quotes ("") and newlines; CRLF, LF or CR line ends; blank lines skipped.
public enum CSVReader {
    public static func parse(_ bytes: [UInt8]) throws -> [CSVRecord] {
        try parse(bytes, parts: bytes.count > 4 << 20 ? 8 : 1)
    }

    static func parse(_ bytes: [UInt8], parts: Int) throws -> [CSVRecord] {
        try bytes.withUnsafeBufferPointer { buffer in
            let pieces = split(buffer, parts: parts)
            guard pieces.count > 1 else { return try parse(buffer: buffer, firstLine: 1) }
            // Pieces start at record boundaries, so each parses on its own core.
            let parsed = concurrentMap(pieces, chunkSize: 1) { piece in
                Result { try parse(buffer: UnsafeBufferPointer(rebasing: buffer[piece.range]), firstLine: piece.line) }
            }
            return try parsed.flatMap { try $0.get() }
        }
    }

    /// Cuts the input into about `parts` pieces at line ends outside quotes,
    /// with the line number each piece starts on. Only the quotes are visited
    /// one by one (memchr jumps between them); quotes that are not where
    /// RFC 4180 puts them make quote parity unreliable, and then there is one piece.
    static func split(_ buffer: UnsafeBufferPointer<UInt8>, parts: Int) -> [(range: Range<Int>, line: Int)] {
        let whole = [(range: 0..<buffer.count, line: 1)]
        guard parts > 1, let quoted = quotedRanges(buffer) else { return whole }
        var cuts: [Int] = []
        var next = 0
        for part in 1..<parts {
            var offset = max(buffer.count * part / parts, next)
            while offset < buffer.count {
                guard let newline = firstIndex(of: lf, in: buffer, from: offset) else { offset = buffer.count; break }
                if let inside = quoted.first(where: { $0.contains(newline) }) {
                    offset = inside.upperBound
                } else {
                    offset = newline + 1
                    break
                }
            }
            if offset < buffer.count && offset > (cuts.last ?? 0) { cuts.append(offset) }
            next = offset
        }
        let bounds = [0] + cuts + [buffer.count]
        let ranges = zip(bounds, bounds.dropFirst()).map { $0..<$1 }
        let breaks = concurrentMap(ranges, chunkSize: 1) { lineBreaks(in: buffer, $0) }
        var line = 1
        return zip(ranges, breaks).map { range, count in
            defer { line += count }
            return (range, line)
        }
    }

    /// The spans from each opening quote to its closing quote, or nil when a
    /// quote stands where a field cannot start or end.
    private static func quotedRanges(_ buffer: UnsafeBufferPointer<UInt8>) -> [Range<Int>]? {
        var ranges: [Range<Int>] = []
        var from = 0
        while let open = firstIndex(of: quote, in: buffer, from: from) {
            if open > 0 {
                let previous = buffer[open - 1]
                guard previous == comma || previous == lf || previous == cr else { return nil }
            }
            var search = open + 1
            while true {
                guard let close = firstIndex(of: quote, in: buffer, from: search) else { return nil }
                if close + 1 < buffer.count && buffer[close + 1] == quote {
                    search = close + 2
                    continue
                }
                if close + 1 < buffer.count {
                    let after = buffer[close + 1]
                    guard after == comma || after == lf || after == cr else { return nil }
                }
                ranges.append(open..<close + 1)
                from = close + 1
                break
            }
        }
        return ranges
    }

    private static func firstIndex(of byte: UInt8, in buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start < buffer.count, let base = buffer.baseAddress,
              let found = memchr(base + start, Int32(byte), buffer.count - start) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    /// Line ends as the parser counts them: LF, CRLF and a lone CR.
    private static func lineBreaks(in buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
        var count = 0
        for index in range {
            let byte = buffer[index]
            if byte == lf || (byte == cr && (index + 1 >= buffer.count || buffer[index + 1] != lf)) { count += 1 }
        }
        return count
    }

    private static let comma: UInt8 = 0x2C, quote: UInt8 = 0x22, cr: UInt8 = 0x0D, lf: UInt8 = 0x0A

    private static func parse(buffer: UnsafeBufferPointer<UInt8>, firstLine: Int) throws -> [CSVRecord] {
        var records: [CSVRecord] = []
        var fields: [String] = []
        var line = firstLine
        var recordLine = firstLine
        var i = 0
        let n = buffer.count
        var scratch: [UInt8] = []
        while i < n {
            // One field starts at i.
            if buffer[i] == quote {
                let openedOn = line
                scratch.removeAll(keepingCapacity: true)
                i += 1
                var closed = false
                while i < n {
                    let b = buffer[i]
                    if b == quote {
                        if i + 1 < n && buffer[i + 1] == quote {
                            scratch.append(quote)
                            i += 2
                            continue
                        }
                        i += 1
                        closed = true
                        break
                    }
                    if b == lf || (b == cr && (i + 1 >= n || buffer[i + 1] != lf)) { line += 1 }
                    scratch.append(b)
                    i += 1
                }
                guard closed else { throw CSVError.unterminatedQuote(line: openedOn) }
                // Tolerate stray bytes between the closing quote and the separator.
                while i < n, buffer[i] != comma, buffer[i] != lf, buffer[i] != cr {
                    scratch.append(buffer[i])
                    i += 1
                }
                fields.append(String(decoding: scratch, as: UTF8.self))
            } else {
                let start = i
                while i < n, buffer[i] != comma, buffer[i] != lf, buffer[i] != cr { i += 1 }
                fields.append(String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<i]), as: UTF8.self))
            }
            // After a field: a separator, a line end, or the end of input.
            if i < n && buffer[i] == comma {
                i += 1
                if i == n { fields.append("") }
                continue
            }
            if i < n && buffer[i] == cr { i += 1 }
            if i < n && buffer[i] == lf { i += 1 }
            finish(&fields, line: recordLine, into: &records)
            line += 1
            recordLine = line
        }
        finish(&fields, line: recordLine, into: &records)
        return records
    }

    private static func finish(_ fields: inout [String], line: Int, into records: inout [CSVRecord]) {
        defer { fields.removeAll(keepingCapacity: true) }
        if fields.isEmpty || (fields.count == 1 && fields[0].isEmpty) { return }
        records.append(CSVRecord(fields: fields, line: line))
    }
}
