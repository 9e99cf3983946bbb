import ErrorReporting
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What identifies one file's bytes without reading them: the inode it lives in, its size and its
/// modification time to the nanosecond. A hard link (how the committer carries an unchanged file
/// forward) keeps all of them; a file written anew gets a fresh inode and time.
public struct FileStamp: Equatable, Sendable {
    public var device: UInt64
    public var inode: UInt64
    public var size: Int
    public var modifiedSeconds: Int
    public var modifiedNanoseconds: Int

    public init(device: UInt64, inode: UInt64, size: Int, modifiedSeconds: Int, modifiedNanoseconds: Int) {
        self.device = device
        self.inode = inode
        self.size = size
        self.modifiedSeconds = modifiedSeconds
        self.modifiedNanoseconds = modifiedNanoseconds
    }
}

/// A regular file found under the output folder.
public struct ListedFile: Sendable {
    public var path: String
    public var stamp: FileStamp
    /// Listed through a symbolic link (stamped as the file it points to).
    public var isLink = false
    /// The inode's change time (seconds, nanoseconds): not part of `stamp`, because a hard link
    /// changes it and the archive reuses linked files' hashes; a program cannot set it back, so an
    /// edit with its modification time restored still shows here.
    public var changed: (seconds: Int, nanoseconds: Int) = (0, 0)

    public init(path: String, stamp: FileStamp, isLink: Bool = false, changed: (seconds: Int, nanoseconds: Int) = (0, 0)) {
        self.path = path
        self.stamp = stamp
        self.isLink = isLink
        self.changed = changed
    }
}

/// `archive/file-index.tsv`: for every logged output file, the stamp it had when it was last
/// hashed and the ledger leaf that holds that hash. A nightly run reuses a leaf's hash for a file
/// whose stamp is unchanged instead of reading it again, so it reads only what it wrote.
///
/// It is a cache, never evidence: it is not in the Merkle tree, `verify` ignores it and reads
/// every file, and a missing or unreadable index only means every file is hashed again. A file
/// edited in place with its time set back keeps its logged hash, so `verify` reports it changed
/// (a full re-hash would have logged the edit as a change of the output instead).
///
/// Since v2 it also carries what the ledger logged last of each file (its hash, at its leaf) and a
/// checkpoint of the ledger (`LedgerCheckpoint`): a run whose ledger is as the checkpoint says appends
/// to it without reading it. An index of v1 is still read for its stamps.
public struct FileIndex: Equatable {
    public struct Entry: Equatable, Sendable {
        public var stamp: FileStamp
        /// The ledger leaf (0-based) whose hash describes the file as stamped.
        public var leaf: Int
        /// That leaf's SHA-256 (hex); empty in an index of v1.
        public var sha256: String

        public init(stamp: FileStamp, leaf: Int, sha256: String = "") {
            self.stamp = stamp
            self.leaf = leaf
            self.sha256 = sha256
        }
    }

    /// One line of the index: a file's path and its entry.
    public struct Row: Equatable, Sendable {
        public var path: String
        public var entry: Entry

        public init(path: String, entry: Entry) {
            self.path = path
            self.entry = entry
        }
    }

    /// The rows in the order the index holds them: the archive writes them in its listing's order, so it
    /// reads them back beside its new listing, path by path, instead of through a table of 650,000 paths
    /// (filling that table was most of loading the index).
    public var rows: [Row] = []
    /// The ledger as the run that wrote this index left it; nil in an index of v1.
    public var checkpoint: LedgerCheckpoint?

    /// Path → entry (of a path held twice, the later row). Made on each use: only tools and tests look files up.
    public var entries: [String: Entry] {
        get { Dictionary(rows.map { ($0.path, $0.entry) }, uniquingKeysWith: { _, later in later }) }
        set { rows = newValue.sorted { $0.key < $1.key }.map { Row(path: $0.key, entry: $0.value) } }
    }

    public static let file = "archive/file-index.tsv"
    private static let header = "sanxiang-file-index-v2"
    private static let headerV1 = "sanxiang-file-index-v1"

    /// The rows are put in path order.
    public init(entries: [String: Entry] = [:], checkpoint: LedgerCheckpoint? = nil) {
        self.entries = entries
        self.checkpoint = checkpoint
    }

    /// The index left by the last run; nil when there is none or it cannot be read whole.
    public static func load(root: URL) -> FileIndex? {
        load(path: root.appendingPathComponent(file).path, piece: loadPiece)
    }

    /// Bytes of the index read at a time by `load`.
    static let loadPiece = 8 << 20

    /// The file read `piece` bytes at a time, each piece's whole lines parsed as they come: read whole, the file
    /// (≈ 120 MB at 100,000 cases) and its lines' rows made on every core stood beside the rows kept, at the commit's
    /// end — the night's peak on some nights.
    static func load(path: String, piece: Int) -> FileIndex? {
        var reader = Reader()
        var pending: [UInt8] = []
        do {
            try FilePieces.forEach(in: path, bytes: piece) { read in
                pending += read
                guard let end = pending.lastIndex(of: UInt8(ascii: "\n")) else { return }
                guard pending.withUnsafeBufferPointer({ reader.take(UnsafeBufferPointer(rebasing: $0[..<end])) }) else { throw Unreadable() }
                pending.removeSubrange(...end)
            }
        } catch {
            // A file that cannot be opened or read, or a line that cannot be parsed, leaves no index: the archive then reads its ledger.
            return nil
        }
        guard pending.withUnsafeBufferPointer({ reader.take($0) }) else { return nil }
        return reader.finish()
    }

    /// A line of the index `Reader` could not take: reading stops there.
    private struct Unreadable: Error {}

    /// The index's lines as they come, in order: the version, then (v2) the checkpoint and its media lines, then a row a
    /// line (read on every core, a piece's rows at a time). Empty lines are skipped. False, and nothing more is taken, at
    /// the first line that cannot be read: then there is no index.
    private struct Reader {
        private var version: String?
        private var index = FileIndex()
        private var phase = Phase.version
        private enum Phase { case version, checkpoint, media, rows }

        /// Takes the lines of `bytes` (whole lines, without the last one's line end).
        mutating func take(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            var lines: [Range<Int>] = []
            var lineStart = 0
            for position in 0..<bytes.count where bytes[position] == UInt8(ascii: "\n") {
                if position > lineStart { lines.append(lineStart..<position) }
                lineStart = position + 1
            }
            if bytes.count > lineStart { lines.append(lineStart..<bytes.count) }
            func data(_ line: Range<Int>) -> Data.SubSequence { Data(UnsafeBufferPointer(rebasing: bytes[line]))[...] }
            var remaining = lines[...]
            while phase != .rows, let line = remaining.first {
                switch phase {
                case .version:
                    version = String(decoding: UnsafeBufferPointer(rebasing: bytes[line]), as: UTF8.self)
                    guard version == FileIndex.header || version == FileIndex.headerV1 else { return false }
                    phase = version == FileIndex.header ? .checkpoint : .rows
                case .checkpoint:
                    guard let checkpoint = LedgerCheckpoint(line: data(line)) else { return false }
                    index.checkpoint = checkpoint
                    phase = .media
                case .media:
                    guard data(line).starts(with: LedgerCheckpoint.mediaPrefix) else {
                        phase = .rows
                        continue
                    }
                    guard let (path, logged) = LedgerCheckpoint.parseMedia(data(line)) else { return false }
                    index.checkpoint?.media[path] = logged
                case .rows:
                    break
                }
                remaining.removeFirst()
            }
            // The lines are read on every core (650,000 at 100,000 cases); the table is filled on this one.
            let rows = Array(remaining)
            let withHash = version == FileIndex.header
            let parsed = EveryCore.map(count: rows.count, block: 8192) { range in
                range.map { FileIndex.parse(UnsafeBufferPointer(rebasing: bytes[rows[$0]]), withHash: withHash) }
            }
            index.rows.reserveCapacity(index.rows.count + rows.count)
            for row in parsed {
                guard let (path, entry) = row ?? nil else { return false }
                index.rows.append(Row(path: path, entry: entry))
            }
            return true
        }

        /// The index read, nil when its version (and, for v2, its checkpoint) never came.
        func finish() -> FileIndex? {
            guard let version else { return nil }
            if version == FileIndex.header && index.checkpoint == nil { return nil }
            return index
        }
    }

    /// leaf, device, inode, size, seconds, nanoseconds, SHA-256 (v2), path — tab-separated, the path last. Read
    /// byte by byte: one String per number made loading the index of 100,000 cases' outputs take seconds.
    private static func parse(_ line: UnsafeBufferPointer<UInt8>, withHash: Bool) -> (String, Entry)? {
        var numbers = (0, 0, 0, 0, 0, 0)
        var position = 0
        for field in 0..<6 {
            var value = 0
            var negative = false
            var digits = 0
            if position < line.count, line[position] == UInt8(ascii: "-") {
                negative = true
                position += 1
            }
            while position < line.count, line[position] != UInt8(ascii: "\t") {
                let digit = Int(line[position]) - 48
                guard (0...9).contains(digit) else { return nil }
                let (tens, overflowTens) = value.multipliedReportingOverflow(by: 10)
                let (next, overflow) = tens.addingReportingOverflow(digit)
                guard !overflowTens, !overflow else { return nil }
                value = next
                digits += 1
                position += 1
            }
            guard digits > 0, position < line.count else { return nil }
            let number = negative ? -value : value
            switch field {
            case 0: numbers.0 = number
            case 1: numbers.1 = number
            case 2: numbers.2 = number
            case 3: numbers.3 = number
            case 4: numbers.4 = number
            default: numbers.5 = number
            }
            position += 1  // the tab
        }
        var sha256 = ""
        if withHash {
            guard position + 64 < line.count, line[position + 64] == UInt8(ascii: "\t") else { return nil }
            sha256 = String(decoding: UnsafeBufferPointer(rebasing: line[position..<position + 64]), as: UTF8.self)
            guard !sha256.utf8.contains(UInt8(ascii: "\t")) else { return nil }
            position += 65
        }
        guard position < line.count else { return nil }
        let stamp = FileStamp(device: UInt64(bitPattern: Int64(numbers.1)), inode: UInt64(bitPattern: Int64(numbers.2)),
                              size: numbers.3, modifiedSeconds: numbers.4, modifiedNanoseconds: numbers.5)
        let path = String(decoding: UnsafeBufferPointer(rebasing: line[position...]), as: UTF8.self)
        return (path, Entry(stamp: stamp, leaf: numbers.0, sha256: sha256))
    }

    /// `String(number)`'s digits, without making a String for each of the six numbers of every file.
    public static func appendDecimal(_ number: Int, to bytes: inout [UInt8]) {
        if number < 0 { bytes.append(UInt8(ascii: "-")) }
        appendDecimal(UInt64(number.magnitude), to: &bytes)
    }

    /// `String(number)`'s digits of an unsigned number (device and inode numbers use all 64 bits).
    public static func appendDecimal(_ number: UInt64, to bytes: inout [UInt8]) {
        var magnitude = number
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // up to 20 digits, most significant last
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[index]) }
        }
    }

    /// A path a line of the index can hold: no tab, no line break. Read as bytes: `String.contains`
    /// goes through NSString on Linux, which made writing the index of 600,000 files take seconds.
    static func isWritable(_ path: String) -> Bool {
        !path.utf8.contains { $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\n") }
    }

    private static func isHash(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }

    /// Written whole through a temporary file and a rename: a crash leaves the old index or the new.
    /// An entry without its hash (an index of v1 read back) is left out: the next run hashes that file again.
    public func write(root: URL) throws {
        let entries = self.entries
        try Self.write(root: root, checkpoint: checkpoint, rows: entries.keys.sorted().compactMap { path in entries[path].map { (path, $0) } })
    }

    /// Rows whose lines are made by one task.
    private static let rowsPerBlock = 16384

    /// The index lines of some rows (a row that cannot be written is left out).
    /// `allWritable`: every row was found writable already (`write` checks them all before it writes the head).
    private static func lines(_ rows: ArraySlice<(String, Entry)>, allWritable: Bool) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(rows.count * 190)
        for (path, entry) in rows where allWritable || Self.isWritable((path, entry)) {
            let stamp = entry.stamp
            for number in [entry.leaf, Int(Int64(bitPattern: stamp.device)), Int(Int64(bitPattern: stamp.inode)), stamp.size,
                           stamp.modifiedSeconds, stamp.modifiedNanoseconds] {
                Self.appendDecimal(number, to: &bytes)
                bytes.append(UInt8(ascii: "\t"))
            }
            bytes += entry.sha256.utf8
            bytes.append(UInt8(ascii: "\t"))
            bytes += path.utf8
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }

    /// Blocks of lines made at once (on every core) and written before the next are made.
    private static let blocksPerWindow = 8

    /// The index of `rows` (path and entry, in path order) after `checkpoint`. Without a checkpoint, or
    /// with a file the index cannot hold (a tab or line break in its path, no hash), the checkpoint is one
    /// that matches no ledger (a length of -1): the next run reads the ledger rather than take that file
    /// for one never logged.
    /// The archive gives its rows in the order of its listing, already sorted: sorting 600,000 paths
    /// again cost a tenth of the archive step.
    static func write(root: URL, checkpoint: LedgerCheckpoint?, rows: [(String, Entry)]) throws {
        let blockCount = (rows.count + rowsPerBlock - 1) / rowsPerBlock
        func block(_ number: Int) -> ArraySlice<(String, Entry)> { rows[number * rowsPerBlock..<min(rows.count, (number + 1) * rowsPerBlock)] }
        // Whether every row can be written decides the checkpoint at the head, so it is known before any line is made.
        let writable = EveryCore.map(count: blockCount, block: 1) { range in range.map { block($0).allSatisfy(isWritable(_:)) } }
        let complete = writable.allSatisfy { $0 == true } && (checkpoint?.media.keys.allSatisfy(Self.isWritable) ?? false)
        let head = Array((Self.header + "\n").utf8)
            + ((complete ? checkpoint : nil) ?? LedgerCheckpoint(ledgerBytes: -1, frontier: MerkleFrontier(), rootHash: "-", media: [:])).lines()
        let path = root.appendingPathComponent(Self.file).path
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ArchiveError(path: temporary, reason: "无法写入文件索引（\(String(cString: strerror(errno)))）") }
        defer { close(descriptor) }
        try writeAll(head, to: descriptor, path: temporary)
        // A window of blocks at a time: the whole index's lines made at once (≈ 120 MB at 100,000 cases) stood beside the
        // listing and the rows they were made from, the commit's peak.
        for start in stride(from: 0, to: blockCount, by: blocksPerWindow) {
            let window = EveryCore.map(count: min(blocksPerWindow, blockCount - start), block: 1) { range in
                range.map { lines(block(start + $0), allWritable: writable[start + $0] == true) }
            }
            for bytes in window { try writeAll(bytes ?? [], to: descriptor, path: temporary) }
        }
        // No fsync: a torn index after a power cut is caught by its parse and only costs a full re-hash.
        guard rename(temporary, path) == 0 else {
            throw ArchiveError(path: path, reason: "无法更新文件索引（\(String(cString: strerror(errno)))）")
        }
    }

    /// A row the index can hold: a writable path and a hash (an entry of an index of v1 has none).
    private static func isWritable(_ row: (String, Entry)) -> Bool { isWritable(row.0) && isHash(row.1.sha256) }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress.map { $0 + offset }, $0.count - offset) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { throw ArchiveError(path: path, reason: "无法写入文件索引（\(String(cString: strerror(errno)))）") }
            offset += written
        }
    }
}

/// What a run needs to know of the ledger to log the next one without reading it: its length in bytes
/// (a run checks it against the file; anything appended or cut since means the whole ledger is read),
/// its Merkle frontier and root (checked against the last signed head), and the last logged hash of
/// each media file (outputs' are in the index entries).
public struct LedgerCheckpoint: Equatable {
    public struct LoggedMedia: Equatable {
        public var leaf: Int
        public var sha256: String
    }

    public var ledgerBytes: Int
    public var frontier: MerkleFrontier
    public var rootHash: String
    /// "media/<file>" → its latest leaf.
    public var media: [String: LoggedMedia]

    static let prefix = Array("ledger\t".utf8)
    static let mediaPrefix = Array("media\t".utf8)

    public init(ledgerBytes: Int, frontier: MerkleFrontier, rootHash: String, media: [String: LoggedMedia]) {
        self.ledgerBytes = ledgerBytes
        self.frontier = frontier
        self.rootHash = rootHash
        self.media = media
    }

    /// `ledger <bytes> <leaves> <root> <peak,peak,…>`, then `media <leaf> <sha256> <path>` per media file.
    func lines() -> [UInt8] {
        var out = Array("ledger\t\(ledgerBytes)\t\(frontier.size)\t\(rootHash)\t\(frontier.peaks.map(\.hex).joined(separator: ","))\n".utf8)
        for path in media.keys.sorted() where FileIndex.isWritable(path) {
            guard let logged = media[path] else { continue }
            out += Array("media\t\(logged.leaf)\t\(logged.sha256)\t\(path)\n".utf8)
        }
        return out
    }

    init?(line: Data.SubSequence) {
        guard line.starts(with: Self.prefix) else { return nil }
        let fields = String(decoding: line.dropFirst(Self.prefix.count), as: UTF8.self).split(separator: "\t", omittingEmptySubsequences: false)
        guard fields.count == 4, let bytes = Int(fields[0]), let size = Int(fields[1]) else { return nil }
        let peaks = fields[3].isEmpty ? [] : fields[3].split(separator: ",").map { [UInt8](hex: String($0)) }
        guard !peaks.contains(where: { $0 == nil }), let frontier = MerkleFrontier(size: size, peaks: peaks.compactMap { $0 }) else { return nil }
        self.init(ledgerBytes: bytes, frontier: frontier, rootHash: String(fields[2]), media: [:])
    }

    static func parseMedia(_ line: Data.SubSequence) -> (String, LoggedMedia)? {
        let fields = String(decoding: line.dropFirst(mediaPrefix.count), as: UTF8.self).split(separator: "\t", maxSplits: 2,
                                                                                               omittingEmptySubsequences: false)
        guard fields.count == 3, let leaf = Int(fields[0]), fields[1].utf8.count == 64, !fields[2].isEmpty else { return nil }
        return (String(fields[2]), LoggedMedia(leaf: leaf, sha256: String(fields[1])))
    }
}

/// Lists the regular files under a folder with one lstat each (readdir and lstat directly:
/// Foundation's enumerator costs several times as much per file on Linux).
public enum FileWalker {
    /// Every regular file under `root`, by path relative to it, sorted; `isExcluded` prunes files and folders
    /// (a folder is asked as "name/"). A symbolic link to a file is listed as that file (the pipeline never makes one,
    /// so one planted in the output must show in the ledger and in `verify`); links to folders are not followed.
    ///
    /// The names come first, from the directory entries alone (`paths`); then each file is stamped with
    /// one `lstat` (a link: `stat`) on every core — the calls were most of a walk of 650,000 files.
    public static func list(root: URL, isExcluded: (String) -> Bool) throws -> [ListedFile] {
        stamped(try paths(root: root, isExcluded: isExcluded), root: root)
    }

    /// The files of a folder as someone who knows them says they are, instead of walked and stamped: the
    /// commit knows what it moved into and deleted from a folder it updates in place (internal/documents,
    /// 400,000 files at 100,000 cases), so the archive's listing after it stamps only what the commit changed.
    public struct KnownFolder: Sendable {
        /// Relative to the root, ending in "/".
        public var folder: String
        /// Every file under it, as `list` would give them (same stamps, same order).
        public var files: [ListedFile]

        public init(folder: String, files: [ListedFile]) {
            self.folder = folder
            self.files = files
        }
    }

    /// `list`, with the files of the `known` folders taken as given, not walked: the rest is walked as `list`
    /// walks it, and each known folder's files take the place its walk would have given them (a folder's paths
    /// all start with its name and "/", which composes with nothing, so they are neighbours in String order).
    /// The caller vouches that no excluded path lies under a known folder. A known folder inside another is
    /// ignored: the outer one's files hold its files.
    ///
    /// Only for paths whose String order is their bytes' (`isPlainlyComposed`, as the pipeline names its files):
    /// String's `<` is no order on a mix of composed and decomposed names ("r/e\u{301}/案" and "r/é/案/" are
    /// each not less than the other), so with any other path everything is walked.
    public static func list(root: URL, isExcluded: (String) -> Bool, known: [KnownFolder]) throws -> [ListedFile] {
        let outer = known.filter { block in !known.contains { $0.folder != block.folder && block.folder.hasPrefix($0.folder) } }
        guard !outer.isEmpty,
              outer.allSatisfy({ isPlainlyComposed($0.folder) && $0.files.allSatisfy { isPlainlyComposed($0.path) } }) else {
            return try list(root: root, isExcluded: isExcluded)
        }
        let folders = Set(outer.map(\.folder))
        var out = try list(root: root, isExcluded: { isExcluded($0) || folders.contains($0) })
        guard out.allSatisfy({ isPlainlyComposed($0.path) }) else { return try list(root: root, isExcluded: isExcluded) }
        for block in outer {
            // The first walked path after the folder's own.
            var low = 0, high = out.count
            while low < high {
                let middle = (low + high) / 2
                if out[middle].path < block.folder { low = middle + 1 } else { high = middle }
            }
            out.insert(contentsOf: block.files, at: low)
        }
        return out
    }

    /// Each path (relative to `root`) with its stamp, stamped on every core; a path that is gone, or is no
    /// regular file (a link: points to none), is left out, as `list` leaves it out.
    public static func stamped(_ names: [(path: String, isLink: Bool)], root: URL) -> [ListedFile] {
        let base = root.standardizedFileURL.path
        let stamped = EveryCore.map(count: names.count, block: 4096) { range in
            range.map { index -> ListedFile? in listedFile(names[index].path, isLink: names[index].isLink, under: base) }
        }
        return stamped.compactMap { $0 ?? nil }
    }

    /// A listed file with its stamp; nil when it is gone or no regular file (a link: when it points to none).
    private static func listedFile(_ path: String, isLink: Bool, under base: String) -> ListedFile? {
        var info = stat()
        let full = base + "/" + path
        guard (isLink ? stat(full, &info) : lstat(full, &info)) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return ListedFile(path: path, stamp: stamp(info), isLink: isLink, changed: changeTime(info))
    }

    /// The entries of a folder (without "." and ".."), each with the kind its directory entry reports
    /// (`DT_…`, `DT_UNKNOWN` where the file system does not say); empty when a subfolder went while we walked.
    private static func entries(of folder: String, relative: String) throws -> [(name: String, type: Int)] {
        guard let stream = opendir(folder) else {
            if relative.isEmpty || errno != ENOENT { throw ArchiveError(path: folder, reason: "无法读取文件夹（\(String(cString: strerror(errno)))）") }
            return []  // removed while we walked
        }
        defer { closedir(stream) }
        return readAll(stream)
    }

    /// Every entry an open folder lists (without "." and ".."), read to the end before anything acts on it:
    /// a folder changed while it is read may list entries twice or not at all.
    private static func readAll(_ stream: OpaquePointer) -> [(name: String, type: Int)] {
        var out: [(name: String, type: Int)] = []
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
            if name != "." && name != ".." { out.append((name, Int(entry.pointee.d_type))) }
        }
        return out
    }

    /// What the name walk finds in a folder: a file (or a link, whatever it points to) to list, or a folder to walk.
    private enum Found {
        case file(path: String, isLink: Bool)
        case folder(path: String)
    }

    /// The paths under `root` (relative, sorted) of regular files and of symbolic links (`isLink`, whatever
    /// they point to), without a stamp: the kind comes from the directory entry itself, so a file costs no
    /// lstat (one only where the file system does not say). For walks that only need to know what is there.
    ///
    /// The order comes from the walk itself: each folder's entries are sorted as their paths sort (a folder's
    /// name as if it ended in "/"), so its files come out in the order of all the paths' bytes, which is the
    /// order of String's `<` for names in normalization form C; anything else is sorted again (`sortByPath`).
    /// The folders are read on every core: level by level until there are enough of them to share out
    /// (the output's case folders), then each one's subtree in a task of its own.
    public static func paths(root: URL, isExcluded: (String) -> Bool) throws -> [(path: String, isLink: Bool)] {
        let base = root.standardizedFileURL.path
        let found = try shares(base, isExcluded: isExcluded)
        var out = try walk(found[...], base, isExcluded: isExcluded)
        if !out.allSatisfy({ isPlainlyComposed($0.path) }) { sortByPath(&out) { $0.path } }
        return out
    }

    /// `list(root:isExcluded:)` handed to `body` in its order, a window of subtrees at a time (each window walked and
    /// stamped on every core), never the whole listing at once: the night-start check needs only the listing's digest and
    /// its in-place folders' files, and the whole listing (≈ 220 MB of paths and stamps at 100,000 cases) stood beside the
    /// export being read. False, and nothing more is handed on, at the first name not plainly composed: such a listing is
    /// in order only once sorted whole (`paths`), so the caller lists it whole instead (what it was handed is to be dropped).
    public static func forEachWindow(root: URL, isExcluded: (String) -> Bool, _ body: ([ListedFile]) throws -> Void) throws -> Bool {
        let base = root.standardizedFileURL.path
        let found = try shares(base, isExcluded: isExcluded)
        for start in stride(from: 0, to: found.count, by: subtreesPerWindow) {
            let names = try walk(found[start..<min(start + subtreesPerWindow, found.count)], base, isExcluded: isExcluded)
            guard names.allSatisfy({ isPlainlyComposed($0.path) }) else { return false }
            try body(stamped(names, root: root))
        }
        return true
    }

    /// Subtrees (or files) of the top levels walked at once by `forEachWindow` (at 100,000 cases, about 4 cases' files each).
    static let subtreesPerWindow = 4096

    /// The top levels' files and folders, in the order of their paths' bytes, read level by level on every core until
    /// there are enough folders to share out (the output's case folders).
    private static func shares(_ base: String, isExcluded: (String) -> Bool) throws -> [Found] {
        var found: [Found] = [.folder(path: "")]
        for _ in 0..<8 {
            let folders = found.reduce(0) { count, item in if case .folder = item { return count + 1 } else { return count } }
            if folders == 0 || folders >= 64 && found.count > 1 { break }
            found = try EveryCore.tryMap(count: found.count, block: 1) { index in
                guard case .folder(let path) = found[index] else { return [found[index]] }
                return try contents(of: base, relative: path, isExcluded: isExcluded)
            }.flatMap { $0 }
        }
        return found
    }

    /// The names under each of `found` (a folder's subtree walked in a task of its own), in `found`'s order.
    private static func walk(_ found: ArraySlice<Found>, _ base: String, isExcluded: (String) -> Bool) throws -> [(path: String, isLink: Bool)] {
        let walked = try EveryCore.tryMap(count: found.count, block: 16) { offset -> [(path: String, isLink: Bool)] in
            switch found[found.startIndex + offset] {
            case .file(let path, let isLink): return [(path, isLink)]
            case .folder(let path):
                var out: [(path: String, isLink: Bool)] = []
                try walkNames(base, relative: path, isExcluded: isExcluded, into: &out)
                return out
            }
        }
        return walked.flatMap { $0 }
    }

    private static func walkNames(_ base: String, relative: String, isExcluded: (String) -> Bool,
                                  into out: inout [(path: String, isLink: Bool)]) throws {
        for item in try contents(of: base, relative: relative, isExcluded: isExcluded) {
            switch item {
            case .file(let path, let isLink): out.append((path, isLink))
            case .folder(let path): try walkNames(base, relative: path, isExcluded: isExcluded, into: &out)
            }
        }
    }

    /// The files and folders (not excluded) of one folder, in the order of their paths' bytes: a folder's
    /// path counts with its trailing "/", so "a-b" comes before the files of "a/" as their paths would sort.
    private static func contents(of base: String, relative: String, isExcluded: (String) -> Bool) throws -> [Found] {
        let folder = relative.isEmpty ? base : base + "/" + relative.dropLast()
        var keyed: [(key: [UInt8], item: Found)] = []
        for (name, reported) in try entries(of: folder, relative: relative) {
            let path = relative + name
            var type = reported
            if type == Int(DT_UNKNOWN) {
                var info = stat()
                guard lstat(folder + "/" + name, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR: type = Int(DT_DIR)
                case S_IFREG: type = Int(DT_REG)
                case S_IFLNK: type = Int(DT_LNK)
                default: continue
                }
            }
            switch type {
            case Int(DT_DIR) where !isExcluded(path + "/"):
                keyed.append((Array((path + "/").utf8), .folder(path: path + "/")))
            case Int(DT_REG) where !isExcluded(path), Int(DT_LNK) where !isExcluded(path):
                keyed.append((Array(path.utf8), .file(path: path, isLink: type == Int(DT_LNK))))
            default:
                continue
            }
        }
        keyed.sort { precedes($0.key, $1.key) }
        return keyed.map(\.item)
    }

    /// Removes `path` and everything under it (nothing when it is not there), on every core: level by level,
    /// each folder's files are unlinked by the task that reads it, then the folders go, deepest first.
    /// FileManager's removeItem took over a second for the replaced tree of a 100,000-case output.
    public static func removeTree(_ path: String, action: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw FileSystemError(path: path, action: action, code: errno)
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            guard unlink(path) == 0 || errno == ENOENT else { throw FileSystemError(path: path, action: action, code: errno) }
            return
        }
        var levels: [[String]] = [[path]]
        while let level = levels.last, !level.isEmpty {
            levels.append(try EveryCore.tryMap(count: level.count, block: 8) { try removeFiles(in: level[$0], action: action) }.flatMap { $0 })
        }
        for level in levels.reversed() {
            _ = try EveryCore.tryMap(count: level.count, block: 64) { index in
                guard rmdir(level[index]) == 0 || errno == ENOENT else { throw FileSystemError(path: level[index], action: action, code: errno) }
            }
        }
    }

    /// Unlinks every entry of `folder` that is not a folder; returns the folders' paths.
    private static func removeFiles(in folder: String, action: String) throws -> [String] {
        guard let stream = opendir(folder) else {
            if errno == ENOENT { return [] }
            throw FileSystemError(path: folder, action: action, code: errno)
        }
        defer { closedir(stream) }
        let descriptor = dirfd(stream)
        var folders: [String] = []
        for (name, type) in readAll(stream) {
            var isFolder = type == Int(DT_DIR)
            if type == Int(DT_UNKNOWN) {
                var info = stat()
                guard fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
                isFolder = info.st_mode & S_IFMT == S_IFDIR
            }
            if isFolder {
                folders.append(folder + "/" + name)
            } else if unlinkat(descriptor, name, 0) != 0 && errno != ENOENT {
                throw FileSystemError(path: folder + "/" + name, action: action, code: errno)
            }
        }
        return folders
    }

    /// True when `path` is certainly in normalization form C and no neighbour can compose with it: every
    /// scalar is one that is its own composition and never joins the one before (ASCII, Latin-1 and Latin
    /// Extended, CJK punctuation and ideographs, full-width forms). For such strings String's `<` is the order
    /// of their bytes. False means only "not known": the caller sorts with `<` to be sure.
    static func isPlainlyComposed(_ path: String) -> Bool {
        path.unicodeScalars.allSatisfy { scalar in
            switch scalar.value {
            case 0..<0x300, 0x3000...0x3029, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xFF01...0xFF60: return true
            default: return false
            }
        }
    }

    /// Every entry under `root` — files, folders, links and anything else — by path relative to it, sorted,
    /// each with whether it is a folder or a link to one (not descended into): what FileManager's enumerator
    /// lists, at the cost of a readdir (its enumerator cost more per entry than reading a small file).
    public static func entries(root: URL) throws -> [(path: String, isFolder: Bool)] {
        var out: [(path: String, isFolder: Bool)] = []
        try walkEntries(root.standardizedFileURL.path, relative: "", into: &out)
        sortByPath(&out) { $0.path }
        return out
    }

    /// `entries(root:)` handed to `body` `size` entries at a time (the last batch may be smaller), in the walk's order, not
    /// sorted: for a pass that looks at each entry alone and sorts what it keeps (`sortByPath`), without the whole listing.
    public static func forEachEntryBatch(root: URL, size: Int, _ body: ([(path: String, isFolder: Bool)]) throws -> Void) throws {
        var batch: [(path: String, isFolder: Bool)] = []
        try walkEntries(root.standardizedFileURL.path, relative: "", into: &batch, flush: { full in
            try body(full)
            full.removeAll(keepingCapacity: true)
        }, every: max(1, size))
        if !batch.isEmpty { try body(batch) }
    }

    private static func walkEntries(_ folder: String, relative: String, into out: inout [(path: String, isFolder: Bool)],
                                    flush: (inout [(path: String, isFolder: Bool)]) throws -> Void = { _ in }, every size: Int = .max) throws {
        for (name, reported) in try entries(of: folder, relative: relative) {
            let path = relative + name
            var type = reported
            if type == Int(DT_UNKNOWN) || type == Int(DT_LNK) {
                // A link is told by what it points to (a dangling one is no folder); DT_UNKNOWN by lstat.
                var info = stat()
                let found = type == Int(DT_LNK) ? stat(folder + "/" + name, &info) : lstat(folder + "/" + name, &info)
                let isFolder = found == 0 && info.st_mode & S_IFMT == S_IFDIR
                if type == Int(DT_LNK) {
                    out.append((path, isFolder))
                    if out.count >= size { try flush(&out) }
                    continue
                }
                type = isFolder ? Int(DT_DIR) : Int(DT_REG)
            }
            out.append((path, type == Int(DT_DIR)))
            if out.count >= size { try flush(&out) }
            if type == Int(DT_DIR) { try walkEntries(folder + "/" + name, relative: path + "/", into: &out, flush: flush, every: size) }
        }
    }

    /// Sorts `items` exactly as `items.sort { path($0) < path($1) }` would, in a fraction of its time.
    /// String's `<` compares canonical forms, and the output's names are Chinese: sorting 650,000 paths with
    /// it took two seconds of every walk. For strings in normalization form C (every name this program
    /// writes) it is the order of their UTF-8 bytes, so the paths are sorted by their bytes, then checked
    /// with `<`, one comparison per neighbour: strictly increasing means the order has no ties and is the one
    /// `<` gives; anything else (names equal under `<` with other bytes, or not in form C) is sorted with `<`.
    /// True when the byte order stood.
    @discardableResult
    public static func sortByPath<Item>(_ items: inout [Item], path: (Item) -> String) -> Bool {
        var keyed = items.map { (bytes: Array(path($0).utf8), item: $0) }
        keyed.sort { precedes($0.bytes, $1.bytes) }
        let sortedByBytes = keyed.map(\.item)
        keyed = []
        for index in sortedByBytes.indices.dropFirst() where !(path(sortedByBytes[index - 1]) < path(sortedByBytes[index])) {
            items.sort { path($0) < path($1) }
            return false
        }
        items = sortedByBytes
        return true
    }

    /// Byte order of two UTF-8 strings (a prefix first).
    private static func precedes(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        left.withUnsafeBufferPointer { l in right.withUnsafeBufferPointer { r in PathBytes.order(l, r) < 0 } }
    }

    static func changeTime(_ info: stat) -> (seconds: Int, nanoseconds: Int) {
        (Int(info.st_ctim.tv_sec), Int(info.st_ctim.tv_nsec))
    }

    /// The stamp of the file at `path` (through a final symbolic link, as a listing stamps one), nil when there is none.
    public static func stamp(of path: String) -> FileStamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return stamp(info)
    }

    /// The stamp of an open file, as a listing of its path would find it (nil when `fstat` fails).
    public static func stamp(ofOpen descriptor: Int32) -> FileStamp? {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        return stamp(info)
    }

    static func stamp(_ info: stat) -> FileStamp {
        FileStamp(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int(info.st_size),
                  modifiedSeconds: Int(info.st_mtim.tv_sec), modifiedNanoseconds: Int(info.st_mtim.tv_nsec))
    }
}

/// The order of two paths' UTF-8 bytes (a prefix first), without copying them out of their Strings.
enum PathBytes {
    /// Negative, zero or positive as `left`'s bytes come before, equal or after `right`'s.
    static func order(_ left: String, _ right: String) -> Int {
        var left = left, right = right
        return left.withUTF8 { l in right.withUTF8 { r in order(l, r) } }
    }

    /// The same of two runs of bytes, at memcmp's speed.
    static func order(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Int {
        let common = min(left.count, right.count)
        if common > 0, let l = left.baseAddress, let r = right.baseAddress {
            let order = memcmp(l, r, common)
            if order != 0 { return Int(order) }
        }
        return left.count - right.count
    }
}
