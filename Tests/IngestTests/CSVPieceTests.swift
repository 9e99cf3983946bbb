import CaseModel
import Foundation
@testable import Ingest
import Native
import TestSupport
import XCTest

/// The whole export's cases.csv, records.csv and child files are read, made into rows and decoded a group of pieces of
/// the file at a time (`TableReader.forEachRowBatch`, `Session.decodeInPieces`), never all their rows at once. What comes out must be what
/// the whole file read at once gives: the same rows, numbered as in the file, with the same cells, unknown columns and
/// reading defects, and the same cases, problems and balances, whatever the pieces' size.
final class CSVPieceTests: XCTestCase {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    private static let asOf = CivilDate(year: 2026, month: 1, day: 6)

    /// Every field of a row, written out: `RawRow` holds what reading found, and two rows are the same when this is.
    private func described(_ rows: [RawRow]) -> [String] {
        rows.map { "\($0.source)|\($0.cells)|\($0.extra.sorted { $0.key < $1.key })|\($0.defects)" }
    }

    private func batches(_ bytes: [UInt8], _ file: ExportFile, pieceBytes: Int) throws -> [[RawRow]] {
        var out: [[RawRow]] = []
        try TableReader.forEachRowBatch(csv: bytes, file: file, pieceBytes: pieceBytes) { out.append($0) }
        return out
    }

    /// The sample's case and record files, their rows repeated to many pieces' worth, then mutated as the fuzz test
    /// mutates (quotes, line breaks, bad bytes, deleted and repeated stretches): read in pieces of 256 bytes to 1 MB,
    /// the rows joined are the whole file's. Files whose quoting allows cutting are read in many batches.
    func testRowsReadInPiecesAreTheWholeFilesRows() throws {
        let sample = Self.root.appendingPathComponent("Examples/sample-export")
        var random = SplitMix64(seed: 0x5158_3331)
        var cutInPieces = 0
        for (name, file) in [("cases.csv", ExportFile.casesCSV), ("records.csv", .records)] {
            let original = try Iconv.convert([UInt8](try Data(contentsOf: sample.appendingPathComponent(name))), from: "GB18030", to: "UTF-8")
            let headerEnd = (original.firstIndex(of: 0x0A) ?? 0) + 1
            let body = Array(original[headerEnd...])
            let long = Array(original[..<headerEnd]) + (0..<6).flatMap { _ in body }
            for iteration in 0..<16 {
                var bytes = long
                var applied: [String] = []
                for _ in 0..<random.next(below: 4) { applied.append(Mutation.apply(to: &bytes, random: &random)) }
                let context = "\(name), iteration \(iteration), \(applied.joined(separator: " + "))"
                let whole: [String]
                do {
                    whole = described(try TableReader.rows(csv: CSVReader.parse(bytes), file: file))
                } catch {
                    // A header the whole read cannot take is refused by the batches too.
                    XCTAssertThrowsError(try batches(bytes, file, pieceBytes: 512), context)
                    continue
                }
                for pieceBytes in [256, 4096, 1 << 20] {
                    let read = try batches(bytes, file, pieceBytes: pieceBytes)
                    if read.count > 1 { cutInPieces += 1 }
                    XCTAssertEqual(read.flatMap(described), whole, "\(context), pieces of \(pieceBytes) bytes")
                }
            }
        }
        XCTAssertGreaterThan(cutInPieces, 20, "files were read in many batches")
    }

    /// Generated exports (UTF-8 with broken rows and some cases in cases.json; GB18030 with English headers), read whole
    /// with the large CSV files in pieces of 2 KB and at once: the same cases with their details (penalties, items,
    /// deliveries), reviews, records, problems in order, balances and each row's 主体代码.
    func testAnExportReadInSmallPiecesIsTheSameRead() throws {
        for (seed, encoding, header) in [(311, "utf-8", "zh"), (312, "gb18030", "en")] {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("case-pieces-\(seed)-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let result = try Shell.run("/usr/bin/env", ["python3", Self.root.appendingPathComponent("Tests/Fixtures/gen_export.py").path,
                                                        "--out", folder.path, "--cases", "400", "--seed", "\(seed)", "--broken", "16",
                                                        "--encoding", encoding, "--json-share", "0.2", "--header-style", header, "--no-media"])
            XCTAssertEqual(result.code, 0, result.output)
            let options = IngestOptions(asOf: try XCTUnwrap(Self.asOf))
            var small = options
            small.csvPieceBytes = 2048
            let whole = try ExportReader.read(folder: folder, options: options)
            let reports = Reports()
            let pieces = try ExportReader.read(folder: folder, options: small) { reports.add($0, $1) }
            let context = "seed \(seed), \(encoding)"
            XCTAssertGreaterThan(whole.cases.count, 300, context)
            XCTAssertEqual(pieces.cases, whole.cases, context)
            for item in whole.cases { XCTAssertEqual(pieces.details[item.id], whole.details[item.id], "\(context), \(item.id)") }
            XCTAssertEqual(pieces.reviews, whole.reviews, context)
            XCTAssertEqual(pieces.records, whole.records, context)
            XCTAssertEqual(pieces.problems.map(\.message), whole.problems.map(\.message), context)
            XCTAssertEqual(pieces.problems.map(\.row), whole.problems.map(\.row), context)
            XCTAssertEqual(pieces.balances, whole.balances, context)
            XCTAssertEqual(pieces.rowAgencyCodes, whole.rowAgencyCodes, context)
            // Equal evidence items of cases.csv's cases share one String's storage, in whatever piece they were read.
            let items = pieces.cases.filter { $0.source.file == ExportFile.casesCSV.rawValue }.flatMap(\.evidence)
                .filter { $0.utf8.count > StringInterner.inlineBytes }
            var storage: [String: Set<UnsafeRawPointer?>] = [:]
            for item in items {
                var copy = item
                storage[item, default: []].insert(copy.withUTF8 { UnsafeRawPointer($0.baseAddress) })
            }
            XCTAssertGreaterThan(items.count, storage.count * 2, "\(context): items repeat")
            XCTAssertEqual(storage.values.filter { $0.count > 1 }.count, 0, "\(context): one storage for equal items")
            // Progress is reported as the pieces are decoded, and ends at every row read.
            XCTAssertGreaterThan(reports.all.count, 1, context)
            XCTAssertEqual(reports.all.last.map { $0.0 == $0.1 }, true, context)
        }
    }
}

/// The progress a read reports, as it reports it.
private final class Reports: @unchecked Sendable {
    private let lock = NSLock()
    private var reports: [(Int, Int)] = []

    func add(_ done: Int, _ total: Int) { lock.withLock { reports.append((done, total)) } }
    var all: [(Int, Int)] { lock.withLock { reports } }
}
