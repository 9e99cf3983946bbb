import CaseModel
import Foundation

/// Where every row of an export's case files is and whose case it is, made in one pass without the rows' text:
/// what lets the ingest read one agency's part of an export (`ExportReader.read(folder:options:agencies:index:)`)
/// and still judge its rows as the whole export's reading does.
///
/// A row belongs to agencies by its case: a cases.csv or cases.json row to the agency its 主体代码 names, and every
/// row (a case row too) to each agency that has a case row with its 案件编号 — so an id written under two agencies
/// brings all its rows into both agencies' reads, and each is judged against the other as in the whole export. The
/// rules that look across the whole export are taken from here: which 案件编号 exist, and which case and record
/// rows repeat an earlier row's key. agencies.csv, officers.csv and reviews.csv are small and read whole each time.
public struct ExportIndex: Sendable {
    /// The large files indexed by rows; the others are read whole by every read.
    static let indexedFiles: [ExportFile] = [.casesCSV, .casesJSON, .records, .penalties, .items, .deliveries]

    /// One row: where its bytes are in the file's decoded text (empty for cases.json), the line it starts on, and its case.
    struct Entry: Sendable {
        var start: Int
        var length: Int
        var line: Int
        /// Position of its 案件编号 in `caseIDs`, or -1 for an id no case row has.
        var caseRef: Int32
    }

    /// One indexed file as its reading found it.
    struct IndexedFile: Sendable {
        var encoding: SourceEncoding
        /// The decoded text's length: a file read again must decode to as many bytes (else it changed since).
        var decodedCount: Int
        /// Where the decoded text starts in the file when it is the file's own bytes (UTF-8 without a bad byte: 0, or 3
        /// after a BOM): a read then takes only its rows' bytes from the file. nil for GB18030 or repaired text.
        var rawOffset: Int? = nil
        /// The file as it was indexed: a read of its rows' bytes alone needs it unchanged.
        var identity: FileIdentity? = nil
        /// nil for cases.json.
        var header: CSVHeader?
        /// Data rows in order: row number is position + 1.
        var entries: [Entry]
        /// Quoting defects by row number (few).
        var defects: [Int: CSVDefect]
        /// The data row number of each record with a stray quote, by the line it starts on (`CSVHeader.strayRows`).
        var strayRows: [Int: Int]
        /// cases.csv and cases.json: position of each row's 主体代码 in `agencyCodes` (-1 for an empty one).
        var agencyRefs: [Int32] = []
    }

    /// 案件编号 of every case row (accepted or not), in order of first appearance ("" included when a row has none).
    var caseIDs: [String] = []
    var caseRefs: [String: Int32] = [:]
    /// 主体代码 as written in the case rows, in order of first appearance.
    var agencyCodes: [String] = []
    var files: [ExportFile: IndexedFile] = [:]
    /// Files that could not be read at all, with why (said once, as the whole read says it).
    var unreadable: [ExportFile: TableError] = [:]
    /// Case and record rows that repeat an earlier row's key, as the whole export's check finds them.
    var caseDuplicates: [Problem] = []
    var recordDuplicates: [Problem] = []

    /// The 主体代码 the export's case rows name (not yet checked against agencies.csv), sorted.
    public var agenciesNamed: [String] { agencyCodes.filter { !$0.isEmpty }.sorted() }

    /// How many case rows name each agency.
    public var caseRowsByAgency: [String: Int] {
        var counts: [String: Int] = [:]
        for file in [ExportFile.casesCSV, .casesJSON] {
            for ref in files[file]?.agencyRefs ?? [] where ref >= 0 { counts[agencyCodes[Int(ref)], default: 0] += 1 }
        }
        return counts.filter { !$0.key.isEmpty }
    }

    /// The 案件编号 that any case row has: what child, record and review rows are checked against.
    var allCaseIDs: Set<String> { Set(caseIDs) }

    /// The rows one set of agencies reads.
    func selection(of agencies: Set<String>) -> ExportSelection {
        var selectedCases = [Bool](repeating: false, count: caseIDs.count)
        for file in [ExportFile.casesCSV, .casesJSON] {
            guard let indexed = files[file] else { continue }
            for (entry, agency) in zip(indexed.entries, indexed.agencyRefs) where agency >= 0 && entry.caseRef >= 0 {
                if agencies.contains(agencyCodes[Int(agency)]) && !caseIDs[Int(entry.caseRef)].isEmpty {
                    selectedCases[Int(entry.caseRef)] = true
                }
            }
        }
        return ExportSelection(agencies: agencies, caseIDs: Set(caseIDs.indices.filter { selectedCases[$0] }.map { caseIDs[$0] }),
                               selectedCases: selectedCases)
    }

    /// Whether the row a problem is about is read for the selection.
    func selects(_ problem: Problem, _ selection: ExportSelection) -> Bool {
        guard let file = ExportFile(rawValue: problem.file), problem.row >= 1, problem.row <= (files[file]?.entries.count ?? 0) else {
            return false
        }
        return selects(file, row: problem.row - 1, selection)
    }

    /// Whether a row of an indexed file is read for the selection.
    func selects(_ file: ExportFile, row position: Int, _ selection: ExportSelection) -> Bool {
        guard let indexed = files[file] else { return false }
        let entry = indexed.entries[position]
        if entry.caseRef >= 0 && selection.selectedCases[Int(entry.caseRef)] { return true }
        guard file == .casesCSV || file == .casesJSON else { return false }
        let agency = indexed.agencyRefs[position]
        return agency >= 0 && selection.agencies.contains(agencyCodes[Int(agency)])
    }
}

/// One read's part of an export: the agencies asked for and the 案件编号 their case rows have.
struct ExportSelection: Sendable {
    var agencies: Set<String>
    var caseIDs: Set<String>
    /// By position in `ExportIndex.caseIDs`.
    var selectedCases: [Bool]
}

extension ExportIndex {
    /// Indexes the case files of an export folder: each file read, decoded and parsed once, keeping of each row only
    /// where it is and its keys. Files that cannot be read are recorded, not thrown: a read says them as the whole
    /// export's reading does.
    static func build(_ export: ExportFolder, options: IngestOptions) -> ExportIndex {
        var index = ExportIndex()
        var caseKeys: [(key: String, source: SourceRef, caseID: String?)] = []
        for file in [ExportFile.casesCSV, .casesJSON] where export.contains(file.rawValue) {
            index.indexCases(file, export: export, keys: &caseKeys)
        }
        var checks = CrossChecks(asOf: options.asOf, media: nil)
        checks.duplicates(caseKeys, field: "case_id", kind: .duplicateCaseID, noun: "案件编号")
        index.caseDuplicates = checks.problems
        for file in [ExportFile.records, .penalties, .items, .deliveries] where export.contains(file.rawValue) {
            let recordKeys = index.indexChildren(file, export: export)
            if file == .records {
                var records = CrossChecks(asOf: options.asOf, media: nil)
                records.duplicates(recordKeys, field: "record_id", kind: .duplicateKey, noun: "记录编号")
                index.recordDuplicates = records.problems
            }
        }
        return index
    }

    private mutating func caseRef(_ id: String, adding: Bool) -> Int32 {
        if let ref = caseRefs[id] { return ref }
        guard adding else { return -1 }
        let ref = Int32(caseIDs.count)
        caseIDs.append(id)
        caseRefs[id] = ref
        return ref
    }

    private mutating func agencyRef(_ code: String, table: inout [String: Int32]) -> Int32 {
        if code.isEmpty { return -1 }
        if let ref = table[code] { return ref }
        let ref = Int32(agencyCodes.count)
        agencyCodes.append(code)
        table[code] = ref
        return ref
    }

    private mutating func indexCases(_ file: ExportFile, export: ExportFolder, keys: inout [(key: String, source: SourceRef, caseID: String?)]) {
        var agencyTable = Dictionary(uniqueKeysWithValues: agencyCodes.enumerated().map { ($1, Int32($0)) })
        let read: (IndexedFile, [[String]])
        do {
            read = try Self.indexFile(file, export: export, keys: ["case_id", "agency_code"])
        } catch {
            unreadable[file] = error
            return
        }
        var indexed = read.0
        for (position, cells) in read.1.enumerated() {
            indexed.entries[position].caseRef = caseRef(cells[0], adding: true)
            indexed.agencyRefs.append(agencyRef(cells[1], table: &agencyTable))
            keys.append((cells[0], SourceRef(file: file.rawValue, row: position + 1), cells[0]))
        }
        files[file] = indexed
    }

    /// Indexes a file of rows that belong to cases; for records.csv, returns each row's 记录编号 for the duplicate check.
    private mutating func indexChildren(_ file: ExportFile, export: ExportFolder) -> [(key: String, source: SourceRef, caseID: String?)] {
        let read: (IndexedFile, [[String]])
        do {
            read = try Self.indexFile(file, export: export, keys: file == .records ? ["case_id", "record_id"] : ["case_id"])
        } catch {
            unreadable[file] = error
            return []
        }
        var indexed = read.0
        var recordKeys: [(key: String, source: SourceRef, caseID: String?)] = []
        for (position, cells) in read.1.enumerated() {
            indexed.entries[position].caseRef = caseRef(cells[0], adding: false)
            if file == .records { recordKeys.append((cells[1], SourceRef(file: file.rawValue, row: position + 1), cells[0])) }
        }
        files[file] = indexed
        return recordKeys
    }

    /// Reads, decodes and indexes one file, with the keys (`CSVHeader.key`) of each row's `keys` columns.
    private static func indexFile(_ file: ExportFile, export: ExportFolder, keys: [String]) throws(TableError) -> (IndexedFile, [[String]]) {
        let bytes = try export.read(file.rawValue).mapError(TableError.file).get()
        let identity = export.identity(file.rawValue)
        let decoded = TextDecoding.decodeLeniently(bytes)
        let rawOffset: Int? = switch decoded.encoding {
        case _ where decoded.undecodableRuns > 0 || identity?.size != bytes.count: nil
        case .utf8: 0
        case .utf8WithBOM: 3
        case .gb18030: nil
        }
        if file == .casesJSON {
            // cases.json has no byte ranges: a read parses it whole again and keeps the rows it selects.
            let rows = try TableReader.rows(json: decoded.utf8)
            let layout = TableLayout(file)
            let cells = rows.map { row in keys.map { key in layout.index[key].flatMap { Self.text(row, $0) } ?? "" } }
            let entries = rows.indices.map { Entry(start: 0, length: 0, line: $0 + 1, caseRef: -1) }
            return (IndexedFile(encoding: decoded.encoding, decodedCount: decoded.utf8.count, identity: identity, header: nil,
                                entries: entries, defects: [:], strayRows: [:]), cells)
        }
        guard let first = CSVReader.header(decoded.utf8) else {
            return (IndexedFile(encoding: decoded.encoding, decodedCount: decoded.utf8.count, identity: identity, header: nil,
                                entries: [], defects: [:], strayRows: [:]), [])
        }
        let header = try CSVHeader(first, file: file)
        // Each key's field in the records the index keeps; nil for a key column the header lacks (every row's key is then "").
        let positions = keys.map { header.position(of: $0) }
        let kept = positions.compactMap { $0 }
        let slots = positions.map { position in position.flatMap { kept.firstIndex(of: $0) } }
        let records = CSVReader.index(decoded.utf8, keeping: kept).dropFirst()
        var entries: [Entry] = []
        entries.reserveCapacity(records.count)
        var defects: [Int: CSVDefect] = [:]
        var cells: [[String]] = []
        cells.reserveCapacity(records.count)
        for (offset, record) in records.enumerated() {
            entries.append(Entry(start: record.bytes.lowerBound, length: record.bytes.count, line: record.line, caseRef: -1))
            if let defect = record.defect { defects[offset + 1] = defect }
            cells.append(slots.map { slot in slot.map { CSVHeader.key(record.fields[$0]) } ?? "" })
        }
        let stray = CSVHeader.strayRows(records.enumerated().map { ($0 + 1, $1) })
        return (IndexedFile(encoding: decoded.encoding, decodedCount: decoded.utf8.count, rawOffset: rawOffset, identity: identity,
                            header: header, entries: entries, defects: defects, strayRows: stray), cells)
    }

    /// A JSON row's key as `keyed` reads it.
    private static func text(_ row: RawRow, _ column: Int) -> String? {
        guard column < row.cells.count, case .text(let value)? = row.cells[column] else { return nil }
        return Normalize.code(value)
    }
}
