@testable import Archive
import Foundation
import XCTest

/// The file index is read and written byte by byte; it must read back exactly what was written, across the
/// whole range of each number (device and inode numbers use all 64 bits), and refuse a line it cannot read.
final class FileIndexTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("file-index-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("archive"), withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    /// The index's numbers are written without a String each: the digits must be String(n)'s, every sign and size.
    func testDecimalDigitsAreStringsDigits() {
        var generator = SystemRandomNumberGenerator()
        var numbers = [0, 1, -1, 9, 10, -10, 99, 100, Int.max, Int.min, Int.max - 1, Int.min + 1, 1_000_000_007, -4_294_967_296]
        numbers += (0..<2_000).map { _ in Int.random(in: Int.min...Int.max, using: &generator) >> Int.random(in: 0...62, using: &generator) }
        for number in numbers {
            var bytes: [UInt8] = [0x41]
            FileIndex.appendDecimal(number, to: &bytes)
            XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "A" + String(number))
        }
    }

    func testUnsignedDecimalDigitsAreStringsDigits() {
        var generator = SystemRandomNumberGenerator()
        var numbers: [UInt64] = [0, 1, 9, 10, 99, 100, UInt64.max, UInt64.max - 1, UInt64(Int64.max) + 1, 18_446_744_073_709_551_615]
        numbers += (0..<2_000).map { _ in UInt64.random(in: 0...UInt64.max, using: &generator) >> UInt64.random(in: 0...63, using: &generator) }
        for number in numbers {
            var bytes: [UInt8] = [0x41]
            FileIndex.appendDecimal(number, to: &bytes)
            XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "A" + String(number))
        }
    }

    func testEveryFieldReadsBackAsWritten() throws {
        var entries: [String: FileIndex.Entry] = [:]
        let extremes: [(UInt64, UInt64, Int, Int, Int)] = [
            (0, 0, 0, 0, 0), (UInt64.max, UInt64(Int64.max) + 7, Int.max, Int.min + 1, 999_999_999),
            (2049, 1_234_567_890_123, 4096, -1, 5), (66306, 42, 1, 1_764_806_400, 123_456_789),
        ]
        for (number, (device, inode, size, seconds, nanoseconds)) in extremes.enumerated() {
            let stamp = FileStamp(device: device, inode: inode, size: size, modifiedSeconds: seconds, modifiedNanoseconds: nanoseconds)
            entries["internal/documents/机关\(number)/案件 \(number)/决定书\t附件.pdf"] = FileIndex.Entry(stamp: stamp, leaf: number * 1000,
                                                                                                    sha256: String(repeating: "ab", count: 32))
            entries["internal/documents/机关\(number)/案件 \(number)/决定书.pdf"] = FileIndex.Entry(stamp: stamp, leaf: number * 1000 + 1,
                                                                                               sha256: String(repeating: "\(number)", count: 64))
        }
        let hash = String(repeating: "0123456789abcdef", count: 4)
        entries["public/index.html"] = FileIndex.Entry(stamp: FileStamp(device: 1, inode: 2, size: 3, modifiedSeconds: 4,
                                                                          modifiedNanoseconds: 5), leaf: 17, sha256: hash)
        var frontier = MerkleFrontier()
        for number in 0..<11 { frontier.append(leafHash: MerkleTree.leafHash(Array("\(number)".utf8))) }
        let checkpoint = LedgerCheckpoint(ledgerBytes: 123_456, frontier: frontier, rootHash: frontier.root.hex,
                                          media: ["media/录像 1.mp4": .init(leaf: 3, sha256: hash), "media/b.jpg": .init(leaf: 9, sha256: hash)])
        let writable = entries.filter { !$0.key.contains("\t") }
        try FileIndex(entries: writable, checkpoint: checkpoint).write(root: folder)
        XCTAssertEqual(FileIndex.load(root: folder), FileIndex(entries: writable, checkpoint: checkpoint))
        // Read a few bytes at a time (lines cut anywhere, the checkpoint's and media lines among them): the same index.
        for piece in [1, 2, 7, 64, 300] {
            XCTAssertEqual(FileIndex.load(path: folder.appendingPathComponent(FileIndex.file).path, piece: piece),
                           FileIndex(entries: writable, checkpoint: checkpoint), "pieces of \(piece) bytes")
        }
        let text = try String(contentsOf: folder.appendingPathComponent(FileIndex.file), encoding: .utf8)
        XCTAssertTrue(text.contains("17\t1\t2\t3\t4\t5\t\(hash)\tpublic/index.html\n"), text)

        // A path with a tab (the field separator) cannot be held: the others are, with a checkpoint that matches no
        // ledger, so the next run reads the ledger instead of taking that file for one never logged. So for media.
        try FileIndex(entries: entries, checkpoint: checkpoint).write(root: folder)
        XCTAssertEqual(FileIndex.load(root: folder)?.entries, writable)
        XCTAssertEqual(FileIndex.load(root: folder)?.checkpoint?.ledgerBytes, -1)
        var tabbedMedia = checkpoint
        tabbedMedia.media["media/a\tb.jpg"] = .init(leaf: 1, sha256: hash)
        try FileIndex(entries: writable, checkpoint: tabbedMedia).write(root: folder)
        XCTAssertEqual(FileIndex.load(root: folder)?.checkpoint?.ledgerBytes, -1)
        // An entry without its hash (read from an index of v1) is not written: the next run hashes that file.
        try FileIndex(entries: ["public/a.html": .init(stamp: entries["public/index.html"]!.stamp, leaf: 1)]).write(root: folder)
        XCTAssertEqual(FileIndex.load(root: folder)?.entries, [:])
        XCTAssertEqual(FileIndex.load(root: folder)?.checkpoint?.ledgerBytes, -1, "no checkpoint: one that matches no ledger")
    }

    /// A v2 index whose checkpoint, media or hash field cannot be read is no index at all.
    func testABrokenVersionTwoIndexIsUnknown() throws {
        let url = folder.appendingPathComponent(FileIndex.file)
        let hash = String(repeating: "a", count: 64)
        let peak = String(repeating: "b", count: 64)
        let good = "sanxiang-file-index-v2\nledger\t10\t1\t\(hash)\t\(peak)\nmedia\t0\t\(hash)\tmedia/a.jpg\n1\t2\t3\t4\t5\t6\t\(hash)\tpublic/b.html\n"
        try Data(good.utf8).write(to: url)
        XCTAssertEqual(FileIndex.load(root: folder)?.entries["public/b.html"]?.sha256, hash)
        XCTAssertEqual(FileIndex.load(root: folder)?.checkpoint?.media["media/a.jpg"]?.leaf, 0)
        for broken in [good.replacingOccurrences(of: "ledger\t10\t1", with: "ledger\t10\t3"),  // 3 leaves have two peaks
                       good.replacingOccurrences(of: "ledger\t10", with: "ledger\tx"),
                       good.replacingOccurrences(of: "\t\(peak)", with: "\t\(peak.dropLast())"),
                       good.replacingOccurrences(of: "media\t0\t\(hash)", with: "media\t0\tabc"),
                       good.replacingOccurrences(of: "6\t\(hash)\tpublic", with: "6\t\(hash.dropLast())\tpublic"),
                       good.replacingOccurrences(of: "6\t\(hash)\tpublic", with: "6\tpublic"),
                       "sanxiang-file-index-v2\n1\t2\t3\t4\t5\t6\t\(hash)\tpublic/b.html\n"] {
            try Data(broken.utf8).write(to: url)
            XCTAssertNil(FileIndex.load(root: folder), broken)
            for piece in [1, 5, 40] { XCTAssertNil(FileIndex.load(path: url.path, piece: piece), "\(broken), pieces of \(piece)") }
        }
        for piece in [1, 5, 40] {
            try Data(good.utf8).write(to: url)
            XCTAssertEqual(FileIndex.load(path: url.path, piece: piece), FileIndex.load(root: folder), "pieces of \(piece)")
            try Data("sanxiang-file-index-v2\n\n".utf8).write(to: url)
            XCTAssertNil(FileIndex.load(path: url.path, piece: piece), "a version without its checkpoint, pieces of \(piece)")
        }
        try Data().write(to: url)
        XCTAssertNil(FileIndex.load(root: folder), "an empty file")
    }

    func testALineThatCannotBeReadMakesTheWholeIndexUnknown() throws {
        let url = folder.appendingPathComponent(FileIndex.file)
        for broken in ["1\t2\t3\t4\t5\tpublic/a.html", "1\t2\t3\tx\t5\t6\tpublic/a.html", "1\t2\t3\t4\t5\t6\t",
                       "1\t2\t3\t4\t5\t99999999999999999999\tpublic/a.html", "1\t-\t3\t4\t5\t6\tpublic/a.html"] {
            try Data("sanxiang-file-index-v1\n1\t2\t3\t4\t5\t6\tpublic/b.html\n\(broken)\n".utf8).write(to: url)
            XCTAssertNil(FileIndex.load(root: folder), broken)
        }
        try Data("sanxiang-file-index-v1\n1\t2\t3\t4\t5\t6\tpublic/b.html\n".utf8).write(to: url)
        XCTAssertEqual(FileIndex.load(root: folder)?.entries["public/b.html"]?.leaf, 1)
    }

    /// The walk that reads kinds from directory entries finds what the stamping walk finds, links included.
    func testTheNameOnlyWalkListsWhatTheStampingWalkLists() throws {
        let tree = folder.appendingPathComponent("tree")
        let manager = FileManager.default
        for path in ["a/b/c.pdf", "a/d.html", "e.json", "skip/x.pdf", "案件/送达回证-1.pdf"] {
            let url = tree.appendingPathComponent(path)
            try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(path.utf8).write(to: url)
        }
        try manager.createDirectory(at: tree.appendingPathComponent("empty/inner"), withIntermediateDirectories: true)
        try manager.createSymbolicLink(atPath: tree.appendingPathComponent("a/link.pdf").path, withDestinationPath: "d.html")
        try manager.createSymbolicLink(atPath: tree.appendingPathComponent("folder-link").path, withDestinationPath: "a")
        let excluded = { (path: String) in path == "skip/" }

        let names = try FileWalker.paths(root: tree, isExcluded: excluded)
        XCTAssertEqual(names.map(\.path), ["a/b/c.pdf", "a/d.html", "a/link.pdf", "e.json", "folder-link", "案件/送达回证-1.pdf"])
        XCTAssertEqual(names.filter(\.isLink).map(\.path), ["a/link.pdf", "folder-link"], "links are listed as links, never followed")
        let stamped = try FileWalker.list(root: tree, isExcluded: excluded)
        XCTAssertEqual(stamped.filter { !$0.isLink }.map(\.path), names.filter { !$0.isLink }.map(\.path))

        // Every entry, folders and links included, as FileManager's enumerator lists them and as
        // fileExists(atPath:isDirectory:) (which follows a link) tells folders from the rest.
        try manager.createSymbolicLink(atPath: tree.appendingPathComponent("dangling").path, withDestinationPath: "nowhere")
        try Data().write(to: tree.appendingPathComponent("a/.hidden"))
        let enumerated = (manager.enumerator(atPath: tree.path)?.compactMap { $0 as? String } ?? []).sorted()
        let expected = enumerated.map { path -> (String, Bool) in
            var isFolder: ObjCBool = false
            _ = manager.fileExists(atPath: tree.appendingPathComponent(path).path, isDirectory: &isFolder)
            return (path, isFolder.boolValue)
        }
        let entries = try FileWalker.entries(root: tree)
        XCTAssertEqual(entries.map(\.path), expected.map(\.0))
        XCTAssertEqual(entries.map(\.isFolder), expected.map(\.1))
        XCTAssertTrue(entries.contains { $0.path == "folder-link" && $0.isFolder }, "a link to a folder is a folder, not walked into")
        XCTAssertFalse(entries.contains { $0.path.hasPrefix("folder-link/") })
        XCTAssertThrowsError(try FileWalker.entries(root: tree.appendingPathComponent("no-such-folder")))

        // The same entries handed on a batch at a time (the sweep's walk): every batch but the last full, joined and
        // sorted they are the whole walk's, kinds included; a folder that cannot be listed stops it.
        for size in [1, 2, 3, 5, 100] {
            var batches: [[(path: String, isFolder: Bool)]] = []
            try FileWalker.forEachEntryBatch(root: tree, size: size) { batches.append($0) }
            XCTAssertTrue(batches.dropLast().allSatisfy { $0.count == size }, "batches of \(size)")
            XCTAssertTrue(batches.allSatisfy { !$0.isEmpty })
            var joined = batches.flatMap { $0 }
            FileWalker.sortByPath(&joined) { $0.path }
            XCTAssertEqual(joined.map(\.path), entries.map(\.path), "batches of \(size)")
            XCTAssertEqual(joined.map(\.isFolder), entries.map(\.isFolder), "batches of \(size)")
        }
        XCTAssertThrowsError(try FileWalker.forEachEntryBatch(root: tree.appendingPathComponent("no-such-folder"), size: 4) { _ in })
    }
    /// The stamping walk on a tree wide and deep enough to be shared among cores (case folders of
    /// documents under agencies, pages beside them, links, an excluded folder), against what
    /// FileManager says of each file: the same paths in the same order, each with its size, inode and
    /// whether it was reached through a link.
    func testTheStampingWalkAgreesWithFileManagerOnAWideTree() throws {
        let tree = folder.appendingPathComponent("wide")
        let manager = FileManager.default
        var written: [String] = []
        for agency in ["A1", "B2", "C3"] {
            for number in 0..<700 {
                let caseFolder = "internal/documents/\(agency)/\(agency)-\(number)"
                try manager.createDirectory(at: tree.appendingPathComponent(caseFolder), withIntermediateDirectories: true)
                for name in ["案卷.pdf", "送达回证-1.pdf"].prefix(1 + number % 2) {
                    try Data("\(caseFolder)/\(name)".utf8).write(to: tree.appendingPathComponent("\(caseFolder)/\(name)"))
                    written.append("\(caseFolder)/\(name)")
                }
            }
            try manager.createDirectory(at: tree.appendingPathComponent("public/decisions/\(agency)"), withIntermediateDirectories: true)
            for number in 0..<300 {
                let page = "public/decisions/\(agency)/2025-\(number).html"
                try Data(String(repeating: "页", count: number).utf8).write(to: tree.appendingPathComponent(page))
                written.append(page)
            }
        }
        try manager.createDirectory(at: tree.appendingPathComponent(".staging/public"), withIntermediateDirectories: true)
        try Data("staged".utf8).write(to: tree.appendingPathComponent(".staging/public/x.html"))
        try manager.createSymbolicLink(atPath: tree.appendingPathComponent("public/linked.html").path,
                                       withDestinationPath: "decisions/A1/2025-7.html")
        try manager.createSymbolicLink(atPath: tree.appendingPathComponent("public/dangling.html").path, withDestinationPath: "nowhere")
        let excluded = { (path: String) in path == ".staging/" }

        let listed = try FileWalker.list(root: tree, isExcluded: excluded)
        XCTAssertEqual(listed.map(\.path), (written + ["public/linked.html"]).sorted())
        // Handed out a window of subtrees at a time, the same files in the same order, stamps and links included.
        var windows: [[ListedFile]] = []
        XCTAssertTrue(try FileWalker.forEachWindow(root: tree, isExcluded: excluded) { windows.append($0) })
        XCTAssertGreaterThan(windows.count, 0)
        let joined = windows.flatMap { $0 }
        XCTAssertEqual(joined.map(\.path), listed.map(\.path))
        XCTAssertTrue(zip(joined, listed).allSatisfy { $0.stamp == $1.stamp && $0.isLink == $1.isLink && $0.changed == $1.changed })
        for file in listed {
            let attributes = try manager.attributesOfItem(atPath: tree.appendingPathComponent(file.path).resolvingSymlinksInPath().path)
            XCTAssertEqual(file.stamp.size, (attributes[.size] as? NSNumber)?.intValue, file.path)
            XCTAssertEqual(file.stamp.inode, (attributes[.systemFileNumber] as? NSNumber)?.uint64Value, file.path)
            XCTAssertEqual(file.isLink, file.path == "public/linked.html", file.path)
        }
    }

    /// The walk orders each folder's entries itself (a folder as if its name ended in "/") and reads folders on
    /// every core: its order must be String's `<` over the whole paths, for names with characters that sort
    /// before "/" ("a-b", "a.b", "a b" beside a folder "a"), for folders beside files that extend their names,
    /// and for names `<` orders otherwise than their bytes (é precomposed and decomposed, combining marks in either order),
    /// where it sorts again. Empty folders list nothing; links to folders are listed, not walked into.
    func testTheWalksOrderIsStringOrderOnAwkwardNames() throws {
        let (tree, written) = try awkwardTree()
        // String's `<` takes é and e + U+0301 for equal: such ties come in the order of their bytes.
        let expected = written.sorted { $0 < $1 || !($1 < $0) && Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        assertSameOrder(try FileWalker.paths(root: tree, isExcluded: { _ in false }).map(\.path), expected)
        assertSameOrder(try FileWalker.list(root: tree, isExcluded: { _ in false }).map(\.path), expected.filter { $0 != "r0/link" },
                        "a link to a folder is no file")
        assertSameOrder(try FileWalker.paths(root: tree, isExcluded: { $0.hasPrefix("wide/1/") }).map(\.path),
                        expected.filter { !$0.hasPrefix("wide/1/") })
        XCTAssertThrowsError(try FileWalker.paths(root: tree.appendingPathComponent("no-such-folder"), isExcluded: { _ in false }))
        // Names not plainly composed are in order only once sorted whole: the windowed walk says so and stops.
        var handed = 0
        XCTAssertFalse(try FileWalker.forEachWindow(root: tree, isExcluded: { _ in false }) { handed += $0.count })
    }

    /// A walk told some folders' files (as the commit tells the archive the in-place folders') lists exactly
    /// what a walk of everything lists — paths in the same order, stamps, change times, links — whichever
    /// folders are known, beside awkward names, inside one another, or next to a file of the same name.
    func testAWalkWithKnownFoldersListsWhatAWholeWalkLists() throws {
        // Names as the pipeline writes them (the known folders are merged in), then awkward ones (everything is walked).
        try assertKnownFoldersListAsWalked(names: ["a", "a-b", "a.b", "a b", "a0", "ab", "b", "案", "案件", "件", "（一）", "１", "\u{E9}",
                                                   "TJLY-2025-000001", "行政处罚决定书.pdf", "送达回证-2.pdf"], tree: "plain", merges: true)
        try assertKnownFoldersListAsWalked(names: Self.awkwardNames, tree: "awkward", merges: false)
    }

    /// `merges`: the names are plainly composed, so the known folders are taken as told (else all is walked).
    private func assertKnownFoldersListAsWalked(names: [String], tree name: String, merges: Bool) throws {
        let (tree, _) = try awkwardTree(names: names, name: name)
        try Data("beside".utf8).write(to: tree.appendingPathComponent("r0/a-b.txt"))
        try FileManager.default.createSymbolicLink(atPath: tree.appendingPathComponent("wide/0/0/to-file").path,
                                                   withDestinationPath: "0/案卷.pdf")
        let excluded = { (path: String) in path.hasPrefix("wide/2/") || path == "r1/b" }
        let whole = try FileWalker.list(root: tree, isExcluded: excluded)
        let folders = Set(whole.flatMap { file -> [String] in
            let parts = file.path.split(separator: "/").dropLast()
            return parts.indices.map { parts[...($0)].joined(separator: "/") + "/" }
        }).sorted()
        XCTAssertGreaterThan(folders.count, 30)
        XCTAssertTrue(whole.contains { $0.isLink }, "a link to a file is listed")
        var generator = SystemRandomNumberGenerator()
        for round in 0..<60 {
            let chosen = (0..<Int.random(in: 1...4, using: &generator)).compactMap { _ in folders.randomElement(using: &generator) }
            let known = Set(chosen).map { folder in FileWalker.KnownFolder(folder: folder, files: whole.filter { $0.path.hasPrefix(folder) }) }
            let listed = try FileWalker.list(root: tree, isExcluded: excluded, known: known)
            assertSameOrder(listed.map(\.path), whole.map(\.path), "round \(round), known \(chosen)")
            XCTAssertTrue(zip(listed, whole).allSatisfy { $0.stamp == $1.stamp && $0.isLink == $1.isLink && $0.changed == $1.changed },
                          "round \(round): stamps as walked")
        }
        // With plain names, what the caller says is what is listed: a known folder is not walked.
        let told = FileWalker.KnownFolder(folder: "wide/0/", files: [ListedFile(path: "wide/0/told.pdf", stamp: whole[0].stamp)])
        let listed = try FileWalker.list(root: tree, isExcluded: excluded, known: [told]).map(\.path)
        if merges {
            XCTAssertEqual(listed.filter { $0.hasPrefix("wide/0/") }, ["wide/0/told.pdf"])
            XCTAssertEqual(listed.count, whole.filter { !$0.path.hasPrefix("wide/0/") }.count + 1)
        } else {
            XCTAssertEqual(listed, whole.map(\.path), "awkward names: everything is walked")
        }
    }

    /// Random trees over names whose order is awkward (composed and decomposed accents, Chinese, full-width
    /// digits, punctuation that sorts before "/"), a wide part to be shared out, an empty folder and a link to a folder.
    private static let awkwardNames = ["a", "a-b", "a.b", "a b", "a0", "ab", "b", "案", "案件", "件", "（一）", "１", "\u{E9}", "e\u{301}", "e",
                                       "f", "\u{AC00}", "z\u{323}\u{307}", "z\u{307}\u{323}"]
    // Not Hangul as jamo beside its syllable: String's `<` is no order there ("r0/가/f" < "r0/ᄀ+ᅡ" and
    // "r0/ᄀ+ᅡ/f" > "r0/가" both hold), so no walk could match it; the output's names are never so written.

    private func awkwardTree(names: [String] = awkwardNames, name: String = "awkward") throws -> (tree: URL, written: [String]) {
        let tree = folder.appendingPathComponent(name)
        let manager = FileManager.default
        var generator = SystemRandomNumberGenerator()
        var written: [String] = []
        // Random trees over those names, wide enough at the fourth level (80 folders) to be shared out.
        for round in 0..<3 {
            let base = "r\(round)"
            for _ in 0..<300 {
                let depth = Int.random(in: 1...5, using: &generator)
                let parts = (0..<depth).map { _ in names.randomElement(using: &generator) ?? "a" }
                let path = ([base] + parts).joined(separator: "/")
                let url = tree.appendingPathComponent(path)
                var isFolder: ObjCBool = false
                // A name taken by a folder cannot be a file too (and the reverse): skip such draws.
                if manager.fileExists(atPath: url.path) { continue }
                var blocked = false
                var prefix = tree
                for part in [base] + parts.dropLast() {
                    prefix.appendPathComponent(part)
                    if manager.fileExists(atPath: prefix.path, isDirectory: &isFolder), !isFolder.boolValue { blocked = true }
                }
                if blocked { continue }
                try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(path.utf8).write(to: url)
                written.append(path)
            }
            for number in 0..<80 {
                let path = "wide/\(round)/\(number % 7)/\(number)/案卷.pdf"
                try manager.createDirectory(at: tree.appendingPathComponent(path).deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(path.utf8).write(to: tree.appendingPathComponent(path))
                written.append(path)
            }
        }
        try manager.createDirectory(at: tree.appendingPathComponent("empty/inner"), withIntermediateDirectories: true)
        try manager.createSymbolicLink(atPath: tree.appendingPathComponent("r0/link").path, withDestinationPath: "../wide")
        written.append("r0/link")
        return (tree, written)
    }

    /// Two long lists compared by their first difference (XCTAssertEqual would print both whole).
    private func assertSameOrder(_ actual: [String], _ expected: [String], _ message: String = "",
                                 file: StaticString = #filePath, line: UInt = #line) {
        guard actual != expected else { return }
        let first = (0..<min(actual.count, expected.count)).first { actual[$0] != expected[$0] } ?? min(actual.count, expected.count)
        XCTFail("\(message) first difference at \(first) of \(actual.count)/\(expected.count): "
                + "\(actual.dropFirst(first).prefix(3)) where \(expected.dropFirst(first).prefix(3)) was expected", file: file, line: line)
    }

    /// The tree remover takes files, links (not what they point to), empty and deep folders, on every core;
    /// a path that is not there is no error, and a file is removed on its own.
    func testRemovingATreeRemovesEverythingUnderItAndNothingElse() throws {
        let tree = folder.appendingPathComponent("doomed")
        let kept = folder.appendingPathComponent("kept")
        let manager = FileManager.default
        try manager.createDirectory(at: kept, withIntermediateDirectories: true)
        try Data("kept".utf8).write(to: kept.appendingPathComponent("file.txt"))
        for number in 0..<500 {
            let url = tree.appendingPathComponent("agency-\(number % 5)/case-\(number)/送达回证-\(number % 3).pdf")
            try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("\(number)".utf8).write(to: url)
        }
        try manager.createDirectory(at: tree.appendingPathComponent("a/b/c/d/e"), withIntermediateDirectories: true)
        try manager.createSymbolicLink(atPath: tree.appendingPathComponent("a/b/to-kept").path, withDestinationPath: kept.path)
        try manager.createSymbolicLink(atPath: tree.appendingPathComponent("dangling").path, withDestinationPath: "nowhere")

        try FileWalker.removeTree(tree.path, action: "测试")
        XCTAssertFalse(manager.fileExists(atPath: tree.path))
        XCTAssertEqual(try String(contentsOf: kept.appendingPathComponent("file.txt"), encoding: .utf8), "kept", "links are not followed")
        XCTAssertNoThrow(try FileWalker.removeTree(tree.path, action: "测试"))
        try FileWalker.removeTree(kept.appendingPathComponent("file.txt").path, action: "测试")
        XCTAssertEqual(try manager.contentsOfDirectory(atPath: kept.path), [])
    }

    /// The walks' sort gives exactly the order of String's `<` (a stable sort, ties in their first order), on
    /// paths of the output's kind and on names `<` orders otherwise than their bytes: canonically equal
    /// spellings (é precomposed and as e + U+0301, Å and the Ångström sign, a Hangul syllable and its
    /// jamo), combining marks out of canonical order, and the same path twice.
    func testTheWalksSortIsStringOrder() {
        let plain = ["a", "b", "-", "/", ".", "0", "9", "Z", "案", "件", "送", "达", "回", "证", "（", "）", "〔", "１"]
        let awkward = ["e\u{301}", "\u{E9}", "\u{212B}", "\u{C5}", "\u{AC00}", "\u{1100}\u{1161}", "a\u{323}\u{307}", "a\u{307}\u{323}"]
        var generator = SystemRandomNumberGenerator()
        for round in 0..<400 {
            let alphabet = round % 2 == 0 ? plain : plain + awkward
            let count = Int.random(in: 0...300, using: &generator)
            var items: [(path: String, tag: Int)] = (0..<count).map { tag in
                let length = Int.random(in: 1...12, using: &generator)
                return ((0..<length).map { _ in alphabet.randomElement(using: &generator) ?? "a" }.joined(), tag)
            }
            if round % 4 == 3, let first = items.first { items.append((first.path, count)) }
            var expected = items
            expected.sort { $0.path < $1.path }
            let byBytes = FileWalker.sortByPath(&items) { $0.path }
            if round % 4 == 0, Set(items.map(\.path)).count == items.count {
                XCTAssertTrue(byBytes, "round \(round): distinct paths in form C keep the byte order")
            }
            XCTAssertEqual(items.map(\.path), expected.map(\.path), "round \(round)")
            XCTAssertEqual(items.map(\.tag), expected.map(\.tag), "round \(round): ties keep their first order")
        }
    }
}
