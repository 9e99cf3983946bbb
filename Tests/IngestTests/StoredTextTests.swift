import CaseModel
import Foundation
@testable import Ingest
import Native
import TestSupport
import XCTest

/// An export read with its long texts kept in a store (`IngestOptions.textStore`, as a night reads it) is the same
/// read as with them in memory: the same cases with the same texts and the same encoding, from cases.csv (in pieces)
/// and cases.json, whole or an agency's part, in UTF-8 and GB18030; and every long text is in the store.
final class StoredTextTests: XCTestCase {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    private static let asOf = CivilDate(year: 2026, month: 1, day: 6)

    func testAnExportReadWithItsTextsStoredIsTheSameRead() throws {
        for (seed, encoding, header) in [(321, "utf-8", "zh"), (322, "gb18030", "en")] {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stored-texts-\(seed)-\(UUID().uuidString)")
            let spillFolder = folder.appendingPathExtension("spill")
            defer {
                try? FileManager.default.removeItem(at: folder)
                try? FileManager.default.removeItem(at: spillFolder)
            }
            let result = try Shell.run("/usr/bin/env", ["python3", Self.root.appendingPathComponent("Tests/Fixtures/gen_export.py").path,
                                                        "--out", folder.path, "--cases", "300", "--seed", "\(seed)", "--broken", "12",
                                                        "--encoding", encoding, "--json-share", "0.3", "--header-style", header, "--no-media"])
            XCTAssertEqual(result.code, 0, result.output)
            try FileManager.default.createDirectory(at: spillFolder, withIntermediateDirectories: true)
            let context = "seed \(seed), \(encoding)"
            let asOf = try XCTUnwrap(Self.asOf)
            let inMemory = try ExportReader.read(folder: folder, options: IngestOptions(asOf: asOf))
            let store = try XCTUnwrap(TextSpillFile(folder: spillFolder.path))
            var options = IngestOptions(asOf: asOf, textStore: store)
            options.csvPieceBytes = 4096
            let stored = try ExportReader.read(folder: folder, options: options)
            try assertSame(stored, inMemory, atLeast: 200, context: context)
            XCTAssertTrue(stored.cases.contains { $0.source.file == ExportFile.casesJSON.rawValue }, context)
            XCTAssertGreaterThan(store.size, 100_000, context)

            // An agency's part, read as a worker reads it.
            let index = try ExportReader.index(folder: folder, options: options)
            let agency = try XCTUnwrap(index.agenciesNamed.first)
            let part = try ExportReader.read(folder: folder, options: options, agencies: [agency], index: index)
            let partInMemory = try ExportReader.read(folder: folder, options: IngestOptions(asOf: asOf), agencies: [agency], index: index)
            try assertSame(part, partInMemory, atLeast: 20, context: "\(context), part")
            XCTAssertEqual(store.failedReads, 0, context)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: spillFolder.path), [], "\(context): the store has no name")
        }
    }

    private func assertSame(_ stored: IngestResult, _ inMemory: IngestResult, atLeast cases: Int, context: String) throws {
        XCTAssertGreaterThanOrEqual(inMemory.cases.count, cases, context)
        XCTAssertEqual(stored.cases, inMemory.cases, context)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        XCTAssertEqual(try encoder.encode(stored.cases), try encoder.encode(inMemory.cases), context)
        XCTAssertEqual(stored.problems.map(\.message), inMemory.problems.map(\.message), context)
        var long = 0
        for item in stored.cases {
            let details = try XCTUnwrap(stored.details[item.id], "\(context), \(item.id)")
            XCTAssertEqual(details, inMemory.details[item.id], "\(context), \(item.id)")
            XCTAssertEqual(try encoder.encode(details), try encoder.encode(inMemory.details[item.id]), "\(context), \(item.id)")
            for text in [item.factsText, item.decisionText, details.procedure.narrativeText] {
                let isLong = text.string.utf8.count >= ExportText.minimumStoredBytes
                XCTAssertEqual(text.isStored, isLong, "\(context), \(item.id): \(text.string.prefix(20))")
                if isLong { long += 1 }
            }
        }
        XCTAssertGreaterThan(long, inMemory.cases.count, "\(context): most cases have long texts")
    }
}
