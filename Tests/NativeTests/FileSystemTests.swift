import Foundation
import Native
import XCTest

/// `holds(_:exactly:)` decides whether a stage keeps last night's file instead of writing its own:
/// it must answer yes only for a regular file with those very bytes.
final class FileSystemTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("sanxiang-fs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: folder)
    }

    private func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A file read whole is its bytes exactly: empty, one byte, sizes about a read's and a few megabytes of random bytes;
    /// nil for what cannot be read as a file.
    func testContentsAreTheFilesBytes() throws {
        var generator = SystemRandomNumberGenerator()
        for size in [0, 1, 4095, 65_536, 65_537, 3_000_001] {
            let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
            XCTAssertEqual(FileSystem.contents(try file("f\(size)", bytes)), bytes, "\(size) bytes")
        }
        XCTAssertNil(FileSystem.contents(folder.appendingPathComponent("missing").path))
        XCTAssertNil(FileSystem.contents(folder.path), "a folder is not read as a file")
    }

    func testHoldsExactlyTheSameBytesOnly() throws {
        let report = Array("{\"removed\": [\"姓名\"]}\n".utf8)
        let path = try file("report.json", report)
        XCTAssertTrue(FileSystem.holds(path, exactly: report))
        var changed = report
        changed[3] ^= 1
        XCTAssertFalse(FileSystem.holds(path, exactly: changed), "same size, one byte different")
        XCTAssertFalse(FileSystem.holds(path, exactly: Array(report.dropLast())), "shorter")
        XCTAssertFalse(FileSystem.holds(path, exactly: report + [0x0A]), "longer")
        XCTAssertTrue(FileSystem.holds(try file("empty", []), exactly: []))
        XCTAssertFalse(FileSystem.holds(folder.appendingPathComponent("missing").path, exactly: []))
        XCTAssertFalse(FileSystem.holds(folder.path, exactly: []), "a folder holds no bytes")
        let link = folder.appendingPathComponent("link.json").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
        XCTAssertFalse(FileSystem.holds(link, exactly: report), "a link is not the pipeline's own file")
        // Larger than one read: a page of a few hundred kilobytes.
        let page = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let pagePath = try file("page.html", page)
        XCTAssertTrue(FileSystem.holds(pagePath, exactly: page))
        var late = page
        late[page.count - 1] ^= 0xFF
        XCTAssertFalse(FileSystem.holds(pagePath, exactly: late), "the last byte counts")
    }
}
