import CaseModel
import Foundation
import Ingest
import Pipeline
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

    /// The repository's pipeline.yml reading `input` into `output`, with other stages when given.
    /// Every regular file under `folder`, by relative path, with its bytes.
    static func files(_ folder: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let base = folder.standardizedFileURL.path + "/"
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return result }
        while let name = walker.nextObject() as? String {
            let path = base + name
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            result[name] = try Data(contentsOf: URL(fileURLWithPath: path))
        }
        return result
    }

    /// public/ and internal/ of `actual` hold the same files as those of `expected`, byte for byte.
    static func assertSameOutput(_ actual: URL, _ expected: URL, _ label: String, file: StaticString = #filePath, line: UInt = #line) throws {
        for folder in ["public", "internal"] {
            let want = try files(expected.appendingPathComponent(folder))
            let got = try files(actual.appendingPathComponent(folder))
            XCTAssertEqual(Set(got.keys).symmetricDifference(want.keys).sorted(), [], "\(label), \(folder): files in one output only",
                           file: file, line: line)
            XCTAssertEqual(want.keys.sorted().filter { got[$0] != nil && got[$0] != want[$0] }, [], "\(label), \(folder): files that differ",
                           file: file, line: line)
        }
    }

    static func config(input: URL, output: URL, stages: [StageName]? = nil) throws -> PipelineConfig {
        var config = try ConfigLoader.load(file: root.appendingPathComponent("pipeline.yml"))
        config.input = input.path
        config.output = output.path
        if let stages { config.stages = stages }
        return config
    }

    static func temporaryFolder(_ name: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sanxiang-\(name)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs gen_export.py and returns the export folder.
    /// `noMedia`: records.csv without the media files (the workers' tests need none).
    static func generate(cases: Int, seed: Int, broken: Int, encoding: String = "utf-8", jsonShare: Double = 0,
                         headerStyle: String = "zh", noMedia: Bool = false, into parent: URL) throws -> URL {
        let folder = parent.appendingPathComponent("seed\(seed)-\(encoding)-\(jsonShare)-\(headerStyle)")
        let status = try run("/usr/bin/env", ["python3", generator.path, "--out", folder.path, "--cases", "\(cases)",
                                              "--seed", "\(seed)", "--broken", "\(broken)", "--encoding", encoding,
                                              "--json-share", "\(jsonShare)", "--header-style", headerStyle]
                                             + (noMedia ? ["--no-media"] : []))
        XCTAssertEqual(status.code, 0, status.output)
        return folder
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil,
                    environment: [String: String] = [:]) throws -> (code: Int32, output: String) {
        try Shell.run(executable, arguments, in: directory, environment: environment)
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

/// Tests that change an export: each test gets its own copy of the sample (`export`)
/// and an output folder (`output`) in a temporary `parent`, removed afterwards.
class SampleCopyTestCase: XCTestCase {
    var parent: URL!
    var export: URL!
    var output: URL!

    override func setUpWithError() throws {
        parent = Repo.temporaryFolder(String(describing: type(of: self)))
        export = parent.appendingPathComponent("export")
        output = parent.appendingPathComponent("out")
        try FileManager.default.copyItem(at: Repo.sample, to: export)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: parent) }
}
