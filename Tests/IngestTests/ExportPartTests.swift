import CaseModel
import Foundation
@testable import Ingest
import TestSupport
import XCTest

/// Reading one agency's part of an export (`ExportReader.read(folder:options:agencies:index:)`) must give what the
/// whole export's reading gives restricted to that agency: the same accepted cases with their details, reviews and
/// records, and the same problems on the same rows — on generated exports with broken rows, in every encoding and
/// header style, with cases.json beside cases.csv, and with rows that tie agencies together (a 案件编号 written under
/// two agencies, a review of one agency's case named by another's, a stray quote, child rows of no case).
final class ExportPartTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let asOf = CivilDate(iso: "2026-01-06")

    func testEachAgencysPartEqualsTheWholeReadRestricted() throws {
        for (seed, encoding, header, json) in [(31, "utf-8", "zh", "0"), (32, "gb18030", "en", "0.3"), (33, "utf-8-sig", "zh", "0.5")] {
            let folder = try generate(seed: seed, encoding: encoding, header: header, json: json)
            defer { try? FileManager.default.removeItem(at: folder) }
            try tieAgenciesTogether(folder, encoding: encoding)
            let whole = try ExportReader.read(folder: folder, options: IngestOptions(asOf: try XCTUnwrap(Self.asOf)))
            // The ties are there to be judged: two case rows repeat ids of other agencies, a delivery names no case,
            // a stray quote in records.csv sets rows aside.
            XCTAssertGreaterThanOrEqual(whole.problems.filter { $0.kind == .duplicateCaseID }.count, 2)
            XCTAssertTrue(whole.problems.contains { $0.kind == .deliveryUnknownCase })
            XCTAssertTrue(whole.problems.contains { $0.file == "records.csv" && $0.message.contains("引号") })
            try checkEveryPart(of: folder, context: "seed \(seed), \(encoding), \(header), json \(json)")
        }
    }

    func testTheSampleExportsPartsEqualTheWholeRead() throws {
        try checkEveryPart(of: Self.root.appendingPathComponent("Examples/sample-export"), context: "sample")
    }

    /// Read from its byte ranges (UTF-8) or decoded again (GB18030), a file rewritten after the index — longer, or the
    /// same length with one byte changed — stops the read, naming the file.
    func testAFileChangedSinceTheIndexStopsTheRead() throws {
        for (seed, encoding) in [(34, "utf-8"), (35, "gb18030")] {
            let folder = try generate(seed: seed, encoding: encoding, header: "zh", json: "0")
            defer { try? FileManager.default.removeItem(at: folder) }
            let options = IngestOptions(asOf: try XCTUnwrap(Self.asOf))
            for (name, change) in [("deliveries.csv", { (bytes: inout Data) in bytes.append(0x0A) }),
                                   ("cases.csv", { (bytes: inout Data) in bytes[bytes.count - 2] = 0x20 })] {
                let index = try ExportReader.index(folder: folder, options: options)
                let agency = try XCTUnwrap(index.agenciesNamed.first)
                let file = folder.appendingPathComponent(name)
                var bytes = try Data(contentsOf: file)
                change(&bytes)
                Thread.sleep(forTimeInterval: 0.01)
                try bytes.write(to: file)
                XCTAssertThrowsError(try ExportReader.read(folder: folder, options: options, agencies: [agency], index: index)) { error in
                    XCTAssertEqual(error as? IngestError, .changedSinceIndexed(file: name), encoding)
                    XCTAssertTrue((error as? IngestError)?.message.contains(name) == true)
                }
                // A new index of the changed export reads again.
                let again = try ExportReader.index(folder: folder, options: options)
                XCTAssertNoThrow(try ExportReader.read(folder: folder, options: options, agencies: [agency], index: again), encoding)
            }
        }
    }

    /// The index's records, read again one by one from their bytes, are the whole file's records: on the sample's
    /// files mutated as the fuzz test mutates them (quotes, line breaks, bad bytes, truncations), in 1 and 8 pieces.
    func testRecordsReadAgainFromTheirBytesAreTheFilesRecords() throws {
        let sample = Self.root.appendingPathComponent("Examples/sample-export")
        var random = SplitMix64(seed: 0x1D3A)
        for name in ["cases.csv", "records.csv", "deliveries.csv", "penalties.csv"] {
            let original = TextDecoding.decodeLeniently(Array(try Data(contentsOf: sample.appendingPathComponent(name)))).utf8
            for iteration in 0..<40 {
                var bytes = original
                var applied: [String] = []
                for _ in 0...random.next(below: 3) { applied.append(Mutation.apply(to: &bytes, random: &random)) }
                let context = "\(name), iteration \(iteration), \(applied.joined(separator: " + "))"
                let whole = CSVReader.parse(bytes, parts: 1)
                let header = CSVReader.header(bytes)
                XCTAssertEqual(header?.fields, whole.first?.fields, context)
                let columns = Array(0..<(header?.fields.count ?? 0))
                for parts in [1, 8] {
                    let indexed = CSVReader.index(bytes, keeping: columns, parts: parts)
                    XCTAssertEqual(indexed.map(\.line), whole.map(\.line), context)
                    XCTAssertEqual(indexed.map(\.defect), whole.map(\.defect), context)
                    let again = bytes.withUnsafeBufferPointer { buffer in
                        indexed.dropFirst().map { CSVReader.record(in: buffer, at: $0, expected: header?.fields.count) }
                    }
                    XCTAssertEqual(again.map { $0?.fields }, whole.dropFirst().map(\.fields), context)
                    XCTAssertEqual(again.map { $0?.line }, whole.dropFirst().map(\.line), context)
                }
            }
        }
    }

    // MARK: - The comparison

    private func checkEveryPart(of folder: URL, context: String) throws {
        let agencies = try ExportParts.assertEachPartIsTheWholeRestricted(folder, asOf: try XCTUnwrap(Self.asOf), context: context)
        XCTAssertGreaterThan(agencies, 1, context)
    }

    // MARK: - Exports

    private func generate(seed: Int, encoding: String, header: String, json: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("export-part-\(seed)-\(UUID().uuidString)")
        let result = try Shell.run("/usr/bin/env", ["python3", Self.root.appendingPathComponent("Tests/Fixtures/gen_export.py").path,
                                                    "--out", folder.path, "--cases", "300", "--seed", "\(seed)", "--broken", "12",
                                                    "--encoding", encoding, "--json-share", json, "--header-style", header, "--no-media"])
        XCTAssertEqual(result.code, 0, result.output)
        return folder
    }

    /// Rows that tie agencies together, written with Python's csv module in the export's own encoding: a case row
    /// copied under another agency (same 案件编号), a review naming a case of another agency than its own row's
    /// case, a delivery of no case, and a stray quote in records.csv that swallows the lines after it.
    private func tieAgenciesTogether(_ folder: URL, encoding: String) throws {
        let script = #"""
import csv, io, sys
folder, encoding = sys.argv[1], sys.argv[2]
def load(name):
    with open(f"{folder}/{name}", encoding=encoding, newline="") as f:
        return list(csv.reader(f))
def save(name, rows):
    with open(f"{folder}/{name}", "w", encoding=encoding, newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows(rows)
cases = load("cases.csv")
head = cases[0]
agency = next(i for i, h in enumerate(head) if h in ("主体代码", "agency_code"))
case_id = next(i for i, h in enumerate(head) if h in ("案件编号", "case_id"))
codes = sorted({r[agency] for r in cases[1:] if len(r) > agency and r[agency]})
other = {c: codes[(i + 1) % len(codes)] for i, c in enumerate(codes)}
usable = [r for r in cases[1:] if len(r) == len(head) and r[agency] in other]
for row in (usable[5], usable[40]):
    copy = list(row); copy[agency] = other[row[agency]]
    cases.insert(len(cases) // 2, copy)
save("cases.csv", cases)
deliveries = load("deliveries.csv")
d_case = next(i for i, h in enumerate(deliveries[0]) if h in ("案件编号", "case_id"))
orphan = list(deliveries[3]); orphan[d_case] = "NOSUCH-2025-000001"
deliveries.insert(7, orphan)
save("deliveries.csv", deliveries)
text = open(f"{folder}/records.csv", encoding=encoding, newline="").read()
lines = text.split("\r\n") if "\r\n" in text else text.split("\n")
plain = [i for i, l in enumerate(lines) if i > 10 and '"' not in l and l.count(",") > 3]
k = plain[len(plain) // 2]
lines[k] = lines[k].replace(",", ',"', 1)
sep = "\r\n" if "\r\n" in text else "\n"
open(f"{folder}/records.csv", "w", encoding=encoding, newline="").write(sep.join(lines))
"""#
        let result = try Shell.run("/usr/bin/env", ["python3", "-c", script, folder.path, encoding])
        XCTAssertEqual(result.code, 0, result.output)
    }
}

/// The comparison of an export's agency parts with its whole read, for these tests and the fuzz test.
enum ExportParts {
    /// Reads every agency's part (and two together, and an agency of none) and checks each against the whole read
    /// restricted; returns how many agencies the case rows name.
    @discardableResult
    static func assertEachPartIsTheWholeRestricted(_ folder: URL, asOf: CivilDate, context: String) throws -> Int {
        let options = IngestOptions(asOf: asOf)
        let whole = try ExportReader.read(folder: folder, options: options)
        let index = try ExportReader.index(folder: folder, options: options)
        let keys = try RowKeys(folder)
        let named = Set(keys.caseAgency.values.filter { !$0.isEmpty })
        XCTAssertEqual(Set(index.agenciesNamed), named, context)
        var parts: [Set<String>] = named.sorted().map { [$0] }
        parts.append(Set(named.sorted().prefix(2)))
        parts.append(["没有这个主体"])
        var covered = Set<String>()
        for agencies in parts {
            let part = try ExportReader.read(folder: folder, options: options, agencies: agencies, index: index)
            let label = "\(context), agencies \(agencies.sorted())"
            let ids = keys.caseIDs(of: agencies)
            let cases = whole.cases.filter { agencies.contains($0.agencyCode) }
            XCTAssertEqual(part.cases, cases, label)
            covered.formUnion(part.cases.map(\.id))
            for item in cases { XCTAssertEqual(part.details[item.id], whole.details[item.id], "\(label), \(item.id)") }
            XCTAssertEqual(part.details.count, cases.count, label)
            XCTAssertEqual(part.reviews, whole.reviews.filter { ids.contains($0.caseID) }, label)
            XCTAssertEqual(part.records, whole.records.filter { ids.contains($0.caseID) }, label)
            XCTAssertEqual(part.agencies, whole.agencies, label)
            XCTAssertEqual(part.officers, whole.officers, label)
            let expected = whole.problems.filter { $0.row > 0 && keys.belongs($0, to: agencies, ids: ids) }
            let found = part.problems.filter { $0.row > 0 }
            XCTAssertEqual(found.count, expected.count, label)
            XCTAssertEqual(found, expected, label)
            for problem in found where problem != expected.first(where: { $0 == problem }) { XCTFail("\(label): extra \(problem.message)") }
        }
        // Every accepted case is some agency's.
        XCTAssertEqual(covered, Set(whole.cases.map(\.id)), context)
        return named.count
    }

    /// Each row's keys, read the way the whole read keys its rows, as the test's own record of which rows an
    /// agency's part must hold.
    private struct RowKeys {
        var caseAgency: [SourceRef: String] = [:]
        var caseKey: [SourceRef: String] = [:]

        init(_ folder: URL) throws {
            for file in ExportFile.allCases where FileManager.default.fileExists(atPath: folder.appendingPathComponent(file.rawValue).path) {
                let decoded = TextDecoding.decodeLeniently(Array(try Data(contentsOf: folder.appendingPathComponent(file.rawValue))))
                guard let rows = try? (file == .casesJSON ? TableReader.rows(json: decoded.utf8)
                                       : TableReader.rows(csv: CSVReader.parse(decoded.utf8), file: file)) else { continue }
                let layout = TableLayout(file)
                for row in rows {
                    caseKey[row.source] = Self.cell(row, layout.index["case_id"])
                    if file == .casesCSV || file == .casesJSON { caseAgency[row.source] = Self.cell(row, layout.index["agency_code"]) }
                }
            }
        }

        static func cell(_ row: RawRow, _ column: Int?) -> String {
            guard let column, column < row.cells.count, case .text(let value)? = row.cells[column] else { return "" }
            return Normalize.code(value)
        }

        func caseIDs(of agencies: Set<String>) -> Set<String> {
            Set(caseAgency.filter { agencies.contains($0.value) }.compactMap { caseKey[$0.key] }.filter { !$0.isEmpty })
        }

        /// Whether a problem's row is one a part of these agencies reads.
        func belongs(_ problem: Problem, to agencies: Set<String>, ids: Set<String>) -> Bool {
            let source = SourceRef(file: problem.file, row: problem.row)
            switch ExportFile(rawValue: problem.file) {
            case .agencies?, .officers?: return true
            case .casesCSV?, .casesJSON?:
                return agencies.contains(caseAgency[source] ?? "") || ids.contains(caseKey[source] ?? "")
            default:
                return ids.contains(caseKey[source] ?? "")
            }
        }
    }
}
