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

    /// After a failed write (a full disk) the store takes no more: every later text stays in memory.
    public func keep(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        lock.withLock {
            guard writable, let base = bytes.baseAddress else { return nil }
            var done = 0
            while done < bytes.count {
                let written = pwrite(descriptor, base + done, bytes.count - done, off_t(end + done))
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else {
                    writable = false
                    return nil
                }
                done += written
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
            guard let base = buffer.baseAddress else { return 0 }
            var done = 0
            while done < length {
                let read = pread(descriptor, base + done, length - done, off_t(offset + done))
                if read < 0 && errno == EINTR { continue }
                guard read > 0 else {
                    complete = false
                    return 0
                }
                done += read
            }
            return length
        }
        if !complete { lock.withLock { failures += 1 } }
        return text
    }
}
