import ErrorReporting
import Foundation

/// Whether the rest of a night's documents fit on the output folder's disk, judged from what the night drew so far.
/// Tonight's documents stand beside last night's until the commit, so a night that draws every document again (a template
/// changed, an agency renamed) needs room for a second `internal/documents/` (35 GB at 100,000 cases). Without this check
/// such a night learnt it when the disk filled, after most of its drawing (nine minutes at 100,000 cases).
struct DiskRoom {
    /// Cases gone through (drawn or kept) before their average is trusted: a few unusual cases would mislead.
    static let minimumCases = 512
    /// The estimate must pass the free space by this much to stop the night: it is an estimate, not a measure, and a
    /// night stopped for nothing is worse than one that fills the disk as before.
    static let margin = 1.1

    /// Bytes written so far by the night's drawing, from every thread.
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var total: UInt64 = 0

        func add(_ bytes: Int) { lock.withLock { total += UInt64(bytes) } }
        var bytes: UInt64 { lock.withLock { total } }
    }

    /// The shortage, when the cases left at the average bytes of the cases gone through need more than the disk holds free.
    static func shortage(bytesWritten: UInt64, casesDone: Int, casesLeft: Int, freeBytes: UInt64, folder: String) -> DiskShortage? {
        guard casesDone >= minimumCases, casesLeft > 0 else { return nil }
        let needed = Double(bytesWritten) / Double(casesDone) * Double(casesLeft)
        guard needed > Double(freeBytes) * margin else { return nil }
        return DiskShortage(folder: folder, casesLeft: casesLeft, bytesNeeded: UInt64(needed), freeBytes: freeBytes)
    }

    /// The bytes an unprivileged writer may still use on the disk of `path` (`statvfs`'s available blocks); nil when the
    /// file system does not say, and then the night is not stopped for room. The tests' fault `disk.nearly-full` says 0.
    static func freeBytes(at path: String) -> UInt64? {
        if Fault.isSet("disk.nearly-full") { return 0 }
        guard let attributes = try? FileManager.default.attributesOfFileSystem(forPath: path) else { return nil }
        return (attributes[.systemFreeSize] as? NSNumber)?.uint64Value
    }
}

/// The rest of a night's documents would not fit on the output folder's disk: stopped before it fills.
struct DiskShortage: SanxiangError, Equatable {
    var folder: String
    var casesLeft: Int
    var bytesNeeded: UInt64
    var freeBytes: UInt64

    var message: String {
        "输出文件夹 \(folder) 所在磁盘的空间不够本次运行：还有 \(casesLeft) 件案件的文书要生成，按本次已生成的平均大小约需 "
            + "\(Self.gigabytes(bytesNeeded))，磁盘只剩 \(Self.gigabytes(freeBytes))（本次生成的文书在提交前与上次的并存）。"
            + "本次运行已停止，不提交任何结果，上次的输出和状态保持不变；请腾出空间或把输出文件夹移到更大的磁盘后重新运行。"
    }

    /// "12.3 GB" (10⁹ bytes, as `df -H` and disk makers count).
    static func gigabytes(_ bytes: UInt64) -> String {
        String(format: "%.1f GB", Double(bytes) / 1e9)
    }
}
