import CaseModel
import Foundation

/// A cell as the export wrote it: CSV cells are text; cases.json may hold arrays.
public enum RawValue: Sendable, Equatable {
    case text(String)
    case list([String])
}

/// One data row of a contract file, cells addressed by contract key.
public struct RawRow: Sendable {
    public let source: SourceRef
    let cells: [RawValue?]
    /// Columns the contract does not know, kept by their header.
    public let extra: [String: String]
    /// What reading found wrong with the row before any field rule ran: an
    /// error defect sets the row aside without decoding it.
    var defects: [RowDefect] = []

    init(source: SourceRef, cells: [RawValue?], extra: [String: String], defects: [RowDefect] = []) {
        self.source = source
        self.cells = cells
        self.extra = extra
        self.defects = defects
    }

    var hasBlockingDefect: Bool { defects.contains { $0.severity == .error } }
}

/// Column key → cell position for one contract file.
struct TableLayout: Sendable {
    let columns: [Column]
    let index: [String: Int]
    /// Chinese headers as a header cell is compared: half-width and lower case,
    /// so `期限(日)` finds 期限（日）.
    private let headerIndex: [String: Int]

    private static let cached: [ExportFile: TableLayout] = Dictionary(
        uniqueKeysWithValues: ExportFile.allCases.map { ($0, TableLayout(building: $0)) })

    /// The layout of a contract file, built once.
    init(_ file: ExportFile) { self = Self.cached[file] ?? TableLayout(building: file) }

    private init(building file: ExportFile) {
        columns = file.columns
        index = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1.key, $0) })
        headerIndex = Dictionary(columns.enumerated().map { (Normalize.code($1.header).lowercased(), $0) },
                                 uniquingKeysWith: { first, _ in first })
    }

    /// Which contract column a header names: the Chinese header or the English
    /// key, ignoring case, width and surrounding space.
    func column(forHeader raw: String) -> Int? {
        guard raw.utf8.count <= IngestLimits.maxHeaderBytes else { return nil }
        let header = Normalize.code(raw)
        let lowered = header.lowercased()
        return index[lowered] ?? headerIndex[lowered]
    }
}

enum TableError: Error {
    case file(InputFileError)
    /// The header row holds undecodable bytes, control characters or a stray quote.
    case headerUnreadable
    case json(line: Int?)
    case notAnArray
}

/// A CSV file's header: which contract column each position holds, and the name each position is reported by.
struct CSVHeader: Sendable {
    let file: ExportFile
    let layout: TableLayout
    let positions: [Int?]
    let names: [String]
    /// The number of fields the header has: what the CSV reader takes a record's width to be.
    let fieldCount: Int

    init(_ header: CSVRecord, file: ExportFile) throws(TableError) {
        guard header.defect == nil, header.fields.allSatisfy({
            $0.utf8.count <= IngestLimits.maxHeaderBytes && CellScreen.screen($0).defect == nil
        }) else {
            throw TableError.headerUnreadable
        }
        let layout = TableLayout(file)
        var positions: [Int?] = []
        var names: [String] = []
        var seen = Set<Int>()
        for (i, name) in header.fields.enumerated() {
            let cleaned = Normalize.trim(CellScreen.cleanHeader(name))
            if let column = layout.column(forHeader: cleaned), !seen.contains(column) {
                seen.insert(column)
                positions.append(column)
                names.append(layout.columns[column].key)
            } else {
                positions.append(nil)
                names.append(cleaned.isEmpty ? "第\(i + 1)列" : cleaned)
            }
        }
        self.file = file
        self.layout = layout
        self.positions = positions
        self.names = names
        fieldCount = header.fields.count
    }

    /// The field position holding a contract column, if the header has it.
    func position(of key: String) -> Int? {
        guard let column = layout.index[key] else { return nil }
        return positions.firstIndex(of: column)
    }

    /// Data row number of each record that holds a stray quote, by the line it starts on.
    static func strayRows(_ numbered: [(number: Int, record: CSVRecord)]) -> [Int: Int] {
        var rows: [Int: Int] = [:]
        for (number, record) in numbered {
            if case .strayQuote = record.defect { rows[record.line] = number }
        }
        return rows
    }

    /// Data row `number` (1 for the first record after the header), every cell screened.
    func row(_ record: CSVRecord, number: Int, strayRows: [Int: Int]) -> RawRow {
        var cells = [RawValue?](repeating: nil, count: layout.columns.count)
        var extra: [String: String] = [:]
        var defects = quotingDefects(record, strayRows: strayRows)
        for (i, value) in record.fields.enumerated() {
            let name = i < names.count ? names[i] : "第\(i + 1)列"
            let screened = CellScreen.screen(value)
            defects += RowDefect.of(screened, field: name)
            guard let text = screened.text else { continue }
            if i < positions.count, let column = positions[i] {
                cells[column] = .text(text)
            } else if !Normalize.trim(text).isEmpty {
                extra[name] = text
            }
        }
        return RawRow(source: SourceRef(file: file.rawValue, row: number), cells: cells, extra: extra, defects: defects)
    }

    /// The key a cell gives as the ingest compares keys (`Normalize.code` of the screened text; "" when the cell is
    /// missing or has a defect), read from a record's field as `row` would read it.
    static func key(_ field: String?) -> String {
        guard let field, let text = CellScreen.screen(field).text else { return "" }
        return Normalize.code(text)
    }

    private func quotingDefects(_ record: CSVRecord, strayRows: [Int: Int]) -> [RowDefect] {
        switch record.defect {
        case nil:
            return []
        case .strayQuote(let field)?:
            return [RowDefect(kind: .strayQuote, field: field < names.count ? names[field] : "第\(field + 1)列")]
        case .swallowed(let line)?:
            return [RowDefect(kind: .swallowed(byRow: strayRows[line] ?? 0), field: nil)]
        }
    }
}

enum TableReader {
    /// Maps CSV records (first one the header) onto contract rows, screening every cell.
    static func rows(csv records: [CSVRecord], file: ExportFile) throws(TableError) -> [RawRow] {
        guard let first = records.first else { return [] }
        let header = try CSVHeader(first, file: file)
        let strayRows = CSVHeader.strayRows(records.dropFirst().enumerated().map { ($0 + 1, $1) })
        let numbered = Array(records.dropFirst().enumerated())
        return sharingExtras(concurrentMap(numbered) { number, record in header.row(record, number: number + 1, strayRows: strayRows) })
    }

    /// `rows(csv:file:)` of a file's bytes handed to `body` a group of pieces of the file at a time
    /// (`CSVReader.forEachPieceGroup`, `pieceBytes` each, as many pieces at once as there are cores): the same rows,
    /// numbered as in the file, their unknown columns shared as across the whole file. Without the file's records and
    /// rows all at once: a caller that decodes each batch and lets it go holds one batch of cells, not every file's.
    static func forEachRowBatch(csv bytes: [UInt8], file: ExportFile, pieceBytes: Int, _ body: ([RawRow]) throws -> Void) throws {
        var header: CSVHeader?
        var number = 0
        var extras = ExtrasSharing()
        try CSVReader.forEachPieceGroup(bytes, pieceBytes: pieceBytes, group: ProcessInfo.processInfo.activeProcessorCount) { records in
            var records = records[...]
            if header == nil, let first = records.first {
                header = try CSVHeader(first, file: file)
                records = records.dropFirst()
            }
            guard let header else { return }
            // A stray quote's swallowed records lie in its own piece: pieces are cut only where quoting is regular.
            let numbered = records.enumerated().map { (number: number + $0 + 1, record: $1) }
            number += numbered.count
            let strayRows = CSVHeader.strayRows(numbered)
            try body(extras.share(concurrentMap(numbered) { number, record in header.row(record, number: number, strayRows: strayRows) }))
        }
    }

    /// Rows whose unknown columns hold the same values share one dictionary. An export's extra columns are
    /// mostly codes and flags (区划代码, 系统标识) with a handful of values, and every row's own one-entry
    /// dictionary was an allocation of about 128 bytes kept with the decoded record (about 35 MB at 100,000
    /// cases). Judged as `StringInterner`'s columns are (`RepeatJudge`): a file whose extras seldom repeat stops
    /// being looked up, and at most `maxDistinctExtras` are remembered.
    static func sharingExtras(_ rows: [RawRow]) -> [RawRow] {
        var sharing = ExtrasSharing()
        return sharing.share(rows)
    }

    /// `sharingExtras` over a file's rows handed on in batches, judged across them as over the whole file.
    struct ExtrasSharing {
        private var seen = Set<[String: String]>()
        private var judge = RepeatJudge()

        mutating func share(_ rows: [RawRow]) -> [RawRow] {
            rows.map { row in
                guard judge.isWorthIt, !row.extra.isEmpty else { return row }
                var extra = row.extra
                let found = seen.firstIndex(of: extra)
                if let found {
                    extra = seen[found]
                } else if seen.count < TableReader.maxDistinctExtras {
                    seen.insert(extra)
                }
                if !judge.count(hit: found != nil) { seen = [] }
                return RawRow(source: row.source, cells: row.cells, extra: extra, defects: row.defects)
            }
        }
    }

    static let maxDistinctExtras = 4_096

    /// Maps the objects of cases.json onto contract rows; a non-object element
    /// becomes a row with no cells, which the decoder reports.
    static func rows(json data: [UInt8]) throws(TableError) -> [RawRow] {
        let values: [JSONValue]
        do {
            values = try JSONDecoder().decode([JSONValue].self, from: Data(JSONRepair.neutralise(data)))
        } catch DecodingError.typeMismatch {
            throw TableError.notAnArray
        } catch {
            throw TableError.json(line: jsonErrorLine(error))
        }
        let layout = TableLayout(.casesJSON)
        return values.enumerated().map { number, value in
            var cells = [RawValue?](repeating: nil, count: layout.columns.count)
            var extra: [String: String] = [:]
            var defects: [RowDefect] = []
            if case .object(let object) = value {
                // Sorted, so the order of problems does not depend on hashing.
                for (rawKey, member) in object.sorted(by: { $0.key < $1.key }) {
                    guard rawKey.utf8.count <= IngestLimits.maxHeaderBytes else {
                        defects.append(RowDefect(kind: .oversizedKey, field: nil))
                        continue
                    }
                    let key = Normalize.trim(CellScreen.cleanHeader(rawKey))
                    let column = layout.column(forHeader: key)
                    let name = column.map { layout.columns[$0].key } ?? key
                    let screened = member.raw.map { screen($0, field: name, defects: &defects) } ?? nil
                    if let column {
                        if cells[column] == nil { cells[column] = screened }
                    } else if case .text(let text)? = screened.map({ $0.flattened }) {
                        extra[name] = text
                    }
                }
            }
            return RawRow(source: SourceRef(file: ExportFile.casesJSON.rawValue, row: number + 1), cells: cells,
                          extra: extra, isObject: value.isObject, defects: defects)
        }
    }

    /// A JSON value screened like a CSV cell; nil when it has a defect.
    private static func screen(_ value: RawValue, field: String, defects: inout [RowDefect]) -> RawValue? {
        switch value {
        case .text(let text):
            let screened = CellScreen.screen(text)
            defects += RowDefect.of(screened, field: field)
            return screened.text.map(RawValue.text)
        case .list(let items):
            var kept: [String] = []
            for item in items {
                let screened = CellScreen.screen(item)
                defects += RowDefect.of(screened, field: field)
                guard let text = screened.text else { return nil }
                kept.append(text)
            }
            return .list(kept)
        }
    }

    private static func jsonErrorLine(_ error: Error) -> Int? {
        let text = "\(error)"
        guard let range = text.range(of: #"line (\d+)"#, options: .regularExpression) else { return nil }
        return Int(text[range].dropFirst(5))
    }
}

extension RawRow {
    init(source: SourceRef, cells: [RawValue?], extra: [String: String], isObject: Bool, defects: [RowDefect]) {
        self.init(source: source, cells: isObject ? cells : [], extra: extra, defects: defects)
    }

    /// False for a cases.json element that is not an object.
    var isWellFormed: Bool { !cells.isEmpty }
}

extension RawValue {
    /// A list as one text, the way unknown JSON members are kept.
    var flattened: RawValue {
        if case .list(let items) = self { return .text(items.joined(separator: ";")) }
        return self
    }
}

/// Any JSON value, decoded without losing the text of numbers that matter.
indirect enum JSONValue: Decodable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null; return }
        if let value = try? container.decode(Bool.self) { self = .bool(value); return }
        if let value = try? container.decode(Int64.self) { self = .number(String(value)); return }
        if let value = try? container.decode(Double.self) {
            // Shortest round-trip text: 1234.56 stays "1234.56"; amounts with
            // more than two decimals are rejected later, never rounded.
            self = .number(value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : "\(value)")
            return
        }
        if let value = try? container.decode(String.self) { self = .string(value); return }
        if let value = try? container.decode([JSONValue].self) { self = .array(value); return }
        self = .object(try container.decode([String: JSONValue].self))
    }

    var isObject: Bool {
        if case .object = self { return true }
        return false
    }

    var flatText: String? {
        switch self {
        case .null: return nil
        case .bool(let value): return value ? "true" : "false"
        case .number(let text), .string(let text): return text
        case .array(let items): return items.compactMap(\.flatText).joined(separator: ";")
        case .object: return nil
        }
    }

    var raw: RawValue? {
        switch self {
        case .null: return nil
        case .array(let items): return .list(items.compactMap(\.flatText))
        default: return flatText.map(RawValue.text)
        }
    }
}
