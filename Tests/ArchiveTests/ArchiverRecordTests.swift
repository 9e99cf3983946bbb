@testable import Archive
import Crypto
import Foundation
import TestSupport
import XCTest

/// The archive logs, each night, every output file that is new, changed or gone, and its index vouches for
/// every file's hash. Checked against a model kept by this test alone: every file read and hashed here
/// after each night, compared with the hashes the model holds from the nights before.
final class ArchiverRecordTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("archiver-record-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    /// Twelve nights of random changes to a tree of files: written anew, edited in place, touched with
    /// the same bytes, replaced by a hard link to a file of the same bytes, added, deleted; some nights
    /// the index is lost (every file read again) or nothing changes.
    func testEveryNightLogsWhatChangedAsAnIndependentHashOfEveryFileSays() throws {
        for seed in [UInt64(3), 41, 977] {
            try FileManager.default.removeItem(at: folder)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try nights(seed: seed)
        }
    }

    /// The ledger's lines are made and written a block at a time: whatever the block, the ledger holds every entry's
    /// line in order, and the tree's root is the one a tree of those lines, built here leaf by leaf, has.
    func testAppendingInBlocksWritesEveryLineInOrderAndTheSameTree() throws {
        var random = SplitMix64(seed: 0x1ED6E5)
        let first = (0..<37).map { number in
            LedgerEntry(run: 1, kind: .output, path: "internal/documents/A/C\(number)/文书-\(random.next(below: 1000)).pdf", event: .added,
                        sha256: String(repeating: "0123456789abcdef", count: 4), size: random.next(below: 100_000), caseID: "C\(number)")
        }
        let second = (0..<53).map { number in
            LedgerEntry(run: 2, kind: number % 3 == 0 ? .media : .output, path: "public/p-\(number).html", event: number % 5 == 0 ? .removed : .changed,
                        sha256: number % 5 == 0 ? "" : String(repeating: "fedcba9876543210", count: 4), size: number, caseID: nil)
        }
        var expected: [String]?
        for block in [1, 7, 64, Ledger.appendBlock] {
            let root = folder.appendingPathComponent("block-\(block)")
            var frontier = MerkleFrontier()
            var heads: [TreeHead] = []
            for (night, entries) in [first, second].enumerated() {
                heads.append(try Ledger.append(entries, to: &frontier, head: { size, rootHash in
                    TreeHead(run: night + 1, asOf: "2026-01-06", input: "export", treeSize: size, rootHash: rootHash, excluded: [],
                             publicKey: "", signature: "")
                }, root: root, block: block))
            }
            let bytes = try Data(contentsOf: root.appendingPathComponent(Ledger.ledgerFile))
            let lines = bytes.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
            XCTAssertEqual(lines, try (first + second).map { String(decoding: try Ledger.encode($0), as: UTF8.self) }, "block \(block)")
            let tree = MerkleTree()
            for line in lines { tree.append(leafData: Array(line.utf8)) }
            XCTAssertEqual(heads.last?.treeSize, 90)
            XCTAssertEqual(heads.last?.rootHash, tree.root(size: tree.size)?.hex, "block \(block)")
            if let expected { XCTAssertEqual(lines, expected) } else { expected = lines }
        }
    }

    /// The index's rows read beside the listing give each file what looking it up in the tables gives:
    /// random listings and indexes (files added, gone, restamped, relogged), and no answer (the tables decide)
    /// for rows out of order, a path held twice, or a name that is not plainly composed.
    func testReadingTheIndexBesideTheListingFindsWhatTheTablesFind() throws {
        var random = SplitMix64(seed: 0x101E)
        let names = ["internal", "documents", "public", "1153", "TJLY-2025-000001", "行政处罚决定书.pdf", "送达回证-2.pdf", "a-b", "a.b", "a", "案卷"]
        func stamp(_ inode: Int) -> FileStamp { FileStamp(device: 1, inode: UInt64(inode), size: inode % 7, modifiedSeconds: inode, modifiedNanoseconds: 0) }
        for round in 0..<300 {
            let paths = Set((0..<random.next(below: 200)).map { _ in
                (0..<(1 + random.next(below: 4))).map { _ in names[random.next(below: names.count)] }.joined(separator: "/")
            }).sorted()
            let listed = paths.filter { _ in random.next(below: 10) > 0 }.map { ListedFile(path: $0, stamp: stamp(random.next(below: 4))) }
            let rows = paths.filter { _ in random.next(below: 10) > 0 }.map { path in
                FileIndex.Row(path: path, entry: FileIndex.Entry(stamp: stamp(random.next(below: 4)), leaf: random.next(below: 1000),
                                                                 sha256: String(repeating: "ab", count: 32)))
            }
            let index = FileIndex(entries: Dictionary(rows.map { ($0.path, $0.entry) }, uniquingKeysWith: { first, _ in first }))
            let state = LoggedState(outputs: [:], indexRows: rows, media: [:], frontier: MerkleFrontier(), nextRun: 1)
            let joined = try XCTUnwrap(Archiver.joined(listed, rows: rows), "round \(round)")
            let looked = Archiver.lookedUp(listed, indexed: index.entries, state: state)
            XCTAssertEqual(joined.known.map(\.logged), looked.known.map(\.logged), "round \(round)")
            XCTAssertEqual(joined.known.map(\.reusable), looked.known.map(\.reusable), "round \(round)")
            XCTAssertEqual(joined.gone, looked.gone, "round \(round)")
            // Independently of either: the rows' paths the listing does not hold, sorted.
            XCTAssertEqual(joined.gone, Set(rows.map(\.path)).subtracting(listed.map(\.path)).sorted(), "round \(round)")
            if rows.count > 1 {
                var shuffled = rows
                shuffled.swapAt(0, rows.count - 1)
                XCTAssertNil(Archiver.joined(listed, rows: shuffled), "round \(round): rows out of order")
            }
        }
        let file = ListedFile(path: "public/a.html", stamp: stamp(1))
        let row = FileIndex.Row(path: "public/a.html", entry: FileIndex.Entry(stamp: stamp(1), leaf: 3, sha256: ""))
        XCTAssertEqual(Archiver.joined([file], rows: [row])?.known.first?.reusable, true)
        XCTAssertNil(Archiver.joined([file], rows: [row, row]), "a path held twice")
        XCTAssertNil(Archiver.joined([file, file], rows: [row]), "a listing out of order")
        let decomposed = ListedFile(path: "public/e\u{301}.html", stamp: stamp(1))
        XCTAssertNil(Archiver.joined([decomposed], rows: [row]), "a name not plainly composed")
        XCTAssertNil(Archiver.joined([file], rows: nil), "the state was read from the ledger")
    }

    private func nights(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let key = try SigningKey.loadOrCreate(at: folder.appendingPathComponent("key/archive.key"))
        let excluded = ["archive/", "key/"]
        var logged: [String: String] = [:]  // the model: path → the hash its latest entry logged
        var files = Set<String>()
        for number in 0..<40 { try write("internal/documents/A\(number % 4)/C\(number)/doc-\(number).pdf", "v0-\(number)", into: &files) }
        for night in 1...12 {
            if night > 1 { try change(&files, night: night, random: &random) }
            if night % 5 == 0 { try? FileManager.default.removeItem(at: folder.appendingPathComponent(FileIndex.file)) }
            let summary = try Archiver.record(root: folder, excluded: excluded, media: [], asOf: "2026-01-06", input: "export", key: key)
            let now = try Dictionary(uniqueKeysWithValues: files.map { ($0, try hash($0)) })
            var expected: [String] = now.keys.sorted().compactMap { path in
                guard let before = logged[path] else { return "\(path) added \(now[path] ?? "")" }
                return before == now[path] ? nil : "\(path) changed \(now[path] ?? "")"
            }
            expected += logged.keys.filter { now[$0] == nil }.sorted().map { "\($0) removed " }
            let ledger = try Ledger(root: folder)
            let tonight = ledger.entries.compactMap { $0 }.filter { $0.run == night }
                .map { "\($0.path) \($0.event.rawValue) \($0.sha256)" }
            XCTAssertEqual(tonight, expected, "seed \(seed), night \(night)")
            XCTAssertEqual(summary.hashed + summary.reused, files.count, "seed \(seed), night \(night)")
            let index = try XCTUnwrap(FileIndex.load(root: folder), "seed \(seed), night \(night)")
            XCTAssertEqual(index.entries.mapValues(\.sha256), now, "seed \(seed), night \(night)")
            XCTAssertEqual(index.checkpoint?.frontier.size, ledger.entries.count)
            logged = now
        }
        // A night with nothing changed reads no file again.
        let quiet = try Archiver.record(root: folder, excluded: excluded, media: [], asOf: "2026-01-06", input: "export", key: key)
        XCTAssertEqual(quiet.hashed, 0)
        XCTAssertEqual(quiet.added + quiet.changed + quiet.removed, 0)
    }

    private func change(_ files: inout Set<String>, night: Int, random: inout SplitMix64) throws {
        guard night % 4 != 3 else { return }  // some nights nothing changes
        for path in files.sorted() {
            let url = folder.appendingPathComponent(path)
            switch random.next() % 12 {
            case 0: try write(path, "new-\(night)-\(path)", into: &files)
            case 1:  // edited in place: same inode, new time
                let handle = try FileHandle(forWritingTo: url)
                try handle.seekToEnd()
                try handle.write(contentsOf: Data("+\(night)".utf8))
                try handle.close()
            case 2:  // the same bytes, a new time
                try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: Double(1_700_000_000 + night))],
                                                      ofItemAtPath: url.path)
            case 3:  // replaced by a hard link to a copy of the same bytes (a new inode, as a kept file is staged)
                let copy = url.path + ".copy"
                try FileManager.default.copyItem(atPath: url.path, toPath: copy)
                let link = url.path + ".link"
                try FileManager.default.linkItem(atPath: copy, toPath: link)
                try FileManager.default.removeItem(atPath: copy)
                guard rename(link, url.path) == 0 else { throw CocoaError(.fileWriteUnknown) }
            case 4:
                try FileManager.default.removeItem(at: url)
                files.remove(path)
            default: break
            }
        }
        for number in 0..<Int(random.next() % 6) {
            try write("public/decisions/night-\(night)-\(number).html", "page \(night) \(number)", into: &files)
        }
    }

    private func write(_ path: String, _ text: String, into files: inout Set<String>) throws {
        let url = folder.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        files.insert(path)
    }

    private func hash(_ path: String) throws -> String {
        let data = try Data(contentsOf: folder.appendingPathComponent(path))
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
