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
    /// With `run --timings`: each stage's start (wall clock, the process's and its ended render processes' CPU seconds, and
    /// its peak RSS so far), printed at the end.
    private let timings: Bool
    private var laps: [(stage: String, clock: UsageReading)] = []

    init(timings: Bool = false) {
        self.timings = timings
    }

    var handle: @Sendable (RunEvent) -> Void { { [self] event in self.receive(event) } }

    private func receive(_ event: RunEvent) {
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case .stageStarted(_, _, let name), .stepStarted(let name):
            if timings { laps.append((name, UsageReading())) }
        case .rows:
            break
        }
        guard enabled else { return }
        switch event {
        case .stageStarted(let index, let count, let stage):
            clearLine()
            FileHandle.standardError.write(Data("[\(index)/\(count)] \(stage)\n".utf8))
            baseline = nil
        case .stepStarted:
            break  // not a stage: counted in the timings only
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
        if timings, !laps.isEmpty { printTimings(end: UsageReading()) }
        lock.unlock()
    }

    private func printTimings(end: UsageReading) {
        var lines = ["阶段用时（墙钟秒 / CPU 秒，含文书生成进程 / 至阶段结束的进程内存峰值 MiB）："]
        func line(_ name: String, from start: UsageReading, to stop: UsageReading) -> String {
            "  " + name.padding(toLength: 12, withPad: " ", startingAt: 0)
                + String(format: "%9.2f %9.2f %9.0f", stop.wall.timeIntervalSince(start.wall), stop.cpu - start.cpu, stop.peakMiB)
        }
        for (index, lap) in laps.enumerated() {
            lines.append(line(lap.stage, from: lap.clock, to: index + 1 < laps.count ? laps[index + 1].clock : end))
        }
        lines.append(line("total", from: laps[0].clock, to: end))
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    /// One reading of the wall clock and of getrusage: user and system CPU seconds of every thread and of the
    /// render processes that have ended (they end with the render stage, so their drawing counts in that stage's CPU),
    /// and this process's peak resident set so far (Linux reports it in KiB).
    private struct UsageReading {
        let wall = Date()
        let cpu: Double
        let peakMiB: Double

        init() {
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            var children = rusage()
            getrusage(RUSAGE_CHILDREN.rawValue, &children)
            cpu = Self.seconds(usage) + Self.seconds(children)
            peakMiB = Double(usage.ru_maxrss) / 1024
        }

        private static func seconds(_ usage: rusage) -> Double {
            Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        }
    }
}
