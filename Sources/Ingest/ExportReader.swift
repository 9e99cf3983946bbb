import CaseModel
import Dispatch
import Foundation

public struct IngestOptions: Sendable {
    /// "Today" for the rule that no decision lies in the future.
    public var asOf: CivilDate
    /// The size of the pieces the whole export's cases.csv, records.csv and child files are read and decoded in
    /// (`Session.decodeInPieces`; 8 MB is about 3,000 cases of the benchmark's export); smaller in tests, to read a small
    /// file in many pieces.
    var csvPieceBytes = 8 << 20
    /// Where the accepted cases' long free texts are kept instead of memory (`ExportText`), as each piece of
    /// cases.csv is decoded; nil keeps them in memory.
    public var textStore: (any TextStore)?

    public init(asOf: CivilDate, textStore: (any TextStore)? = nil) {
        self.asOf = asOf
        self.textStore = textStore
    }
}

/// How many rows of one file were read, accepted and set aside.
public struct FileBalance: Codable, Hashable, Sendable {
    public var file: String
    public var encoding: String?
    public var read: Int
    public var accepted: Int
    public var setAside: Int

    enum CodingKeys: String, CodingKey {
        case file, encoding, read, accepted, setAside = "set_aside"
    }
}

/// Everything read from one export folder: the accepted records and every problem.
public struct IngestResult: Sendable {
    public var agencies: [Agency] = []
    public var officers: [Officer] = []
    public var cases: [EnforcementCase] = []
    public var reviews: [Review] = []
    public var records: [ProcessRecord] = []
    /// Contract v2: the accepted cases' rows of penalties.csv, items.csv and deliveries.csv in file order,
    /// gathered from the cases' `details`, where each row is held once (a second, flat copy of every row
    /// stood beside them until the commit: about 50 MB at 100,000 cases).
    public var penalties: [Penalty] { childRows(\.penalties, source: \.source) }
    public var items: [SeizedItem] { childRows(\.items, source: \.source) }
    public var deliveries: [Delivery] { childRows(\.deliveries, source: \.source) }
    /// Contract v2 data of every accepted case, by case id: the v2 columns of
    /// its row and its penalties, 清单 items and services. A v1 export gives
    /// each case an empty value; use `details(of:)` to read it.
    public var details = CaseDetailsTable()
    /// Contract v2 columns of the accepted agencies (payment account, 法制机构), by 主体代码.
    public var agencyDetails: [String: AgencyDetails] = [:]
    /// Contract v2 columns of the accepted reviews (reviewer certificates, proposed decision), by 审核编号.
    public var reviewDetails: [String: ReviewDetails] = [:]
    /// Errors (rows set aside) and warnings, in file and row order.
    public var problems: [Problem] = []
    public var balances: [FileBalance] = []
    /// Required files (agencies.csv, officers.csv, cases.csv, cases.json) that
    /// were present but could not be read at all, so none of their rows is in
    /// the result. A run with any must not publish figures built from it
    /// (the annual report would count 0 decisions).
    public var lostRequiredFiles: [String] = []
    /// 主体代码 as written in every row of cases.csv, cases.json and officers.csv,
    /// accepted or set aside (normalised, possibly not a known agency): lets a
    /// set-aside row still be counted under its agency.
    public var rowAgencyCodes: [SourceRef: String] = [:]
    /// Wall-clock seconds per phase, for `sanxiang bench`.
    public var timings: [(phase: String, seconds: Double)] = []

    public init() {}

    public var errors: [Problem] { problems.filter { $0.severity == .error } }
    public var warnings: [Problem] { problems.filter { $0.severity == .warning } }
    public var rowsSetAside: Int { balances.reduce(0) { $0 + $1.setAside } }

    /// One child file's rows of every case's details, in file order.
    private func childRows<Row>(_ rows: KeyPath<CaseDetails, [Row]>, source: KeyPath<Row, SourceRef>) -> [Row] {
        details.values.flatMap { $0[keyPath: rows] }.sorted { $0[keyPath: source].row < $1[keyPath: source].row }
    }

    /// The contract v2 data of a case (empty when the export has none).
    public func details(of item: EnforcementCase) -> CaseDetails { details[item.id] ?? CaseDetails(caseID: item.id) }
}

/// A problem that stops the whole run (exit status 1).
public enum IngestError: Error, Equatable, Sendable {
    case folderUnreadable(path: String)
    case requiredFileMissing(folder: String, file: String)
    case requiredFileUnreadable(file: String, reason: String)
    /// A file read for one agency's part is no longer the file the export's index was made from.
    case changedSinceIndexed(file: String)

    /// For the 法制科: what happened and what to do.
    public var message: String {
        switch self {
        case .folderUnreadable(let path):
            return "无法读取导出文件夹“\(path)”：文件夹不存在或没有读取权限。"
        case .requiredFileMissing(let folder, let file):
            return "导出文件夹“\(folder)”中缺少必需的文件 \(file)。"
        case .requiredFileUnreadable(let file, let reason):
            return "无法读取必需的文件 \(file)：\(reason)"
        case .changedSinceIndexed(let file):
            return "导出文件 \(file) 在本次运行读取期间被改动（与运行开始时建立的索引不符）：请等导出完成后重新运行。"
        }
    }
}

/// Reads an export folder according to the contract and validates it.
public enum ExportReader {
    public typealias Progress = @Sendable (_ done: Int, _ total: Int) -> Void

    public static func read(folder: URL, options: IngestOptions, progress: Progress? = nil) throws -> IngestResult {
        try read(Session(folder: folder, export: try exportFolder(folder)), options: options, progress: progress)
    }

    /// Where every row of the export's case files is, and whose case it is (`ExportIndex`): one pass over the export
    /// that holds no row's text, for reading it an agency at a time.
    public static func index(folder: URL, options: IngestOptions) throws -> ExportIndex {
        let export = try exportFolder(folder)
        for required in [ExportFile.agencies, .officers] where !export.contains(required.rawValue) {
            throw IngestError.requiredFileMissing(folder: folder.path, file: required.rawValue)
        }
        if !export.contains(ExportFile.casesCSV.rawValue) && !export.contains(ExportFile.casesJSON.rawValue) {
            throw IngestError.requiredFileMissing(folder: folder.path, file: "cases.csv 或 cases.json")
        }
        return ExportIndex.build(export, options: options)
    }

    /// The part of the export that concerns `agencies`, judged as the whole export's reading judges it: the same as
    /// `read(folder:options:)` restricted to the cases of those agencies (`agencyCode`) with their details, the
    /// reviews and records of every 案件编号 their case rows have, and the problems of those rows; agencies and
    /// officers whole. A row is read only if it is the agencies' (`ExportIndex`), so the memory a read holds is
    /// theirs, not the export's. `index` must be of the same folder and options, made since the export last changed:
    /// a file that no longer matches it stops the read (`IngestError.changedSinceIndexed`).
    public static func read(folder: URL, options: IngestOptions, agencies: Set<String>, index: ExportIndex,
                            progress: Progress? = nil) throws -> IngestResult {
        var session = Session(folder: folder, export: try exportFolder(folder))
        session.part = (index, index.selection(of: agencies))
        return try read(session, options: options, progress: progress)
    }

    private static func exportFolder(_ folder: URL) throws -> ExportFolder {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue,
              FileManager.default.isReadableFile(atPath: folder.path), let export = ExportFolder(path: folder.path) else {
            throw IngestError.folderUnreadable(path: folder.path)
        }
        return export
    }

    private static func read(_ session: Session, options: IngestOptions, progress: Progress?) throws -> IngestResult {
        var session = session
        var clock = PhaseClock()
        try session.checkRequiredFiles()
        var result = try session.validate(options: options, progress: progress, clock: &clock)
        result.timings = clock.laps
        return result
    }
}

/// One read of one folder: tables first, then decoding and cross-checks.
private struct Session {
    let folder: URL
    let export: ExportFolder
    var tables: [ExportFile: [RawRow]] = [:]
    /// The data rows read from each file (its table may be let go of once decoded).
    var readCounts: [ExportFile: Int] = [:]
    var encodings: [ExportFile: SourceEncoding] = [:]
    var fileProblems: [Problem] = []
    var lostFiles: [String] = []
    /// Set for a read of some agencies' part (`ExportReader.read(folder:options:agencies:index:)`).
    var part: (index: ExportIndex, selection: ExportSelection)?

    init(folder: URL, export: ExportFolder) {
        self.folder = folder
        self.export = export
    }

    /// Anything at the name counts, even a link or a FIFO: it is then refused by name, not taken as absent.
    func exists(_ file: ExportFile) -> Bool { export.contains(file.rawValue) }

    /// The required files are there (each file is read when its rows are first decoded: `load(_:)`).
    func checkRequiredFiles() throws {
        for required in [ExportFile.agencies, .officers] where !exists(required) {
            throw IngestError.requiredFileMissing(folder: folder.path, file: required.rawValue)
        }
        if !exists(.casesCSV) && !exists(.casesJSON) {
            throw IngestError.requiredFileMissing(folder: folder.path, file: "cases.csv 或 cases.json")
        }
    }

    /// Reads and parses one file's table, once. The files are read in `ExportFile` order, each just before its rows are
    /// decoded: read all at once before any was decoded, the raw cells of every file (about 290 MB at 100,000 cases) stood
    /// beside the case rows being decoded, the ingest's peak.
    mutating func load(_ file: ExportFile) throws {
        guard exists(file), readCounts[file] == nil, !fileProblems.contains(where: { $0.file == file.rawValue }) else { return }
        do {
            let rows = try table(file)
            tables[file] = rows
            readCounts[file] = rows.count
        } catch {
            try unreadable(file, error)
        }
    }

    /// A file that could not be read: a required one stops the read, any other is a problem of the whole file.
    private mutating func unreadable(_ file: ExportFile, _ error: Error) throws {
        if let error = error as? IngestError { throw error }
        let reason = Self.describe(error)
        if file == .agencies || file == .officers {
            throw IngestError.requiredFileUnreadable(file: file.rawValue, reason: reason)
        }
        if file == .casesCSV || file == .casesJSON { lostFiles.append(file.rawValue) }
        fileProblems.append(Problem(file: file.rawValue, row: 0, caseID: nil, field: nil, kind: .unreadableFile,
                                    message: "\(file.rawValue) 无法读取，整个文件未导入：\(reason)"))
    }

    /// What the rows of one file gave: the decoded values and, of every row read, the keys asked for (`keyed`), in order.
    struct DecodedFile<T> {
        var values: [T] = []
        var keys: [[(key: String, source: SourceRef, caseID: String?)]]
    }

    /// A CSV file of the whole export read, made into rows and decoded a group of pieces of the file at a time
    /// (`TableReader.forEachRowBatch`), each batch's rows let go of once decoded and their `keys` read: the rows' cells
    /// with their records' fields (≈ 300 MB for cases.csv at 100,000 cases) stood whole beside the values decoded from
    /// them, the ingest's peak, and once let go of left the allocator's pages that held them among the values' own
    /// strings. The same values, problems (in row order, added to `problems`), keys, balance and encoding as `load` and
    /// decoding the whole table give; nothing for a file absent, or already read or refused.
    /// `sharing`: called on each decoded value, on this thread, as its batch is decoded, to share its strings with equal
    /// ones of earlier values (`StringInterner`).
    mutating func decodeInPieces<T>(_ file: ExportFile, pieceBytes: Int, keys: [String], progress: ExportReader.Progress? = nil,
                                    sharing: ((inout T, inout StringInterner) -> Void)? = nil,
                                    problems: inout [Problem], _ decoder: (RawRow) -> (T?, [Problem])) throws -> DecodedFile<T> {
        var out = DecodedFile<T>(keys: keys.map { _ in [] })
        guard exists(file), readCounts[file] == nil, !fileProblems.contains(where: { $0.file == file.rawValue }) else { return out }
        var found: [Problem] = []
        var interner = StringInterner()
        do {
            let bytes = try export.read(file.rawValue).mapError(TableError.file).get()
            let decoded = TextDecoding.decodeLeniently(bytes)
            let total = decoded.utf8.count
            var read = 0
            var consumed = 0
            try TableReader.forEachRowBatch(csv: decoded.utf8, file: file, pieceBytes: pieceBytes) { rows in
                var values = Self.values(of: parallelMap(rows) { Self.screened($0, decoder) }, problems: &found)
                if let sharing { for index in values.indices { sharing(&values[index], &interner) } }
                out.values += values
                for (index, key) in keys.enumerated() { out.keys[index] += keyed(rows, key, file) }
                read += rows.count
                consumed = min(total, consumed + pieceBytes * ProcessInfo.processInfo.activeProcessorCount)
                // The rows still to come are known only once read: the total is estimated from the bytes read so far.
                progress?(read, consumed >= total ? read : max(read, read * total / max(consumed, 1)))
            }
            encodings[file] = decoded.encoding
            readCounts[file] = read
            progress?(read, read)
        } catch {
            try unreadable(file, error)
            return DecodedFile(keys: keys.map { _ in [] })
        }
        problems += found
        return out
    }

    /// Reads, decodes and parses one file. Decoding is lenient: bytes that
    /// are not text cost only the rows they are in.
    private mutating func table(_ file: ExportFile) throws -> [RawRow] {
        if let part, ExportIndex.indexedFiles.contains(file) { return try selectedRows(file, part.index, part.selection) }
        let bytes = try export.read(file.rawValue).mapError(TableError.file).get()
        let decoded = TextDecoding.decodeLeniently(bytes)
        encodings[file] = decoded.encoding
        if file == .casesJSON { return try TableReader.rows(json: decoded.utf8) }
        return try TableReader.rows(csv: CSVReader.parse(decoded.utf8), file: file)
    }

    /// The rows of an indexed file that the part reads, each read again from its own bytes and numbered as in the file.
    private mutating func selectedRows(_ file: ExportFile, _ index: ExportIndex, _ selection: ExportSelection) throws -> [RawRow] {
        if let error = index.unreadable[file] { throw error }
        guard let indexed = index.files[file] else { throw IngestError.changedSinceIndexed(file: file.rawValue) }
        guard indexed.identity != nil, export.identity(file.rawValue) == indexed.identity else {
            throw IngestError.changedSinceIndexed(file: file.rawValue)
        }
        let positions = indexed.entries.indices.filter { index.selects(file, row: $0, selection) }
        encodings[file] = indexed.encoding
        if file != .casesJSON, let rawOffset = indexed.rawOffset {
            // The file's own bytes are its text: only the part's rows are read from it.
            var ranges: [Range<Int>] = []
            var starts: [Int] = []
            var length = 0
            for position in positions {
                let entry = indexed.entries[position]
                starts.append(length)
                length += entry.length
                let range = rawOffset + entry.start..<rawOffset + entry.start + entry.length
                if let last = ranges.last, last.upperBound == range.lowerBound {
                    ranges[ranges.count - 1] = last.lowerBound..<range.upperBound
                } else {
                    ranges.append(range)
                }
            }
            let bytes = try export.read(file.rawValue, ranges: ranges).mapError(TableError.file).get()
            return try rows(file, indexed, positions: positions, starts: starts, in: bytes)
        }
        let bytes = try export.read(file.rawValue).mapError(TableError.file).get()
        let decoded = TextDecoding.decodeLeniently(bytes)
        guard decoded.encoding == indexed.encoding, decoded.utf8.count == indexed.decodedCount else {
            throw IngestError.changedSinceIndexed(file: file.rawValue)
        }
        if file == .casesJSON {
            let rows = try TableReader.rows(json: decoded.utf8)
            guard rows.count == indexed.entries.count else { throw IngestError.changedSinceIndexed(file: file.rawValue) }
            return positions.map { rows[$0] }
        }
        return try rows(file, indexed, positions: positions, starts: positions.map { indexed.entries[$0].start }, in: decoded.utf8)
    }

    /// The rows at `positions` of an indexed file, read from `text`, where each one's bytes start at `starts`.
    private func rows(_ file: ExportFile, _ indexed: ExportIndex.IndexedFile, positions: [Int], starts: [Int],
                      in text: [UInt8]) throws -> [RawRow] {
        guard let header = indexed.header else { return [] }
        let rows = text.withUnsafeBufferPointer { buffer in
            concurrentMap(Array(zip(positions, starts))) { position, start -> RawRow? in
                let entry = indexed.entries[position]
                var at = CSVRecord(fields: [], line: entry.line, defect: indexed.defects[position + 1])
                at.bytes = start..<start + entry.length
                guard let record = CSVReader.record(in: buffer, at: at, expected: header.fieldCount) else { return nil }
                return header.row(record, number: position + 1, strayRows: indexed.strayRows)
            }
        }
        guard !rows.contains(where: { $0 == nil }) else { throw IngestError.changedSinceIndexed(file: file.rawValue) }
        return TableReader.sharingExtras(rows.compactMap { $0 })
    }

    static func describe(_ error: Error) -> String {
        guard let error = error as? TableError else { return "\(error)" }
        switch error {
        case .file(let problem):
            return problem.reason
        case .headerUnreadable:
            return "表头（第1行）含有无法识别的字符、控制字符或没有配对的引号，无法确定各列。"
        case .json(let line):
            return "不是有效的 JSON" + (line.map { "（第\($0)行附近）" } ?? "") + "。"
        case .notAnArray:
            return "应为由对象组成的 JSON 数组。"
        }
    }

    /// Rows with a reading defect are set aside with it and not decoded;
    /// the other rows are decoded, with any warnings reading found.
    static func screened<T>(_ row: RawRow, _ decoder: (RawRow) -> (T?, [Problem])) -> (T?, [Problem]) {
        guard !row.defects.isEmpty else { return decoder(row) }
        let found = row.defectProblems
        if row.hasBlockingDefect { return (nil, found) }
        let (value, problems) = decoder(row)
        return (value, found + problems)
    }

    /// Reads, decodes and checks every table, one file after another (`load(_:)`). The large tables' raw rows are let
    /// go of as soon as they are decoded and their keys read: held to the end, the raw cells of every file (about
    /// 350 MB at 100,000 cases) stood beside the decoded records at the ingest's peak.
    mutating func validate(options: IngestOptions, progress: ExportReader.Progress?, clock: inout PhaseClock) throws -> IngestResult {
        var problems: [Problem] = []
        var reading = 0.0
        func timedLoad(_ files: ExportFile...) throws {
            let start = DispatchTime.now()
            for file in files { try load(file) }
            reading += Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        }
        func decode<T>(_ file: ExportFile, _ decoder: (RawRow) -> (T?, [Problem]), problems: inout [Problem]) throws -> [T] {
            try timedLoad(file)
            return Self.values(of: parallelMap(tables[file] ?? []) { Self.screened($0, decoder) }, problems: &problems)
        }
        func decode<T>(_ file: ExportFile, _ decoder: (RawRow) -> (T?, [Problem])) throws -> [T] {
            try decode(file, decoder, problems: &problems)
        }
        let agencies = try decode(.agencies, RowDecoding.agency)
        let officers = try decode(.officers, RowDecoding.officer)
        // The whole export's large CSV files are decoded as they are read (`decodeInPieces`); a part's rows are read by the index.
        let pieceBytes = part == nil ? options.csvPieceBytes : nil
        let textStore = options.textStore
        // cases.csv's texts are stored as each row is decoded, on every core (the store takes them from any thread).
        let caseRow: (RawRow) -> (DecodedCase?, [Problem]) = textStore.map { store in
            { row in
                var (decoded, problems) = RowDecoding.caseRow(row)
                decoded?.storeTexts(in: store)
                return (decoded, problems)
            }
        } ?? RowDecoding.caseRow
        let csvCases = try pieceBytes.map {
            try decodeInPieces(.casesCSV, pieceBytes: $0, keys: ["case_id", "agency_code"], progress: progress,
                               sharing: { (decoded: inout DecodedCase, interner: inout StringInterner) in
                                   Self.shareEvidence(&decoded, &interner)
                               }, problems: &problems, caseRow)
        }
        try timedLoad(.casesCSV, .casesJSON)
        // Progress is cases.csv's when it had rows, else cases.json's.
        var decodedCases = (csvCases?.values ?? []) + decodeCases(progress: csvCases?.values.isEmpty == false ? nil : progress,
                                                                  problems: &problems)
        // cases.json's and a part's cases: cases.csv's, first, were stored as each piece was decoded.
        if let textStore {
            for index in (csvCases?.values.count ?? 0)..<decodedCases.count { decodedCases[index].storeTexts(in: textStore) }
        }
        let caseKeys = (csvCases?.keys[0] ?? []) + keyed(tables[.casesCSV], "case_id", .casesCSV) + keyed(tables[.casesJSON], "case_id", .casesJSON)
        let caseAgencyCodes = (csvCases?.keys[1] ?? []) + [ExportFile.casesCSV, .casesJSON].flatMap { keyed(tables[$0], "agency_code", $0) }
        tables[.casesCSV] = nil
        tables[.casesJSON] = nil
        let cases = decodedCases.map(\.item)
        // Every review is decoded, even in a part: a case's 审核编号 may name any review of the export.
        try timedLoad(.reviews)
        let reviewKeys = keyed(tables[.reviews], "review_id", .reviews)
        let partReviewRows = part.map { part in
            Set(keyed(tables[.reviews], "case_id", .reviews).filter { part.selection.caseIDs.contains($0.key) }.map(\.source))
        }
        func inPart(_ source: SourceRef) -> Bool { partReviewRows?.contains(source) ?? true }
        var reviewProblems: [Problem] = []
        let allReviews = try decode(.reviews, RowDecoding.review, problems: &reviewProblems)
        let reviewIDs = Set(allReviews.map(\.id))
        let reviews = allReviews.filter { inPart($0.source) }
        problems += reviewProblems.filter { inPart(SourceRef(file: $0.file, row: $0.row)) }
        if partReviewRows != nil { tables[.reviews] = tables[.reviews]?.filter { inPart($0.source) } }
        // The child files as cases.csv: in pieces for the whole export, whole (their part's rows) for a part.
        func decodeLarge<T>(_ file: ExportFile, keys: [String] = [], _ decoder: (RawRow) -> (T?, [Problem])) throws -> DecodedFile<T> {
            // Read and decoded together: the time counts as decoding (`bench ingest`'s "decode rows").
            if let pieceBytes { return try decodeInPieces(file, pieceBytes: pieceBytes, keys: keys, problems: &problems, decoder) }
            let values = try decode(file, decoder)
            defer { tables[file] = nil }
            return DecodedFile(values: values, keys: keys.map { keyed(tables[file], $0, file) })
        }
        let decodedRecords = try decodeLarge(.records, keys: ["record_id"], RowDecoding.record)
        var records = decodedRecords.values
        let recordKeys = decodedRecords.keys[0]
        let penalties = try decodeLarge(.penalties, RowDecoding.penalty).values
        let items = try decodeLarge(.items, RowDecoding.seizedItem).values
        let deliveries = try decodeLarge(.deliveries, RowDecoding.delivery).values
        // Every file has been read: the problems of whole files that could not be, in file order, go first (as when
        // every file was read before any was decoded).
        problems = fileProblems + problems

        clock.lap("decode rows", after: "read+parse", took: reading)
        var checks = CrossChecks(asOf: options.asOf, media: MediaFolder(export: export))
        checks.duplicates(keyed(tables[.agencies], "agency_code", .agencies), field: "agency_code",
                          kind: .duplicateKey, noun: "主体代码")
        checks.duplicates(keyed(tables[.officers], "cert_no", .officers), field: "cert_no",
                          kind: .duplicateKey, noun: "执法证号")
        if let part {
            checks.add(part.index.caseDuplicates.filter { part.index.selects($0, part.selection) })
        } else {
            checks.duplicates(caseKeys.map { ($0.key, $0.source, $0.key) }, field: "case_id",
                              kind: .duplicateCaseID, noun: "案件编号")
        }
        var reviewChecks = CrossChecks(asOf: options.asOf, media: nil)
        reviewChecks.duplicates(reviewKeys, field: "review_id", kind: .duplicateKey, noun: "审核编号")
        checks.add(reviewChecks.problems.filter { inPart(SourceRef(file: $0.file, row: $0.row)) })
        if let part {
            checks.add(part.index.recordDuplicates.filter { part.index.selects($0, part.selection) })
        } else {
            checks.duplicates(recordKeys, field: "record_id",
                              kind: .duplicateKey, noun: "记录编号")
        }

        let agencyIndex = Dictionary(agencies.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        let officerIndex = Dictionary(officers.map { ($0.certNo, $0) }, uniquingKeysWith: { first, _ in first })
        let allCaseIDs = part?.index.allCaseIDs ?? Set(caseKeys.map(\.key))
        let decisions = Dictionary(cases.map { ($0.id, $0.decisionDate) }, uniquingKeysWith: { first, _ in first })
        checks.officers(officers, agencies: agencyIndex)
        checks.cases(cases, agencies: agencyIndex, officers: officerIndex, reviewIDs: reviewIDs)
        checks.reviews(reviews, caseIDs: allCaseIDs, decisions: decisions)
        checks.records(&records, caseIDs: allCaseIDs, officers: officerIndex)
        checks.childRows(penalties, caseIDs: allCaseIDs, kind: .penaltyUnknownCase, noun: "处罚明细")
        checks.childRows(items, caseIDs: allCaseIDs, kind: .itemUnknownCase, noun: "清单物品")
        checks.childRows(deliveries, caseIDs: allCaseIDs, kind: .deliveryUnknownCase, noun: "送达记录")
        checks.sequenceNumbers(penalties, within: { $0.caseID }, noun: "处罚明细")
        checks.sequenceNumbers(items, within: { $0.caseID + "\u{1}" + $0.purpose.rawValue }, noun: "同一用途的清单物品")
        // A v1 export has no penalties.csv: nothing to reconcile.
        if readCounts[.penalties] != nil {
            // Rows already set aside (a duplicate id, a future date …) are not reconciled: the warning would be noise.
            checks.penalties(penalties, of: cases, skipping: Self.rowsWithErrors(problems + checks.problems))
        }
        if readCounts[.deliveries] != nil {
            checks.servedDates(decodedCases, deliveries: deliveries, skipping: Self.rowsWithErrors(problems + checks.problems))
        }
        problems += checks.problems
        if readCounts[.records] != nil && checks.media == nil && !records.isEmpty {
            problems.append(Problem(file: ExportFile.records.rawValue, row: 0, caseID: nil, field: "file",
                                    kind: .mediaNotDelivered,
                                    message: "records.csv 列出了 \(records.count) 个音像文件，但导出中没有 media 文件夹：记录已导入，文件未能核验。",
                                    severity: .warning))
        }
        clock.lap("cross-checks")
        defer { clock.lap("assemble") }
        var (result, children) = assemble(problems: problems, agencies: agencies, officers: officers, cases: cases, reviews: reviews,
                                           records: records, children: ChildRows(penalties: penalties, items: items, deliveries: deliveries))
        attachDetails(to: &result, decodedCases: decodedCases, children: children)
        for entry in caseAgencyCodes + keyed(tables[.officers], "agency_code", .officers) where !entry.key.isEmpty {
            result.rowAgencyCodes[entry.source] = entry.key
        }
        return result
    }

    /// The rows of cases.csv and cases.json decoded on every core (the two files' rows joined only here, so the
    /// joined copy goes when this returns).
    private func decodeCases(progress: ExportReader.Progress?, problems: inout [Problem]) -> [DecodedCase] {
        let caseRows = (tables[.casesCSV] ?? []) + (tables[.casesJSON] ?? [])
        return Self.values(of: parallelMap(caseRows, { Self.screened($0, RowDecoding.caseRow) }, progress: progress), problems: &problems)
    }

    /// The decoded values of rows in row order, their problems added to `problems`
    /// (one pass: taking the two halves apart by key path copied every outcome twice).
    static func values<T>(of outcomes: [(T?, [Problem])], problems: inout [Problem]) -> [T] {
        var values: [T] = []
        values.reserveCapacity(outcomes.count)
        for (value, found) in outcomes {
            if !found.isEmpty { problems += found }
            if let value { values.append(value) }
        }
        return values
    }

    /// A case's evidence items made into the Strings of equal items of earlier cases: an export lists the same kinds of
    /// evidence (现场检查笔录1份, 询问笔录2份) over thousands of cases, and each item split from its cell was a String of its
    /// own (≈ 20 MB at 100,000 cases, held all night). The cells themselves are shared by the CSV reader (`StringInterner`),
    /// but their items are made afresh.
    static func shareEvidence(_ decoded: inout DecodedCase, _ interner: inout StringInterner) {
        guard decoded.item.evidence.contains(where: { $0.utf8.count > StringInterner.inlineBytes }) else { return }
        decoded.item.evidence = decoded.item.evidence.map { interner.shared($0, column: 0) }
    }

    /// The rows an error sets aside.
    static func rowsWithErrors(_ problems: [Problem]) -> Set<SourceRef> {
        Set(problems.lazy.filter { $0.severity == .error }.map { SourceRef(file: $0.file, row: $0.row) })
    }

    private func keyed(_ rows: [RawRow]?, _ key: String, _ file: ExportFile) -> [(key: String, source: SourceRef, caseID: String?)] {
        let layout = TableLayout(file)
        guard let keyIndex = layout.index[key] else { return [] }
        let caseIndex = layout.index["case_id"]
        func cell(_ row: RawRow, _ index: Int) -> String {
            guard index < row.cells.count, case .text(let value)? = row.cells[index] else { return "" }
            return Normalize.code(value)
        }
        return concurrentMap(rows ?? []) { row in
            (cell(row, keyIndex), row.source, caseIndex.map { cell(row, $0) })
        }
    }

    /// Drops every record whose row has an error and balances each file. The accepted child rows come back
    /// beside the result, to be given to their cases (`attachDetails`).
    private func assemble(problems: [Problem], agencies: [Agency], officers: [Officer], cases: [EnforcementCase],
                          reviews: [Review], records: [ProcessRecord], children: ChildRows) -> (IngestResult, ChildRows) {
        let rejected = Self.rowsWithErrors(problems)
        // A file none of whose rows was rejected (the usual case) is kept as it is, not copied row by row.
        func keep<T>(_ items: [T], _ source: (T) -> SourceRef) -> [T] {
            guard !rejected.isEmpty, items.contains(where: { rejected.contains(source($0)) }) else { return items }
            return items.filter { !rejected.contains(source($0)) }
        }
        var result = IngestResult()
        result.lostRequiredFiles = lostFiles
        result.agencies = keep(agencies, \.source)
        result.officers = keep(officers, \.source)
        result.cases = keep(cases, \.source)
        // A part's read also judges other agencies' rows that share a 案件编号 with its own; their cases are theirs.
        if let part { result.cases.removeAll { !part.selection.agencies.contains($0.agencyCode) } }
        result.reviews = keep(reviews, \.source)
        result.records = keep(records, \.source)
        let acceptedChildren = ChildRows(penalties: keep(children.penalties, \.source), items: keep(children.items, \.source),
                                         deliveries: keep(children.deliveries, \.source))
        let order = Dictionary(uniqueKeysWithValues: ExportFile.allCases.enumerated().map { ($1.rawValue, $0) })
        result.problems = problems.sorted {
            (order[$0.file] ?? 99, $0.row, $0.field ?? "", $0.kind.rawValue) < (order[$1.file] ?? 99, $1.row, $1.field ?? "", $1.kind.rawValue)
        }
        let accepted: [String: Int] = [
            ExportFile.agencies.rawValue: result.agencies.count, ExportFile.officers.rawValue: result.officers.count,
            ExportFile.casesCSV.rawValue: result.cases.reduce(0) { $0 + ($1.source.file == ExportFile.casesCSV.rawValue ? 1 : 0) },
            ExportFile.casesJSON.rawValue: result.cases.reduce(0) { $0 + ($1.source.file == ExportFile.casesJSON.rawValue ? 1 : 0) },
            ExportFile.reviews.rawValue: result.reviews.count, ExportFile.records.rawValue: result.records.count,
            ExportFile.penalties.rawValue: acceptedChildren.penalties.count, ExportFile.items.rawValue: acceptedChildren.items.count,
            ExportFile.deliveries.rawValue: acceptedChildren.deliveries.count,
        ]
        for file in ExportFile.allCases where readCounts[file] != nil || fileProblems.contains(where: { $0.file == file.rawValue }) {
            let read = readCounts[file] ?? 0
            let kept = accepted[file.rawValue] ?? 0
            result.balances.append(FileBalance(file: file.rawValue, encoding: encodings[file]?.rawValue, read: read,
                                               accepted: kept, setAside: read - kept))
        }
        return (result, acceptedChildren)
    }
}

/// The rows of the contract v2 child files, on their way to their cases' details.
private struct ChildRows {
    var penalties: [Penalty]
    var items: [SeizedItem]
    var deliveries: [Delivery]
}

extension Session {
    /// Gives every accepted case, agency and review its contract v2 data:
    /// the v2 columns of its own row and, for a case, its accepted child rows
    /// and the child rows that were set aside (the case stays, as the contract
    /// counts it, but knows its lists are incomplete).
    func attachDetails(to result: inout IngestResult, decodedCases: [DecodedCase], children: ChildRows) {
        let accepted = Set(result.cases.map(\.source))
        let (penalties, items, deliveries) = (children.penalties, children.items, children.deliveries)
        let (penaltyRows, itemRows, deliveryRows) = (RowsByCase(penalties), RowsByCase(items), RowsByCase(deliveries))
        let childFiles: Set<String> = [ExportFile.penalties.rawValue, ExportFile.items.rawValue, ExportFile.deliveries.rawValue]
        var setAside: [String: Set<SourceRef>] = [:]
        for problem in result.errors where childFiles.contains(problem.file) {
            guard let caseID = problem.caseID else { continue }
            setAside[caseID, default: []].insert(SourceRef(file: problem.file, row: problem.row))
        }
        let purposeOrder = Dictionary(uniqueKeysWithValues: ItemPurpose.allCases.enumerated().map { ($1, $0) })
        // Each case's lists are gathered and sorted on every core.
        let entries = concurrentMap(decodedCases, chunkSize: 1024) { decoded -> CaseDetails? in
            guard accepted.contains(decoded.item.source) else { return nil }
            let id = decoded.item.id
            var entry = decoded.details
            entry.caseID = id
            entry.penalties = penaltyRows.rows(of: id, in: penalties).sorted { ($0.seq, $0.source.row) < ($1.seq, $1.source.row) }
            entry.items = itemRows.rows(of: id, in: items).sorted {
                (purposeOrder[$0.purpose] ?? 0, $0.seq, $0.source.row) < (purposeOrder[$1.purpose] ?? 0, $1.seq, $1.source.row)
            }
            entry.deliveries = deliveryRows.rows(of: id, in: deliveries).sorted { ($0.servedAt, $0.source.row) < ($1.servedAt, $1.source.row) }
            entry.setAsideChildRows = (setAside[id] ?? []).sorted { ($0.file, $0.row) < ($1.file, $1.row) }
            return entry
        }
        result.details = CaseDetailsTable(entries.lazy.compactMap { $0 })
        let agencyCodes = Set(result.agencies.map(\.source))
        for row in tables[.agencies] ?? [] where agencyCodes.contains(row.source) {
            let entry = RowDecoding.agencyDetails(row)
            result.agencyDetails[entry.agencyCode] = entry
        }
        let reviewRows = Set(result.reviews.map(\.source))
        for row in tables[.reviews] ?? [] where reviewRows.contains(row.source) {
            let entry = RowDecoding.reviewDetails(row)
            result.reviewDetails[entry.reviewID] = entry
        }
    }
}

/// Decodes rows on every core, keeping their order and reporting progress.
func parallelMap<T>(_ rows: [RawRow], _ transform: (RawRow) -> T, progress: ExportReader.Progress? = nil) -> [T] {
    guard let progress else { return concurrentMap(rows, chunkSize: 2048, transform) }
    let lock = NSLock()
    var done = 0
    return concurrentMap(rows, chunkSize: 2048, finished: { count in
        lock.lock()
        done += count
        let snapshot = done
        lock.unlock()
        progress(snapshot, rows.count)
    }, transform)
}

/// Laps of a wall clock, named by phase.
public struct PhaseClock {
    private var last = DispatchTime.now()
    public private(set) var laps: [(phase: String, seconds: Double)] = []

    public init() {}

    public mutating func lap(_ phase: String) {
        let now = DispatchTime.now()
        laps.append((phase, Double(now.uptimeNanoseconds - last.uptimeNanoseconds) / 1e9))
        last = now
    }

    /// A lap made of two phases run in turns: `earlier` took `seconds` of it, `phase` the rest.
    public mutating func lap(_ phase: String, after earlier: String, took seconds: Double) {
        let now = DispatchTime.now()
        let whole = Double(now.uptimeNanoseconds - last.uptimeNanoseconds) / 1e9
        laps.append((earlier, seconds))
        laps.append((phase, max(0, whole - seconds)))
        last = now
    }
}

/// The records of an export taken out of its `IngestResult` (`takeRecords`), to be let go of where the caller chooses.
public struct ExportRecords: Sendable {
    var cases: [EnforcementCase]
    var records: [ProcessRecord]
    var reviews: [Review]
    var details: CaseDetailsTable
    var reviewDetails: [String: ReviewDetails]
    var rowAgencyCodes: [SourceRef: String]

    /// How many cases were taken.
    public var caseCount: Int { cases.count }
}

extension IngestResult {
    /// Takes the export's records out, leaving the agencies, officers, problems, balances and timings: what a run
    /// reports once its stages are done. The cases, their details and the other files' rows (about 0.9 GB at
    /// 100,000 cases) need not stay while the run's commit lists and indexes the whole output.
    public mutating func takeRecords() -> ExportRecords {
        defer {
            cases = []
            records = []
            reviews = []
            details = CaseDetailsTable()
            reviewDetails = [:]
            rowAgencyCodes = [:]
        }
        return ExportRecords(cases: cases, records: records, reviews: reviews, details: details, reviewDetails: reviewDetails,
                             rowAgencyCodes: rowAgencyCodes)
    }

    /// Sets aside the cases a later stage found unusable: their problems join the
    /// quarantine and each case's row moves from accepted to set aside in its file's balance.
    public mutating func setAside(_ found: [Problem]) {
        let ids = Set(found.compactMap(\.caseID))
        let removed = cases.filter { ids.contains($0.id) }
        cases.removeAll { ids.contains($0.id) }
        problems += found
        for item in removed {
            guard let index = balances.firstIndex(where: { $0.file == item.source.file }) else { continue }
            balances[index].accepted -= 1
            balances[index].setAside += 1
        }
    }
}
