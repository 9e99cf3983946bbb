import ErrorReporting
import Foundation
import GRDB

/// A block of 当场行政处罚决定书 numbers reserved for one officer: prefix + n + 号,
/// the prefix holding `{year}`, which becomes the year of the decision date, so a
/// 2024 decision never carries a 2026 number. Each year starts again at `first`.
public struct NumberBlock: Equatable, Sendable {
    public static let yearPlaceholder = "{year}"

    /// e.g. 玉水当罚〔{year}〕
    public var prefix: String
    public var first: Int
    public var last: Int

    public init(prefix: String, first: Int, last: Int) {
        self.prefix = prefix
        self.first = first
        self.last = last
    }

    /// No zero padding: 玉水当罚〔2026〕7号.
    public func number(_ sequence: Int, year: Int) -> String {
        prefix.replacingOccurrences(of: Self.yearPlaceholder, with: String(year)) + "\(sequence)号"
    }
}

/// Where a number stands. A number is recorded `issued` before anything is drawn;
/// `printed` once its form's file is written; `void` when that failed (the number
/// is kept, never given out again).
public enum NumberStatus: String, Sendable, CaseIterable {
    case issued, printed, void

    public var chinese: String {
        switch self {
        case .issued: return "已发出"
        case .printed: return "已出具"
        case .void: return "作废"
        }
    }
}

/// A number as recorded when it was issued.
public struct IssuedNumber: Equatable, Sendable {
    public var number: String
    public var officerCert: String
    public var caseID: String
    public var issuedAt: String
    /// Nil for numbers issued before the store recorded years.
    public var year: Int?
    public var status: NumberStatus
    /// Why a number was voided.
    public var note: String
    /// The field case as entered (JSON), for numbers of field forms.
    public var caseJSON: String?
}

/// What to issue a number for. Without a case id (a field form: the case does not
/// exist yet) the case is named after the number's officer, year and sequence.
public struct NumberRequest: Sendable {
    public var caseID: String?
    public var officerCert: String
    public var block: NumberBlock
    public var year: Int
    public var time: String
    public var caseJSON: String?

    public init(caseID: String?, officerCert: String, block: NumberBlock, year: Int, time: String, caseJSON: String? = nil) {
        self.caseID = caseID
        self.officerCert = officerCert
        self.block = block
        self.year = year
        self.time = time
        self.caseJSON = caseJSON
    }

    /// XC-43092202757-2026-0007: unique because a sequence belongs to one officer and year.
    public static func fieldCaseID(officerCert: String, year: Int, sequence: Int) -> String {
        let digits = String(sequence)
        return "XC-\(officerCert)-\(year)-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

public struct OnsiteNumberError: SanxiangError, Equatable, Sendable {
    public var message: String
}

/// Issues the pre-numbered forms' numbers (“预定格式、编有号码”, 行政处罚法 第五十二条)
/// from the blocks in pipeline.yml. Works offline; every number is recorded, a
/// case keeps the number it got, and a number is never issued twice, even by two
/// processes at once: each issue is one IMMEDIATE transaction on a WAL database
/// with full syncs, separate from the rebuildable state store.
public final class OnsiteNumberStore {
    private let queue: DatabaseQueue
    public let path: String

    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try Self.prepare(queue)
        } catch {
            throw OnsiteNumberError(message: "现场文书号码库 \(path) 无法使用：\(error)")
        }
    }

    /// Switching to WAL takes an exclusive lock that the busy timeout does not wait
    /// for, so two processes starting together retry for a while instead of failing.
    private static func prepare(_ queue: DatabaseQueue) throws {
        var attempt = 0
        while true {
            do {
                try queue.writeWithoutTransaction { db in
                    if try String.fetchOne(db, sql: "PRAGMA journal_mode")?.lowercased() != "wal" {
                        try db.execute(sql: "PRAGMA journal_mode = WAL")
                    }
                }
                try queue.inTransaction(.immediate) { db in
                    try migrate(db)
                    return .commit
                }
                return
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && attempt < 500 {
                attempt += 1
                usleep(20_000)
            }
        }
    }

    /// Version 1 adds the year, the status and the entered case to the table of
    /// the first version; numbers recorded before keep status `issued` and no year.
    private static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS issued (
                number TEXT PRIMARY KEY,
                officer_cert TEXT NOT NULL,
                sequence INTEGER NOT NULL,
                case_id TEXT NOT NULL UNIQUE,
                issued_at TEXT NOT NULL)
            """)
        let columns = Set(try Row.fetchAll(db, sql: "PRAGMA table_info(issued)").map { $0["name"] as String })
        let added = [("year", "INTEGER"), ("status", "TEXT NOT NULL DEFAULT 'issued'"), ("note", "TEXT NOT NULL DEFAULT ''"),
                     ("case_json", "TEXT"), ("changed_at", "TEXT")]
        for (name, type) in added where !columns.contains(name) {
            try db.execute(sql: "ALTER TABLE issued ADD COLUMN \(name) \(type)")
        }
        try db.execute(sql: "CREATE INDEX IF NOT EXISTS issued_by_officer_year ON issued (officer_cert, year, sequence)")
    }

    /// The case's number when it has one, else the next free number of the officer's block for the year.
    public func issue(caseID: String, officerCert: String, block: NumberBlock, year: Int, at time: String) throws -> String {
        try issue(NumberRequest(caseID: caseID, officerCert: officerCert, block: block, year: year, time: time)).number
    }

    /// Issues and records a number (status `issued`) in one durable transaction.
    public func issue(_ request: NumberRequest) throws -> IssuedNumber {
        do {
            var result: IssuedNumber?
            try queue.inTransaction(.immediate) { db in
                if let caseID = request.caseID, let existing = try Self.entry(db, where: "case_id = ?", caseID) {
                    result = existing
                    return .commit
                }
                let sequence = try Self.nextSequence(db, request)
                let number = request.block.number(sequence, year: request.year)
                let caseID = request.caseID
                    ?? NumberRequest.fieldCaseID(officerCert: request.officerCert, year: request.year, sequence: sequence)
                try db.execute(sql: """
                    INSERT INTO issued (number, officer_cert, sequence, case_id, issued_at, year, status, note, case_json, changed_at)
                    VALUES (?, ?, ?, ?, ?, ?, 'issued', '', ?, ?)
                    """, arguments: [number, request.officerCert, sequence, caseID, request.time, request.year,
                                     request.caseJSON, request.time])
                result = IssuedNumber(number: number, officerCert: request.officerCert, caseID: caseID, issuedAt: request.time,
                                      year: request.year, status: .issued, note: "", caseJSON: request.caseJSON)
                return .commit
            }
            guard let result else { throw OnsiteNumberError(message: "现场文书号码库 \(path) 未能记录号码。") }
            return result
        } catch let error as OnsiteNumberError {
            throw error
        } catch {
            throw OnsiteNumberError(message: "现场文书号码库 \(path) 无法写入：\(error)")
        }
    }

    /// The lowest sequence of the block not yet used by the officer in that year
    /// (void numbers count as used) whose number nobody holds.
    private static func nextSequence(_ db: Database, _ request: NumberRequest) throws -> Int {
        let block = request.block
        var sequence = block.first
        let used = try Int.fetchAll(db, sql: "SELECT sequence FROM issued WHERE officer_cert = ? AND year = ? ORDER BY sequence",
                                    arguments: [request.officerCert, request.year])
        for taken in used where taken == sequence { sequence += 1 }
        while try Bool.fetchOne(db, sql: "SELECT 1 FROM issued WHERE number = ?",
                                arguments: [block.number(sequence, year: request.year)]) == true {
            sequence += 1
        }
        guard sequence <= block.last else {
            throw OnsiteNumberError(message: "执法证号 \(request.officerCert) 的\(request.year)年预留号段"
                + "（\(block.number(block.first, year: request.year))—\(block.number(block.last, year: request.year))）已用完，"
                + "请法制科在 pipeline.yml 的 onsite_numbers 中为其分配新号段。")
        }
        return sequence
    }

    /// Records that the number's form was written.
    public func markPrinted(_ number: String, at time: String) throws {
        try change(number, to: .printed, note: "", at: time)
    }

    /// Records that the number's form could not be made; the number is never issued again.
    public func markVoid(_ number: String, reason: String, at time: String) throws {
        try change(number, to: .void, note: reason, at: time)
    }

    private func change(_ number: String, to status: NumberStatus, note: String, at time: String) throws {
        do {
            try queue.inTransaction(.immediate) { db in
                guard let current = try Self.entry(db, where: "number = ?", number) else {
                    throw OnsiteNumberError(message: "号码库中没有编号 \(number)。")
                }
                guard current.status != .void else {
                    throw OnsiteNumberError(message: "编号 \(number) 已作废（\(current.note)），不能再使用。")
                }
                try db.execute(sql: "UPDATE issued SET status = ?, note = ?, changed_at = ? WHERE number = ?",
                               arguments: [status.rawValue, note, time, number])
                return .commit
            }
        } catch let error as OnsiteNumberError {
            throw error
        } catch {
            throw OnsiteNumberError(message: "现场文书号码库 \(path) 无法写入：\(error)")
        }
    }

    public func entry(number: String) throws -> IssuedNumber? {
        do {
            return try queue.read { db in try Self.entry(db, where: "number = ?", number) }
        } catch {
            throw OnsiteNumberError(message: "现场文书号码库 \(path) 无法读取：\(error)")
        }
    }

    public func all() throws -> [IssuedNumber] {
        do {
            return try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM issued ORDER BY officer_cert, year, sequence").map(Self.issued)
            }
        } catch {
            throw OnsiteNumberError(message: "现场文书号码库 \(path) 无法读取：\(error)")
        }
    }

    private static func entry(_ db: Database, where condition: String, _ value: String) throws -> IssuedNumber? {
        try Row.fetchOne(db, sql: "SELECT * FROM issued WHERE \(condition)", arguments: [value]).map(issued)
    }

    private static func issued(_ row: Row) -> IssuedNumber {
        let status: String = row["status"]
        return IssuedNumber(number: row["number"], officerCert: row["officer_cert"], caseID: row["case_id"],
                            issuedAt: row["issued_at"], year: row["year"], status: NumberStatus(rawValue: status) ?? .issued,
                            note: row["note"], caseJSON: row["case_json"])
    }
}
