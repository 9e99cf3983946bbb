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
        try bytes.withUnsafeBufferPointer { try parse(buffer: $0) }
    }

    private static let comma: UInt8 = 0x2C, quote: UInt8 = 0x22, cr: UInt8 = 0x0D, lf: UInt8 = 0x0A

    private static func parse(buffer: UnsafeBufferPointer<UInt8>) throws -> [CSVRecord] {
        var records: [CSVRecord] = []
        var fields: [String] = []
        var line = 1
        var recordLine = 1
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
