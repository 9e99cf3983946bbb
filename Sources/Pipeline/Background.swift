import Dispatch

/// Work started on another thread, whose result a later step of the run waits for: the stages that read
/// only the export start while the output is compared with the last run's record (`UnchangedRun.inspect`).
final class Background<Value>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var outcome: Result<Value, Error> = .failure(NotFinished())

    /// Never seen: `wait` returns only once the work has set its outcome.
    struct NotFinished: Error {}

    init(_ work: @escaping @Sendable () throws -> Value) {
        DispatchQueue.global().async { [self] in
            outcome = Result { try work() }
            done.signal()  // publishes `outcome` to the thread that waits
        }
    }

    /// The work's value once it is done (what it threw, if it threw). A second wait returns at once.
    func wait() throws -> Value {
        done.wait()
        done.signal()
        return try outcome.get()
    }
}
