import Archive
import CaseModel
import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import Pipeline
import XCTest

/// The archive as a person would attack it: change, delete and add files in the
/// output and the media; edit, truncate and extend the ledger.
final class ArchiveVerifyTests: SampleCopyTestCase {

    /// `fullRun`: every stage runs even when nothing changed since the last run (`run --full-run`).
    private func run(_ day: String, fullRun: Bool = false) throws -> RunSummary {
        let config = try Repo.config(input: export, output: output)
        var request = RunRequest(config: config, asOf: CivilDate(iso: day)!)
        request.mayKeepUnchangedOutput = !fullRun
        return try PipelineRunner.run(request).0
    }

    private func flipByte(_ url: URL, at offset: Int = 200) throws {
        var bytes = [UInt8](try Data(contentsOf: url))
        bytes[min(offset, bytes.count - 1)] ^= 0x01
        try Data(bytes).write(to: url)
    }

    private func firstFile(named name: String) throws -> URL {
        let folder = output.appendingPathComponent("internal/documents")
        let paths = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []
        let path = try XCTUnwrap(paths.sorted().first { $0.hasSuffix(name) })
        return folder.appendingPathComponent(path)
    }

    func testAnUntouchedArchiveVerifiesAfterThreeRuns() throws {
        let first = try run("2026-01-06")
        XCTAssertEqual(first.archive?.run, 1)
        XCTAssertGreaterThan(first.archive?.added ?? 0, 100)
        _ = try run("2026-01-07")
        let third = try run("2026-01-08")
        XCTAssertEqual(third.archive?.run, 3)
        // Documents and decision pages are byte-identical from run to run: only the dated lists are logged again.
        XCTAssertEqual(third.archive?.added, 0)
        let ledger = try Ledger(root: output)
        let changedInRun3 = ledger.entries.compactMap { $0 }.filter { $0.run == 3 }.map(\.path)
        XCTAssertFalse(changedInRun3.isEmpty)
        for path in changedInRun3 {
            XCTAssertFalse(path.hasPrefix("internal/documents/") || path.hasPrefix("public/decisions/") || path.hasPrefix("public/documents/"),
                           "\(path) changed although its case did not")
        }
        let report = try Verifier.verify(root: output)
        XCTAssertEqual(report.problems, [], report.problems.map(\.message).joined(separator: "\n"))
        XCTAssertEqual(report.heads, 3)
        XCTAssertEqual(report.mediaChecked, 108)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.appendingPathComponent("public/archive-signing.key").path))
        let key = try String(contentsOf: output.appendingPathComponent("archive-signing.key"), encoding: .utf8)
        XCTAssertTrue(key.hasPrefix("sanxiang-archive-ed25519-v1 "))
        let attributes = try FileManager.default.attributesOfItem(atPath: output.appendingPathComponent("archive-signing.key").path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
    }

    func testVerifyNamesEveryChangedMissingAndAddedFile() throws {
        _ = try run("2026-01-06")
        let decision = try firstFile(named: "行政处罚决定书.pdf")
        let opinion = try firstFile(named: "法制审核意见书.pdf")
        try flipByte(decision)
        try FileManager.default.removeItem(at: opinion)
        try Data("伪造".utf8).write(to: output.appendingPathComponent("public/reports/2025/extra.html"))
        let media = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: export.appendingPathComponent("media").path).sorted().first)
        try flipByte(export.appendingPathComponent("media/\(media)"), at: 10)
        let second = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: export.appendingPathComponent("media").path).sorted().last)
        try FileManager.default.removeItem(at: export.appendingPathComponent("media/\(second)"))

        let report = try Verifier.verify(root: output)
        let relative = { (url: URL) in PipelineRunner.relative(url, to: self.output) }
        XCTAssertEqual(Set(report.problems.map(\.message)), [
            VerificationReport.Problem.fileChanged(path: relative(decision)).message,
            VerificationReport.Problem.fileMissing(path: relative(opinion)).message,
            VerificationReport.Problem.fileAdded(path: "public/reports/2025/extra.html").message,
            VerificationReport.Problem.mediaChanged(path: "media/\(media)").message,
            VerificationReport.Problem.mediaMissing(path: "media/\(second)").message,
        ])
        let cli = try Repo.run(Repo.executable, ["verify", "--output", output.path])
        XCTAssertEqual(cli.code, 1)
        XCTAssertTrue(cli.output.contains("已改动：\(relative(decision))"), cli.output)
    }

    /// A rerun reads only the files it wrote: a carried-forward file keeps its logged hash unread. The
    /// proof: a document edited in place with its time set back is not logged again, and verify, which
    /// reads everything, still names it.
    func testARerunReusesTheHashOfEveryFileItCarriedForwardAndVerifyStillReadsThem() throws {
        let first = try run("2026-01-06")
        XCTAssertEqual(first.archive?.reused, 0)
        let decision = try firstFile(named: "行政处罚决定书.pdf")
        var before = stat()
        XCTAssertEqual(lstat(decision.path, &before), 0)
        let handle = try FileHandle(forUpdating: decision)
        try handle.seek(toOffset: 200)
        let byte = try XCTUnwrap(try handle.read(upToCount: 1))
        try handle.seek(toOffset: 200)
        try handle.write(contentsOf: Data([byte[0] ^ 0x01]))
        try handle.close()
        var times = [before.st_atim, before.st_mtim]
        XCTAssertEqual(utimensat(AT_FDCWD, decision.path, &times, 0), 0)
        // The run's own record would find the edit by the file's change time and render the document
        // again (UnchangedRunTests); without it the run trusts the file and carries it forward.
        try FileManager.default.removeItem(at: output.appendingPathComponent(UnchangedRun.recordName))

        let second = try run("2026-01-06")
        let archive = try XCTUnwrap(second.archive)
        XCTAssertGreaterThan(archive.reused, 100)
        XCTAssertLessThan(archive.hashed, archive.reused)
        let relative = PipelineRunner.relative(decision, to: output)
        let ledger = try Ledger(root: output)
        XCTAssertFalse(ledger.entries.contains { $0?.run == 2 && $0?.path == relative }, "the carried-forward file was read again")
        XCTAssertEqual(try Verifier.verify(root: output).problems, [.fileChanged(path: relative)])
    }

    /// A first night reads none of the files it wrote back for the ledger: each is hashed as written
    /// (`WrittenDigests`). Verify, which reads every file, agrees with every hash logged; so does it after
    /// the next night, which writes some files again and keeps the rest.
    func testANightHashesWhatItWritesAndVerifyAgrees() throws {
        let first = try XCTUnwrap(try run("2026-01-06").archive)
        XCTAssertEqual(first.hashed, 0)
        XCTAssertEqual(first.reused, 0)
        XCTAssertGreaterThan(first.hashedAsWritten, 300)
        XCTAssertEqual(try Verifier.verify(root: output).problems, [])
        let second = try XCTUnwrap(try run("2026-01-21").archive)
        XCTAssertEqual(second.hashed, 0)
        XCTAssertGreaterThan(second.hashedAsWritten, 0)
        XCTAssertGreaterThan(second.reused, 100)
        XCTAssertEqual(try Verifier.verify(root: output).problems, [])
    }

    /// The file index is a cache: without it a run hashes every file again and the archive still verifies.
    func testALostFileIndexOnlyCostsAFullRehash() throws {
        _ = try run("2026-01-06")
        try FileManager.default.removeItem(at: output.appendingPathComponent(FileIndex.file))
        let second = try run("2026-01-07")
        XCTAssertEqual(second.archive?.reused, 0)
        XCTAssertGreaterThan(second.archive?.hashed ?? 0, 100, "the files kept from the first night, read again")
        XCTAssertEqual(try Verifier.verify(root: output).problems, [])
        let third = try run("2026-01-07", fullRun: true)
        XCTAssertGreaterThan(third.archive?.reused ?? 0, 100)
        XCTAssertEqual(third.archive?.added, 0)
        XCTAssertEqual(third.archive?.changed, 0)
        XCTAssertEqual(try Verifier.verify(root: output).problems, [])
    }

    /// A run appends to the ledger without reading it only while the ledger is as the file index's
    /// checkpoint says. An index older than the ledger (a crash after the ledger was extended, before
    /// the index was written) or with a wrong frontier makes the run read the whole ledger: each run
    /// still logs the changed files, and the archive verifies.
    func testAnIndexBehindTheLedgerOrWithAWrongFrontierMakesTheRunReadTheLedger() throws {
        let indexURL = output.appendingPathComponent(FileIndex.file)
        _ = try run("2026-01-06")
        let firstIndex = try Data(contentsOf: indexURL)
        let second = try run("2026-01-07")
        XCTAssertGreaterThan(second.archive?.reused ?? 0, 100, "the checkpoint matched: stamps and hashes from the index")
        try firstIndex.write(to: indexURL)
        let third = try run("2026-01-08")
        XCTAssertEqual(third.archive?.run, 3)
        XCTAssertGreaterThan(third.archive?.changed ?? 0, 0)
        XCTAssertEqual(try Verifier.verify(root: output).problems, [])

        var lines = try String(contentsOf: indexURL, encoding: .utf8).components(separatedBy: "\n")
        var fields = lines[1].components(separatedBy: "\t")
        var peaks = fields[4].components(separatedBy: ",")
        peaks[0] = String(repeating: "0", count: 64)
        fields[4] = peaks.joined(separator: ",")
        lines[1] = fields.joined(separator: "\t")
        try lines.joined(separator: "\n").write(to: indexURL, atomically: true, encoding: .utf8)
        let fourth = try run("2026-01-09")
        XCTAssertEqual(fourth.archive?.run, 4)
        XCTAssertEqual(try Verifier.verify(root: output).problems, [])
        let heads = try Ledger(root: output).heads
        XCTAssertEqual(heads.map(\.run), [1, 2, 3, 4])
    }

    func testEditingTruncatingOrExtendingTheLedgerIsCaught() throws {
        _ = try run("2026-01-06")
        _ = try run("2026-01-07")
        let ledgerURL = output.appendingPathComponent(Ledger.ledgerFile)
        let original = try Data(contentsOf: ledgerURL)
        var lines = original.split(separator: UInt8(ascii: "\n")).map(Array.init)

        // An old line edited: every head covering it no longer matches.
        let edited = String(decoding: lines[3], as: UTF8.self).replacingOccurrences(of: "\"event\":\"added\"", with: "\"event\":\"changed\"")
        lines[3] = Array(edited.utf8)
        try Data(lines.joined(separator: [UInt8(ascii: "\n")]) + [UInt8(ascii: "\n")]).write(to: ledgerURL)
        XCTAssertEqual(try Verifier.verify(root: output).problems.filter { if case .rootMismatch = $0 { return true }; return false }.count, 2)

        // Truncated: the heads claim more leaves than there are.
        try Data(original.prefix(original.count / 2)).write(to: ledgerURL)
        XCTAssertTrue(try Verifier.verify(root: output).problems.contains { if case .headBeyondLedger = $0 { return true }; return false })

        // Extended without a signed head.
        try (original + Data("{\"event\":\"added\",\"kind\":\"output\",\"path\":\"x\",\"run\":9,\"sha256\":\"00\",\"size\":1}\n".utf8))
            .write(to: ledgerURL)
        XCTAssertTrue(try Verifier.verify(root: output).problems.contains(.unsignedLeaves(count: 1)))

        // A head re-signed with another key.
        try original.write(to: ledgerURL)
        let headsURL = output.appendingPathComponent(Ledger.headsFile)
        let heads = try Data(contentsOf: headsURL)
        let text = String(decoding: heads, as: UTF8.self)
        try Data(text.replacingOccurrences(of: "\"run\":2", with: "\"run\":7").utf8).write(to: headsURL)
        XCTAssertTrue(try Verifier.verify(root: output).problems.contains(.badSignature(run: 7)))
        try heads.write(to: headsURL)
        XCTAssertEqual(try Verifier.verify(root: output).problems, [])
    }

    /// Under public/ the key would be served; under internal/, quarantine/ or archive/ a commit would sweep it away.
    func testTheSigningKeyMayNotSitInAFolderThePipelineWrites() throws {
        for place in ["public/keys/archive.key", "internal/archive.key", "quarantine/archive.key", "archive/archive.key",
                      ".staging/archive.key"] {
            var config = try Repo.config(input: export, output: output)
            config.archive.signingKey = place
            XCTAssertThrowsError(try PipelineRunner.run(RunRequest(config: config, asOf: CivilDate(iso: "2026-01-06")!)), place) { error in
                XCTAssertEqual((error as? ConfigError)?.key, "archive.signing_key", place)
                XCTAssertTrue((error as? ConfigError)?.message.contains("签名密钥不能放在") ?? false, "\(error)")
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: output.path), "nothing is written before the check (\(place))")
        }
    }

    /// A key someone left readable by others is used, with a warning that says how to fix it.
    func testAKeyReadableByOthersIsReported() throws {
        let config = try Repo.config(input: export, output: output)
        let key = config.signingKeyURL
        let first = try PipelineRunner.run(RunRequest(config: config, asOf: CivilDate(iso: "2026-01-06")!)).0
        XCTAssertNil(first.archive?.keyWarning)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key.path)
        let second = try PipelineRunner.run(RunRequest(config: config, asOf: CivilDate(iso: "2026-01-07")!)).0
        XCTAssertTrue(second.archive?.keyWarning?.contains("chmod 600") ?? false, "\(String(describing: second.archive))")
    }

    func testCaseProofsVerifyForEveryFileOfTheCase() throws {
        _ = try run("2026-01-06")
        let proofs = try Verifier.proofs(root: output, caseID: "YXSL-2025-000003")
        XCTAssertEqual(Set(proofs.map { ($0.entry.path as NSString).lastPathComponent }).isSuperset(of: ["行政处罚决定书.pdf", "法制审核意见书.pdf"]), true)
        XCTAssertTrue(proofs.contains { $0.entry.kind == .media })
        XCTAssertTrue(proofs.allSatisfy(\.verified))
        let cli = try Repo.run(Repo.executable, ["verify", "--output", output.path, "--case", "YXSL-2025-000003"])
        XCTAssertEqual(cli.code, 0, cli.output)
        XCTAssertTrue(cli.output.contains("✓ 包含证明成立"))
    }
}
