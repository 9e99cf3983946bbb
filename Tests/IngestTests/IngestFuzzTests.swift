import CaseModel
import Dispatch
import Foundation
@testable import Ingest
import Native
import TestSupport
import XCTest

/// A bounded, deterministic fuzz target for the CSV/JSON readers: the sample
/// export's files are mutated (byte flips, inserted quotes, commas, line
/// breaks, NUL, invalid UTF-8, noncharacters, bidi controls, huge fields,
/// truncations) with a fixed seed, and every read must answer (a read that hangs
/// fails), balance every file, give every set-aside row a problem, and never quote
/// a payload. How fast the reader is belongs to `make bench-ingest`, not here.
final class IngestFuzzTests: XCTestCase {
    /// Enough to meet every mutation many times, few enough for CI: about 10 s in a debug build on the 2-core VM.
    static let iterations = 60
    static let seed: UInt64 = 0x5A4E_5849_414E_4731

    /// Distinctive strings planted by the mutations: longer than any excerpt
    /// a message may quote, and shaped like personal data.
    static let payloads = [
        "FUZZ身份证号码110105194912310021<script>alert(1)</script>",
        "FUZZ联系电话13912345678住所云南省玉溪市红塔区某某路88号院3栋",
        "FUZZ\u{202E}gnp.exe\u{202C}张三的银行卡号6222020200112233445",
    ]

    private static let files = ["cases.csv", "cases.json", "agencies.csv", "officers.csv", "reviews.csv", "records.csv",
                                "penalties.csv", "items.csv", "deliveries.csv"]
    private static let utf8Cases = "cases.csv (UTF-8)"

    func testMutatedExportsNeverCrashHangOrLoseRows() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let sample = root.appendingPathComponent("Examples/sample-export")
        var originals = try Dictionary(uniqueKeysWithValues: Self.files.map { ($0, [UInt8](try Data(contentsOf: sample.appendingPathComponent($0)))) })
        // The sample's CSV files are GB18030; a UTF-8 copy of cases.csv exercises the other decoder.
        originals[Self.utf8Cases] = try Iconv.convert(originals["cases.csv"] ?? [], from: "GB18030", to: "UTF-8")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ingest-fuzz-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: sample, to: folder)

        var random = SplitMix64(seed: Self.seed)
        for iteration in 0..<Self.iterations {
            let source = (Self.files + [Self.utf8Cases])[random.next(below: Self.files.count + 1)]
            let target = source == Self.utf8Cases ? "cases.csv" : source
            var bytes = originals[source] ?? []
            var applied: [String] = []
            for _ in 0...random.next(below: 3) { applied.append(Mutation.apply(to: &bytes, random: &random)) }
            try Data(bytes).write(to: folder.appendingPathComponent(target))
            defer { try? Data(originals[target] ?? []).write(to: folder.appendingPathComponent(target)) }
            let context = "iteration \(iteration), \(source), \(applied.joined(separator: " + "))"
            try check(folder, context: context, checkParts: iteration % 3 == 0)
        }
    }

    /// Reads on another thread so a hang fails the test instead of stalling CI.
    private func check(_ folder: URL, context: String, checkParts: Bool) throws {
        let done = DispatchSemaphore(value: 0)
        let box = OutcomeBox()
        let asOf = try XCTUnwrap(CivilDate(iso: "2026-01-06"))
        DispatchQueue.global().async {
            box.outcome = Result { try ExportReader.read(folder: folder, options: IngestOptions(asOf: asOf)) }
            done.signal()
        }
        guard done.wait(timeout: .now() + 30) == .success else {
            XCTFail("no answer after 30 s: \(context)")
            return
        }
        switch box.outcome {
        case .success(let result)?:
            assertAccounted(result, context: context)
            // Read an agency at a time, the mutated export gives each agency what the whole read gives it.
            // (Every third mutation: each check reads the export once per agency.)
            if checkParts { try ExportParts.assertEachPartIsTheWholeRestricted(folder, asOf: asOf, context: context) }
        case .failure(let error as IngestError)?:
            // Only a mangled agencies.csv or officers.csv may stop the run, and it says which.
            XCTAssertTrue(error.message.contains("agencies.csv") || error.message.contains("officers.csv"), "\(context): \(error.message)")
            assertNoPayload(error.message, context: context)
        case .failure(let error)?:
            XCTFail("\(context): unexpected error \(error)")
        case nil:
            XCTFail("\(context): no outcome")
        }
    }

    private func assertAccounted(_ result: IngestResult, context: String) {
        for balance in result.balances {
            XCTAssertEqual(balance.read, balance.accepted + balance.setAside, "\(context): \(balance.file)")
            // Every set-aside row has at least one error of its own: nothing is lost without a word.
            let rows = Set(result.errors.filter { $0.file == balance.file && $0.row > 0 }.map(\.row))
            XCTAssertEqual(rows.count, balance.setAside, "\(context): \(balance.file)")
            XCTAssertTrue(rows.allSatisfy { $0 <= balance.read }, "\(context): \(balance.file)")
        }
        for file in result.lostRequiredFiles {
            XCTAssertTrue(result.errors.contains { $0.file == file && $0.row == 0 && $0.kind == .unreadableFile }, "\(context): \(file)")
        }
        for problem in result.problems {
            assertNoPayload(problem.message, context: context)
            XCTAssertLessThan(problem.message.utf8.count, 1_000, "\(context): \(problem.kind)")
            XCTAssertLessThanOrEqual(problem.caseID?.utf8.count ?? 0, CaseIDRules.maxBytes, context)
        }
        for item in result.cases {
            XCTAssertTrue(CaseIDRules.isSafe(item.id), "\(context): accepted an unsafe case id")
        }
    }

    private func assertNoPayload(_ message: String, context: String) {
        for payload in Self.payloads {
            XCTAssertFalse(message.contains(payload), "\(context): a message quotes a payload")
            XCTAssertFalse(message.contains(String(payload.suffix(24))), "\(context): a message quotes part of a payload")
        }
    }
}

private final class OutcomeBox: @unchecked Sendable {
    var outcome: Result<IngestResult, Error>?
}

/// The mutations, each chosen and placed by the generator.
enum Mutation {
    static let insertions: [[UInt8]] = [
        Array("\"".utf8), Array(",".utf8), Array("\n".utf8), Array("\r\n".utf8), Array("\"\"".utf8), Array(",\"".utf8),
        [0x00], [0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xEF, 0xBF, 0xBE], [0xEF, 0xBF, 0xBF], [0x81],
        Array("\u{202E}".utf8), Array("\u{200B}".utf8), Array("\u{FEFF}".utf8), Array("\\ud800".utf8), [0x1B],
        Array("..".utf8), Array("/".utf8), Array("}".utf8), Array("[".utf8),
    ]

    static func apply(to bytes: inout [UInt8], random: inout SplitMix64) -> String {
        let at = random.next(below: bytes.count + 1)
        // Huge fields are the slowest mutation in a debug build, so they come more rarely.
        switch random.next(below: 16) {
        case 0, 13, 14:
            guard !bytes.isEmpty else { return "flip on empty" }
            let index = min(at, bytes.count - 1)
            bytes[index] ^= UInt8(1 + random.next(below: 255))
            return "flip@\(index)"
        case 1, 2, 8, 9, 10:
            let insert = insertions[random.next(below: insertions.count)]
            bytes.insert(contentsOf: insert, at: at)
            return "insert\(insert)@\(at)"
        case 3, 11:
            let payload = IngestFuzzTests.payloads[random.next(below: IngestFuzzTests.payloads.count)]
            bytes.insert(contentsOf: Array(payload.utf8), at: at)
            return "payload@\(at)"
        case 4:
            // A huge field: over the per-field limit, with a payload inside.
            let payload = Array(IngestFuzzTests.payloads[random.next(below: IngestFuzzTests.payloads.count)].utf8)
            var huge = [UInt8](repeating: UInt8(ascii: "x"), count: IngestLimits.maxFieldBytes + 10)
            huge.replaceSubrange(0..<payload.count, with: payload)
            bytes.insert(contentsOf: huge, at: at)
            return "huge@\(at)"
        case 5, 12:
            bytes.removeSubrange(at..<min(bytes.count, at + 1 + random.next(below: 64)))
            return "delete@\(at)"
        case 6:
            bytes.removeSubrange(at...)
            return "truncate@\(at)"
        default:
            // Repeat a stretch (a duplicated line or half a record).
            let length = min(bytes.count - at, 1 + random.next(below: 400))
            bytes.insert(contentsOf: Array(bytes[at..<at + length]), at: at)
            return "repeat@\(at)+\(length)"
        }
    }
}
