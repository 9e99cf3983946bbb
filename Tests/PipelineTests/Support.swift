import CaseModel
import Foundation
import Ingest
import TestSupport
import XCTest

/// Paths and helpers shared by the pipeline tests.
enum Repo {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let sample = root.appendingPathComponent("Examples/sample-export")
    static let generator = root.appendingPathComponent("Tests/Fixtures/gen_export.py")
    /// The built `sanxiang`: swift test builds every product into the folder that holds the test runner.
    static var executable: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("sanxiang").path
    }

    static func temporaryFolder(_ name: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sanxiang-\(name)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs gen_export.py and returns the export folder.
    static func generate(cases: Int, seed: Int, broken: Int, encoding: String = "utf-8", jsonShare: Double = 0,
                         headerStyle: String = "zh", into parent: URL) throws -> URL {
        let folder = parent.appendingPathComponent("seed\(seed)-\(encoding)-\(jsonShare)-\(headerStyle)")
        let status = try run("/usr/bin/env", ["python3", generator.path, "--out", folder.path, "--cases", "\(cases)",
                                              "--seed", "\(seed)", "--broken", "\(broken)", "--encoding", encoding,
                                              "--json-share", "\(jsonShare)", "--header-style", headerStyle])
        XCTAssertEqual(status.code, 0, status.output)
        return folder
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil) throws -> (code: Int32, output: String) {
        try Shell.run(executable, arguments, in: directory)
    }
}

/// One entry of a generator's EXPECTED_ERRORS.json.
struct ExpectedError: Decodable, Hashable {
    let file: String
    let row: Int
    let field: String
    let kind: String

    static func load(_ folder: URL) throws -> Set<ExpectedError> {
        Set(try JSONDecoder().decode([ExpectedError].self, from: Data(contentsOf: folder.appendingPathComponent("EXPECTED_ERRORS.json"))))
    }
}

extension IngestResult {
    /// (file, row) of every set-aside row.
    var setAsideRows: Set<String> { Set(errors.map { "\($0.file)#\($0.row)" }) }
}
