import Foundation
import Pipeline

/// Rows per second and time left, on a terminal only: logs of nightly runs
/// stay free of carriage-return noise.
final class ProgressPrinter: @unchecked Sendable {
    private let enabled = isatty(STDERR_FILENO) == 1
    private let lock = NSLock()
    /// Rate and time left count from the first row event: reading and
    /// parsing the files before it would make the early rate look slow.
    private var baseline: (time: Date, done: Int)?
    private var lastDraw = Date.distantPast
    private var drewLine = false

    var handle: @Sendable (RunEvent) -> Void { { [self] event in self.receive(event) } }

    private func receive(_ event: RunEvent) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case .stageStarted(let index, let count, let stage):
            clearLine()
            FileHandle.standardError.write(Data("[\(index)/\(count)] \(stage)\n".utf8))
            baseline = nil
        case .rows(let done, let total):
            let now = Date()
            guard let start = baseline else {
                baseline = (now, done)
                return
            }
            guard now.timeIntervalSince(lastDraw) > 0.2 || done == total else { return }
            lastDraw = now
            let elapsed = max(now.timeIntervalSince(start.time), 0.001)
            let rate = Double(done - start.done) / elapsed
            let remaining = rate > 0 ? Double(total - done) / rate : 0
            let line = String(format: "\r  %d/%d 行  %.0f 行/秒  剩余约 %.0f 秒   ", done, total, rate, remaining)
            FileHandle.standardError.write(Data(line.utf8))
            drewLine = true
        }
    }

    private func clearLine() {
        if drewLine { FileHandle.standardError.write(Data("\n".utf8)) }
        drewLine = false
    }

    func finish() {
        lock.lock()
        clearLine()
        lock.unlock()
    }
}
