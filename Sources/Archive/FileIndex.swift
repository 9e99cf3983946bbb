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
}

/// `archive/file-index.tsv`: for every logged output file, the stamp it had when it was last
/// hashed and the ledger leaf that holds that hash. A nightly run reuses a leaf's hash for a file
/// whose stamp is unchanged instead of reading it again, so it reads only what it wrote.
///
/// It is a cache, never evidence: it is not in the Merkle tree, `verify` ignores it and reads
/// every file, and a missing or unreadable index only means every file is hashed again. A file
/// edited in place with its time set back keeps its logged hash, so `verify` reports it changed
/// (a full re-hash would have logged the edit as a change of the output instead).
public struct FileIndex: Equatable {
    public struct Entry: Equatable {
        public var stamp: FileStamp
        /// The ledger leaf (0-based) whose hash describes the file as stamped.
        public var leaf: Int
    }

    public var entries: [String: Entry] = [:]

    public static let file = "archive/file-index.tsv"
    private static let header = "sanxiang-file-index-v1"

    public init(entries: [String: Entry] = [:]) { self.entries = entries }

    /// The index left by the last run; nil when there is none or it cannot be read whole.
    public static func load(root: URL) -> FileIndex? {
        guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(file).path) else { return nil }
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)[...]
        guard let first = lines.popFirst(), String(decoding: first, as: UTF8.self) == header else { return nil }
        var index = FileIndex()
        index.entries.reserveCapacity(lines.count)
        for line in lines {
            guard let (path, entry) = parse(line) else { return nil }
            index.entries[path] = entry
        }
        return index
    }

    /// leaf, device, inode, size, seconds, nanoseconds, path — tab-separated, the path last. Read byte by
    /// byte: one String per number made loading the index of 100,000 cases' outputs take seconds.
    private static func parse(_ line: Data.SubSequence) -> (String, Entry)? {
        var numbers: [Int] = []
        numbers.reserveCapacity(6)
        var position = line.startIndex
        while numbers.count < 6 {
            var value = 0
            var negative = false
            var digits = 0
            if position < line.endIndex, line[position] == UInt8(ascii: "-") {
                negative = true
                position += 1
            }
            while position < line.endIndex, line[position] != UInt8(ascii: "\t") {
                let digit = Int(line[position]) - 48
                guard (0...9).contains(digit) else { return nil }
                let (tens, overflowTens) = value.multipliedReportingOverflow(by: 10)
                let (next, overflow) = tens.addingReportingOverflow(digit)
                guard !overflowTens, !overflow else { return nil }
                value = next
                digits += 1
                position += 1
            }
            guard digits > 0, position < line.endIndex else { return nil }
            numbers.append(negative ? -value : value)
            position += 1  // the tab
        }
        guard position < line.endIndex else { return nil }
        let stamp = FileStamp(device: UInt64(bitPattern: Int64(numbers[1])), inode: UInt64(bitPattern: Int64(numbers[2])),
                              size: numbers[3], modifiedSeconds: numbers[4], modifiedNanoseconds: numbers[5])
        return (String(decoding: line[position...], as: UTF8.self), Entry(stamp: stamp, leaf: numbers[0]))
    }

    /// Written whole through a temporary file and a rename: a crash leaves the old index or the new.
    public func write(root: URL) throws {
        var bytes = Array((Self.header + "\n").utf8)
        bytes.reserveCapacity(entries.count * 120)
        for path in entries.keys.sorted() where !path.contains("\t") && !path.contains("\n") {
            guard let entry = entries[path] else { continue }
            let stamp = entry.stamp
            for number in [entry.leaf, Int(Int64(bitPattern: stamp.device)), Int(Int64(bitPattern: stamp.inode)), stamp.size,
                           stamp.modifiedSeconds, stamp.modifiedNanoseconds] {
                bytes += String(number).utf8
                bytes.append(UInt8(ascii: "\t"))
            }
            bytes += path.utf8
            bytes.append(UInt8(ascii: "\n"))
        }
        let path = root.appendingPathComponent(Self.file).path
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ArchiveError(path: temporary, reason: "无法写入文件索引（\(String(cString: strerror(errno)))）") }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress.map { $0 + offset }, $0.count - offset) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { throw ArchiveError(path: temporary, reason: "无法写入文件索引（\(String(cString: strerror(errno)))）") }
            offset += written
        }
        // No fsync: a torn index after a power cut is caught by its parse and only costs a full re-hash.
        guard rename(temporary, path) == 0 else {
            throw ArchiveError(path: path, reason: "无法更新文件索引（\(String(cString: strerror(errno)))）")
        }
    }
}

/// Lists the regular files under a folder with one lstat each (readdir and lstat directly:
/// Foundation's enumerator costs several times as much per file on Linux).
public enum FileWalker {
    /// Every regular file under `root`, by path relative to it, sorted; `isExcluded` prunes files and folders
    /// (a folder is asked as "name/"). A symbolic link to a file is listed as that file (the pipeline never makes one,
    /// so one planted in the output must show in the ledger and in `verify`); links to folders are not followed.
    public static func list(root: URL, isExcluded: (String) -> Bool) throws -> [ListedFile] {
        var out: [ListedFile] = []
        try walk(root.standardizedFileURL.path, relative: "", isExcluded: isExcluded, into: &out)
        out.sort { $0.path < $1.path }
        return out
    }

    /// The entries of a folder (without "." and ".."), each with the kind its directory entry reports
    /// (`DT_…`, `DT_UNKNOWN` where the file system does not say); empty when a subfolder went while we walked.
    private static func entries(of folder: String, relative: String) throws -> [(name: String, type: Int)] {
        guard let stream = opendir(folder) else {
            if relative.isEmpty || errno != ENOENT { throw ArchiveError(path: folder, reason: "无法读取文件夹（\(String(cString: strerror(errno)))）") }
            return []  // removed while we walked
        }
        defer { closedir(stream) }
        var out: [(name: String, type: Int)] = []
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
            if name != "." && name != ".." { out.append((name, Int(entry.pointee.d_type))) }
        }
        return out
    }

    private static func walk(_ folder: String, relative: String, isExcluded: (String) -> Bool, into out: inout [ListedFile]) throws {
        for (name, _) in try entries(of: folder, relative: relative) {
            let path = relative + name
            var info = stat()
            guard lstat(folder + "/" + name, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                if !isExcluded(path + "/") { try walk(folder + "/" + name, relative: path + "/", isExcluded: isExcluded, into: &out) }
            case S_IFREG:
                if !isExcluded(path) { out.append(ListedFile(path: path, stamp: stamp(info), changed: changeTime(info))) }
            case S_IFLNK:
                guard stat(folder + "/" + name, &info) == 0, info.st_mode & S_IFMT == S_IFREG, !isExcluded(path) else { continue }
                out.append(ListedFile(path: path, stamp: stamp(info), isLink: true, changed: changeTime(info)))
            default:
                continue
            }
        }
    }

    /// The paths under `root` (relative, sorted) of regular files and of symbolic links (`isLink`, whatever
    /// they point to), without a stamp: the kind comes from the directory entry itself, so a file costs no
    /// lstat (one only where the file system does not say). For walks that only need to know what is there.
    public static func paths(root: URL, isExcluded: (String) -> Bool) throws -> [(path: String, isLink: Bool)] {
        var out: [(path: String, isLink: Bool)] = []
        try walkNames(root.standardizedFileURL.path, relative: "", isExcluded: isExcluded, into: &out)
        out.sort { $0.path < $1.path }
        return out
    }

    private static func walkNames(_ folder: String, relative: String, isExcluded: (String) -> Bool,
                                  into out: inout [(path: String, isLink: Bool)]) throws {
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
            case Int(DT_DIR):
                if !isExcluded(path + "/") { try walkNames(folder + "/" + name, relative: path + "/", isExcluded: isExcluded, into: &out) }
            case Int(DT_REG):
                if !isExcluded(path) { out.append((path, false)) }
            case Int(DT_LNK):
                if !isExcluded(path) { out.append((path, true)) }
            default:
                continue
            }
        }
    }

    static func changeTime(_ info: stat) -> (seconds: Int, nanoseconds: Int) {
        (Int(info.st_ctim.tv_sec), Int(info.st_ctim.tv_nsec))
    }

    static func stamp(_ info: stat) -> FileStamp {
        FileStamp(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int(info.st_size),
                  modifiedSeconds: Int(info.st_mtim.tv_sec), modifiedNanoseconds: Int(info.st_mtim.tv_nsec))
    }
}
