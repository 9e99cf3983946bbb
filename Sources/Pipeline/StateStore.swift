import Archive
import ErrorReporting
import CaseModel
import Crypto
import Dispatch
import Ingest
import Review
import Foundation
import GRDB

/// What a run changed in the store, case by case.
public struct StoreChanges: Codable, Hashable, Sendable {
    public var added = 0
    public var changed = 0
    public var unchanged = 0
    /// Stored cases this export no longer carries (removed, or set aside this time).
    public var absent = 0
}

/// One agency's annual report as the store remembers it.
public struct ReportDelivery: Codable, Hashable, Sendable {
    public var deadline: CivilDate
    public var firstPublishedOn: CivilDate
    public var lastPublishedOn: CivilDate
    public var contentHash: String
}

/// One decision in the portal's publication log.
public struct PublicationRow: Sendable, Equatable, Codable {
    public var caseID: String
    public var agencyCode: String
    public var indexNo: String
    public var publishedOn: CivilDate
    public var withdrawnOn: CivilDate?
    public var withdrawalReason: String?
    public var deadline: CivilDate
    /// SHA-256 of what the portal shows for it: unchanged means its files are kept as they are.
    public var publicHash: String
    /// The published PublicCase as JSON, so a decision stays on the portal when a later export lacks its row. While the
    /// portal works, empty when let go of and a stand-in when set aside (`holdsPublicCase`); never saved so.
    public var publicCase: [UInt8]
    public var pdfPath: String?
    /// False when the decision was due before this installation went live and no history
    /// says when it was first published: its timeliness is unknown, not late.
    public var timingKnown = true
    /// Where the agency first published it, from the publication history.
    public var historyURL: String?

    enum CodingKeys: String, CodingKey {
        case caseID = "case_id", agencyCode = "agency_code", indexNo = "index_no", publishedOn = "published_on",
             withdrawnOn = "withdrawn_on", withdrawalReason = "withdrawal_reason", deadline, publicHash = "public_hash",
             publicCase = "public_case", pdfPath = "pdf_path", timingKnown = "timing_known", historyURL = "history_url"
    }

    public init(caseID: String, agencyCode: String, indexNo: String, publishedOn: CivilDate, withdrawnOn: CivilDate?,
                withdrawalReason: String?, deadline: CivilDate, publicHash: String, publicCase: [UInt8], pdfPath: String?,
                timingKnown: Bool = true, historyURL: String? = nil) {
        self.caseID = caseID
        self.agencyCode = agencyCode
        self.indexNo = indexNo
        self.publishedOn = publishedOn
        self.withdrawnOn = withdrawnOn
        self.withdrawalReason = withdrawalReason
        self.deadline = deadline
        self.publicHash = publicHash
        self.publicCase = publicCase
        self.pdfPath = pdfPath
        self.timingKnown = timingKnown
        self.historyURL = historyURL
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        caseID = try container.decode(String.self, forKey: .caseID)
        agencyCode = try container.decode(String.self, forKey: .agencyCode)
        indexNo = try container.decode(String.self, forKey: .indexNo)
        publishedOn = try container.decode(CivilDate.self, forKey: .publishedOn)
        withdrawnOn = try container.decodeIfPresent(CivilDate.self, forKey: .withdrawnOn)
        withdrawalReason = try container.decodeIfPresent(String.self, forKey: .withdrawalReason)
        deadline = try container.decode(CivilDate.self, forKey: .deadline)
        publicHash = try container.decode(String.self, forKey: .publicHash)
        publicCase = [UInt8](try container.decode(Data.self, forKey: .publicCase))  // base64 in the journal
        pdfPath = try container.decodeIfPresent(String.self, forKey: .pdfPath)
        timingKnown = try container.decodeIfPresent(Bool.self, forKey: .timingKnown) ?? true
        historyURL = try container.decodeIfPresent(String.self, forKey: .historyURL)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(caseID, forKey: .caseID)
        try container.encode(agencyCode, forKey: .agencyCode)
        try container.encode(indexNo, forKey: .indexNo)
        try container.encode(publishedOn, forKey: .publishedOn)
        try container.encodeIfPresent(withdrawnOn, forKey: .withdrawnOn)
        try container.encodeIfPresent(withdrawalReason, forKey: .withdrawalReason)
        try container.encode(deadline, forKey: .deadline)
        try container.encode(publicHash, forKey: .publicHash)
        try container.encode(Data(publicCase), forKey: .publicCase)
        try container.encodeIfPresent(pdfPath, forKey: .pdfPath)
        try container.encode(timingKnown, forKey: .timingKnown)
        try container.encodeIfPresent(historyURL, forKey: .historyURL)
    }
}

/// A publication row about to be saved without its public case: a fault of the program, never of the export.
struct PublicationRowWithoutCase: SanxiangError {
    var caseID: String
    var message: String { "程序错误：案件 \(caseID) 的公示记录缺少公开内容，本次不写入状态库，上次的输出和状态保持不变；请联系开发人员。" }
}

/// A published annual report as the reports feed lists it.
public struct StoredReportFeedEntry: Sendable, Equatable {
    public var year: Int
    public var title: String
    public var summary: String
    public var updated: String
}

/// A failure of the state store, for the message at the edge.
public struct StateStoreError: SanxiangError, Sendable {
    public var path: String
    public var reason: String

    public var message: String { "状态库 \(path) 无法使用：\(reason)" }

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// SQLite's failures said in Chinese: a clerk can act on "磁盘已满", not on "SQLite error 13".
    init(path: String, _ error: Error) {
        self.path = path
        guard let database = error as? DatabaseError else {
            reason = "\(error)"
            return
        }
        switch database.resultCode {
        case .SQLITE_FULL: reason = "磁盘空间已满"
        case .SQLITE_READONLY: reason = "文件或文件夹为只读"
        case .SQLITE_CANTOPEN: reason = "无法打开（文件夹不存在或没有权限）"
        case .SQLITE_PERM, .SQLITE_AUTH: reason = "没有权限"
        case .SQLITE_IOERR: reason = "读写错误（磁盘可能已满或有故障）"
        case .SQLITE_BUSY, .SQLITE_LOCKED: reason = "正被另一个进程使用"
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: reason = "文件已损坏或不是状态库"
        default: reason = "数据库错误 \(database.resultCode.rawValue)（\(database.message ?? "")）"
        }
    }
}

/// The run's embedded SQLite database: the normalised records of the last
/// export and a content hash per case, so later stages redo only what changed.
public final class StateStore {
    private let queue: DatabaseQueue
    public let path: String

    public init(path: String) throws {
        self.path = path
        do {
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            queue = try Self.open(path)
        } catch let error as DatabaseError where [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(error.resultCode) {
            // A run cut off mid-write can leave a damaged file (durability syncs
            // are off). The store is rebuilt from the export, so the damaged file
            // is kept aside for inspection and a new one started.
            do {
                let aside = path + ".damaged"
                try? FileManager.default.removeItem(atPath: aside)
                try FileManager.default.moveItem(atPath: path, toPath: aside)
                queue = try Self.open(path)
            } catch {
                throw StateStoreError(path: path, error)
            }
        } catch {
            throw StateStoreError(path: path, error)
        }
    }

    private static func open(_ path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        // The publication log and report deliveries are legal facts, not
        // rebuilt from the export: a killed run must leave the last committed
        // transaction whole. WAL with NORMAL syncs survives a process kill and
        // stays consistent on power loss, at a small cost per transaction.
        configuration.prepareDatabase { db in
            // Large pages keep a case's payload on one page instead of an
            // overflow chain; the cache holds the hot b-tree levels. Set before
            // WAL, which fixes the page size of a new file.
            try db.execute(sql: "PRAGMA page_size = 65536")
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA cache_size = -65536")
        }
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try migrator.migrate(queue)
        return queue
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE run (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    as_of TEXT NOT NULL,
                    input TEXT NOT NULL,
                    summary TEXT NOT NULL);
                CREATE TABLE agency (code TEXT PRIMARY KEY, payload BLOB NOT NULL);
                CREATE TABLE officer (cert_no TEXT PRIMARY KEY, agency_code TEXT NOT NULL, payload BLOB NOT NULL);
                CREATE TABLE enforcement_case (
                    id TEXT PRIMARY KEY,
                    agency_code TEXT NOT NULL,
                    action_type TEXT NOT NULL,
                    decision_date TEXT NOT NULL,
                    status TEXT NOT NULL,
                    content_hash TEXT NOT NULL,
                    source_file TEXT NOT NULL,
                    source_row INTEGER NOT NULL,
                    present INTEGER NOT NULL,
                    changed_in_run INTEGER NOT NULL,
                    payload BLOB NOT NULL);
                CREATE TABLE review (id TEXT PRIMARY KEY, case_id TEXT NOT NULL, payload BLOB NOT NULL);
                CREATE INDEX review_case ON review(case_id);
                CREATE TABLE process_record (id TEXT PRIMARY KEY, case_id TEXT NOT NULL, payload BLOB NOT NULL);
                CREATE INDEX process_record_case ON process_record(case_id);
                """)
        }
        migrator.registerMigration("v2") { db in
            try db.execute(sql: """
                CREATE TABLE annual_report (
                    year INTEGER NOT NULL,
                    agency_code TEXT NOT NULL,
                    deadline TEXT NOT NULL,
                    first_published_on TEXT NOT NULL,
                    last_published_on TEXT NOT NULL,
                    content_hash TEXT NOT NULL,
                    PRIMARY KEY (year, agency_code));
                CREATE TABLE publication (case_id TEXT PRIMARY KEY, first_published_on TEXT NOT NULL, withdrawn_on TEXT);
                """)
        }
        migrator.registerMigration("v3") { db in
            try db.execute(sql: """
                ALTER TABLE publication ADD COLUMN agency_code TEXT NOT NULL DEFAULT '';
                ALTER TABLE publication ADD COLUMN index_no TEXT NOT NULL DEFAULT '';
                ALTER TABLE publication ADD COLUMN withdrawal_reason TEXT;
                ALTER TABLE publication ADD COLUMN deadline TEXT NOT NULL DEFAULT '';
                ALTER TABLE publication ADD COLUMN public_hash TEXT NOT NULL DEFAULT '';
                ALTER TABLE publication ADD COLUMN public_case BLOB;
                ALTER TABLE publication ADD COLUMN pdf_path TEXT;
                """)
        }
        migrator.registerMigration("v4") { db in
            try db.execute(sql: """
                CREATE TABLE report_feed (year INTEGER PRIMARY KEY, title TEXT NOT NULL, summary TEXT NOT NULL, updated TEXT NOT NULL);
                CREATE TABLE memo (key TEXT PRIMARY KEY, value BLOB NOT NULL);
                """)
        }
        migrator.registerMigration("v5") { db in
            try db.execute(sql: """
                ALTER TABLE publication ADD COLUMN timing_known INTEGER NOT NULL DEFAULT 1;
                ALTER TABLE publication ADD COLUMN history_url TEXT;
                """)
        }
        return migrator
    }

    /// `contentHash` of the bytes `pieces` hands on, joined: for a payload made a piece at a time, never whole.
    static func contentHash(pieces: (([UInt8]) -> Void) -> Void) -> String {
        var hasher = SHA256()
        pieces { hasher.update(data: $0) }
        return hasher.finalize().hex
    }

    /// Lowercase hex SHA-256 of a case's canonical payload.
    public static func contentHash(_ payload: [UInt8]) -> String {
        SHA256.hash(data: payload).hex
    }

    /// The export's records, serialised and hashed (on every core) before the
    /// commit, so the run summary can say what changed before anything is written.
    public struct Snapshot {
        let agencies: [(String, String?, [UInt8])]
        let officers: [(String, String?, [UInt8])]
        let reviews: [(String, String?, [UInt8])]
        let records: [(String, String?, [UInt8])]
        let cases: [PreparedCase]
        /// Where the payloads are when not held in memory (`payloadFile` of the initialiser).
        let payloads: PayloadFile?
        let asOf: CivilDate
        let input: String
        /// The hashes of every case the store holds, present or not (`allCaseHashes`).
        let stored: [String: String]

        /// `stored`: the hashes of the cases the store holds (`allCaseHashes`); a case stored with the same hash
        /// is not held with its payload (see `PreparedCase.payload`), and `changes` is counted against them.
        /// `payloadFile`: a file (made new, gone with the snapshot) to which the payloads the store lacks are written a
        /// batch of cases at a time, to be read back one by one as they are stored: on a first night that is every case's
        /// (≈ 300 MB at 100,000 cases), which stood in memory beside the export until the commit. Nil: held in memory.
        public init(agencies: [Agency], officers: [Officer], cases: [EnforcementCase], reviews: [Review],
                    records: [ProcessRecord], asOf: CivilDate, input: String, stored: [String: String] = [:],
                    payloadFile: String? = nil) throws {
            // Key order turns B-tree inserts into appends.
            if let payloadFile {
                let file = try PayloadFile(creating: payloadFile)
                var prepared: [PreparedCase] = []
                prepared.reserveCapacity(cases.count)
                for start in stride(from: 0, to: cases.count, by: Self.payloadBatch) {
                    for entry in StateStore.prepare(Array(cases[start..<min(start + Self.payloadBatch, cases.count)]), stored: stored) {
                        prepared.append(try entry.payload.map { entry.spilled(at: try file.append($0)) } ?? entry)
                    }
                }
                self.cases = prepared.sorted { $0.id < $1.id }
                payloads = file
            } else {
                self.cases = StateStore.prepare(cases, stored: stored).sorted { $0.id < $1.id }
                payloads = nil
            }
            self.records = concurrentMap(records) { ($0.id, Optional($0.caseID), CanonicalJSON.payload(of: $0)) }.sorted { $0.0 < $1.0 }
            self.agencies = agencies.map { ($0.code, nil, CanonicalJSON.payload(of: $0)) }
            self.officers = officers.map { ($0.certNo, $0.agencyCode, CanonicalJSON.payload(of: $0)) }
            self.reviews = reviews.map { ($0.id, $0.caseID, CanonicalJSON.payload(of: $0)) }
            self.asOf = asOf
            self.input = input
            self.stored = stored
        }

        /// Cases serialised at once (on every core) before their payloads go to the payload file.
        static let payloadBatch = 4096

        /// The payload a prepared case carries (nil: the store keeps the one it has).
        func payload(of entry: PreparedCase) throws -> Data? {
            if let payload = entry.payload { return payload }
            guard let range = entry.spilled else { return nil }
            guard let payloads else { throw FileSystemError(path: "", action: "读取案件快照", code: 5) }
            return try payloads.read(range)
        }

        /// What storing this snapshot will change, against the stored hashes (every case ever stored).
        public func changes() -> StoreChanges {
            var changes = StoreChanges()
            var known = stored
            for entry in cases {
                switch known.removeValue(forKey: entry.id) {
                case nil: changes.added += 1
                case entry.hash?: changes.unchanged += 1
                default: changes.changed += 1
                }
            }
            changes.absent = known.count
            return changes
        }
    }

    /// One write transaction of the committer.
    public struct Transaction {
        let db: Database

        /// Replaces the stored export with `snapshot`; `summary` is the run summary kept with the run's row.
        public func store(_ snapshot: Snapshot, summary: String) throws {
            try db.execute(sql: "INSERT INTO run (as_of, input, summary) VALUES (?, ?, ?)",
                           arguments: [snapshot.asOf.iso, snapshot.input, summary])
            let runID = db.lastInsertedRowID
            try StateStore.replace(db, table: "agency", snapshot.agencies)
            try StateStore.replace(db, table: "officer", snapshot.officers)
            try StateStore.replace(db, table: "review", snapshot.reviews)
            try StateStore.replace(db, table: "process_record", snapshot.records)
            _ = try StateStore.upsert(db, snapshot.cases, payload: snapshot.payload(of:), runID: runID)
        }
    }

    /// Writes a run's state changes (and its snapshot, when given) in one transaction.
    /// Every change is idempotent, so a commit finished twice after a crash ends the same.
    /// `publicationsFile`: a file of publication rows (`StagedPublications`' format) saved with `changes.publications`, read a
    /// block of rows at a time.
    public func apply(_ changes: StateChanges, snapshot: ((Transaction) throws -> Void)?, publicationsFile: String? = nil) throws {
        do {
            try queue.write { db in
                if let snapshot { try snapshot(Transaction(db: db)) }
                try Self.savePublications(db, changes.publications)
                if let publicationsFile {
                    try StagedPublications.forEachBlock(in: publicationsFile) { try Self.savePublications(db, $0) }
                }
                for report in changes.reports {
                    try Self.recordReport(db, report)
                }
                if let goLive = changes.goLive {
                    try db.execute(sql: "INSERT OR IGNORE INTO memo (key, value) VALUES ('go_live', ?)", arguments: [Data(goLive.iso.utf8)])
                }
                if let memo = changes.renderMemoFile {
                    try db.execute(sql: "INSERT OR REPLACE INTO memo (key, value) VALUES ('render', ?)", arguments: [memo])
                }
                if let memo = changes.redactionMemoFile {
                    try db.execute(sql: "INSERT OR REPLACE INTO memo (key, value) VALUES ('redaction', ?)", arguments: [memo])
                }
            }
        } catch let error as StateStoreError {
            throw error
        } catch let error as FileSystemError {
            // The rows' file, not the store: named as it is (the transaction was rolled back).
            throw error
        } catch {
            throw StateStoreError(path: path, error)
        }
    }

    /// Stored content hash of every case ever stored, present or not.
    public func allCaseHashes() throws -> [String: String] {
        try read { db in
            var hashes: [String: String] = [:]
            // A cursor: every row fetched first held 100,000 of them at once beside the table being made.
            let rows = try Row.fetchCursor(db, sql: "SELECT id, content_hash FROM enforcement_case")
            while let row = try rows.next() { hashes[row["id"]] = row["content_hash"] }
            return hashes
        }
    }

    /// The summary of the last committed nightly run; nil before the first.
    public func lastRunSummary() throws -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT summary FROM run ORDER BY id DESC LIMIT 1") }
    }

    /// The render stage's memo of the last committed run.
    /// The render memo of the store at `path`, read without changing anything there (no migration, no
    /// repair): for `sanxiang worker`, which reads the store the publish step alone writes. Nil when there
    /// is no store yet.
    public static func renderMemo(readingOnly path: String) throws -> RenderMemo? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            return try queue.read { db in
                guard try db.tableExists("memo"),
                      let data = try Data.fetchOne(db, sql: "SELECT value FROM memo WHERE key = 'render'") else { return nil }
                // An unreadable memo is an old format: nothing is known unchanged, everything is rendered.
                return RenderMemo.read(data)
            }
        } catch {
            throw StateStoreError(path: path, error)
        }
    }

    public func renderMemo() throws -> RenderMemo? {
        try read { db in
            guard let data = try Data.fetchOne(db, sql: "SELECT value FROM memo WHERE key = 'render'") else { return nil }
            return RenderMemo.read(data)
        }
    }

    /// The portal's memo of the last run's redactions; nil when there is none or it cannot be read
    /// (then every case is redacted).
    func redactionMemo() throws -> RedactionMemo? {
        try read { db in
            guard let data = try Data.fetchOne(db, sql: "SELECT value FROM memo WHERE key = 'redaction'") else { return nil }
            return RedactionMemo.read(data)
        }
    }

    /// The day this output folder's first run published (the default go-live date).
    public func firstPublicationDay() throws -> CivilDate? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT CAST(value AS TEXT) FROM memo WHERE key = 'go_live'").flatMap(CivilDate.init(iso:))
        }
    }

    /// Every year's published report entry, for the reports feed.
    public func reportFeed() throws -> [StoredReportFeedEntry] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT year, title, summary, updated FROM report_feed ORDER BY year").map {
                StoredReportFeedEntry(year: $0["year"], title: $0["title"], summary: $0["summary"], updated: $0["updated"])
            }
        }
    }

    /// The rows of one of the snapshot's tables (agency, officer, review, process_record) in key order:
    /// key, second column (none for agency) and payload.
    func snapshotRows(of table: String) throws -> [[String]] {
        let (key, second) = Self.snapshotColumns(table)
        return try read { db in
            try Row.fetchAll(db, sql: "SELECT \(key), \(second ?? "NULL"), payload FROM \(table) ORDER BY \(key)").map { row in
                [row[0] as String, (row[1] as String?) ?? "-", String(decoding: row[2] as Data, as: UTF8.self)]
            }
        }
    }

    /// Every stored case as text, in id order (for tests): id, content hash, source file and row, present, payload.
    func caseRows() throws -> [[String]] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, content_hash, source_file, source_row, present, payload FROM enforcement_case ORDER BY id")
                .map { row in
                    [row[0] as String, row[1] as String, row[2] as String, String(row[3] as Int), String(row[4] as Int),
                     String(decoding: row[5] as Data, as: UTF8.self)]
                }
        }
    }

    /// The key column and second column (none for agency) of a snapshot table.
    static func snapshotColumns(_ table: String) -> (key: String, second: String?) {
        switch table {
        case "agency": return ("code", nil)
        case "officer": return ("cert_no", "agency_code")
        default: return ("id", "case_id")
        }
    }

    private func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try queue.read(body) } catch { throw StateStoreError(path: path, error) }
    }

    /// What the store keeps of a case: its key columns, canonical payload and hash.
    struct PreparedCase {
        /// id, agency_code, action_type, decision_date, status, content_hash, source_file, source_row.
        let columns: [DatabaseValueConvertible]
        /// The canonical payload; nil when the store already holds this very payload (the hash it has stored),
        /// which it keeps: held for every case, the payloads were the largest part of the commit's memory
        /// (about 300 MB at 100,000 cases) on a night that changed a few hundred.
        let payload: Data?
        /// Where its payload lies in the snapshot's payload file, when it carries one and that is where it is.
        var spilled: Range<UInt64>? = nil
        let id: String
        let hash: String
        let source: SourceRef

        /// True when it carries a payload for the store, in memory or in the payload file.
        var carriesPayload: Bool { payload != nil || spilled != nil }

        /// The same case, its payload in the payload file at `range`.
        func spilled(at range: Range<UInt64>) -> PreparedCase {
            PreparedCase(columns: columns, payload: nil, spilled: range, id: id, hash: hash, source: source)
        }
    }

    /// The payloads a snapshot does not hold in memory, appended to a file of its own and read back by range. The file
    /// is removed when its holder lets go of it.
    final class PayloadFile: @unchecked Sendable {
        let path: String
        private let handle: FileHandle
        private var end: UInt64 = 0
        /// What the file holds, for its errors (案件快照 …).
        private let holds: String

        init(creating path: String, holding holds: String = "案件快照") throws {
            self.path = path
            self.holds = holds
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw FileSystemError(path: path, action: "暂存" + holds, code: EIO)
            }
            do { handle = try FileHandle(forUpdating: URL(fileURLWithPath: path)) } catch {
                throw FileSystemError(path: path, action: "暂存" + holds, code: OutputWriter.errnoOf(error))
            }
        }

        deinit {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: path)
        }

        func append(_ data: Data) throws -> Range<UInt64> {
            do {
                try handle.seek(toOffset: end)
                try handle.write(contentsOf: data)
            } catch {
                throw FileSystemError(path: path, action: "暂存" + holds, code: OutputWriter.errnoOf(error))
            }
            let range = end..<(end + UInt64(data.count))
            end = range.upperBound
            return range
        }

        func read(_ range: Range<UInt64>) throws -> Data {
            do {
                try handle.seek(toOffset: range.lowerBound)
                if let data = try handle.read(upToCount: range.count), data.count == range.count { return data }
            } catch {
                throw FileSystemError(path: path, action: "读取暂存的" + holds, code: OutputWriter.errnoOf(error))
            }
            throw FileSystemError(path: path, action: "读取暂存的\(holds)（文件不完整）", code: EIO)
        }
    }

    /// A case the run found stored with one hash and, at its commit, with another: something else wrote the
    /// store meanwhile. The transaction is given up, so the store stays as it was.
    struct StoreChangedDuringRun: Error, CustomStringConvertible {
        let caseID: String
        var description: String { "案件 \(caseID) 的记录在本次运行期间被其他程序改动，本次未写入状态库；请重新运行。" }
    }

    /// Serialises and hashes on every core: the costliest part of storing. `stored`: the hashes the store holds.
    static func prepare(_ cases: [EnforcementCase], stored: [String: String] = [:]) -> [PreparedCase] {
        concurrentMap(cases) { item in
            let payload = CanonicalJSON.payload(of: item)
            let hash = contentHash(payload)
            return PreparedCase(columns: [item.id, item.agencyCode, item.actionType.rawValue, item.decisionDate.iso,
                                          item.status.rawValue, hash, item.source.file, item.source.row],
                                payload: stored[item.id] == hash ? nil : Data(payload), id: item.id, hash: hash, source: item.source)
        }
    }

    /// Makes `table` hold exactly `rows` (key, second column, payload), writing only the rows that differ:
    /// deleting and inserting every record and review each night rewrote 55 MB of pages, twice through
    /// the WAL, on a night that changed a few hundred of them.
    static func replace(_ db: Database, table: String, _ rows: [(String, String?, [UInt8])]) throws {
        let (key, second) = snapshotColumns(table)
        let wanted = Dictionary(rows.indices.map { (rows[$0].0, $0) }, uniquingKeysWith: { _, last in last })
        var stale: [String] = []
        var kept = Set<String>()
        let stored = try Row.fetchCursor(db, sql: "SELECT \(key), \(second ?? "NULL"), payload FROM \(table)")
        while let row = try stored.next() {
            let id: String = row[0]
            guard let position = wanted[id] else {
                stale.append(id)
                continue
            }
            let (_, other, payload) = rows[position]
            let sameOther = second == nil || (row[1] as String?) == (other ?? "")
            if sameOther, try row.withUnsafeData(atIndex: 2, { $0.map { Self.same($0, payload) } ?? false }) { kept.insert(id) }
        }
        let delete = try db.makeStatement(sql: "DELETE FROM \(table) WHERE \(key) = ?")
        for id in stale { try delete.execute(arguments: [id]) }
        let columns = second.map { "\(key), \($0), payload" } ?? "\(key), payload"
        var insert = try BulkInsert(db, sql: "INSERT OR REPLACE INTO \(table) (\(columns)) VALUES", columns: second == nil ? 2 : 3)
        for (position, (id, other, payload)) in rows.enumerated() where wanted[id] == position && !kept.contains(id) {
            try insert.add(second == nil ? [id, Data(payload)] : [id, other ?? "", Data(payload)])
        }
        try insert.finish()
    }

    /// Byte for byte, at memcmp's speed (a generic element-by-element compare of 55 MB took a third of a second).
    static func same(_ stored: Data, _ payload: [UInt8]) -> Bool {
        guard stored.count == payload.count else { return false }
        return stored.withUnsafeBytes { a in
            payload.withUnsafeBytes { b in
                guard let left = a.baseAddress, let right = b.baseAddress else { return true }  // both empty
                return memcmp(left, right, a.count) == 0
            }
        }
    }

    /// `payload`: the payload a prepared case carries (`Snapshot.payload(of:)`).
    static func upsert(_ db: Database, _ prepared: [PreparedCase], payload: (PreparedCase) throws -> Data?, runID: Int64) throws -> StoreChanges {
        var known: [String: (hash: String, source: SourceRef, present: Bool)] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT id, content_hash, source_file, source_row, present FROM enforcement_case")
        while let row = try rows.next() {
            known[row["id"]] = (row["content_hash"], SourceRef(file: row["source_file"], row: row["source_row"]), row["present"] as Bool)
        }
        var changes = StoreChanges()
        var insert = try BulkInsert(db, sql: """
            INSERT INTO enforcement_case (id, agency_code, action_type, decision_date, status, content_hash,
                                          source_file, source_row, payload, changed_in_run, present) VALUES
            """, columns: 10, constants: "1")
        let update = try db.makeStatement(sql: """
            UPDATE enforcement_case SET agency_code = ?1, action_type = ?2, decision_date = ?3, status = ?4,
                changed_in_run = CASE WHEN content_hash = ?5 THEN changed_in_run ELSE ?9 END,
                content_hash = ?5, source_file = ?6, source_row = ?7, payload = ?8, present = 1
            WHERE id = ?10
            """)
        // A case stored with this very payload that only moved in the export (or came back to it): its payload stays.
        let relocate = try db.makeStatement(sql: "UPDATE enforcement_case SET source_file = ?1, source_row = ?2, present = 1 WHERE id = ?3")
        for entry in prepared {
            let previous = known.removeValue(forKey: entry.id)
            switch previous?.hash {
            case nil: changes.added += 1
            case entry.hash?: changes.unchanged += 1
            default: changes.changed += 1
            }
            guard let previous else {
                guard let payload = try payload(entry) else { throw StoreChangedDuringRun(caseID: entry.id) }
                try insert.add(entry.columns + [payload, runID])
                continue
            }
            // A row stored as it is now stays untouched: rewriting every case's payload each night was most of the commit's store.
            if previous.hash == entry.hash, previous.source == entry.source, previous.present { continue }
            if let payload = try payload(entry) {
                try update.execute(arguments: StatementArguments(Array(entry.columns.dropFirst()) + [payload, runID, entry.id]))
            } else if previous.hash == entry.hash {
                try relocate.execute(arguments: [entry.source.file, entry.source.row, entry.id])
            } else {
                throw StoreChangedDuringRun(caseID: entry.id)
            }
        }
        try insert.finish()
        // Cases the export no longer holds stay in the store, marked absent.
        let absent = try db.makeStatement(sql: "UPDATE enforcement_case SET present = 0 WHERE id = ?")
        for (id, previous) in known where previous.present { try absent.execute(arguments: [id]) }
        // Built after the rows are in: one sort instead of 100,000 scattered inserts.
        try db.execute(sql: "CREATE INDEX IF NOT EXISTS enforcement_case_agency ON enforcement_case(agency_code, decision_date)")
        changes.absent = known.count
        return changes
    }

    /// The stored cases of the last run, in id order (for later stages and tests).
    public func cases() throws -> [EnforcementCase] {
        let decoder = JSONDecoder()
        return try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT payload, source_file, source_row FROM enforcement_case WHERE present = 1 ORDER BY id")
                .map { row in
                    var item = try decoder.decode(EnforcementCase.self, from: row["payload"] as Data)
                    item.source = SourceRef(file: row["source_file"], row: row["source_row"])
                    return item
                }
        }
    }

    /// When each agency's annual report for `year` was first and last published.
    public func reportDeliveries(year: Int) throws -> [String: ReportDelivery] {
        try reportDeliveries()[year] ?? [:]
    }

    /// Year → agency → when its annual report was first and last published.
    public func reportDeliveries() throws -> [Int: [String: ReportDelivery]] {
        try read { db in
            var out: [Int: [String: ReportDelivery]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT year, agency_code, deadline, first_published_on, last_published_on, content_hash FROM annual_report
                """) {
                guard let deadline = CivilDate(iso: row["deadline"]), let first = CivilDate(iso: row["first_published_on"]),
                      let last = CivilDate(iso: row["last_published_on"]) else { continue }
                out[row["year"], default: [:]][row["agency_code"]] = ReportDelivery(
                    deadline: deadline, firstPublishedOn: first, lastPublishedOn: last, contentHash: row["content_hash"])
            }
            return out
        }
    }

    /// Records that an agency's annual report was published; the first date is kept.
    static func recordReport(_ db: Database, _ report: ReportPublication) throws {
        try db.execute(sql: """
            INSERT INTO annual_report (year, agency_code, deadline, first_published_on, last_published_on, content_hash)
            VALUES (?1, ?2, ?3, ?4, ?4, ?5)
            ON CONFLICT (year, agency_code) DO UPDATE SET
                deadline = ?3, last_published_on = ?4, content_hash = ?5,
                first_published_on = MIN(first_published_on, ?4)
            """, arguments: [report.year, report.agencyCode, report.deadline.iso, report.publishedOn.iso, report.contentHash])
        try db.execute(sql: "INSERT OR REPLACE INTO report_feed (year, title, summary, updated) VALUES (?, ?, ?, ?)",
                       arguments: [report.year, report.feedTitle, report.feedSummary, report.publishedOn.iso])
    }

    /// The portal's publication log (written by the portal stage): when each case went up and came down.
    public func publications() throws -> [String: PublicationRecord] {
        do {
            return try queue.read { db in
                var out: [String: PublicationRecord] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT case_id, first_published_on, withdrawn_on FROM publication") {
                    guard let published = CivilDate(iso: row["first_published_on"]) else { continue }
                    let withdrawn = (row["withdrawn_on"] as String?).flatMap(CivilDate.init(iso:))
                    out[row["case_id"]] = PublicationRecord(publishedOn: published, withdrawnOn: withdrawn)
                }
                return out
            }
        } catch {
            throw StateStoreError(path: path, error)
        }
    }

    /// The portal's publication log, case by case. `withPublicCases` false: each row without its public case (empty), for a
    /// reader that needs few of them or reads them a batch at a time (`LastPublicCases`): the public JSON of every decision
    /// is about 185 MB at 100,000 cases.
    public func publicationRows(withPublicCases: Bool = true) throws -> [String: PublicationRow] {
        let columns = withPublicCases ? Self.publicationColumns : Self.publicationColumns.replacingOccurrences(of: "public_case", with: "NULL AS public_case")
        do {
            return try queue.read { db in
                var out: [String: PublicationRow] = [:]
                // A cursor, each public case copied once out of SQLite's row: fetching every row first held the
                // public JSON of every decision twice (about 200 MB at 100,000 cases) while the log was made.
                let rows = try Row.fetchCursor(db, sql: "SELECT \(columns) FROM publication")
                while let row = try rows.next() {
                    guard let read = try Self.publicationRow(row) else { continue }
                    out[read.caseID] = read
                }
                return out
            }
        } catch {
            throw StateStoreError(path: path, error)
        }
    }

    /// Each row's public case of the publication log, one row at a time through a cursor (`body` is given its case id and
    /// bytes): for a reader that needs most of them but never all at once. What `body` throws reaches the caller as it is.
    func forEachPublicCase(_ body: (String, [UInt8]) throws -> Void) throws {
        var failure: Error?
        do {
            try queue.read { db in
                // Read once, in order: the connection's page cache (64 MB for the commit's writes) would only fill with pages
                // never read again, at the night's peak.
                try db.execute(sql: "PRAGMA cache_size = -2048")
                let rows = try Row.fetchCursor(db, sql: "SELECT case_id, public_case FROM publication")
                while let row = try rows.next() {
                    let bytes = try row.withUnsafeData(named: "public_case") { $0.map { [UInt8]($0) } } ?? []
                    do {
                        try body(row["case_id"], bytes)
                    } catch {
                        failure = error
                        return
                    }
                }
            }
        } catch {
            throw StateStoreError(path: path, error)
        }
        if let failure { throw failure }
    }

    /// One case's row of the publication log (nil: the log has none).
    public func publicationRow(_ caseID: String) throws -> PublicationRow? {
        do {
            return try queue.read { db in
                try Row.fetchOne(db, sql: "SELECT \(Self.publicationColumns) FROM publication WHERE case_id = ?", arguments: [caseID])
                    .flatMap { try Self.publicationRow($0) }
            }
        } catch {
            throw StateStoreError(path: path, error)
        }
    }

    private static let publicationColumns = """
        case_id, agency_code, index_no, first_published_on, withdrawn_on, withdrawal_reason, deadline,
        public_hash, public_case, pdf_path, timing_known, history_url
        """

    private static func publicationRow(_ row: Row) throws -> PublicationRow? {
        guard let published = CivilDate(iso: row["first_published_on"]) else { return nil }
        return PublicationRow(
            caseID: row["case_id"], agencyCode: row["agency_code"], indexNo: row["index_no"], publishedOn: published,
            withdrawnOn: (row["withdrawn_on"] as String?).flatMap(CivilDate.init(iso:)),
            withdrawalReason: row["withdrawal_reason"], deadline: CivilDate(iso: row["deadline"]) ?? published,
            publicHash: row["public_hash"], publicCase: try row.withUnsafeData(named: "public_case") { $0.map { [UInt8]($0) } } ?? [],
            pdfPath: row["pdf_path"], timingKnown: row["timing_known"], historyURL: row["history_url"])
    }

    static func savePublications(_ db: Database, _ rows: [PublicationRow]) throws {
        let statement = try db.makeStatement(sql: """
            INSERT INTO publication (case_id, agency_code, index_no, first_published_on, withdrawn_on, withdrawal_reason,
                                     deadline, public_hash, public_case, pdf_path, timing_known, history_url)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (case_id) DO UPDATE SET agency_code = excluded.agency_code, index_no = excluded.index_no,
                first_published_on = excluded.first_published_on,
                withdrawn_on = excluded.withdrawn_on, withdrawal_reason = excluded.withdrawal_reason,
                deadline = excluded.deadline, public_hash = excluded.public_hash, public_case = excluded.public_case,
                pdf_path = excluded.pdf_path, timing_known = excluded.timing_known, history_url = excluded.history_url
            """)
        for row in rows {
            // A row is saved with the public case it shows: the portal lets go of the JSON of rows it found unchanged,
            // and such a row reaching here would blank the decision in the store, so it stops the commit instead.
            guard row.holdsPublicCase else { throw PublicationRowWithoutCase(caseID: row.caseID) }
            try statement.execute(arguments: [row.caseID, row.agencyCode, row.indexNo, row.publishedOn.iso, row.withdrawnOn?.iso,
                                              row.withdrawalReason, row.deadline.iso, row.publicHash, Data(row.publicCase),
                                              row.pdfPath, row.timingKnown, row.historyURL])
        }
    }

    public func contentHashes() throws -> [String: String] {
        try queue.read { db in
            var hashes: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, content_hash FROM enforcement_case WHERE present = 1") {
                hashes[row["id"]] = row["content_hash"]
            }
            return hashes
        }
    }
}


/// INSERTs many rows per statement: a fresh store takes hundreds of thousands,
/// and one statement per row costs more than the rows themselves.
struct BulkInsert {
    private let db: Database
    private let columns: Int
    private let batch: Statement
    private let single: Statement
    private var pending: [DatabaseValueConvertible?] = []
    private static let rowsPerStatement = 64

    /// `sql` ends with VALUES; `constants` are trailing literal columns every row shares.
    init(_ db: Database, sql: String, columns: Int, constants: String? = nil) throws {
        self.db = db
        self.columns = columns
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + (constants.map { ", " + $0 } ?? "") + ")"
        batch = try db.makeStatement(sql: sql + " " + Array(repeating: row, count: Self.rowsPerStatement).joined(separator: ","))
        single = try db.makeStatement(sql: sql + " " + row)
        pending.reserveCapacity(columns * Self.rowsPerStatement)
    }

    mutating func add(_ values: [DatabaseValueConvertible?]) throws {
        pending += values
        if pending.count == columns * Self.rowsPerStatement {
            try batch.execute(arguments: StatementArguments(pending))
            pending.removeAll(keepingCapacity: true)
        }
    }

    mutating func finish() throws {
        for start in stride(from: 0, to: pending.count, by: columns) {
            try single.execute(arguments: StatementArguments(Array(pending[start..<start + columns])))
        }
        pending.removeAll()
    }
}
