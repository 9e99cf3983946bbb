import CaseModel
import Foundation

/// One record of a CSV file with the physical line it starts on.
public struct CSVRecord: Sendable {
    public var fields: [String]
    public var line: Int
    /// Set when quoting went wrong around this record; such a record is set aside.
    public var defect: CSVDefect?
    /// Where the record's bytes are in the input, its line end included: set by `CSVReader.index` only.
    var bytes: Range<Int> = 0..<0

    public init(fields: [String], line: Int, defect: CSVDefect? = nil) {
        self.fields = fields
        self.line = line
        self.defect = defect
    }
}

/// Quoting that went wrong. A stray quote would otherwise swallow the lines
/// after it into one field, and the records on them would vanish without a word.
public enum CSVDefect: Equatable, Sendable {
    /// The quote opening field `field` (0-based) is not matched: it is never
    /// closed, or closing it would swallow lines that look like records. The
    /// record is cut at the end of the quote's line and read on from the next line.
    case strayQuote(field: Int)
    /// The record lies where the stray quote of the record starting on `byLine`
    /// would have swallowed it; its text may belong to that record.
    case swallowed(byLine: Int)
}

/// RFC 4180 reader over UTF-8 bytes: quoted fields with embedded commas,
/// quotes ("") and newlines; CRLF, LF or CR line ends; blank lines skipped.
/// It never fails: a quote that cannot be matched is reported on its record
/// (`CSVDefect`) and reading goes on with the next line.
public enum CSVReader {
    public static func parse(_ bytes: [UInt8]) -> [CSVRecord] {
        parse(bytes, parts: bytes.count > 4 << 20 ? 8 : 1)
    }

    static func parse(_ bytes: [UInt8], parts: Int) -> [CSVRecord] {
        parse(bytes, parts: parts, keeping: nil)
    }

    /// The first record (a file's header) with all its fields, read as `parse` reads it.
    static func header(_ bytes: [UInt8]) -> CSVRecord? {
        bytes.withUnsafeBufferPointer { parse(buffer: $0, firstLine: 1, expectedFields: nil, keeping: nil, limit: 1).first }
    }

    /// Every record as `parse` reads it (line, defect), but holding only the fields at `columns` (in that order,
    /// "" where a record is shorter) and where its bytes are (`CSVRecord.bytes`): an index of a large file
    /// without a String for every field. `record(in:at:)` reads one record again from its bytes.
    static func index(_ bytes: [UInt8], keeping columns: [Int], parts: Int? = nil) -> [CSVRecord] {
        parse(bytes, parts: parts ?? (bytes.count > 4 << 20 ? 8 : 1), keeping: columns)
    }

    /// One record read again from its bytes, the input `index` was given: the same fields `parse` gives it
    /// (a record is read from its own bytes alone, and `expected`, the header's field count, is what every piece but
    /// the first is given). Its defect is the one the whole file's reading found: a record swallowed by an
    /// earlier stray quote is only known in its file.
    static func record(in buffer: UnsafeBufferPointer<UInt8>, at indexed: CSVRecord, expected: Int?) -> CSVRecord? {
        guard indexed.bytes.upperBound <= buffer.count else { return nil }
        guard var record = parse(buffer: UnsafeBufferPointer(rebasing: buffer[indexed.bytes]), firstLine: indexed.line,
                                 expectedFields: expected, keeping: nil, limit: 1).first else { return nil }
        record.defect = indexed.defect
        return record
    }

    private static func parse(_ bytes: [UInt8], parts: Int, keeping columns: [Int]?) -> [CSVRecord] {
        bytes.withUnsafeBufferPointer { buffer in
            let pieces = split(buffer, parts: parts)
            guard pieces.count > 1 else { return parse(buffer: buffer, firstLine: 1, expectedFields: nil, keeping: columns) }
            let expected = headerFieldCount(buffer)
            // Pieces start at record boundaries, so each parses on its own core.
            let parsed = concurrentMap(pieces, chunkSize: 1) { piece in
                var records = parse(buffer: UnsafeBufferPointer(rebasing: buffer[piece.range]), firstLine: piece.line,
                                    expectedFields: piece.range.lowerBound == 0 ? nil : expected, keeping: columns)
                if columns != nil {
                    let offset = piece.range.lowerBound
                    for index in records.indices { records[index].bytes = records[index].bytes.lowerBound + offset..<records[index].bytes.upperBound + offset }
                }
                return records
            }
            return parsed.flatMap { $0 }
        }
    }

    /// The records `parse` gives, handed to `body` a group of consecutive pieces at a time (each piece about `pieceBytes`,
    /// cut at a record's start as `parse` cuts; a group's pieces parsed on every core), in order, never all at once. An
    /// input whose quotes do not allow cutting it is one piece.
    static func forEachPieceGroup(_ bytes: [UInt8], pieceBytes: Int, group: Int, _ body: ([CSVRecord]) throws -> Void) rethrows {
        try bytes.withUnsafeBufferPointer { buffer in
            let pieces = split(buffer, parts: max(1, buffer.count / max(1, pieceBytes)))
            let expected = pieces.count > 1 ? headerFieldCount(buffer) : nil
            for start in stride(from: 0, to: pieces.count, by: max(1, group)) {
                let parsed = concurrentMap(Array(pieces[start..<min(start + max(1, group), pieces.count)]), chunkSize: 1) { piece in
                    parse(buffer: UnsafeBufferPointer(rebasing: buffer[piece.range]), firstLine: piece.line,
                          expectedFields: piece.range.lowerBound == 0 ? nil : expected, keeping: nil)
                }
                try body(parsed.flatMap { $0 })
            }
        }
    }

    /// The number of fields of the first record (the header).
    private static func headerFieldCount(_ buffer: UnsafeBufferPointer<UInt8>) -> Int? {
        let end = firstIndex(of: lf, in: buffer, from: 0).map { $0 + 1 } ?? buffer.count
        return parse(buffer: UnsafeBufferPointer(rebasing: buffer[0..<end]), firstLine: 1, expectedFields: nil, keeping: nil)
            .first?.fields.count
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

    /// The state of one pass over a piece of input.
    private struct Pass {
        var records: [CSVRecord] = []
        var fields: [String] = []
        var line: Int
        var recordLine: Int
        var recordStart = 0
        var defect: CSVDefect?
        /// Header field count: known up front for later pieces, else from the first record.
        var expected: Int?
        /// Records starting before this offset were swallowed by the stray quote on `swallowLine`.
        var swallowEnd = -1
        var swallowLine = 0
        /// Equal fields of a column made into one String (`StringInterner`).
        var interner = StringInterner()
        /// Indexing (`CSVReader.index`): the columns a record keeps, in order; the others are read but made no String.
        let keptColumns: [Int]?
        private let kept: [Bool]

        init(firstLine: Int, expected: Int?, keeping columns: [Int]?) {
            line = firstLine
            recordLine = firstLine
            self.expected = expected
            keptColumns = columns
            var kept = [Bool](repeating: false, count: (columns?.max() ?? -1) + 1)
            for column in columns ?? [] { kept[column] = true }
            self.kept = kept
        }

        /// Whether the record's first field has any text: a record of one empty field is a blank line, skipped. Kept
        /// apart from the fields, which hold "" for every field an index does not keep.
        var firstFieldHasText = false

        /// Whether the field now starting is made into a String.
        var keepsNextField: Bool {
            guard keptColumns != nil else { return true }
            return fields.count < kept.count && kept[fields.count]
        }

        /// Adds the field now read; `make` is called only for a field that is kept.
        mutating func append(empty: Bool, _ make: (inout Pass) -> String) {
            if fields.isEmpty { firstFieldHasText = !empty }
            fields.append(keepsNextField ? make(&self) : "")
        }
    }

    private static func parse(buffer: UnsafeBufferPointer<UInt8>, firstLine: Int, expectedFields: Int?, keeping columns: [Int]?,
                              limit: Int = .max) -> [CSVRecord] {
        var pass = Pass(firstLine: firstLine, expected: expectedFields, keeping: columns)
        var i = 0
        let n = buffer.count
        var scratch: [UInt8] = []
        while i < n && pass.records.count < limit {
            if pass.fields.isEmpty {
                pass.recordStart = i
                if i < pass.swallowEnd && pass.defect == nil { pass.defect = .swallowed(byLine: pass.swallowLine) }
            }
            // One field starts at i.
            if buffer[i] == quote {
                i = quotedField(buffer, from: i, into: &pass, scratch: &scratch)
            } else {
                let start = i
                while i < n, buffer[i] != comma, buffer[i] != lf, buffer[i] != cr { i += 1 }
                let column = pass.fields.count
                pass.append(empty: start == i) { $0.interner.string(UnsafeBufferPointer(rebasing: buffer[start..<i]), column: column) }
            }
            // After a field: a separator, a line end, or the end of input.
            if i < n && buffer[i] == comma {
                i += 1
                if i == n { pass.append(empty: true) { _ in "" } }
                continue
            }
            if i < n && buffer[i] == cr { i += 1 }
            if i < n && buffer[i] == lf { i += 1 }
            finish(&pass, end: i)
            pass.line += 1
            pass.recordLine = pass.line
        }
        if pass.records.count < limit { finish(&pass, end: i) }
        return pass.records
    }

    /// Reads the quoted field opening at `open`; returns where reading goes on.
    private static func quotedField(_ buffer: UnsafeBufferPointer<UInt8>, from open: Int, into pass: inout Pass,
                                    scratch: inout [UInt8]) -> Int {
        let n = buffer.count
        let openedOn = pass.line
        scratch.removeAll(keepingCapacity: true)
        var i = open + 1
        var closed = false
        var spansLines = false
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
            if b == lf || (b == cr && (i + 1 >= n || buffer[i + 1] != lf)) {
                pass.line += 1
                spansLines = true
            }
            scratch.append(b)
            i += 1
        }
        // Text right after the closing quote of a field that spans lines means
        // the quote closed on the next record's opening quote: a merge.
        let trailing = closed && i < n && buffer[i] != comma && buffer[i] != lf && buffer[i] != cr
        if !closed || (spansLines && (trailing || swallowsRecords(scratch, expected: pass.expected))) {
            return strayQuote(buffer, at: open, openedOn: openedOn, wouldEnd: closed ? i : n, into: &pass)
        }
        // Tolerate stray bytes between the closing quote and the separator.
        while i < n, buffer[i] != comma, buffer[i] != lf, buffer[i] != cr {
            scratch.append(buffer[i])
            i += 1
        }
        let column = pass.fields.count
        pass.append(empty: scratch.isEmpty) { pass in scratch.withUnsafeBufferPointer { pass.interner.string($0, column: column) } }
        return i
    }

    /// Takes the quote as a literal character: the field runs to the end of
    /// the quote's line, the record is marked, and the records the quote
    /// would have swallowed are read on their own and marked too.
    private static func strayQuote(_ buffer: UnsafeBufferPointer<UInt8>, at open: Int, openedOn: Int, wouldEnd: Int,
                                   into pass: inout Pass) -> Int {
        var end = open
        while end < buffer.count, buffer[end] != lf, buffer[end] != cr { end += 1 }
        pass.append(empty: false) { _ in String(decoding: UnsafeBufferPointer(rebasing: buffer[open..<end]), as: UTF8.self) }
        pass.line = openedOn
        pass.defect = .strayQuote(field: pass.fields.count - 1)
        pass.swallowEnd = wouldEnd
        pass.swallowLine = pass.recordLine
        return end
    }

    /// A quoted field that holds a line with as many commas as a record has
    /// separators has almost surely swallowed records: real multi-line prose
    /// (违法事实) uses the full-width comma and never has dozens of ASCII ones.
    private static func swallowsRecords(_ content: [UInt8], expected: Int?) -> Bool {
        guard let expected, expected >= 3 else { return false }
        var commas = 0
        var afterBreak = false
        for byte in content {
            if byte == lf || byte == cr {
                if afterBreak && commas >= expected - 1 { return true }
                afterBreak = true
                commas = 0
            } else if byte == comma {
                commas += 1
            }
        }
        return afterBreak && commas >= expected - 1
    }

    private static func finish(_ pass: inout Pass, end: Int) {
        defer {
            pass.fields.removeAll(keepingCapacity: true)
            pass.defect = nil
        }
        if pass.fields.isEmpty || (pass.fields.count == 1 && !pass.firstFieldHasText) { return }
        if pass.expected == nil { pass.expected = pass.fields.count }
        guard let columns = pass.keptColumns else {
            pass.records.append(CSVRecord(fields: pass.fields, line: pass.recordLine, defect: pass.defect))
            return
        }
        var record = CSVRecord(fields: columns.map { $0 < pass.fields.count ? pass.fields[$0] : "" }, line: pass.recordLine,
                               defect: pass.defect)
        record.bytes = pass.recordStart..<end
        pass.records.append(record)
    }
}
