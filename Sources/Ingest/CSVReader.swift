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
    /// with the line number each piece starts on. Quotes that are not where
    /// RFC 4180 puts them make quote parity unreliable: then one piece.
    static func split(_ buffer: UnsafeBufferPointer<UInt8>, parts: Int) -> [(range: Range<Int>, line: Int)] {
        let whole = [(range: 0..<buffer.count, line: 1)]
        guard parts > 1 else { return whole }
        var pieces: [(range: Range<Int>, line: Int)] = []
        var start = 0, startLine = 1, line = 1
        var inQuotes = false
        var fieldStart = true
        let target = buffer.count / parts
        var i = 0
        while i < buffer.count {
            let byte = buffer[i]
            if inQuotes {
                if byte == quote {
                    if i + 1 < buffer.count && buffer[i + 1] == quote {
                        i += 2
                        continue
                    }
                    if i + 1 < buffer.count {
                        let next = buffer[i + 1]
                        guard next == comma || next == lf || next == cr else { return whole }
                    }
                    inQuotes = false
                } else if byte == lf || (byte == cr && (i + 1 >= buffer.count || buffer[i + 1] != lf)) {
                    line += 1
                }
                i += 1
                continue
            }
            if byte == quote {
                guard fieldStart else { return whole }
                inQuotes = true
            } else if byte == lf || (byte == cr && (i + 1 >= buffer.count || buffer[i + 1] != lf)) {
                line += 1
                if i + 1 - start >= target && pieces.count < parts - 1 {
                    pieces.append((start..<i + 1, startLine))
                    start = i + 1
                    startLine = line
                }
            }
            fieldStart = byte == comma || byte == lf || byte == cr
            i += 1
        }
        pieces.append((start..<buffer.count, startLine))
        return pieces
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
