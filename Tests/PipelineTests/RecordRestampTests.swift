import Archive
import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import Pipeline
import XCTest

/// `report --year` and `check --output` keep the nightly record true for the files they only carry forward, reading the
/// record and the output side by side a piece at a time (`UnchangedRun.restamp`): tried here on a record of several
/// pieces, against stamps written out by the test itself.
final class RecordRestampTests: XCTestCase {
    private var parent: URL!
    private var output: URL!
    private var config: PipelineConfig!

    override func setUpWithError() throws {
        parent = Repo.temporaryFolder("RecordRestampTests")
        output = parent.appendingPathComponent("out")
        config = try Repo.config(input: Repo.sample, output: output)
        // 5,000 files with long names, whose record lines (≈ 475 bytes each) make over two megabytes: the reader's pieces are one.
        for folder in 0..<100 {
            let url = output.appendingPathComponent("public/decisions/\(String(repeating: "案", count: 60))-\(folder)")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            for file in 0..<50 {
                try Data("\(folder)/\(file)".utf8).write(to: url.appendingPathComponent("文书-\(String(repeating: "x", count: 200))-\(file).pdf"))
            }
        }
    }

    override func tearDown() { try? FileManager.default.removeItem(at: parent) }

    private var recordURL: URL { output.appendingPathComponent(UnchangedRun.recordName) }

    /// The record as a night writes it, from the output as it stands.
    private func writeRecord() throws -> (header: String, lines: [String]) {
        let listed = try UnchangedRun.outputListing(config)
        let lines = listed.map { "\(stampText($0))\t\($0.path)" }
        let header = String(decoding: try JSONEncoder().encode(UnchangedRun.Header(format: UnchangedRun.format, inputs: "inputs",
                                                                                   outputs: "outputs", summary: "{}", gateKey: nil)),
                            as: UTF8.self)
        try Data(([header] + lines).map { $0 + "\n" }.joined().utf8).write(to: recordURL)
        return (header, lines)
    }

    /// A stamp as the record's format says it is written, made here from the listed numbers.
    private func stampText(_ file: ListedFile) -> String {
        "\(file.isLink ? "L" : "F")/\(file.stamp.device)/\(file.stamp.inode)/\(file.stamp.size)/"
            + "\(file.stamp.modifiedSeconds).\(file.stamp.modifiedNanoseconds)/\(file.changed.seconds).\(file.changed.nanoseconds)"
    }

    private func recordLines() throws -> [String] {
        try String(contentsOf: recordURL, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// A file hard-linked, as a command's swap keeps it: same inode, size and modification time, a new change time (a link
    /// made and removed again; renaming a link over its own file would do nothing).
    private func relink(_ path: String) throws {
        let url = output.appendingPathComponent(path)
        let link = url.path + ".link"
        XCTAssertEqual(Glibc.link(url.path, link), 0)
        XCTAssertEqual(unlink(link), 0)
    }

    func testKeptFilesGetTheirNewChangeTimeAndNothingElseDoes() throws {
        let (header, recorded) = try writeRecord()
        XCTAssertGreaterThan(try Data(contentsOf: recordURL).count, 2 << 20, "the record spans several pieces")
        let paths = recorded.map { String($0.split(separator: "\t", maxSplits: 1)[1]) }
        // Edited after the record was written and before the command: never restamped.
        let edited = paths[1234]
        usleep(20_000)
        try Data("edited".utf8).write(to: output.appendingPathComponent(edited))
        let before = try XCTUnwrap(UnchangedRun.stampsBeforeOtherCommand(config))

        // The command: keeps every file by a hard link, but writes one anew, removes one and adds one.
        usleep(20_000)
        let rewritten = paths[3000], removed = paths[4999]
        for path in paths where path != removed { try relink(path) }
        let rewrittenURL = output.appendingPathComponent(rewritten)
        try Data(contentsOf: rewrittenURL).write(to: URL(fileURLWithPath: rewrittenURL.path + ".new"))
        XCTAssertEqual(rename(rewrittenURL.path + ".new", rewrittenURL.path), 0)
        try FileManager.default.removeItem(at: output.appendingPathComponent(removed))
        try Data("new".utf8).write(to: output.appendingPathComponent("public/decisions/new.html"))
        try UnchangedRun.restamp(config, before: before, listed: nil)

        let after = Dictionary(uniqueKeysWithValues: try UnchangedRun.outputListing(config).map { ($0.path, stampText($0)) })
        let expected = try [header] + zip(paths, recorded).map { path, line in
            [edited, rewritten, removed].contains(path) ? line : "\(try XCTUnwrap(after[path]))\t\(path)"
        } + [""]
        let lines = try recordLines()
        XCTAssertEqual(lines.count, expected.count)
        XCTAssertEqual(lines.indices.filter { lines[$0] != expected[$0] }.prefix(5).map { lines[$0] }, [])
        XCTAssertNotEqual(lines[1], recorded[0], "a kept file's line changed")
        XCTAssertFalse(FileManager.default.fileExists(atPath: recordURL.path + ".tmp"))
    }

    /// A night whose output is not the recorded one (after `report --year`, an edit) finds the files to make again by the
    /// same side-by-side reading: an edited, a relinked, an added file; not a removed one (nothing to keep).
    func testTheFilesNotAsRecordedAreFound() throws {
        let (_, recorded) = try writeRecord()
        let paths = recorded.map { String($0.split(separator: "\t", maxSplits: 1)[1]) }
        let header = try XCTUnwrap(RecordLines(config)).header
        usleep(20_000)
        let edited = paths[17], relinked = paths[2500], removed = paths[4000], added = "public/decisions/added.html"
        try Data("edited".utf8).write(to: output.appendingPathComponent(edited))
        try relink(relinked)
        try FileManager.default.removeItem(at: output.appendingPathComponent(removed))
        try Data("added".utf8).write(to: output.appendingPathComponent(added))
        let expected: Set = [edited, relinked, added]
        XCTAssertEqual(try UnchangedRun.damagedFiles(config, header: header, listed: nil), expected)
        XCTAssertEqual(try UnchangedRun.damagedFiles(config, header: header, listed: try UnchangedRun.outputListing(config)), expected)
        XCTAssertEqual(try UnchangedRun.damagedFilesWhole(config, header: header, listed: nil), expected)
        var other = header
        other.inputs = "other"
        XCTAssertNil(try UnchangedRun.damagedFiles(config, header: other, listed: nil), "not this record")
        // A record out of order is compared whole, with the same answer.
        var lines = try recordLines()
        lines.swapAt(1, 2)
        try Data(lines.joined(separator: "\n").utf8).write(to: recordURL)
        XCTAssertEqual(try UnchangedRun.damagedFiles(config, header: header, listed: nil), expected)
    }

    func testARecordThatDoesNotReadInOrderIsLeftAlone() throws {
        let (header, lines) = try writeRecord()
        var swapped = lines
        swapped.swapAt(100, 101)
        let spoiled: [(String, String)] = [
            ("two lines swapped", ([header] + swapped).map { $0 + "\n" }.joined()),
            ("the last line cut short", String(([header] + lines).map { $0 + "\n" }.joined().dropLast(3))),
            ("a line without its tab", ([header] + lines.enumerated().map { $0 == 3000 ? "F/1/2/3" : $1 }).map { $0 + "\n" }.joined()),
            ("a path twice", ([header] + lines[..<500] + lines[499...]).map { $0 + "\n" }.joined()),
        ]
        for (what, text) in spoiled {
            try Data(text.utf8).write(to: recordURL)
            XCTAssertNil(try UnchangedRun.stampsBeforeOtherCommand(config), what)
        }
        // A record of another format is no record.
        try Data((["{\"format\":\"other\"}"] + lines).map { $0 + "\n" }.joined().utf8).write(to: recordURL)
        XCTAssertNil(try UnchangedRun.stampsBeforeOtherCommand(config))
    }

    func testARecordReplacedDuringTheCommandIsNotRestamped() throws {
        let (header, lines) = try writeRecord()
        let before = try XCTUnwrap(UnchangedRun.stampsBeforeOtherCommand(config))
        // Another record takes its place (one file fewer): the bits were taken from the other one's lines.
        let replacement = Data(([header] + lines.dropFirst()).map { $0 + "\n" }.joined().utf8)
        try replacement.write(to: recordURL, options: .atomic)
        usleep(20_000)
        for file in try UnchangedRun.outputListing(config) { try relink(file.path) }
        try UnchangedRun.restamp(config, before: before, listed: nil)
        XCTAssertEqual(try Data(contentsOf: recordURL), replacement)
    }
}
