import CLibPQ
import ErrorReporting
import Foundation

/// A failure talking to PostgreSQL, said in Chinese with the server (never the password)
/// and what was being done; libpq's own words follow in brackets for the operator.
public struct PostgresError: SanxiangError {
    public var server: String
    public var action: String
    public var detail: String
    /// The SQLSTATE of a failed statement ("40001" …), empty for a connection failure.
    public var sqlState: String

    public init(server: String, action: String, detail: String, sqlState: String) {
        self.server = server
        self.action = action
        self.detail = detail
        self.sqlState = sqlState
    }

    public var message: String {
        "PostgreSQL 状态库（\(server)）\(action)失败" + (detail.isEmpty ? "。" : "：\(detail)")
    }
}

/// The rows of one statement, every value as text (libpq's text format), NULL as nil.
public struct PostgresRows: Sendable {
    public var columns: [String]
    public var rows: [[String?]]
    /// Rows an INSERT, UPDATE or DELETE touched.
    public var affected: Int

    /// The value of `column` in row `index`, nil for NULL or a missing column.
    public func value(_ index: Int, _ column: String) -> String? {
        guard let position = columns.firstIndex(of: column), rows.indices.contains(index) else { return nil }
        return rows[index][position]
    }
}

/// One connection to a PostgreSQL server through libpq: the only owner of its `PGconn`.
/// Not shared between threads: a thread that needs the database opens its own.
public final class PostgresConnection {
    private let connection: OpaquePointer
    /// host:port/database, for messages; the URL itself may carry a password.
    public let server: String

    /// `url`: a libpq connection URI, `postgresql://user@host:port/database`.
    public init(url: String) throws {
        server = Self.describe(url)
        guard let made = PQconnectdb(url) else {
            throw PostgresError(server: server, action: "连接", detail: "libpq 无法分配连接", sqlState: "")
        }
        guard PQstatus(made) == CONNECTION_OK else {
            let detail = Self.text(PQerrorMessage(made))
            PQfinish(made)
            throw PostgresError(server: server, action: "连接",
                                detail: "请检查服务器是否在运行，地址、端口、数据库名、用户名和密码（PGPASSWORD 或 ~/.pgpass）是否正确（\(detail)）",
                                sqlState: "")
        }
        connection = made
        // Notices (e.g. "relation already exists, skipping") would go to stderr: they are not the clerk's business.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
    }

    deinit { PQfinish(connection) }

    /// Runs one statement with `$1…$n` parameters passed as text (never spliced into the SQL).
    @discardableResult
    public func execute(_ sql: String, _ parameters: [String?] = [], action: String = "执行语句") throws -> PostgresRows {
        let copies: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.flatMap { strdup($0) } }
        defer { for copy in copies { free(copy) } }
        let result: OpaquePointer? = copies.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { base in
                base.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: copies.count) {
                    PQexecParams(connection, sql, Int32(copies.count), nil, $0, nil, nil, 0)
                }
            } ?? PQexecParams(connection, sql, 0, nil, nil, nil, nil, 0)
        }
        guard let result else {
            throw PostgresError(server: server, action: action, detail: Self.text(PQerrorMessage(connection)), sqlState: "")
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
            throw PostgresError(server: server, action: action, detail: Self.text(PQresultErrorMessage(result)), sqlState: state)
        }
        let columnCount = Int(PQnfields(result))
        let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        var rows: [[String?]] = []
        for row in 0..<Int(PQntuples(result)) {
            rows.append((0..<columnCount).map { column in
                PQgetisnull(result, Int32(row), Int32(column)) == 1 ? nil
                    : String(cString: PQgetvalue(result, Int32(row), Int32(column)))
            })
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        return PostgresRows(columns: columns, rows: rows, affected: affected)
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN", action: "开始事务")
        do {
            let value = try body()
            try execute("COMMIT", action: "提交事务")
            return value
        } catch {
            // The transaction is lost either way; a failed ROLLBACK must not hide the first error.
            _ = try? execute("ROLLBACK", action: "回滚事务")
            throw error
        }
    }

    /// libpq's message on one line (it wraps with a newline and a tab).
    private static func text(_ pointer: UnsafePointer<CChar>?) -> String {
        let text = pointer.map { String(cString: $0) } ?? ""
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }

    /// `host:port/database` of a URI, without user or password.
    static func describe(_ url: String) -> String {
        guard let parts = URLComponents(string: url) else { return "postgresql://…" }
        let host = parts.host ?? "localhost"
        let port = parts.port.map { ":\($0)" } ?? ""
        return host + port + parts.path
    }
}
