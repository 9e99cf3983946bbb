import Archive
import Foundation
@testable import Pipeline
import TestSupport
import XCTest

/// The archive takes a written file's hash from the writer instead of reading it back: that hash must be
/// the file's as it is on the disk, and must not be given for a file that changed after it was written.
final class WrittenDigestsTests: XCTestCase {
    private var output: URL!

    override func setUp() { output = Repo.temporaryFolder("written-digests") }
    override func tearDown() { try? FileManager.default.removeItem(at: output) }

    /// Over two batches of files written whole or in pieces, some paths written twice (the second time with
    /// bytes of the same length, as a page written again after the gate withheld a case), the hash given for
    /// every staged file is the one `Archiver.hashFile` reads from it; a file appended to, rewritten in place
    /// or replaced since it was written gets none, and one never written by the writer gets none.
    func testTheDigestGivenIsTheFilesOwnAndOnlyWhileItIsAsWritten() throws {
        let writer = try OutputWriter(root: output)
        var random = SplitMix64(seed: 0xD16E57)
        var expected: [String: [UInt8]] = [:]
        for number in 0..<9_000 {
            let path = "internal/documents/A\(number % 7)/C\(number / 3)/文书-\(number).pdf"
            let bytes = (0..<random.next(below: 3_000)).map { _ in UInt8(random.next(below: 256)) }
            if number % 5 == 0 {
                // In pieces, as the feeds and the review page are made.
                let text = String(decoding: bytes.map { 0x41 + $0 % 26 }, as: UTF8.self) + "。第\(number)件"
                try writer.stream(to: path) { emit in
                    var rest = Substring(text)
                    while !rest.isEmpty {
                        let cut = rest.index(rest.startIndex, offsetBy: min(rest.count, 1 + random.next(below: 700)))
                        try emit(String(rest[..<cut]))
                        rest = rest[cut...]
                    }
                }
                expected[path] = Array(text.utf8)
            } else {
                try writer.write(bytes, to: path)
                expected[path] = bytes
            }
        }
        let twice = expected.keys.sorted().filter { expected[$0]?.isEmpty == false }.prefix(300)
        for path in twice {
            guard var bytes = expected[path] else { continue }
            bytes[0] ^= 0xFF
            try writer.write(bytes, to: path)
            expected[path] = bytes
        }
        let staging = writer.staging.path
        _ = FileManager.default.createFile(atPath: staging + "/internal/stranger.txt", contents: Data("不是写入器写的".utf8))

        var changed: [String] = []
        for (index, path) in expected.keys.sorted().enumerated() where index % 97 == 0 && expected[path]?.isEmpty == false {
            let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: staging + "/" + path))
            switch index % 3 {
            case 0: try handle.seekToEnd(); try handle.write(contentsOf: Data([0x0A]))
            case 1: try handle.write(contentsOf: Data([0x00]))  // the same length, rewritten in place
            default:
                try handle.close()
                let replacement = staging + "/" + path + ".new"
                _ = FileManager.default.createFile(atPath: replacement, contents: Data(expected[path] ?? []))
                XCTAssertEqual(rename(replacement, staging + "/" + path), 0)
            }
            try? handle.close()
            changed.append(path)
        }

        let table = try writer.written.table()
        let listed = try FileWalker.list(root: writer.staging, isExcluded: { $0 == WrittenDigests.fileName })
        XCTAssertEqual(listed.count, expected.count + 1)
        var given = 0
        for file in listed {
            let digest = table.digest(of: file)
            if changed.contains(file.path) || file.path == "internal/stranger.txt" {
                XCTAssertNil(digest, file.path)
                continue
            }
            let onDisk = try XCTUnwrap(Archiver.hashFile(staging + "/" + file.path))
            XCTAssertEqual(digest, onDisk, file.path)
            given += 1
        }
        XCTAssertEqual(given, expected.count - changed.count)
        XCTAssertGreaterThan(changed.count, 60)
        for path in twice.prefix(20) where !changed.contains(path) {
            let file = try XCTUnwrap(listed.first { $0.path == path })
            XCTAssertNotNil(table.digest(of: file), "a path written twice: its last write counts")
        }
    }
}
