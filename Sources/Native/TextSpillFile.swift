import CaseModel
import CFileSystem
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A `TextStore` in a file with no name, in a folder of the night's own (its output folder): the export's long texts
/// lie in the page cache instead of the process's memory, and the file is gone when the process ends, however it
/// ends — nothing of it is left to sweep, and no other process can open it.
///
/// Texts are written once, appended, and read any number of times from any thread (`pread` has no shared offset).
/// Appends gather in memory and reach the file a megabyte at a time: a night keeps about 300,000 texts at 100,000
/// cases, and one `write` each was most of what keeping them cost.
public final class TextSpillFile: TextStore, @unchecked Sendable {
    private let descriptor: Int32
    /// How many gathered bytes are written at once.
    private let batchBytes: Int
    /// Guards every member below.
    private let lock = NSLock()
    /// Bytes in the file; the texts kept after them are in `pending`.
    private var written = 0
    private var pending: [UInt8] = []
    private var writable = true
    private var failures = 0

    /// Nil when no such file can be made in `folder` (a read-only or missing folder): the texts then stay in memory.
    public convenience init?(folder: String) {
        let descriptor = sanxiang_open_unnamed(folder)
        guard descriptor >= 0 else { return nil }
        self.init(descriptor: descriptor, batchBytes: 1 << 20)
    }

    /// A store over an open file it now owns (tests give one that cannot be written).
    init(descriptor: Int32, batchBytes: Int) {
        self.descriptor = descriptor
        self.batchBytes = batchBytes
    }

    deinit { close(descriptor) }

    /// Bytes kept so far.
    public var size: Int { lock.withLock { written + pending.count } }

    public var failedReads: Int { lock.withLock { failures } }

    /// After a failed write (a full disk) the store takes no more: every later text stays in memory, and the texts
    /// gathered but not written stay in memory too, read from there (a failed write may leave part of them in the
    /// file; the part is never read). Texts are appended with `write`, so the descriptor's position is the file's end
    /// (reads use `pread`, which leaves it where it is).
    public func keep(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        lock.withLock {
            guard writable else { return nil }
            let offset = written + pending.count
            pending.append(contentsOf: bytes)
            if pending.count >= batchBytes { writePending() }
            return offset
        }
    }

    /// Called with the lock held.
    private func writePending() {
        do {
            try pending.withUnsafeBytes { try FileSystem.writeAll(descriptor, $0, path: "导出长文本暂存文件") }
        } catch {
            writable = false
            return
        }
        written += pending.count
        pending.removeAll(keepingCapacity: true)
    }

    /// Empties the file, so that the kernel need not write its pages to the disk: a night's commit syncs the file
    /// system, which would write them (≈ 200 MB at 100,000 cases) although nothing reads them after the snapshot.
    public func discard() {
        lock.withLock {
            writable = false
            written = 0
            pending = []
            _ = ftruncate(descriptor, 0)
        }
    }

    public func text(at offset: Int, length: Int) -> String {
        var complete = true
        let text = String(unsafeUninitializedCapacity: length) { buffer -> Int in
            complete = read(into: UnsafeMutableRawBufferPointer(buffer), at: offset)
            return complete ? length : 0
        }
        if !complete { lock.withLock { failures += 1 } }
        return text
    }

    private enum Place { case file, copied, missing }

    /// A text is wholly in the file or wholly gathered: `pending` holds every byte from `written` on.
    private func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> Bool {
        let place: Place = lock.withLock {
            if offset + buffer.count <= written { return .file }
            let start = offset - written
            guard start >= 0, start + buffer.count <= pending.count else { return .missing }
            pending.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[start..<start + buffer.count])) }
            return .copied
        }
        switch place {
        case .file: return FileSystem.readFully(descriptor, into: buffer, at: offset) == buffer.count
        case .copied: return true
        case .missing: return false
        }
    }
}
