import Foundation

/// The render memo as the state store and the commit journal keep it: one line per case and table,
/// written and read a byte at a time. JSONEncoder took a second and a half of the main thread to write
/// the memo of 100,000 cases (sorting the keys of three dictionaries of 100,000 entries), and it was
/// written twice a night (the journal, then the store) and read once.
///
///     sanxiang-render-memo 2
///     fingerprint<TAB>…
///     cases<TAB>N            then N lines: case id<TAB>data hash
///     inputs<TAB>N           (absent when the memo has none) then N lines: case id<TAB>input key
///     files<TAB>N            (absent when the memo has none) then N lines: case id<TAB>file<TAB>file…
///
/// Lines are sorted by the case id's bytes, so the same memo gives the same bytes. A tab, line feed,
/// carriage return or backslash inside a field is written as \t, \n, \r, \\. A memo written before
/// (JSON) is still read.
extension RenderMemo {
    static let fileHeader = "sanxiang-render-memo 2"

    /// The memo in the line format above.
    func fileBytes() throws -> Data { try MemoLine.collect(write) }

    /// The memo in the line format above, handed to `emit` a piece at a time (`MemoLine.Pieces`).
    func write(_ emit: ([UInt8]) throws -> Void) throws {
        try MemoLine.pieces(emit) { out in
            MemoLine.write([Self.fileHeader], into: &out.bytes)
            MemoLine.write(["fingerprint", fingerprint], into: &out.bytes)
            try MemoLine.table("cases", cases, into: &out)
            if let inputs { try MemoLine.table("inputs", inputs, into: &out) }
            if let files { try MemoLine.table("files", files, into: &out) }
        }
    }

    /// A memo from the state store or the journal, in either format; nil when it cannot be read (the
    /// caller then renders every case: a memo only ever saves work).
    static func read(_ data: Data) -> RenderMemo? {
        let bytes = [UInt8](data)
        guard bytes.starts(with: Array((fileHeader + "\n").utf8)) else { return try? JSONDecoder().decode(RenderMemo.self, from: data) }
        var lines = MemoLines(bytes)
        _ = lines.next()
        guard let fingerprintLine = lines.next(), fingerprintLine.count == 2, fingerprintLine[0] == "fingerprint",
              let cases = lines.table("cases") else { return nil }
        var memo = RenderMemo(fingerprint: fingerprintLine[1], cases: cases.compactMapValues { $0.count == 1 ? $0[0] : nil },
                              inputs: nil, files: nil)
        guard memo.cases.count == cases.count else { return nil }
        var seen: Set<String> = []
        while let header = lines.peekName() {
            guard seen.insert(header).inserted, let table = lines.table(header) else { return nil }
            switch header {
            case "inputs":
                memo.inputs = table.compactMapValues { $0.count == 1 ? $0[0] : nil }
                guard memo.inputs?.count == table.count else { return nil }
            case "files":
                memo.files = table
            default:
                return nil
            }
        }
        return lines.atEnd ? memo : nil
    }
}

/// Writing the memos' line format: fields separated by tabs, escaped, one line each; a table is a
/// header line (name and row count) and its rows sorted by their first field's bytes. Used by the
/// render memo and the redaction memo (`RedactionMemo.fileBytes`).
enum MemoLine {
    /// A memo's bytes as they are made, handed on a megabyte at a time: made whole, a memo of 100,000 cases (≈ 25 MB, in
    /// an array grown by doubling, then copied into Data to be staged) stood at the render's and the portal's peaks.
    struct Pieces {
        var bytes: [UInt8] = []
        private let emit: ([UInt8]) throws -> Void
        static let size = 1 << 20

        init(_ emit: @escaping ([UInt8]) throws -> Void) {
            self.emit = emit
            bytes.reserveCapacity(Self.size + 64 * 1024)
        }

        /// Hands on what is made once it fills a piece.
        mutating func rowDone() throws {
            guard bytes.count >= Self.size else { return }
            try emit(bytes)
            bytes.removeAll(keepingCapacity: true)
        }

        /// Hands on the rest.
        mutating func finish() throws {
            if !bytes.isEmpty { try emit(bytes) }
            bytes = []
        }
    }

    /// What `body` writes into `Pieces`, handed to `emit` a piece at a time, the rest at the end.
    static func pieces(_ emit: ([UInt8]) throws -> Void, _ body: (inout Pieces) throws -> Void) throws {
        try withoutActuallyEscaping(emit) { emit in
            var out = Pieces(emit)
            try body(&out)
            try out.finish()
        }
    }

    /// The pieces `write` hands on, joined.
    static func collect(_ write: (([UInt8]) throws -> Void) throws -> Void) throws -> Data {
        var data = Data()
        try write { data.append(contentsOf: $0) }
        return data
    }

    static func table(_ name: String, _ rows: [String: [String]], into out: inout Pieces) throws {
        try table(name, rows, into: &out) { fields, out in
            for value in fields { field(value.utf8, into: &out) }
        }
    }

    /// A table of one field per row (no array made for each of 100,000 rows).
    static func table(_ name: String, _ rows: [String: String], into out: inout Pieces) throws {
        try table(name, rows, into: &out) { value, out in field(value.utf8, into: &out) }
    }

    /// The rows in the byte order of their keys, each key followed by what `fields` writes (each field
    /// through `field(_:into:)`).
    static func table<Value>(_ name: String, _ rows: [String: Value], into out: inout Pieces,
                             fields: (Value, inout [UInt8]) -> Void) throws {
        write([name, String(rows.count)], into: &out.bytes)
        let keyed = rows.map { (key: Array($0.key.utf8), value: $0.value) }
            .sorted { $0.key.lexicographicallyPrecedes($1.key) }
        for row in keyed {
            // Written field by field from the strings' own bytes: an array for every field of 400,000 rows
            // was half of writing the memos.
            append(row.key, into: &out.bytes)
            fields(row.value, &out.bytes)
            out.bytes.append(0x0A)
            try out.rowDone()
        }
    }

    static func write(_ fields: [String], into out: inout [UInt8]) {
        write(fields.map { Array($0.utf8) }, into: &out)
    }

    static func write(_ fields: [[UInt8]], into out: inout [UInt8]) {
        for (number, field) in fields.enumerated() {
            if number > 0 { out.append(0x09) }
            append(field, into: &out)
        }
        out.append(0x0A)
    }

    /// One more field of a row: a tab, then the field escaped.
    static func field<Bytes: Sequence>(_ bytes: Bytes, into out: inout [UInt8]) where Bytes.Element == UInt8 {
        out.append(0x09)
        append(bytes, into: &out)
    }

    /// One field, escaped: tab, line feed, carriage return and backslash as \t, \n, \r and \\.
    private static func append<Bytes: Sequence>(_ field: Bytes, into out: inout [UInt8]) where Bytes.Element == UInt8 {
        for byte in field {
            switch byte {
            case 0x09: out += [0x5C, 0x74]
            case 0x0A: out += [0x5C, 0x6E]
            case 0x0D: out += [0x5C, 0x72]
            case 0x5C: out += [0x5C, 0x5C]
            default: out.append(byte)
            }
        }
    }
}

/// The memo file's lines, each split into its unescaped fields.
struct MemoLines {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { position == bytes.count }

    /// The first field of the next line, without taking it.
    func peekName() -> String? {
        var copy = self
        return copy.next()?.first
    }

    /// A table: its header line (name and count), then that many rows keyed by their first field.
    /// Nil when the header, the count or a row is not as written.
    mutating func table(_ name: String) -> [String: [String]]? {
        guard let header = next(), header.count == 2, header[0] == name, let count = Int(header[1]), count >= 0 else { return nil }
        var rows: [String: [String]] = [:]
        rows.reserveCapacity(count)
        for _ in 0..<count {
            guard let fields = next(), let key = fields.first, rows[key] == nil else { return nil }
            rows[key] = Array(fields.dropFirst())
        }
        return rows
    }

    /// The next `count` bytes as they are (a block a line before announced); nil when fewer are left.
    mutating func block(_ count: Int) -> [UInt8]? {
        guard count >= 0, count <= bytes.count - position else { return nil }
        defer { position += count }
        return Array(bytes[position..<(position + count)])
    }

    /// The next line's fields; nil at the end, or when the line has no line feed or a bad escape.
    mutating func next() -> [String]? {
        guard position < bytes.count else { return nil }
        var fields: [String] = []
        var field: [UInt8] = []
        var index = position
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 0x0A:
                fields.append(String(decoding: field, as: UTF8.self))
                position = index + 1
                return fields
            case 0x09:
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
            case 0x5C:
                index += 1
                guard index < bytes.count else { return nil }
                switch bytes[index] {
                case 0x74: field.append(0x09)
                case 0x6E: field.append(0x0A)
                case 0x72: field.append(0x0D)
                case 0x5C: field.append(0x5C)
                default: return nil
                }
            default:
                field.append(byte)
            }
            index += 1
        }
        return nil
    }
}
