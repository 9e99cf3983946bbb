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
public final class TextSpillFile: TextStore, @unchecked Sendable {
    private let descriptor: Int32
    /// Guards `end`, `writable` and `failures`.
    private let lock = NSLock()
    private var end = 0
    private var writable = true
    private var failures = 0

    /// Nil when no such file can be made in `folder` (a read-only or missing folder): the texts then stay in memory.
    public init?(folder: String) {
        let descriptor = sanxiang_open_unnamed(folder)
        guard descriptor >= 0 else { return nil }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Bytes kept so far.
    public var size: Int { lock.withLock { end } }

    public var failedReads: Int { lock.withLock { failures } }

    /// After a failed write (a full disk) the store takes no more: every later text stays in memory. Texts are appended
    /// with `write`, so the descriptor's position is the store's end (reads use `pread`, which leaves it where it is).
    public func keep(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        lock.withLock {
            guard writable else { return nil }
            do {
                try FileSystem.writeAll(descriptor, UnsafeRawBufferPointer(bytes), path: "导出长文本暂存文件")
            } catch {
                writable = false
                return nil
            }
            let offset = end
            end += bytes.count
            return offset
        }
    }

    /// Empties the file, so that the kernel need not write its pages to the disk: a night's commit syncs the file
    /// system, which would write them (≈ 200 MB at 100,000 cases) although nothing reads them after the snapshot.
    public func discard() {
        lock.withLock {
            writable = false
            end = 0
            _ = ftruncate(descriptor, 0)
        }
    }

    public func text(at offset: Int, length: Int) -> String {
        var complete = true
        let text = String(unsafeUninitializedCapacity: length) { buffer -> Int in
            complete = FileSystem.readFully(descriptor, into: UnsafeMutableRawBufferPointer(buffer), at: offset) == length
            return complete ? length : 0
        }
        if !complete { lock.withLock { failures += 1 } }
        return text
    }
}
