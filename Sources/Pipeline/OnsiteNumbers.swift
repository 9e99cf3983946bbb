import ErrorReporting
import Foundation
import GRDB

/// A block of 当场行政处罚决定书 numbers reserved for one officer: prefix + n + 号.
public struct NumberBlock: Equatable, Sendable {
    /// e.g. 玉水当罚〔2026〕
    public var prefix: String
    public var first: Int
    public var last: Int

    public init(prefix: String, first: Int, last: Int) {
        self.prefix = prefix
        self.first = first
        self.last = last
    }

    /// No zero padding: 玉水当罚〔2026〕7号.
    public func number(_ sequence: Int) -> String { "\(prefix)\(sequence)号" }
}

/// A number as recorded when it was issued.
public struct IssuedNumber: Equatable, Sendable {
    public var number: String
    public var officerCert: String
    public var caseID: String
    public var issuedAt: String
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
                    try db.execute(sql: """
                        CREATE TABLE IF NOT EXISTS issued (
                            number TEXT PRIMARY KEY,
                            officer_cert TEXT NOT NULL,
                            sequence INTEGER NOT NULL,
                            case_id TEXT NOT NULL UNIQUE,
                            issued_at TEXT NOT NULL)
                        """)
                }
                return
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && attempt < 500 {
                attempt += 1
                usleep(20_000)
            }
        }
    }

    /// The case's number: the one it already has, else the next free one of the officer's block.
    public func issue(caseID: String, officerCert: String, block: NumberBlock, at time: String) throws -> String {
        do {
            var issued = ""
            try queue.inTransaction(.immediate) { db in
                if let existing = try String.fetchOne(db, sql: "SELECT number FROM issued WHERE case_id = ?", arguments: [caseID]) {
                    issued = existing
                    return .commit
                }
                var sequence = block.first
                let used = try Int.fetchAll(db, sql: "SELECT sequence FROM issued WHERE officer_cert = ? ORDER BY sequence",
                                            arguments: [officerCert])
                for taken in used where taken == sequence { sequence += 1 }
                while try Bool.fetchOne(db, sql: "SELECT 1 FROM issued WHERE number = ?", arguments: [block.number(sequence)]) == true {
                    sequence += 1
                }
                guard sequence <= block.last else {
                    throw OnsiteNumberError(message: "执法证号 \(officerCert) 的预留号段（\(block.number(block.first))—\(block.number(block.last))）已用完，"
                        + "请法制科在 pipeline.yml 的 onsite_numbers 中为其分配新号段。")
                }
                let number = block.number(sequence)
                try db.execute(sql: "INSERT INTO issued (number, officer_cert, sequence, case_id, issued_at) VALUES (?, ?, ?, ?, ?)",
                               arguments: [number, officerCert, sequence, caseID, time])
                issued = number
                return .commit
            }
            return issued
        } catch let error as OnsiteNumberError {
            throw error
        } catch {
            throw OnsiteNumberError(message: "现场文书号码库 \(path) 无法写入：\(error)")
        }
    }

    public func all() throws -> [IssuedNumber] {
        do {
            return try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT number, officer_cert, case_id, issued_at FROM issued ORDER BY officer_cert, sequence")
                    .map { IssuedNumber(number: $0["number"], officerCert: $0["officer_cert"], caseID: $0["case_id"], issuedAt: $0["issued_at"]) }
            }
        } catch {
            throw OnsiteNumberError(message: "现场文书号码库 \(path) 无法读取：\(error)")
        }
    }
}
