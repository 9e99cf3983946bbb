@testable import Native
import XCTest

/// What an operator reads when PostgreSQL fails: libpq's words for the usual failures given their meaning in Chinese,
/// the rest left as libpq says them; and a connection attempt that cannot wait for ever.
final class PostgresMessageTests: XCTestCase {
    /// libpq 15's own messages (as Debian 12's libpq5 prints them), each with the meaning the operator needs.
    func testTheUsualFailuresAreSaidInChinese() {
        let said: [(libpq: String, meaning: String)] = [
            ("connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  password authentication failed for user \"sanxiang\"", "用户名或密码不对"),
            ("connection to server at \"127.0.0.1\", port 5432 failed: fe_sendauth: no password supplied", "没有给出"),
            ("connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  role \"nobody\" does not exist", "没有这个用户"),
            ("connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  database \"nosuchdb\" does not exist", "没有这个数据库"),
            ("connection to server at \"127.0.0.1\", port 1 failed: Connection refused Is the server running on that host and accepting TCP/IP connections?",
             "没有 PostgreSQL 服务器"),
            ("could not translate host name \"db.invalid\" to address: Name or service not known", "主机名无法解析"),
            ("invalid port number: \"99999\"", "端口号无效"),
            ("connection to server at \"10.0.0.9\", port 5432 failed: timeout expired", "连接超时"),
            ("server closed the connection unexpectedly This probably means the server terminated abnormally before or while processing the request.",
             "中途断开"),
            ("connection to server on socket \"/var/run/postgresql/.s.PGSQL.5432\" failed: No such file or directory", "没有主机名"),
        ]
        for (libpq, meaning) in said {
            let cause = PostgresConnection.cause(of: libpq)
            XCTAssertTrue(cause?.contains(meaning) ?? false, "\(libpq) → \(cause ?? "nil")")
            XCTAssertTrue(PostgresConnection.explained(libpq).contains(libpq), "libpq's own words follow for the operator")
        }
        XCTAssertNil(PostgresConnection.cause(of: "ERROR:  permission denied for table sanxiang_shards"))
        XCTAssertNil(PostgresConnection.cause(of: "ERROR:  permission denied for database \"sanxiang\""), "not every database \"…\" is a missing one")
        XCTAssertEqual(PostgresConnection.explained("ERROR:  syntax error"), "ERROR:  syntax error")
    }

    func testAConnectionAttemptHasATimeLimitUnlessOneIsSet() {
        let none: [String: String] = [:]
        XCTAssertEqual(PostgresConnection.withConnectTimeout("postgresql://u@h:5432/d", environment: none),
                       "postgresql://u@h:5432/d?connect_timeout=\(PostgresConnection.connectTimeout)")
        XCTAssertEqual(PostgresConnection.withConnectTimeout("postgresql://u@h/d?sslmode=require", environment: none),
                       "postgresql://u@h/d?sslmode=require&connect_timeout=\(PostgresConnection.connectTimeout)")
        XCTAssertEqual(PostgresConnection.withConnectTimeout("postgresql://u@h/d?connect_timeout=3", environment: none),
                       "postgresql://u@h/d?connect_timeout=3")
        XCTAssertEqual(PostgresConnection.withConnectTimeout("postgresql://u@h/d", environment: ["PGCONNECT_TIMEOUT": "30"]),
                       "postgresql://u@h/d", "the operator's own setting stands")
    }
}
