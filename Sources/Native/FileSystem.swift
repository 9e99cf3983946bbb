import CFileSystem
import ErrorReporting
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The file-system calls Foundation lacks: an atomic swap of two folders, an
/// exclusive lock on a folder, and durable whole-file writes.
public enum FileSystem {
    /// Swaps `first` and `second` in one step: a reader sees one or the other,
    /// never neither. Returns false where the file system cannot exchange
    /// (then the caller falls back to two renames, journalled).
    public static func exchange(_ first: String, _ second: String) throws -> Bool {
        if sanxiang_rename_exchange(first, second) == 0 { return true }
        let code = errno
        if code == EINVAL || code == ENOSYS || code == EOPNOTSUPP { return false }
        throw FileSystemError(path: second, action: "替换输出", code: code)
    }

    /// rename(2), with the failure said in Chinese.
    public static func rename(_ from: String, to: String) throws {
        guard Glibc.rename(from, to) == 0 else { throw FileSystemError(path: to, action: "移动文件", code: errno) }
    }

    /// Writes and flushes a whole file through a temporary name and a rename,
    /// so a crash leaves the old contents or the new, never half a file.
    public static func replaceDurably(_ path: String, bytes: [UInt8]) throws {
        try replaceDurably(path) { descriptor, temporary in try writeAll(descriptor, bytes, path: temporary) }
    }

    /// `replaceDurably` for a file made in pieces (`produce` hands each to its argument), written a megabyte at a time
    /// (`PieceWriter`): the whole file is never in memory.
    public static func replaceDurably(_ path: String, writing produce: ((_ piece: [UInt8]) throws -> Void) throws -> Void) throws {
        try replaceDurably(path) { descriptor, temporary in
            let writer = PieceWriter(descriptor, path: temporary)
            try produce { try writer.append($0) }
            try writer.finish()
        }
    }

    /// The temporary file `fill` writes (given its descriptor and path) is flushed, then renamed over `path`.
    private static func replaceDurably(_ path: String, filling fill: (Int32, String) throws -> Void) throws {
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileSystemError(path: temporary, action: "写入文件", code: errno) }
        do {
            try fill(descriptor, temporary)
            guard fsync(descriptor) == 0 else { throw FileSystemError(path: temporary, action: "写入文件", code: errno) }
        } catch {
            // The old file stays; a half-written temporary beside it would only be mistaken for output.
            close(descriptor)
            unlink(temporary)
            throw error
        }
        close(descriptor)
        try rename(temporary, to: path)
        syncFolder(of: path)
    }

    /// Writes a file handed over in pieces to an open descriptor a megabyte at a time, so a file of hundreds of
    /// megabytes (the portal's feed, the commit's publication rows) is never whole in memory. `finish` writes the rest.
    public final class PieceWriter {
        private let descriptor: Int32
        private let path: String
        private let action: String
        private var buffer: [UInt8] = []
        private static let flushAt = 1 << 20

        public init(_ descriptor: Int32, path: String, action: String = "写入文件") {
            self.descriptor = descriptor
            self.path = path
            self.action = action
            buffer.reserveCapacity(Self.flushAt + 64 * 1024)
        }

        // Two concrete pieces, not one generic: called from other modules, a generic one is not specialised, and the
        // feed's hundred megabytes would be copied a byte at a time through its witness table.
        public func append(_ piece: [UInt8]) throws {
            buffer += piece
            try flushIfFull()
        }

        public func append(_ piece: String) throws {
            buffer += piece.utf8
            try flushIfFull()
        }

        private func flushIfFull() throws {
            guard buffer.count >= Self.flushAt else { return }
            try writeAll(descriptor, buffer, path: path, action: action)
            buffer.removeAll(keepingCapacity: true)
        }

        public func finish() throws {
            try writeAll(descriptor, buffer, path: path, action: action)
            buffer.removeAll()
        }
    }

    /// Flushes a folder's entries (renames in it) to the disk.
    public static func syncFolder(of path: String) {
        let folder = (path as NSString).deletingLastPathComponent
        let descriptor = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    /// Writes every byte to an open file (retrying short writes and EINTR).
    public static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], path: String, action: String = "写入文件") throws {
        try bytes.withUnsafeBytes { try writeAll(descriptor, $0, path: path, action: action) }
    }

    /// `writeAll` of bytes in place.
    public static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, path: String, action: String = "写入文件") throws {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw FileSystemError(path: path, action: action, code: errno)
            }
            offset += written
        }
    }

    /// True when two files hold the same bytes, read a megabyte at a time (neither is ever whole in memory);
    /// false when either cannot be read.
    public static func sameContents(_ first: String, _ second: String) -> Bool {
        var firstInfo = stat(), secondInfo = stat()
        guard stat(first, &firstInfo) == 0, stat(second, &secondInfo) == 0, firstInfo.st_size == secondInfo.st_size else { return false }
        let one = open(first, O_RDONLY | O_CLOEXEC)
        guard one >= 0 else { return false }
        defer { close(one) }
        let other = open(second, O_RDONLY | O_CLOEXEC)
        guard other >= 0 else { return false }
        defer { close(other) }
        let size = 1 << 20
        var left = [UInt8](repeating: 0, count: size), right = [UInt8](repeating: 0, count: size)
        while true {
            let read = readFully(one, &left)
            guard read >= 0, readFully(other, &right) == read else { return false }
            if read == 0 { return true }
            guard firstBytesEqual(left, right, count: read) else { return false }
        }
    }

    /// True when `path` is a regular file (not through a link) holding exactly `bytes`. A file of
    /// another size is not read at all; one of the same size is read whole (these are small: pages,
    /// reports, shards). False when it cannot be read.
    public static func holds(_ path: String, exactly bytes: [UInt8]) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, Int(info.st_size) == bytes.count else { return false }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        // One byte more than expected: a file grown since the lstat does not pass for the same.
        var buffer = [UInt8](repeating: 0, count: bytes.count + 1)
        guard readFully(descriptor, &buffer) == bytes.count else { return false }
        return firstBytesEqual(buffer, bytes, count: bytes.count)
    }

    /// A file's bytes, read whole straight into an array (Foundation's `contents(atPath:)` gives Data, and a copy of
    /// it as bytes held the file twice); nil when it cannot be opened or read. A file that grows while read is read again.
    public static func contents(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        // One byte more than its size: a file grown since the fstat is read on to its end below.
        var buffer = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
        var filled = readFully(descriptor, &buffer)
        while filled == buffer.count {
            var more = [UInt8](repeating: 0, count: 1 << 16)
            let read = readFully(descriptor, &more)
            guard read >= 0 else { return nil }
            buffer += more[..<read]
            filled += read
            if read < more.count { break }
        }
        guard filled >= 0 else { return nil }
        buffer.removeSubrange(filled...)
        return buffer
    }

    /// A file kept open for reading parts of it by offset (`pread`), so that only the parts asked for are in memory.
    /// The descriptor is closed when the last reference goes.
    public final class OpenFile: @unchecked Sendable {
        private let descriptor: Int32
        public let path: String

        /// Nil when the path cannot be opened for reading.
        public init?(_ path: String) {
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { return nil }
            self.descriptor = descriptor
            self.path = path
        }

        deinit { close(descriptor) }

        /// The bytes at `range`, fewer only where the file ends before it; nil on a read error.
        public func bytes(in range: Range<Int>) -> [UInt8]? {
            guard !range.isEmpty else { return [] }
            var buffer = [UInt8](repeating: 0, count: range.count)
            let filled = FileSystem.readFully(descriptor, &buffer, at: range.lowerBound)
            guard filled >= 0 else { return nil }
            buffer.removeSubrange(filled...)
            return buffer
        }
    }

    /// The first `count` bytes of both (each holds at least that many) are the same.
    private static func firstBytesEqual(_ first: [UInt8], _ second: [UInt8], count: Int) -> Bool {
        guard count > 0 else { return true }
        return first.withUnsafeBytes { one in
            second.withUnsafeBytes { other in
                guard let a = one.baseAddress, let b = other.baseAddress else { return false }
                return memcmp(a, b, count) == 0
            }
        }
    }

    /// Fills `buffer` from the file (fewer bytes only at its end): from where the descriptor stands, or from byte `offset`
    /// (`pread`, the descriptor's position left as it is); -1 on a read error.
    private static func readFully(_ descriptor: Int32, _ buffer: inout [UInt8], at offset: Int? = nil) -> Int {
        buffer.withUnsafeMutableBytes { readFully(descriptor, into: $0, at: offset) }
    }

    /// `readFully` into memory in place.
    static func readFully(_ descriptor: Int32, into raw: UnsafeMutableRawBufferPointer, at offset: Int? = nil) -> Int {
        var filled = 0
        while filled < raw.count {
            let start = raw.baseAddress.map { $0 + filled }
            let count = offset.map { pread(descriptor, start, raw.count - filled, off_t($0 + filled)) } ?? read(descriptor, start, raw.count - filled)
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { return -1 }
            if count == 0 { break }
            filled += count
        }
        return filled
    }

    /// The inode of a path (not following a final symlink), or nil when it does not exist.
    public static func inode(_ path: String) -> UInt64? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return UInt64(info.st_ino)
    }

    /// What kind of thing a path is, without following a final symlink.
    public enum EntryKind: Sendable { case regular, directory, symlink, other, missing }

    public static func kind(_ path: String) -> EntryKind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }
}

/// An exclusive lock on an output folder, held for the life of the process's
/// run: a second run, report or print on the same folder waits for it or is
/// refused. The kernel releases it when the process ends, even by SIGKILL.
public final class FolderLock: @unchecked Sendable {
    public let path: String
    private var descriptor: Int32

    /// Tries for up to `wait` seconds. The holder's process id is written into
    /// the lock file, so the refusal can say who holds it.
    public init(folder: String, wait: Double) throws {
        path = (folder as NSString).appendingPathComponent(".lock")
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileSystemError(path: path, action: "创建锁文件", code: errno) }
        let deadline = Date().addingTimeInterval(wait)
        while sanxiang_try_lock(descriptor) != 0 {
            let code = errno
            guard code == EWOULDBLOCK || code == EINTR else {
                close(descriptor)
                throw FileSystemError(path: path, action: "锁定输出文件夹", code: code)
            }
            if Date() >= deadline {
                let holder = (try? String(contentsOfFile: path, encoding: .utf8))?
                    .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                close(descriptor)
                throw FolderBusyError(folder: folder, holder: holder)
            }
            usleep(100_000)
        }
        _ = ftruncate(descriptor, 0)
        let pid = Array("\(getpid())\n".utf8)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    }

    public func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}

/// Another process is running on the same output folder.
public struct FolderBusyError: SanxiangError {
    public var folder: String
    public var holder: String

    public var message: String {
        "输出文件夹 \(folder) 正由另一个 sanxiang 进程使用" + (holder.isEmpty ? "" : "（进程号 \(holder)）")
            + "。为避免输出互相覆盖，本次不运行；请等它结束后再试，或用 --wait 秒数 等待。"
    }
}
