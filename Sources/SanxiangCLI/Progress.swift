import Foundation
import Pipeline

/// Rows per second and time left, on a terminal only: logs of nightly runs
/// stay free of carriage-return noise.
final class ProgressPrinter: @unchecked Sendable {
    private let enabled = isatty(STDERR_FILENO) == 1
    private let lock = NSLock()
    private var started = Date()
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
            FileHandle.standardError.write(Data("[\(index)/\(count)] \(stage.rawValue)\n".utf8))
            started = Date()
        case .rows(let done, let total):
            let now = Date()
            guard now.timeIntervalSince(lastDraw) > 0.2 || done == total else { return }
            lastDraw = now
            let elapsed = max(now.timeIntervalSince(started), 0.001)
            let rate = Double(done) / elapsed
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
