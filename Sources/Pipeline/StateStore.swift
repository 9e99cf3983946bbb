import CaseModel
import Crypto
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

/// A failure of the state store, for the message at the edge.
public struct StateStoreError: Error, Sendable {
    public var path: String
    public var reason: String

    public var message: String { "状态库 \(path) 无法使用：\(reason)" }
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
            queue = try DatabaseQueue(path: path)
            try Self.migrator.migrate(queue)
        } catch {
            throw StateStoreError(path: path, reason: "\(error)")
        }
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
                CREATE TABLE agency (code TEXT PRIMARY KEY, payload TEXT NOT NULL);
                CREATE TABLE officer (cert_no TEXT PRIMARY KEY, agency_code TEXT NOT NULL, payload TEXT NOT NULL);
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
                    payload TEXT NOT NULL);
                CREATE INDEX enforcement_case_agency ON enforcement_case(agency_code, decision_date);
                CREATE TABLE review (id TEXT PRIMARY KEY, case_id TEXT NOT NULL, payload TEXT NOT NULL);
                CREATE INDEX review_case ON review(case_id);
                CREATE TABLE process_record (id TEXT PRIMARY KEY, case_id TEXT NOT NULL, payload TEXT NOT NULL);
                CREATE INDEX process_record_case ON process_record(case_id);
                """)
        }
        return migrator
    }

    /// The canonical bytes of a case: sorted keys, and no source position, so
    /// a case that only moved within the export keeps its hash.
    public static func canonicalPayload(_ item: EnforcementCase, encoder: JSONEncoder) throws -> Data {
        var anchored = item
        anchored.source = SourceRef(file: "", row: 0)
        return try encoder.encode(anchored)
    }

    public static func contentHash(_ payload: Data) -> String {
        SHA256.hash(data: payload).map { String(format: "%02x", $0) }.joined()
    }

    static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Replaces the stored export with this one and reports what changed.
    public func replaceSnapshot(agencies: [Agency], officers: [Officer], cases: [EnforcementCase],
                                reviews: [Review], records: [ProcessRecord],
                                asOf: CivilDate, input: String, summary: String) throws -> StoreChanges {
        let prepared = try Self.prepare(cases)
        do {
            return try queue.write { db in
                try db.execute(sql: "INSERT INTO run (as_of, input, summary) VALUES (?, ?, ?)",
                               arguments: [asOf.iso, input, summary])
                let runID = db.lastInsertedRowID
                try Self.replace(db, table: "agency", key: "code", agencies.map { ($0.code, nil, $0) })
                try Self.replace(db, table: "officer", key: "cert_no", officers.map { ($0.certNo, $0.agencyCode, $0) })
                try Self.replace(db, table: "review", key: "id", reviews.map { ($0.id, $0.caseID, $0) })
                try Self.replace(db, table: "process_record", key: "id", records.map { ($0.id, $0.caseID, $0) })
                return try Self.upsert(db, prepared, runID: runID)
            }
        } catch {
            throw StateStoreError(path: path, reason: "\(error)")
        }
    }

    private struct PreparedCase {
        let item: EnforcementCase
        let payload: String
        let hash: String
    }

    private static func prepare(_ cases: [EnforcementCase]) throws -> [PreparedCase] {
        let encoder = makeEncoder()
        return try cases.map { item in
            let payload = try canonicalPayload(item, encoder: encoder)
            return PreparedCase(item: item, payload: String(decoding: payload, as: UTF8.self), hash: contentHash(payload))
        }
    }

    private static func replace<T: Encodable>(_ db: Database, table: String, key: String,
                                              _ rows: [(String, String?, T)]) throws {
        try db.execute(sql: "DELETE FROM \(table)")
        let encoder = makeEncoder()
        let secondColumn = table == "agency" ? nil : (table == "officer" ? "agency_code" : "case_id")
        let sql = secondColumn.map { "INSERT OR REPLACE INTO \(table) (\(key), \($0), payload) VALUES (?, ?, ?)" }
            ?? "INSERT OR REPLACE INTO \(table) (\(key), payload) VALUES (?, ?)"
        let statement = try db.makeStatement(sql: sql)
        for (id, second, value) in rows {
            let payload = String(decoding: try encoder.encode(value), as: UTF8.self)
            if secondColumn != nil {
                try statement.execute(arguments: [id, second ?? "", payload])
            } else {
                try statement.execute(arguments: [id, payload])
            }
        }
    }

    private static func upsert(_ db: Database, _ prepared: [PreparedCase], runID: Int64) throws -> StoreChanges {
        var known: [String: String] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT id, content_hash FROM enforcement_case")
        while let row = try rows.next() { known[row["id"]] = row["content_hash"] }
        var changes = StoreChanges()
        let statement = try db.makeStatement(sql: """
            INSERT INTO enforcement_case (id, agency_code, action_type, decision_date, status, content_hash,
                                          source_file, source_row, present, changed_in_run, payload)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
            ON CONFLICT(id) DO UPDATE SET
                agency_code = excluded.agency_code, action_type = excluded.action_type,
                decision_date = excluded.decision_date, status = excluded.status,
                source_file = excluded.source_file, source_row = excluded.source_row, present = 1,
                changed_in_run = CASE WHEN content_hash = excluded.content_hash THEN changed_in_run ELSE excluded.changed_in_run END,
                content_hash = excluded.content_hash, payload = excluded.payload
            """)
        try db.execute(sql: "UPDATE enforcement_case SET present = 0")
        for entry in prepared {
            let item = entry.item
            switch known.removeValue(forKey: item.id) {
            case nil: changes.added += 1
            case entry.hash?: changes.unchanged += 1
            default: changes.changed += 1
            }
            try statement.execute(arguments: [item.id, item.agencyCode, item.actionType.rawValue, item.decisionDate.iso,
                                              item.status.rawValue, entry.hash, item.source.file, item.source.row,
                                              runID, entry.payload])
        }
        changes.absent = known.count
        return changes
    }

    /// The stored cases of the last run, in id order (for later stages and tests).
    public func cases() throws -> [EnforcementCase] {
        let decoder = JSONDecoder()
        return try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT payload, source_file, source_row FROM enforcement_case WHERE present = 1 ORDER BY id")
                .map { row in
                    var item = try decoder.decode(EnforcementCase.self, from: Data((row["payload"] as String).utf8))
                    item.source = SourceRef(file: row["source_file"], row: row["source_row"])
                    return item
                }
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
