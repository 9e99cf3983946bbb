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

    /// The action of a connection attempt: nothing had been done on the server yet.
    public static let connecting = "连接"
    public var whileConnecting: Bool { action == Self.connecting }
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
    /// Seconds a statement may wait for the server's answer (`answer`).
    public let answerTimeout: Double
    /// Set once a statement went unanswered: what the server does with it is unknown, so the connection is not used again.
    private var unanswered = false

    /// How long a statement may wait for the server by default. The workers' statements are short (a claim, a renewal, a
    /// registration of a few rows under a lock held as briefly); a server that has not answered in two minutes is hung
    /// (stopped, swapped out, cut off behind a live TCP peer), and without a limit it held a worker silent, its shard
    /// leased, for as long as anyone waited.
    public static let defaultAnswerTimeout = 120.0

    /// `url`: a libpq connection URI, `postgresql://user@host:port/database`.
    public init(url: String, answerTimeout: Double = PostgresConnection.defaultAnswerTimeout) throws {
        server = Self.describe(url)
        self.answerTimeout = answerTimeout
        guard let made = PQconnectdb(Self.withConnectTimeout(url)) else {
            throw PostgresError(server: server, action: PostgresError.connecting, detail: "libpq 无法分配连接", sqlState: "")
        }
        guard PQstatus(made) == CONNECTION_OK else {
            let detail = Self.text(PQerrorMessage(made))
            PQfinish(made)
            let check = "请检查服务器是否在运行，地址、端口、数据库名、用户名和密码（PGPASSWORD 或 ~/.pgpass）是否正确"
            throw PostgresError(server: server, action: PostgresError.connecting,
                                detail: (Self.cause(of: detail).map { $0 + "。" } ?? "") + check + "（libpq：\(detail)）", sqlState: "")
        }
        connection = made
        // Notices (e.g. "relation already exists, skipping") would go to stderr: they are not the clerk's business.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
    }

    deinit { PQfinish(connection) }

    /// Runs one statement with `$1…$n` parameters passed as text (never spliced into the SQL).
    @discardableResult
    public func execute(_ sql: String, _ parameters: [String?] = [], action: String = "执行语句") throws -> PostgresRows {
        guard !unanswered else {
            throw PostgresError(server: server, action: action, detail: "此前的语句没有得到服务器应答，这个连接不再使用", sqlState: "")
        }
        let copies: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.flatMap { strdup($0) } }
        defer { for copy in copies { free(copy) } }
        let sent: Int32 = copies.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { base in
                base.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: copies.count) {
                    PQsendQueryParams(connection, sql, Int32(copies.count), nil, $0, nil, nil, 0)
                }
            } ?? PQsendQueryParams(connection, sql, 0, nil, nil, nil, nil, 0)
        }
        guard sent == 1, let result = try answer(action: action) else {
            throw PostgresError(server: server, action: action, detail: Self.explained(Self.text(PQerrorMessage(connection))), sqlState: "")
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
            throw PostgresError(server: server, action: action, detail: Self.explained(Self.text(PQresultErrorMessage(result))), sqlState: state)
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

    /// The result of the statement just sent, waited for at most `answerTimeout` seconds (libpq's own wait has no
    /// limit). The first failed result when there are several, else the last; nil when the connection failed.
    private func answer(action: String) throws -> OpaquePointer? {
        let deadline = Date().addingTimeInterval(answerTimeout)
        var kept: OpaquePointer?
        while true {
            while PQisBusy(connection) == 1 {
                let left = deadline.timeIntervalSinceNow
                guard left > 0 else {
                    if let kept { PQclear(kept) }
                    unanswered = true
                    throw PostgresError(server: server, action: action, detail: "服务器在 \(Self.seconds(answerTimeout)) 秒内没有应答"
                                        + "（服务器可能已停止响应或网络中断）", sqlState: "")
                }
                var descriptor = pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0)
                let ready = poll(&descriptor, 1, Int32(min(left, 1) * 1000) + 1)
                if ready < 0, errno == EINTR { continue }
                // Reads what arrived; 0 when the connection broke: its error message says why.
                if ready != 0, PQconsumeInput(connection) == 0 {
                    if let kept { PQclear(kept) }
                    return nil
                }
            }
            guard let next = PQgetResult(connection) else { return kept }
            let failed = kept.map { PQresultStatus($0) != PGRES_COMMAND_OK && PQresultStatus($0) != PGRES_TUPLES_OK } ?? false
            if failed {
                PQclear(next)
            } else {
                if let kept { PQclear(kept) }
                kept = next
            }
        }
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
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

    /// Seconds a connection may take before libpq gives up: without a limit, a server that accepts and never answers
    /// (a paused or partitioned host) held a worker and the publish step, silent, for as long as anyone waited.
    static let connectTimeout = 10

    /// The URI with `connect_timeout` added, unless it or the environment (PGCONNECT_TIMEOUT) sets one.
    static func withConnectTimeout(_ url: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        guard !url.contains("connect_timeout="), environment["PGCONNECT_TIMEOUT"] == nil else { return url }
        return url + (url.contains("?") ? "&" : "?") + "connect_timeout=\(connectTimeout)"
    }

    /// What libpq's words mean, in Chinese, for the failures an operator meets; nil for the rest (their words stand alone).
    static func cause(of detail: String) -> String? {
        let missing = detail.contains("does not exist")
        if missing, detail.contains("role \"") { return "服务器上没有这个用户" }
        if missing, detail.contains("database \"") { return "服务器上没有这个数据库" }
        let causes: [(words: String, cause: String)] = [
            ("password authentication failed", "用户名或密码不对"),
            ("no password supplied", "服务器要求密码，但没有给出（请设 PGPASSWORD 或写入 ~/.pgpass）"),
            ("Connection refused", "该主机和端口上没有 PostgreSQL 服务器在接受连接"),
            ("could not translate host name", "主机名无法解析"),
            ("invalid port number", "端口号无效"),
            ("timeout expired", "连接超时：服务器在 \(connectTimeout) 秒内没有应答"),
            ("server closed the connection unexpectedly", "服务器中途断开了连接"),
            ("terminating connection", "服务器中途断开了连接"),
            ("no connection to the server", "与服务器的连接已断开"),
            ("could not receive data from server", "与服务器的连接已断开"),
            ("could not send data to server", "与服务器的连接已断开"),
            ("No such file or directory", "地址中没有主机名，本机也没有 PostgreSQL 的套接字（请写明主机和端口）"),
            ("invalid URI", "地址格式有误"),
            ("invalid connection option", "地址中有不认识的参数"),
        ]
        return causes.first { detail.contains($0.words) }?.cause
    }

    /// libpq's words behind their meaning, when known.
    static func explained(_ detail: String) -> String {
        cause(of: detail).map { "\($0)（libpq：\(detail)）" } ?? detail
    }

    /// `host:port/database` of a URI, without user or password.
    static func describe(_ url: String) -> String {
        guard let parts = URLComponents(string: url) else { return "postgresql://…" }
        let host = parts.host ?? "localhost"
        let port = parts.port.map { ":\($0)" } ?? ""
        return host + port + parts.path
    }
}
