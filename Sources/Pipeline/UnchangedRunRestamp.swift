import Archive
import ErrorReporting
import Foundation
import Native
#if canImport(Glibc)
import Glibc
#endif

/// Keeping the nightly record true across a command that remakes part of the output (`report --year`, `check --output`):
/// its swap hard-links every file it keeps, which changes their change time, and the next night would take them all for
/// edited and make every page again.
///
/// The record and the output's listing are both in the order of their paths' bytes, so they are read side by side, a
/// megabyte of the record and a window of the listing at a time: read whole, with each path and stamp as a String, the
/// record, its dictionary, the listing and the stamps taken before the command held ≈ 860 MB at 100,000 cases (650,000
/// files), the peak of `report --year`.
extension UnchangedRun {
    /// Which of the record's lines were still true of the output before the command (one bit per line, in the record's
    /// order), and which record they belong to.
    struct LinesBefore {
        fileprivate let record: RecordLines.Identity
        fileprivate var matched: [UInt64] = []

        fileprivate init(record: RecordLines.Identity) { self.record = record }

        fileprivate mutating func set(_ line: Int) {
            while matched.count <= line >> 6 { matched.append(0) }
            matched[line >> 6] |= 1 << UInt64(line & 63)
        }

        fileprivate func holds(_ line: Int) -> Bool {
            line >> 6 < matched.count && matched[line >> 6] & (1 << UInt64(line & 63)) != 0
        }
    }

    /// Before such a command commits: which recorded files are as recorded (nil: no record to keep up to date, or one
    /// that cannot be read in order; the next night then finds the output changed and runs in full, as without a record).
    static func stampsBeforeOtherCommand(_ config: PipelineConfig) throws -> LinesBefore? {
        guard let lines = try RecordLines(config) else { return nil }
        var before = LinesBefore(record: lines.identity)
        let inOrder = try merge(lines, withOutputOf: config, listed: nil) { line, file in
            if let line, let file, line.stamp == stamp(of: file) { before.set(line.number) }
        }
        guard inOrder, lines.isIntact else { return nil }
        return before
    }

    /// After such a command's commit: a file whose device, inode, size and modification time are the recorded ones, and
    /// whose change time still was the recorded one before the command started (so nobody had edited it), gets its new
    /// change time in the record. The header stays: the output differs from the recorded one by what the command wrote,
    /// which the next night finds not as recorded and makes again, as before. An edit made with its modification time put
    /// back while the command ran is not told from its link; `verify`, which reads every file against the ledger, still
    /// finds it. `listed`: the output as the commit's archive step listed it (nil: walked here). The record is written again
    /// even when no line changed (the same bytes): finding that out first would take a second reading of both.
    static func restamp(_ config: PipelineConfig, before: LinesBefore, listed: [ListedFile]?) throws {
        guard let lines = try RecordLines(config), lines.identity == before.record else { return }
        do {
            try rewrite(lines, before: before, listed: listed, config)
        } catch is RecordLines.Unreadable {
            return
        }
    }

    /// The record with the restamped lines, written a megabyte at a time in place of the old one.
    private static func rewrite(_ lines: RecordLines, before: LinesBefore, listed: [ListedFile]?, _ config: PipelineConfig) throws {
        try FileSystem.replaceDurably(recordPath(config), writing: { emit in
            var block = lines.headerLine + [UInt8(ascii: "\n")]
            _ = try merge(lines, withOutputOf: config, listed: listed) { line, file in
                guard let line else { return }
                var kept = line.stamp
                if let file, before.holds(line.number) {
                    let now = stamp(of: file)
                    if now != kept, sameFile(kept, now) { kept = now }
                }
                block += kept
                block.append(UInt8(ascii: "\t"))
                block += line.path
                block.append(UInt8(ascii: "\n"))
                if block.count >= 1 << 20 {
                    try emit(block)
                    block.removeAll(keepingCapacity: true)
                }
            }
            // The same record was read in order before the command; one that no longer reads whole is left as it was.
            guard lines.isIntact else { throw RecordLines.Unreadable() }
            try emit(block)
        })
    }

    /// The output's files that are not as the record says the last run left them (edited, replaced, or not in it), read
    /// side by side with the record as `restamp` reads them: read whole, the record's path → stamp dictionary and the
    /// output's stamps took a night that followed `report --year` (whose output is never the recorded one) over 1 GiB at
    /// 100,000 cases. Nil when there is no record of this header; a record or listing out of the order of its paths' bytes
    /// is compared whole (`damagedFilesWhole`). `listed`: the output as listed whole already (nil: walked here).
    static func damagedFiles(_ config: PipelineConfig, header: Header, listed: [ListedFile]?) throws -> Set<String>? {
        if let lines = try RecordLines(config), lines.header == header {
            var damaged = Set<String>()
            let inOrder = try merge(lines, withOutputOf: config, listed: listed) { line, file in
                guard let file else { return }
                if let line, line.stamp == stamp(of: file) { return }
                damaged.insert(file.path)
            }
            if inOrder, lines.isIntact { return damaged }
        }
        return try damagedFilesWhole(config, header: header, listed: listed)
    }

    static func recordPath(_ config: PipelineConfig) -> String { config.outputURL.appendingPathComponent(recordName).path }

    /// Two stamps of the same bytes, told apart only by their change time (the last field).
    private static func sameFile(_ first: [UInt8], _ second: [UInt8]) -> Bool {
        guard let a = first.lastIndex(of: UInt8(ascii: "/")), let b = second.lastIndex(of: UInt8(ascii: "/")) else { return false }
        return first[..<a].elementsEqual(second[..<b])
    }

    /// Each line of the record, in order, with the listed file of the same path (nil: none), and each listed file no line
    /// names (with nil), the output walked a window at a time unless `listed` is given. Every line is handed on, however
    /// the listing goes; false when the listing was not in the order of its paths' bytes (then the lines after the first
    /// file out of order are handed on without one, and the files after it not at all).
    private static func merge(_ lines: RecordLines, withOutputOf config: PipelineConfig, listed: [ListedFile]?,
                              _ body: (RecordLines.Line?, ListedFile?) throws -> Void) throws -> Bool {
        var inOrder = true
        var previous = ""
        func take(_ window: [ListedFile]) throws {
            for file in window where inOrder {
                guard previous.utf8.lexicographicallyPrecedes(file.path.utf8) else {
                    inOrder = false
                    return
                }
                previous = file.path
                while let line = lines.current, line.path.lexicographicallyPrecedes(file.path.utf8) {
                    try body(line, nil)
                    lines.advance()
                }
                if let line = lines.current, line.path.elementsEqual(file.path.utf8) {
                    try body(line, file)
                    lines.advance()
                } else {
                    try body(nil, file)
                }
            }
        }
        if let listed {
            try take(listed)
        } else {
            let walked = try FileWalker.forEachWindow(root: config.outputURL.standardizedFileURL,
                                                      isExcluded: isExcluded(excludedPaths(config)), take)
            if !walked { inOrder = false }
        }
        while let line = lines.current {
            try body(line, nil)
            lines.advance()
        }
        return inOrder
    }
}

/// The nightly record read a line at a time, a megabyte of the file at a time: its header line, then each file's stamp
/// and path, with the check that the paths come in the order of their bytes (as every record is written).
final class RecordLines {
    struct Line {
        /// From 0, the header not counted.
        var number: Int
        var stamp: [UInt8]
        var path: [UInt8]
    }

    /// The record file as opened: the same device, inode, size and modification time mean the same record.
    struct Identity: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modified: Int64
        var modifiedNanoseconds: Int
        var header: [UInt8]
    }

    struct Unreadable: Error {}

    private(set) var identity: Identity
    var headerLine: [UInt8] { identity.header }
    /// The header line read.
    private(set) var header = UnchangedRun.Header(format: "", inputs: "", outputs: "", summary: "", gateKey: nil)
    /// The line the reader is at; nil at the end, or once the record turned out not to read whole.
    private(set) var current: Line?
    /// False once a line had no tab, a path did not come after the one before, the last line had no line break, or the
    /// file could not be read: the record is then no good, and what was handed on of it is to be dropped.
    private(set) var isIntact = true

    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEndOfFile = false
    private var count = 0

    /// Nil when there is no record, or its header is not one of this format.
    init?(_ config: PipelineConfig) throws {
        let path = UnchangedRun.recordPath(config)
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw FileSystemError(path: path, action: "读取上次运行的未变记录", code: errno)
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let code = errno
            close(descriptor)
            throw FileSystemError(path: path, action: "读取上次运行的未变记录", code: code)
        }
        identity = Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
                            modified: Int64(info.st_mtim.tv_sec), modifiedNanoseconds: Int(info.st_mtim.tv_nsec), header: [])
        guard let first = nextLine().map(Array.init),
              let header = try? JSONDecoder().decode(UnchangedRun.Header.self, from: Data(first)),
              header.format == UnchangedRun.format else {
            close(descriptor)
            return nil
        }
        identity.header = first
        self.header = header
        advance()
    }

    deinit { close(descriptor) }

    /// Moves to the next line.
    func advance() {
        let before = current?.path
        current = nil
        guard isIntact, let line = nextLine() else { return }
        guard let tab = line.firstIndex(of: UInt8(ascii: "\t")) else {
            isIntact = false
            return
        }
        let path = Array(line[(tab + 1)...])
        if let before, !before.lexicographicallyPrecedes(path) {
            isIntact = false
            return
        }
        current = Line(number: count, stamp: Array(line[..<tab]), path: path)
        count += 1
    }

    /// The next line without its line break; nil at the end of the file (or when it cannot be read).
    private func nextLine() -> ArraySlice<UInt8>? {
        while true {
            if let end = buffer[position...].firstIndex(of: UInt8(ascii: "\n")) {
                defer { position = end + 1 }
                return buffer[position..<end]
            }
            if atEndOfFile {
                if position < buffer.count { isIntact = false }
                return nil
            }
            buffer.removeSubrange(0..<position)
            position = 0
            let had = buffer.count
            buffer.append(contentsOf: repeatElement(0, count: FilePieces.size))
            let read = buffer.withUnsafeMutableBytes { bytes -> Int in
                guard let base = bytes.baseAddress else { return -1 }
                return Glibc.read(descriptor, base + had, FilePieces.size)
            }
            buffer.removeLast(FilePieces.size - max(read, 0))
            if read < 0 { isIntact = false }
            if read <= 0 { atEndOfFile = true }
        }
    }
}
