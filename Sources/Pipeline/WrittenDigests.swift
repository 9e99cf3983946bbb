import Archive
import Crypto
import ErrorReporting
import Foundation
import Native

/// Every file a run staged with bytes of its own, with the SHA-256 of those bytes and the file's stamp
/// right after they were written, so the archive need not read the file back (`Archiver.record`'s `written`).
/// A first night writes the whole output, about 44 GB at 100,000 cases — more than the page cache holds —
/// and the archive read all of it back from the disk.
///
/// The records wait in a file in the staging area, a batch at a time, not in memory: at 650,000 files
/// they are about 60 MB, which would have stood through the portal stage, a cold night's peak.
/// A record is used only while the file is stamped as it was when its bytes were hashed (same device,
/// inode, size and modification time: the trust the file index already gives a stamp), and only the
/// last record of a path counts, since a path written twice may get the first file's inode back.
/// A crashed commit's recovery has no writer: it reads the files, as before.
final class WrittenDigests: @unchecked Sendable {
    static let fileName = ".written-digests"
    private static let batch = 4096

    /// Plain values only, so a batch is written and read back as raw bytes by the same process
    /// (`PathDigest` is keyed by this process's hash seed: the file means nothing to another).
    struct Record {
        var path: PathDigest
        var stamp: FileStamp
        var sha256: Words
        var sequence: Int
    }

    let filePath: String
    private let lock = NSLock()
    private var pending: [Record] = []
    private var count = 0

    init(filePath: String) {
        self.filePath = filePath
    }

    /// Records the file open at `descriptor`, just written at `relativePath` with bytes whose digest is `sha256`.
    func add(_ relativePath: String, descriptor: Int32, sha256: SHA256.Digest) throws {
        guard let stamp = FileWalker.stamp(ofOpen: descriptor) else {
            throw FileSystemError(path: relativePath, action: "读取刚写入的输出文件的状态", code: errno)
        }
        try add(relativePath, stamp: stamp, sha256: Self.words(sha256))
    }

    /// A file the caller read whole and hashed, with the stamp it had before and after the read.
    struct Read: Sendable {
        let stamp: FileStamp
        let sha256: Words

        init(stamp: FileStamp, sha256: SHA256.Digest) {
            self.stamp = stamp
            self.sha256 = WrittenDigests.words(sha256)
        }
    }

    /// A SHA-256 digest as four words, as a record holds it.
    typealias Words = (UInt64, UInt64, UInt64, UInt64)

    static func words(_ digest: SHA256.Digest) -> Words {
        digest.withUnsafeBytes { raw in
            (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
             raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        }
    }

    /// Reads a file made outside the staging area (a worker's shard result) whole, with its stamp when the file
    /// was stamped the same before and after the read (nil beside its bytes: it changed meanwhile, so a hash of
    /// these bytes must not stand for it). Nil when it cannot be read.
    static func read(_ path: String) -> (bytes: [UInt8], stamp: FileStamp?)? {
        let before = FileWalker.stamp(of: path)
        guard let bytes = FileSystem.contents(path) else { return nil }
        guard let before, FileWalker.stamp(of: path) == before, bytes.count == before.size else { return (bytes, nil) }
        return (bytes, before)
    }

    /// Records a file staged as a link to one the caller read (`read`): the link is that file.
    func add(_ relativePath: String, read: Read) throws {
        try add(relativePath, stamp: read.stamp, sha256: read.sha256)
    }

    private func add(_ relativePath: String, stamp: FileStamp, sha256: Words) throws {
        try lock.withLock {
            pending.append(Record(path: PathDigest(relativePath), stamp: stamp, sha256: sha256, sequence: count))
            count += 1
            if pending.count >= Self.batch { try spill() }
        }
    }

    /// Appends the waiting records to the file. Called under the lock.
    private func spill() throws {
        guard !pending.isEmpty else { return }
        let descriptor = open(filePath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw FileSystemError(path: filePath, action: "记录输出文件的哈希", code: errno) }
        defer { close(descriptor) }
        try pending.withUnsafeBytes { raw in
            try FileSystem.writeAll(descriptor, [UInt8](raw), path: filePath, action: "记录输出文件的哈希")
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// Every record so far, looked up by path and stamp. Read before the staging area goes, straight into
    /// the records (the file's bytes and the records side by side would hold it twice).
    func table() throws -> Table {
        try lock.withLock {
            try spill()
            guard count > 0 else { return Table(sorted: []) }
            let descriptor = open(filePath, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw FileSystemError(path: filePath, action: "读取输出文件的哈希记录", code: errno) }
            defer { close(descriptor) }
            var failure: Int32?
            var records = [Record](unsafeUninitializedCapacity: count) { buffer, initialized in
                let raw = UnsafeMutableRawBufferPointer(buffer)
                var filled = 0
                while filled < raw.count {
                    let read = Glibc.read(descriptor, raw.baseAddress.map { $0 + filled }, raw.count - filled)
                    if read < 0, errno == EINTR { continue }
                    guard read > 0 else {
                        failure = read < 0 ? errno : EIO
                        break
                    }
                    filled += read
                }
                initialized = failure == nil ? count : 0
            }
            if let failure { throw FileSystemError(path: filePath, action: "读取输出文件的哈希记录", code: failure) }
            // Sorted in place: a sorted copy held the records twice (about 60 MB each at 650,000 files).
            records.sort(by: Table.precedes)
            return Table(sorted: records)
        }
    }

    /// The records sorted by path, and within a path by when they were made.
    struct Table: Sendable {
        private let records: [Record]

        /// `records` in `precedes` order.
        init(sorted records: [Record]) {
            self.records = records
        }

        /// The digest of `file` as written, when its last record is stamped as the file now is.
        func digest(of file: ListedFile) -> FileDigest? {
            let path = PathDigest(file.path)
            // The first record after every one of this path's: the one before it is the path's last.
            var low = 0, high = records.count
            while low < high {
                let middle = (low + high) / 2
                if Self.order(records[middle].path, path) <= 0 { low = middle + 1 } else { high = middle }
            }
            guard low > 0 else { return nil }
            let last = records[low - 1]
            guard last.path == path, last.stamp == file.stamp else { return nil }
            return FileDigest(sha256: Self.hex(last.sha256), size: file.stamp.size)
        }

        static func precedes(_ left: Record, _ right: Record) -> Bool {
            let order = order(left.path, right.path)
            return order != 0 ? order < 0 : left.sequence < right.sequence
        }

        private static func order(_ left: PathDigest, _ right: PathDigest) -> Int {
            if left.first != right.first { return left.first < right.first ? -1 : 1 }
            if left.second != right.second { return left.second < right.second ? -1 : 1 }
            return 0
        }

        private static func hex(_ words: Words) -> String {
            withUnsafeBytes(of: words) { Array($0).hex }
        }
    }
}
