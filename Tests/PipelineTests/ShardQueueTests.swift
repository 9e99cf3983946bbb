import Dispatch
import ErrorReporting
import Foundation
import Pipeline
import XCTest

/// The lease logic of `sanxiang worker` against a real PostgreSQL: claims, renewal,
/// expiry and re-claim, and the fencing token that refuses a stale worker's result.
final class ShardQueueTests: XCTestCase {
    static var server: TestPostgres?

    override class func setUp() {
        super.setUp()
        server = try? TestPostgres()
    }

    override class func tearDown() {
        server?.stop()
        server = nil
        super.tearDown()
    }

    /// A queue on a batch of its own, so the tests share the server but not their shards.
    private func queue(_ shards: [String]) throws -> (ShardQueue, String) {
        let server = try XCTUnwrap(Self.server, "PostgreSQL did not start: run Tests/Fixtures/postgres.sh start /tmp/pg for its message")
        let batch = "test-\(UUID().uuidString)"
        let queue = try ShardQueue(url: server.url, batch: batch)
        try queue.register(shards)
        return (queue, batch)
    }

    func testAClaimHoldsItsShardUntilDoneAndEachShardIsClaimedOnce() throws {
        let (queue, _) = try queue(["A", "B"])
        let first = try XCTUnwrap(try queue.claim(worker: "w1", leaseSeconds: 30))
        let second = try XCTUnwrap(try queue.claim(worker: "w2", leaseSeconds: 30))
        XCTAssertEqual([first.shard, second.shard].sorted(), ["A", "B"])
        XCTAssertEqual([first.token, second.token], [1, 1])
        XCTAssertNil(try queue.claim(worker: "w3", leaseSeconds: 30), "both shards are under live leases")
        XCTAssertTrue(try queue.complete(first, resultHash: "h1"))
        XCTAssertEqual(try queue.openCount(), 1)
        XCTAssertNil(try queue.claim(worker: "w3", leaseSeconds: 30), "a done shard is never claimed again")
        XCTAssertFalse(try queue.complete(first, resultHash: "h1-again"), "a shard is completed once")
        XCTAssertEqual(try queue.completed()[first.shard], CompletedShard(shard: first.shard, token: 1, resultHash: "h1"))
    }

    /// A server that stops answering (here every process of it stopped, as a hung or swapped-out host looks from a live TCP
    /// peer) fails the statement after the answer timeout, said in Chinese, instead of holding the worker and its lease
    /// silent for ever; the connection is not used again, and the server, once running again, serves a new one.
    func testAServerThatStopsAnsweringFailsTheStatementInsteadOfHangingTheWorker() throws {
        let server = try XCTUnwrap(Self.server, "PostgreSQL did not start")
        let batch = "test-\(UUID().uuidString)"
        let queue = try ShardQueue(url: server.url, batch: batch, answerTimeout: 2)
        try queue.register(["A"])
        let processes = try serverProcesses(server)
        XCTAssertGreaterThan(processes.count, 1, "the postmaster and its backends")
        for process in processes { kill(process, SIGSTOP) }
        var thawed = false
        func thaw() {
            guard !thawed else { return }
            thawed = true
            for process in processes { kill(process, SIGCONT) }
        }
        defer { thaw() }
        let started = Date()
        XCTAssertThrowsError(try queue.claim(worker: "w1", leaseSeconds: 30)) { error in
            let message = (error as? SanxiangError)?.message ?? "\(error)"
            XCTAssertTrue(message.contains("服务器在 2 秒内没有应答"), message)
        }
        let waited = Date().timeIntervalSince(started)
        XCTAssertGreaterThanOrEqual(waited, 1.9)
        XCTAssertLessThan(waited, 15, "the statement waited no longer than its timeout")
        let again = Date()
        XCTAssertThrowsError(try queue.openCount(), "a connection whose statement went unanswered is not used again")
        XCTAssertLessThan(Date().timeIntervalSince(again), 1)
        thaw()
        XCTAssertEqual(try ShardQueue(url: server.url, batch: batch).openCount(), 1, "nothing was claimed; the server serves again")
    }

    /// The server's postmaster (its pid file's first line) and every process it started.
    private func serverProcesses(_ server: TestPostgres) throws -> [pid_t] {
        let pidFile = server.folder.appendingPathComponent("pg/data/postmaster.pid")
        let text = try String(contentsOf: pidFile, encoding: .utf8)
        let postmaster = try XCTUnwrap(text.split(separator: "\n").first.flatMap { pid_t($0) })
        var children: [pid_t] = []
        for entry in try FileManager.default.contentsOfDirectory(atPath: "/proc") {
            guard let process = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // After the command's closing bracket: state, then the parent's pid.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, pid_t(fields[1]) == postmaster { children.append(process) }
        }
        return [postmaster] + children
    }

    func testTheHintIsTriedFirst() throws {
        let (queue, _) = try queue(["A", "B", "C"])
        XCTAssertEqual(try queue.claim(worker: "w1", leaseSeconds: 30, hint: "C")?.shard, "C")
        XCTAssertEqual(try queue.claim(worker: "w2", leaseSeconds: 30, hint: "C")?.shard, "A", "a hint taken by another falls back to the first open")
    }

    func testRenewalKeepsTheLeaseAndExpiryLetsAnotherWorkerReclaim() throws {
        let (queue, _) = try queue(["A"])
        let claim = try XCTUnwrap(try queue.claim(worker: "w1", leaseSeconds: 2))
        Thread.sleep(forTimeInterval: 1.2)
        XCTAssertTrue(try queue.renew(claim, leaseSeconds: 2))
        Thread.sleep(forTimeInterval: 1.2)
        XCTAssertNil(try queue.claim(worker: "w2", leaseSeconds: 2), "renewed 1.2 s ago for 2 s: still held")
        Thread.sleep(forTimeInterval: 1.3)
        let again = try XCTUnwrap(try queue.claim(worker: "w2", leaseSeconds: 30), "the lease ran out: the shard is claimed again")
        XCTAssertEqual(again.shard, "A")
        XCTAssertEqual(again.token, 2, "every claim increments the fencing token")
        XCTAssertFalse(try queue.renew(claim, leaseSeconds: 30), "the first worker learns it lost the shard")
    }

    func testAStaleWorkersResultIsRefusedAndTheCurrentOneAccepted() throws {
        let (queue, _) = try queue(["A"])
        let stale = try XCTUnwrap(try queue.claim(worker: "w1", leaseSeconds: 30))
        try queue.expire(stale)
        let current = try XCTUnwrap(try queue.claim(worker: "w2", leaseSeconds: 30))
        XCTAssertEqual(current.token, stale.token + 1)
        XCTAssertFalse(try queue.complete(stale, resultHash: "stale"), "the stale token must not be accepted")
        XCTAssertEqual(try queue.completed(), [:], "a refused result changes nothing")
        XCTAssertTrue(try queue.complete(current, resultHash: "current"))
        XCTAssertFalse(try queue.complete(stale, resultHash: "stale"), "nor after the shard is done")
        XCTAssertEqual(try queue.completed()["A"], CompletedShard(shard: "A", token: 2, resultHash: "current"))
        XCTAssertEqual(try queue.claimHistory().map { "\($0.worker):\($0.token):\($0.outcome)" }, ["w1:1:refused", "w2:2:done"])
    }

    func testAReclaimMarksTheDeadClaimSuperseded() throws {
        let (queue, _) = try queue(["A"])
        let dead = try XCTUnwrap(try queue.claim(worker: "w1", leaseSeconds: 30))
        try queue.expire(dead)
        let next = try XCTUnwrap(try queue.claim(worker: "w2", leaseSeconds: 30))
        XCTAssertTrue(try queue.complete(next, resultHash: "h"))
        XCTAssertEqual(try queue.claimHistory().map { "\($0.worker):\($0.token):\($0.outcome)" }, ["w1:1:superseded", "w2:2:done"])
    }

    /// SELECT … FOR UPDATE SKIP LOCKED: workers claiming at the same moment get different shards.
    func testConcurrentClaimsNeverShareAShard() throws {
        let shards = (1...12).map { String(format: "S%02d", $0) }
        let (_, batch) = try queue(shards)
        let url = try XCTUnwrap(Self.server).url
        let lock = NSLock()
        var claimed: [String] = []
        var failures: [String] = []
        DispatchQueue.concurrentPerform(iterations: 6) { worker in
            do {
                let queue = try ShardQueue(url: url, batch: batch)
                while let claim = try queue.claim(worker: "w\(worker)", leaseSeconds: 30) {
                    lock.withLock { claimed.append(claim.shard) }
                    _ = try queue.complete(claim, resultHash: "h")
                }
            } catch {
                lock.withLock { failures.append("\(error)") }
            }
        }
        XCTAssertEqual(failures, [])
        XCTAssertEqual(claimed.sorted(), shards, "each shard claimed exactly once")
    }

    /// The first registration of a batch stands whole: a second one (another worker's cut, say with another
    /// --split-above) adds nothing, and six workers registering different cuts at once leave exactly one of them.
    func testTheFirstRegistrationOfABatchStandsWhole() throws {
        let url = try XCTUnwrap(Self.server, "PostgreSQL did not start").url
        let first = try ShardQueue(url: url, batch: "test-\(UUID().uuidString)")
        XCTAssertFalse(try first.isRegistered())
        XCTAssertTrue(try first.register(["X-2024", "X-2025", "Y"]))
        XCTAssertTrue(try first.isRegistered())
        XCTAssertFalse(try first.register(["X", "Y", "Z"]), "the batch has its shards")
        XCTAssertEqual(try first.shards(), ["X-2024", "X-2025", "Y"])

        let batch = "test-\(UUID().uuidString)"
        let cuts = (0..<6).map { worker in (0...worker).map { "S\(worker)-\($0)" } }
        let lock = NSLock()
        var won: [Int] = []
        var failures: [String] = []
        DispatchQueue.concurrentPerform(iterations: cuts.count) { worker in
            do {
                let queue = try ShardQueue(url: url, batch: batch)
                if try queue.register(cuts[worker]) { lock.withLock { won.append(worker) } }
            } catch {
                lock.withLock { failures.append("\(error)") }
            }
        }
        XCTAssertEqual(failures, [])
        XCTAssertEqual(won.count, 1, "exactly one registration wins")
        let winner = try XCTUnwrap(won.first)
        XCTAssertEqual(try ShardQueue(url: url, batch: batch).shards(), cuts[winner].sorted(), "the winner's cut, nothing of the others")
    }
}
