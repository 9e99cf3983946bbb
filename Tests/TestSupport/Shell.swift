import Dispatch
import Foundation

/// Runs a program for a test and returns its exit status and output (stdout and stderr).
/// Waits on the termination handler rather than `waitUntilExit`, and gives up after
/// `timeout` seconds, so a stuck child fails its test instead of hanging the suite.
public enum Shell {
    public static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil, stderr: Bool = true,
                           timeout: Double = 600, environment: [String: String] = [:]) throws -> (code: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        if let directory { process.currentDirectoryURL = directory }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = stderr ? pipe : FileHandle.nullDevice
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        let output = OutputBox()
        let reader = DispatchQueue(label: "shell-reader")
        let readDone = DispatchSemaphore(value: 0)
        reader.async {
            output.set(pipe.fileHandleForReading.readDataToEndOfFile())
            readDone.signal()
        }
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            return (-1, "timed out after \(timeout) s: \(executable) \(arguments.joined(separator: " "))")
        }
        _ = readDone.wait(timeout: .now() + 30)
        return (process.terminationStatus, String(decoding: output.get(), as: UTF8.self))
    }
}

/// What the reader thread read, behind a lock: after a timed-out wait the reader may still be writing it.
private final class OutputBox: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func set(_ value: Data) { lock.withLock { data = value } }
    func get() -> Data { lock.withLock { data } }
}
