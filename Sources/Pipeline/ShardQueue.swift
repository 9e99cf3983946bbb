import ErrorReporting
import Foundation
import Native

/// One claim of a shard: the shard (an agency's 主体代码) and its fencing token.
/// Every claim increments the token; a result is accepted only under the token
/// that is still current, so a worker that lost its lease can never overwrite
/// the work of the worker that claimed the shard after it.
public struct ShardClaim: Sendable, Equatable {
    public var batch: String
    public var shard: String
    public var token: Int
}

/// A shard whose result was accepted: under which token, and the hash of its manifest.
public struct CompletedShard: Sendable, Equatable {
    public var shard: String
    public var token: Int
    public var resultHash: String

    public init(shard: String, token: Int, resultHash: String) {
        self.shard = shard
        self.token = token
        self.resultHash = resultHash
    }
}

/// One row of the claim history, for operators and tests: every claim, and what became of it.
public struct ShardClaimRecord: Sendable, Equatable {
    public var shard: String
    public var token: Int
    public var worker: String
    /// claimed (still working, or died), done, superseded (its lease expired and the shard was claimed again), refused.
    public var outcome: String
}

/// The shards of a night in PostgreSQL (`state_store: postgresql://…`): which exist,
/// who holds each and until when (a lease), under which fencing token, and which are done.
/// Workers claim with `SELECT … FOR UPDATE SKIP LOCKED`, so two never take the same shard
/// at once and none waits on another's row lock.
public final class ShardQueue {
    let connection: PostgresConnection
    public let batch: String

    /// Connects and creates the tables the first time (several workers starting together are serialised
    /// by an advisory lock: concurrent CREATE TABLE IF NOT EXISTS can still collide in PostgreSQL).
    /// `answerTimeout`: seconds a statement may wait for the server (`PostgresConnection.answerTimeout`).
    public init(url: String, batch: String, answerTimeout: Double = PostgresConnection.defaultAnswerTimeout) throws {
        connection = try PostgresConnection(url: url, answerTimeout: answerTimeout)
        self.batch = batch
        // Created only when missing: a role allowed to use the tables need not be allowed to create any.
        let present = try connection.execute("""
            SELECT to_regclass('sanxiang_shards') IS NOT NULL AND to_regclass('sanxiang_shard_claims') IS NOT NULL
            """, action: "查询分片表")
        guard present.rows.first?.first != "t" else { return }
        try connection.transaction {
            try connection.execute("SELECT pg_advisory_xact_lock(7150015)", action: "建表加锁")
            try connection.execute("""
                CREATE TABLE IF NOT EXISTS sanxiang_shards (
                    batch text NOT NULL,
                    shard text NOT NULL,
                    token bigint NOT NULL DEFAULT 0,
                    worker text,
                    lease_until timestamptz,
                    done_token bigint,
                    result_hash text,
                    PRIMARY KEY (batch, shard))
                """, action: "创建分片表")
            try connection.execute("""
                CREATE TABLE IF NOT EXISTS sanxiang_shard_claims (
                    batch text NOT NULL,
                    shard text NOT NULL,
                    token bigint NOT NULL,
                    worker text NOT NULL,
                    claimed_at timestamptz NOT NULL DEFAULT now(),
                    outcome text NOT NULL DEFAULT 'claimed',
                    PRIMARY KEY (batch, shard, token))
                """, action: "创建领取记录表")
        }
    }

    /// Registers the night's shards unless the batch has them already; true when these are the ones registered.
    /// The first registration wins whole: the check and the inserts run in one transaction under a lock on the
    /// batch, so workers started together with different `--split-above` never leave a mix of an agency and its
    /// years, and a worker that finds the batch registered follows that set.
    @discardableResult
    public func register(_ shards: [String]) throws -> Bool {
        try connection.transaction {
            try connection.execute("SELECT pg_advisory_xact_lock(7150016, hashtext($1))", [batch], action: "登记分片加锁")
            guard try !isRegistered() else { return false }
            for shard in shards.sorted() {
                try connection.execute("INSERT INTO sanxiang_shards (batch, shard) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                                       [batch, shard], action: "登记分片")
            }
            return true
        }
    }

    /// Whether the batch's shards are registered (registration is one transaction: all of them or none).
    public func isRegistered() throws -> Bool {
        try connection.execute("SELECT EXISTS (SELECT 1 FROM sanxiang_shards WHERE batch = $1)", [batch], action: "查询分片")
            .rows.first?.first == "t"
    }

    /// Claims a shard that is not done and whose lease (if any) has expired, preferring `hint`
    /// (a Kubernetes Job's completion index spreads the first claims; it decides nothing).
    /// Nil when every open shard is held by a live lease (or none is open).
    public func claim(worker: String, leaseSeconds: Double, hint: String? = nil) throws -> ShardClaim? {
        try connection.transaction {
            let found = try connection.execute("""
                SELECT shard FROM sanxiang_shards
                 WHERE batch = $1 AND done_token IS NULL AND (lease_until IS NULL OR lease_until < clock_timestamp())
                 ORDER BY (shard = $2) DESC, shard
                 LIMIT 1 FOR UPDATE SKIP LOCKED
                """, [batch, hint ?? ""], action: "领取分片")
            guard let shard = found.rows.first?.first ?? nil else { return nil }
            let updated = try connection.execute("""
                UPDATE sanxiang_shards
                   SET token = token + 1, worker = $3, lease_until = clock_timestamp() + $4::double precision * interval '1 second'
                 WHERE batch = $1 AND shard = $2
                RETURNING token
                """, [batch, shard, worker, String(leaseSeconds)], action: "领取分片")
            guard let text = updated.rows.first?.first ?? nil, let token = Int(text) else {
                throw PostgresError(server: connection.server, action: "领取分片 \(shard)", detail: "没有返回令牌", sqlState: "")
            }
            // The claim before this one lost its lease: it can no longer be accepted.
            try connection.execute("""
                UPDATE sanxiang_shard_claims SET outcome = 'superseded'
                 WHERE batch = $1 AND shard = $2 AND token < $3 AND outcome = 'claimed'
                """, [batch, shard, String(token)], action: "领取分片")
            try connection.execute("INSERT INTO sanxiang_shard_claims (batch, shard, token, worker) VALUES ($1, $2, $3, $4)",
                                   [batch, shard, String(token), worker], action: "记录领取")
            return ShardClaim(batch: batch, shard: shard, token: token)
        }
    }

    /// Extends the lease of `claim`; false when the claim is no longer current (the lease
    /// expired and another worker claimed the shard, or it is done).
    public func renew(_ claim: ShardClaim, leaseSeconds: Double) throws -> Bool {
        try connection.execute("""
            UPDATE sanxiang_shards SET lease_until = clock_timestamp() + $4::double precision * interval '1 second'
             WHERE batch = $1 AND shard = $2 AND token = $3 AND done_token IS NULL
            """, [claim.batch, claim.shard, String(claim.token), String(leaseSeconds)], action: "续租分片 \(claim.shard)").affected == 1
    }

    /// Accepts the result of `claim` if its token is still the shard's current one, in one
    /// transaction with the claim's record. False (nothing changed) for a stale claim.
    public func complete(_ claim: ShardClaim, resultHash: String) throws -> Bool {
        try connection.transaction {
            let accepted = try connection.execute("""
                UPDATE sanxiang_shards SET done_token = token, result_hash = $4, lease_until = NULL
                 WHERE batch = $1 AND shard = $2 AND token = $3 AND done_token IS NULL
                """, [claim.batch, claim.shard, String(claim.token), resultHash], action: "提交分片 \(claim.shard)").affected == 1
            try connection.execute("UPDATE sanxiang_shard_claims SET outcome = $4 WHERE batch = $1 AND shard = $2 AND token = $3",
                                   [claim.batch, claim.shard, String(claim.token), accepted ? "done" : "refused"],
                                   action: "记录提交 \(claim.shard)")
            return accepted
        }
    }

    /// Shards of the batch not yet done.
    public func openCount() throws -> Int {
        let rows = try connection.execute("SELECT count(*) FROM sanxiang_shards WHERE batch = $1 AND done_token IS NULL",
                                          [batch], action: "查询分片")
        return Int(rows.rows.first?.first.flatMap { $0 } ?? "") ?? 0
    }

    /// Every registered shard of the batch, sorted.
    public func shards() throws -> [String] {
        try connection.execute("SELECT shard FROM sanxiang_shards WHERE batch = $1 ORDER BY shard", [batch], action: "查询分片")
            .rows.compactMap { $0.first ?? nil }
    }

    /// The accepted results of the batch, by shard.
    public func completed() throws -> [String: CompletedShard] {
        let rows = try connection.execute("""
            SELECT shard, done_token, result_hash FROM sanxiang_shards WHERE batch = $1 AND done_token IS NOT NULL ORDER BY shard
            """, [batch], action: "读取已完成的分片")
        var result: [String: CompletedShard] = [:]
        for row in rows.rows {
            guard row.count == 3, let shard = row[0], let token = row[1].flatMap({ Int($0) }), let hash = row[2] else { continue }
            result[shard] = CompletedShard(shard: shard, token: token, resultHash: hash)
        }
        return result
    }

    /// The claim history of the batch, by shard and token.
    public func claimHistory() throws -> [ShardClaimRecord] {
        try connection.execute("""
            SELECT shard, token, worker, outcome FROM sanxiang_shard_claims WHERE batch = $1 ORDER BY shard, token
            """, [batch], action: "读取领取记录").rows.compactMap { row in
            guard row.count == 4, let shard = row[0], let token = row[1].flatMap({ Int($0) }), let worker = row[2],
                  let outcome = row[3] else { return nil }
            return ShardClaimRecord(shard: shard, token: token, worker: worker, outcome: outcome)
        }
    }

    /// Ends a lease now, as if its holder had died and the lease run out: for tests and for
    /// an operator who knows a worker is gone (`sanxiang worker` never calls it).
    public func expire(_ claim: ShardClaim) throws {
        try connection.execute("""
            UPDATE sanxiang_shards SET lease_until = clock_timestamp() - interval '1 second'
             WHERE batch = $1 AND shard = $2 AND token = $3
            """, [claim.batch, claim.shard, String(claim.token)], action: "结束租约 \(claim.shard)")
    }
}

/// True when `state_store` names a PostgreSQL server rather than a SQLite file.
public func isPostgresURL(_ text: String) -> Bool {
    text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
}

/// What is wrong with a state store given as something that looks like a database address but is not a PostgreSQL
/// one (`postgresq://…`, `postgresql:/…`, `mysql://…`); nil for a PostgreSQL address or a file path. Taken for a path,
/// such a typo made a new SQLite store under the current folder and the night's records went there, silently.
public func stateStoreAddressProblem(_ text: String) -> String? {
    guard !isPostgresURL(text) else { return nil }
    let lowered = text.lowercased()
    guard text.contains("://") || (lowered.hasPrefix("postgres") && text.contains(":")) || lowered.hasPrefix("pg:") else { return nil }
    return "“\(maskingPassword(text))”像是数据库地址，但不是 postgresql://（或 postgres://）开头的 PostgreSQL 地址。"
        + "PostgreSQL 状态库写作 postgresql://用户@主机:端口/数据库，SQLite 状态库写文件路径；请改正后重新运行。"
}

/// An address as a message may show it: a password in it (`user:password@host`) replaced by ***.
func maskingPassword(_ address: String) -> String {
    guard let scheme = address.range(of: "://"), let at = address[scheme.upperBound...].firstIndex(of: "@"),
          let colon = address[scheme.upperBound..<at].firstIndex(of: ":") else { return address }
    return String(address[..<address.index(after: colon)]) + "***" + String(address[at...])
}
