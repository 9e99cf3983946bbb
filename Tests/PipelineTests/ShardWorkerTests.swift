import Foundation
import XCTest

/// Issue #15's test of `sanxiang worker`: three workers on PostgreSQL render a multi-agency
/// export shard by shard; one is killed with SIGKILL in the middle of a shard; its lease runs
/// out and another worker claims the shard again; `sanxiang run` then publishes. The output
/// equals a single-process run of the same export byte for byte in public/ and internal/,
/// every shard was completed once (the killed claim superseded) and `sanxiang verify` passes.
final class ShardWorkerTests: XCTestCase {
    var server: TestPostgres!
    var parent: URL!

    override func setUpWithError() throws {
        server = try TestPostgres()
        parent = Repo.temporaryFolder("workers")
    }

    override func tearDown() {
        server?.stop()
        if let parent { try? FileManager.default.removeItem(at: parent) }
        super.tearDown()
    }

    let asOf = "2026-01-06"
    var config: String { Repo.root.appendingPathComponent("pipeline.yml").path }

    /// A generated export, its single-process run (the reference every sharded output must equal),
    /// the folder the sharded run writes, and the options every worker and the publish step share.
    private func exportWithSingleProcessRun(cases: Int, seed: Int) throws -> (export: URL, single: URL, referenceCode: Int32, sharded: URL, common: [String]) {
        let export = try Repo.generate(cases: cases, seed: seed, broken: 0, noMedia: true, into: parent)
        let single = parent.appendingPathComponent("single")
        let reference = try Repo.run(Repo.executable, ["run", "--config", config, "--input", export.path, "--output", single.path,
                                                       "--as-of", asOf])
        XCTAssertTrue([0, 3].contains(reference.code), reference.output)
        let sharded = parent.appendingPathComponent("sharded")
        let common = ["--config", config, "--input", export.path, "--output", sharded.path, "--as-of", asOf,
                      "--state-store", server.url]
        return (export, single, reference.code, sharded, common)
    }

    /// A worker given an export with no case to accept says so and fails, registering nothing: exit 0 with “all shards
    /// done” would leave the publish step to find out, and the night's operator to wonder why nothing was made.
    func testAWorkerRefusesAnExportWithNoCaseToAccept() throws {
        let export = try Repo.generate(cases: 12, seed: 19, broken: 0, noMedia: true, into: parent)
        let cases = export.appendingPathComponent("cases.csv")
        // The header's bytes up to its line end (a String would keep "\r\n" as one character and never split there).
        let header = try Data(contentsOf: cases).prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }
        try (header + Data("\r\n".utf8)).write(to: cases)
        try? FileManager.default.removeItem(at: export.appendingPathComponent("cases.json"))
        let worker = try Repo.run(Repo.executable, ["worker", "--config", config, "--input", export.path, "--output",
                                                    parent.appendingPathComponent("out").path, "--as-of", asOf, "--state-store", server.url])
        XCTAssertEqual(worker.code, 1, worker.output)
        XCTAssertTrue(worker.output.contains("导出中没有可以接收的案件"), worker.output)
        XCTAssertFalse(worker.output.contains("所有分片已完成"), worker.output)
        let shards = try Repo.run("/usr/bin/env", ["psql", server.url, "-At", "-c", "SELECT count(*) FROM sanxiang_shards"])
        XCTAssertEqual(shards.code, 0, shards.output)
        XCTAssertEqual(shards.output.trimmingCharacters(in: .whitespacesAndNewlines), "0", "no shard registered")
    }

    /// A worker whose output folder is not the one the others write (a volume not mounted where --output points) is
    /// told so, and fails: one whose folder holds none of the completed results claims nothing; one that finds some of
    /// them missing at the end does not say every shard is done.
    func testAWorkerOnAnotherOutputFolderSaysSoInsteadOfEveryShardDone() throws {
        let export = try Repo.generate(cases: 40, seed: 23, broken: 0, noMedia: true, into: parent)
        let shared = parent.appendingPathComponent("shared")
        func worker(_ output: URL, _ name: String) throws -> (code: Int32, output: String) {
            try Repo.run(Repo.executable, ["worker", "--config", config, "--input", export.path, "--output", output.path,
                                           "--as-of", asOf, "--state-store", server.url, "--lease", "3", "--name", name])
        }
        let first = try worker(shared, "w1")
        XCTAssertEqual(first.code, 0, first.output)
        XCTAssertTrue(first.output.contains("所有分片已完成"), first.output)

        let elsewhere = parent.appendingPathComponent("unmounted")
        let stray = try worker(elsewhere, "w2")
        XCTAssertEqual(stray.code, 1, stray.output)
        XCTAssertTrue(stray.output.contains("的结果不在本 worker 的输出文件夹 \(elsewhere.path) 中"), stray.output)
        XCTAssertTrue(stray.output.contains("本 worker 未领取任何分片"), stray.output)
        XCTAssertFalse(stray.output.contains("所有分片已完成"), stray.output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: elsewhere.appendingPathComponent("shards").path), "nothing was written there")

        // One accepted result gone from the shared folder: a worker there finds the rest, has nothing to claim, and fails.
        let batch = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: shared.appendingPathComponent("shards").path).first)
        let shards = shared.appendingPathComponent("shards/\(batch)")
        let shard = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: shards.path).sorted().first)
        try FileManager.default.removeItem(at: shards.appendingPathComponent(shard))
        let last = try worker(shared, "w3")
        XCTAssertEqual(last.code, 1, last.output)
        XCTAssertTrue(last.output.contains("中有 1 个（\(shard)）的结果不在本 worker 的输出文件夹"), last.output)
        XCTAssertTrue(last.output.contains("发布步骤会自行生成这些分片的文书"), last.output)
    }

    func testThreeWorkersOneKilledMatchASingleProcessRun() throws {
        let (export, single, referenceCode, sharded, common) = try exportWithSingleProcessRun(cases: 180, seed: 15)
        let workers = try (1...3).map { number in
            try Worker(arguments: ["worker"] + common + ["--lease", "3", "--name", "w\(number)"],
                       log: parent.appendingPathComponent("w\(number).log"))
        }
        defer { for worker in workers { worker.process.terminate() } }
        // Killed in the middle of its first shard: once its first document is on disk, before the shard's folder is whole.
        let victim = workers[0]
        let claimLine = try victim.waitForLine(containing: "已领取分片", timeout: 600)
        let killedShard = try XCTUnwrap(claimLine.components(separatedBy: "已领取分片 ").last?.components(separatedBy: "（").first)
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline, !Self.hasPartialResult(sharded, killedShard), !victim.text.contains("分片 \(killedShard) 已完成") {
            Thread.sleep(forTimeInterval: 0.01)
        }
        kill(victim.process.processIdentifier, SIGKILL)
        victim.process.waitUntilExit()
        XCTAssertEqual(victim.process.terminationReason, .uncaughtSignal)
        XCTAssertFalse(victim.text.contains("分片 \(killedShard) 已完成"), "the shard was finished before the kill: \(victim.text)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: try Self.shardFolder(sharded, killedShard).appendingPathComponent("1").path),
                       "the killed claim left no whole result")

        for worker in workers.dropFirst() {
            XCTAssertTrue(worker.wait(timeout: 900), "worker did not finish: \(worker.text)")
            XCTAssertEqual(worker.process.terminationStatus, 0, worker.text)
            XCTAssertTrue(worker.text.contains("所有分片已完成"), worker.text)
        }

        // Every shard completed exactly once; the killed worker's claim superseded by a later one.
        let history = try Repo.run("/usr/bin/env", ["psql", server.url, "-At", "-F", "|", "-c",
                                                    "SELECT shard, token, worker, outcome FROM sanxiang_shard_claims ORDER BY shard, token"])
        XCTAssertEqual(history.code, 0, history.output)
        let rows = history.output.split(separator: "\n").map { $0.split(separator: "|").map(String.init) }.filter { $0.count == 4 }
        let byShard = Dictionary(grouping: rows, by: { $0[0] })
        XCTAssertEqual(byShard.count, 6, "the generator's six agencies: \(history.output)")
        for (shard, claims) in byShard {
            XCTAssertEqual(claims.filter { $0[3] == "done" }.count, 1, "\(shard) completed once: \(claims)")
            XCTAssertTrue(claims.allSatisfy { $0[3] == "done" || $0[3] == "superseded" }, "\(shard): \(claims)")
        }
        let killedClaims = try XCTUnwrap(byShard[killedShard], history.output)
        XCTAssertEqual(killedClaims.map { "\($0[1]):\($0[2]):\($0[3])" }.first, "1:w1:superseded", history.output)
        XCTAssertEqual(killedClaims.last?[3], "done")
        XCTAssertNotEqual(killedClaims.last?[2], "w1")

        // The publish step takes every document from the shards and renders none itself.
        let publish = try Repo.run(Repo.executable, ["run"] + common)
        XCTAssertEqual(publish.code, referenceCode, publish.output)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: sharded.appendingPathComponent("run-summary.json")))
        let documents = try XCTUnwrap((summary as? [String: Any])?["documents"] as? [String: Any])
        XCTAssertEqual(documents["from_shards"] as? Int, documents["documents"] as? Int, publish.output)
        XCTAssertGreaterThan(documents["documents"] as? Int ?? 0, 100)
        XCTAssertEqual(documents["shard_warnings"] as? [String], [], publish.output)
        // Nor does its archive read any file back: each shard document's hash is the one just checked, each page's its own.
        XCTAssertTrue(publish.output.contains("本次读取 0 个文件"), publish.output)

        try Repo.assertSameOutput(sharded, single, "sharded and single-process runs")

        let verify = try Repo.run(Repo.executable, ["verify", "--output", sharded.path, "--input", export.path])
        XCTAssertEqual(verify.code, 0, verify.output)
    }

    /// A very large agency is several shards, one per decision year: with a threshold below every agency's size,
    /// the first worker registers year shards (`<主体代码>-<年度>`) and is killed right after. A second worker, started
    /// with the default threshold, finds the batch registered: it reads no agency's part to cut it again, and cuts
    /// the shards it claims as they were registered (with its own threshold each year shard would hold no case).
    /// Each shard is completed once (a claim of the killed worker, if it made one, superseded), the publish step
    /// takes every document from them, and the output equals the single-process run.
    func testAgenciesAboveTheThresholdAreShardedByYear() throws {
        let (export, single, referenceCode, sharded, common) = try exportWithSingleProcessRun(cases: 90, seed: 17)
        let first = try Worker(arguments: ["worker"] + common + ["--lease", "3", "--name", "y1", "--split-above", "8"],
                               log: parent.appendingPathComponent("y1.log"))
        defer { first.process.terminate() }
        _ = try first.waitForLine(containing: "个分片（执法主体）", timeout: 600)
        kill(first.process.processIdentifier, SIGKILL)
        first.process.waitUntilExit()
        let second = try Worker(arguments: ["worker"] + common + ["--lease", "3", "--name", "y2"],
                                log: parent.appendingPathComponent("y2.log"))
        defer { second.process.terminate() }
        XCTAssertTrue(second.wait(timeout: 900), "worker did not finish: \(second.text)")
        XCTAssertEqual(second.process.terminationStatus, 0, second.text)
        XCTAssertTrue(second.text.contains("已由其他 worker 登记"), second.text)
        XCTAssertFalse(second.text.contains("接收案件"), "the second worker cut the export again: \(second.text)")
        XCTAssertTrue(second.text.contains("已领取分片"), second.text)
        XCTAssertFalse(second.text.contains("，0 件案件）"), "a registered shard cut by the worker's own threshold: \(second.text)")
        let history = try Repo.run("/usr/bin/env", ["psql", server.url, "-At", "-F", "|", "-c",
                                                    "SELECT shard, outcome FROM sanxiang_shard_claims ORDER BY shard, token"])
        XCTAssertEqual(history.code, 0, history.output)
        let rows = history.output.split(separator: "\n").map { $0.split(separator: "|").map(String.init) }.filter { $0.count == 2 }
        let byShard = Dictionary(grouping: rows, by: { $0[0] })
        // Six agencies of about fifteen cases, decided over more than one year: those above eight are cut by year.
        XCTAssertGreaterThan(byShard.count, 6, history.output)
        XCTAssertGreaterThan(byShard.keys.filter { $0.contains("-") }.count, 6, history.output)
        for (shard, claims) in byShard {
            XCTAssertNotNil(shard.range(of: #"^[0-9A-Z]{18}(-20[0-9]{2})?$"#, options: .regularExpression), "\(shard): an agency or an agency-year")
            XCTAssertEqual(claims.filter { $0[1] == "done" }.count, 1, "\(shard) completed once: \(claims)")
            XCTAssertTrue(claims.allSatisfy { $0[1] == "done" || $0[1] == "superseded" }, "\(shard): \(claims)")
        }
        let publish = try Repo.run(Repo.executable, ["run"] + common)
        XCTAssertEqual(publish.code, referenceCode, publish.output)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: sharded.appendingPathComponent("run-summary.json")))
        let documents = try XCTUnwrap((summary as? [String: Any])?["documents"] as? [String: Any])
        XCTAssertEqual(documents["from_shards"] as? Int, documents["documents"] as? Int, publish.output)
        XCTAssertEqual(documents["shard_warnings"] as? [String], [], publish.output)
        try Repo.assertSameOutput(sharded, single, "sharded and single-process runs")
        let verify = try Repo.run(Repo.executable, ["verify", "--output", sharded.path, "--input", export.path])
        XCTAssertEqual(verify.code, 0, verify.output)
    }

    /// A worker draws its shards in render processes, as `sanxiang run` does; processes killed after their third case
    /// leave the rest of their shards to the worker's threads, and the published night is still the single-process one.
    func testAWorkerDrawsInRenderProcessesAndOutlivesThem() throws {
        let (export, single, referenceCode, sharded, _) = try exportWithSingleProcessRun(cases: 240, seed: 29)
        let common = ["--config", try RenderProcessTests.configFile(processes: 2, in: parent).path, "--input", export.path,
                      "--output", sharded.path, "--as-of", asOf, "--state-store", server.url]
        let worker = try Repo.run(Repo.executable, ["worker"] + common + ["--lease", "30", "--name", "p1"],
                                  environment: ["SANXIANG_FAULT": "render-process.killed"])
        XCTAssertEqual(worker.code, 0, worker.output)
        XCTAssertTrue(worker.output.contains("提醒：文书生成进程"), worker.output)
        XCTAssertTrue(worker.output.contains("被信号 9 终止"), worker.output)
        let publish = try Repo.run(Repo.executable, ["run"] + common)
        XCTAssertEqual(publish.code, referenceCode, publish.output)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: sharded.appendingPathComponent("run-summary.json")))
        let documents = try XCTUnwrap((summary as? [String: Any])?["documents"] as? [String: Any])
        XCTAssertEqual(documents["from_shards"] as? Int, documents["documents"] as? Int, publish.output)
        try Repo.assertSameOutput(sharded, single, "a worker's render processes, killed")
    }

    /// A worker frozen (SIGSTOP) in the middle of a shard loses its lease; another worker claims the
    /// shard again and completes it; thawed, the stale worker finishes its documents, learns that its
    /// claim is no longer current and throws its result away: nothing of it is published. A shard file
    /// changed after it was accepted is not used either: the publish step renders that case itself
    /// and says so, and the output still equals the single-process run. The next night's worker renders
    /// only the cases that changed.
    func testAStaleWorkerCannotOverwriteAChangedShardFileIsNotUsedAndTheNextNightRendersOnlyWhatChanged() throws {
        let (export, single, referenceCode, sharded, common) = try exportWithSingleProcessRun(cases: 90, seed: 16)
        let stale = try Worker(arguments: ["worker"] + common + ["--lease", "3", "--name", "stale"],
                               log: parent.appendingPathComponent("stale.log"))
        defer { stale.process.terminate() }
        let claimLine = try stale.waitForLine(containing: "已领取分片", timeout: 600)
        let shard = try XCTUnwrap(claimLine.components(separatedBy: "已领取分片 ").last?.components(separatedBy: "（").first)
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline, !Self.hasPartialResult(sharded, shard), !stale.text.contains("分片 \(shard) 已完成") {
            Thread.sleep(forTimeInterval: 0.01)
        }
        kill(stale.process.processIdentifier, SIGSTOP)
        XCTAssertFalse(stale.text.contains("分片 \(shard) 已完成"), stale.text)

        let other = try Worker(arguments: ["worker"] + common + ["--lease", "3", "--name", "other"],
                               log: parent.appendingPathComponent("other.log"))
        defer { other.process.terminate() }
        XCTAssertTrue(other.wait(timeout: 900), other.text)
        XCTAssertEqual(other.process.terminationStatus, 0, other.text)
        XCTAssertTrue(other.text.contains("已领取分片 \(shard)（令牌 2"), other.text)

        kill(stale.process.processIdentifier, SIGCONT)
        XCTAssertTrue(stale.wait(timeout: 600), stale.text)
        XCTAssertEqual(stale.process.terminationStatus, 0, stale.text)
        XCTAssertTrue(stale.text.contains("分片 \(shard) 的租约已过期并由其他 worker 重新领取，本次结果（令牌 1）作废"), stale.text)
        let shardFolder = try Self.shardFolder(sharded, shard)
        XCTAssertFalse(FileManager.default.fileExists(atPath: shardFolder.appendingPathComponent("1").path),
                       "the stale result is thrown away")
        XCTAssertTrue(FileManager.default.fileExists(atPath: shardFolder.appendingPathComponent("2/shard.json").path))

        // A document of an accepted result changed afterwards (a disk fault, a hand edit): not used.
        let documents = try XCTUnwrap(FileManager.default.enumerator(atPath: shardFolder.appendingPathComponent("2").path))
            .compactMap { $0 as? String }.filter { $0.hasSuffix(".pdf") }.sorted()
        let changed = shardFolder.appendingPathComponent("2").appendingPathComponent(try XCTUnwrap(documents.first))
        let handle = try FileHandle(forWritingTo: changed)
        handle.seekToEndOfFile()
        handle.write(Data("%tampered\n".utf8))
        try handle.close()

        let publish = try Repo.run(Repo.executable, ["run"] + common)
        XCTAssertEqual(publish.code, referenceCode, publish.output)
        XCTAssertTrue(publish.output.contains("分片文件与清单中的哈希不符（文件被改动过）：\(changed.path)"), publish.output)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: sharded.appendingPathComponent("run-summary.json")))
        let counts = try XCTUnwrap((summary as? [String: Any])?["documents"] as? [String: Any])
        let fromShards = try XCTUnwrap(counts["from_shards"] as? Int)
        let total = try XCTUnwrap(counts["documents"] as? Int)
        XCTAssertLessThan(fromShards, total, "the changed file's case was rendered by the run")
        XCTAssertGreaterThan(fromShards, total / 2)

        try Repo.assertSameOutput(sharded, single, "sharded and single-process runs")
        let verify = try Repo.run(Repo.executable, ["verify", "--output", sharded.path, "--input", export.path])
        XCTAssertEqual(verify.code, 0, verify.output)

        // The next night, one case in ten edited: the worker renders only the changed cases' documents
        // (the last published memo says which), the publish step keeps the others as a single run does.
        let mutated = try Repo.run("/usr/bin/env", ["python3", Repo.root.appendingPathComponent("Tests/Bench/mutate_export.py").path,
                                                    "--export", export.path, "--every", "10"])
        XCTAssertEqual(mutated.code, 0, mutated.output)
        let nextDay = "2026-01-07"
        let reference2 = try Repo.run(Repo.executable, ["run", "--config", config, "--input", export.path, "--output", single.path,
                                                        "--as-of", nextDay])
        XCTAssertTrue([0, 3].contains(reference2.code), reference2.output)
        let next = common.map { $0 == asOf ? nextDay : $0 }
        let worker = try Repo.run(Repo.executable, ["worker"] + next + ["--lease", "3", "--name", "next"])
        XCTAssertEqual(worker.code, 0, worker.output)
        let rendered = try XCTUnwrap(worker.output.components(separatedBy: "个分片、").last?.components(separatedBy: " 份文书").first
            .flatMap { Int($0) }, worker.output)
        XCTAssertGreaterThan(rendered, 0, worker.output)
        XCTAssertLessThan(rendered, total / 3, worker.output)
        let publish2 = try Repo.run(Repo.executable, ["run"] + next)
        XCTAssertEqual(publish2.code, reference2.code, publish2.output)
        let summary2 = try JSONSerialization.jsonObject(with: Data(contentsOf: sharded.appendingPathComponent("run-summary.json")))
        let counts2 = try XCTUnwrap((summary2 as? [String: Any])?["documents"] as? [String: Any])
        XCTAssertEqual(counts2["from_shards"] as? Int, rendered, publish2.output)
        XCTAssertEqual((counts2["documents"] as? Int).map { $0 - rendered }, counts2["kept"] as? Int, publish2.output)
        try Repo.assertSameOutput(sharded, single, "night 2")
        let verify2 = try Repo.run(Repo.executable, ["verify", "--output", sharded.path, "--input", export.path])
        XCTAssertEqual(verify2.code, 0, verify2.output)
        // The first night's batch folder went once the second night was published; the second night's stays.
        XCTAssertTrue(publish2.output.contains("分片：已删除此前批次的分片文件夹 1 个"), publish2.output)
        let left = try FileManager.default.contentsOfDirectory(atPath: sharded.appendingPathComponent("shards").path)
        XCTAssertEqual(left.count, 1, "\(left)")
        XCTAssertTrue(left.first?.hasPrefix(nextDay + "-") == true, "\(left)")
    }

    /// `shards/<batch>/<shard>` of the night's one batch.
    static func shardFolder(_ output: URL, _ shard: String) throws -> URL {
        let batches = try FileManager.default.contentsOfDirectory(atPath: output.appendingPathComponent("shards").path)
        XCTAssertEqual(batches.count, 1, "\(batches)")
        return output.appendingPathComponent("shards").appendingPathComponent(try XCTUnwrap(batches.first)).appendingPathComponent(shard)
    }

    /// True once a worker's temporary folder of `shard` (under `shards/<batch>/`) holds a document.
    static func hasPartialResult(_ output: URL, _ shard: String) -> Bool {
        let root = output.appendingPathComponent("shards")
        let batches = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return batches.contains { batch in
            let folder = root.appendingPathComponent(batch).appendingPathComponent(shard)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            return names.contains { name in
                name.hasPrefix(".tmp-") && (FileManager.default.enumerator(atPath: folder.appendingPathComponent(name).path)?
                    .contains { ($0 as? String)?.hasSuffix(".pdf") ?? false } ?? false)
            }
        }
    }
}

/// A `sanxiang` process whose output goes to a log file the test reads as it grows.
private final class Worker {
    let process = Process()
    let log: URL
    private let finished = DispatchSemaphore(value: 0)

    init(arguments: [String], log: URL) throws {
        self.log = log
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: log.path])
        }
        let handle = try FileHandle(forWritingTo: log)
        process.executableURL = URL(fileURLWithPath: Repo.executable)
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        process.terminationHandler = { [finished] _ in finished.signal() }
        try process.run()
    }

    var text: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    func waitForLine(containing marker: String, timeout: Double) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let line = text.split(separator: "\n").first(where: { $0.contains(marker) }) { return String(line) }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw NSError(domain: "ShardWorkerTests", code: 1, userInfo: [NSLocalizedDescriptionKey: "no “\(marker)” in: \(text)"])
    }

    func wait(timeout: Double) -> Bool { finished.wait(timeout: .now() + timeout) == .success }
}
