import CaseModel
import Foundation
import Ingest
@testable import Pipeline
import XCTest

/// The quarantine against the answer keys of real-shaped exports: exactly the
/// deliberately broken rows are set aside, with the contract's field and kind.
final class ExportConformanceTests: XCTestCase {
    let asOf = CivilDate(iso: "2026-01-06")!

    private func assertMatchesAnswerKey(_ folder: URL, file: StaticString = #filePath, line: UInt = #line) throws -> IngestResult {
        let result = try ExportReader.read(folder: folder, options: IngestOptions(asOf: asOf))
        let expected = try ExpectedError.load(folder)
        XCTAssertEqual(result.setAsideRows, Set(expected.map { "\($0.file)#\($0.row)" }), folder.lastPathComponent,
                       file: file, line: line)
        // The contract's field and kind are among each row's problems.
        for entry in expected {
            let found = result.errors.contains { $0.file == entry.file && $0.row == entry.row && $0.field == entry.field
                && $0.kind.rawValue == entry.kind }
            XCTAssertTrue(found, "\(folder.lastPathComponent): \(entry)", file: file, line: line)
        }
        return result
    }

    func testBundledSampleExport() throws {
        let result = try assertMatchesAnswerKey(Repo.sample)
        XCTAssertEqual(result.setAsideRows.count, 13)
        let manifest = try Manifest.load(Repo.sample)
        XCTAssertEqual(result.cases.count, manifest.rows.casesValid)
        XCTAssertEqual(Dictionary(grouping: result.cases, by: \.actionType.rawValue).mapValues(\.count), manifest.countsByActionType)
    }

    func testGeneratedExportsAcrossSeedsEncodingsAndJSON() throws {
        let parent = Repo.temporaryFolder("conformance")
        defer { try? FileManager.default.removeItem(at: parent) }
        let variants: [(seed: Int, encoding: String, json: Double, header: String)] = [
            (11, "utf-8", 0, "zh"), (12, "utf-8-sig", 0.3, "zh"), (13, "gb18030", 0.5, "en"),
            (14, "gb18030", 0, "zh"), (15, "utf-8", 1.0, "zh"),
        ]
        for variant in variants {
            let folder = try Repo.generate(cases: 240, seed: variant.seed, broken: 16, encoding: variant.encoding,
                                           jsonShare: variant.json, headerStyle: variant.header, into: parent)
            let result = try assertMatchesAnswerKey(folder)
            let manifest = try Manifest.load(folder)
            XCTAssertEqual(result.cases.count, manifest.rows.casesValid, folder.lastPathComponent)
            XCTAssertEqual(Dictionary(grouping: result.cases, by: \.actionType.rawValue).mapValues(\.count),
                           manifest.countsByActionType, folder.lastPathComponent)
            let fines = result.cases.reduce(Yuan.zero) { $0 + ($1.fine ?? .zero) }
            XCTAssertEqual(fines.decimalString, manifest.fineTotalAll, folder.lastPathComponent)
        }
    }

    func testUTF8AndGB18030ExportsNormaliseIdentically() throws {
        let parent = Repo.temporaryFolder("encodings")
        defer { try? FileManager.default.removeItem(at: parent) }
        var results: [IngestResult] = []
        for encoding in ["utf-8", "utf-8-sig", "gb18030"] {
            let folder = try Repo.generate(cases: 200, seed: 21, broken: 8, encoding: encoding, jsonShare: 0.2, into: parent)
            results.append(try ExportReader.read(folder: folder, options: IngestOptions(asOf: asOf)))
        }
        XCTAssertEqual(results[0].cases.map(CanonicalJSON.payload(of:)), results[2].cases.map(CanonicalJSON.payload(of:)))
        XCTAssertEqual(results[0].cases, results[1].cases)
        XCTAssertEqual(results[0].cases, results[2].cases)
        XCTAssertEqual(results[0].officers, results[2].officers)
        XCTAssertEqual(results[0].reviews, results[2].reviews)
        XCTAssertEqual(results[0].records, results[2].records)
        XCTAssertEqual(results[0].problems, results[2].problems)
        XCTAssertEqual(results[2].balances.first { $0.file == "cases.csv" }?.encoding, "GB18030")
    }
}

/// The parts of a generator's MANIFEST.json the tests compare against.
struct Manifest: Decodable {
    struct Rows: Decodable {
        let casesValid: Int
        enum CodingKeys: String, CodingKey { case casesValid = "cases_valid" }
    }

    let rows: Rows
    let countsByActionType: [String: Int]
    let fineTotalAll: String

    enum CodingKeys: String, CodingKey {
        case rows, countsByActionType = "counts_by_action_type", fineTotalAll = "fine_total_all"
    }

    static func load(_ folder: URL) throws -> Manifest {
        try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: folder.appendingPathComponent("MANIFEST.json")))
    }
}
