import Dispatch
import Foundation

/// Work on every core for the archive, which does not depend on CaseModel (where `concurrentMap` is).
enum EveryCore {
    /// `transform` applied to `count` indices in blocks of `block` (one task per block), results in index order;
    /// each block's `transform` gets the block's range and returns one value per index in it.
    static func map<T>(count: Int, block: Int, _ transform: (Range<Int>) -> [T]) -> [T?] {
        let box = Results<T>(count)
        let lock = NSLock()
        let blocks = (count + block - 1) / block
        DispatchQueue.concurrentPerform(iterations: blocks) { number in
            let range = number * block..<min(count, (number + 1) * block)
            let values = transform(range).map { Optional($0) }
            lock.withLock { box.values.replaceSubrange(range, with: values) }
        }
        return box.values
    }

    /// `transform` of each of `count` indices, `block` indices to a task, in index order; the first
    /// index's error (in index order, not in time) is thrown once all tasks are done.
    static func tryMap<T>(count: Int, block: Int, _ transform: (Int) throws -> T) throws -> [T] {
        let results = map(count: count, block: block) { range in
            range.map { index in Result { try transform(index) } }
        }
        return try results.map { result in
            guard let result else { throw ArchiveError(path: "", reason: "并行任务未返回结果") }
            return try result.get()
        }
    }

    /// `first` and `second` at once, on two cores where there are two; the first's error is thrown when both throw.
    static func both<A, B>(_ first: () throws -> A, _ second: () throws -> B) throws -> (A, B) {
        let one = Slot<A>(), two = Slot<B>()
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            if index == 0 { one.set(Result { try first() }) } else { two.set(Result { try second() }) }
        }
        return (try one.get(), try two.get())
    }

    /// One task's outcome, set once under its lock.
    private final class Slot<T>: @unchecked Sendable {
        private let lock = NSLock()
        private var outcome: Result<T, Error>?

        func set(_ value: Result<T, Error>) { lock.withLock { outcome = value } }

        func get() throws -> T {
            guard let outcome = lock.withLock({ outcome }) else { throw ArchiveError(path: "", reason: "并行任务未返回结果") }
            return try outcome.get()
        }
    }

    /// The results the tasks fill in, each its own range, under the lock.
    private final class Results<T>: @unchecked Sendable {
        var values: [T?]
        init(_ count: Int) { values = Array(repeating: nil, count: count) }
    }
}
