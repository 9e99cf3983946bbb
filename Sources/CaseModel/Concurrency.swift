import Dispatch
import Foundation

/// Maps on every core, keeping the order.
public func concurrentMap<T, U>(_ items: [T], _ transform: (T) -> U) -> [U] {
    concurrentMap(items, chunkSize: 1024, transform)
}

/// Maps on every core in chunks of `chunkSize`, keeping the order;
/// `finished` hears the size of each chunk as it completes.
public func concurrentMap<T, U>(_ items: [T], chunkSize: Int, finished: ((Int) -> Void)? = nil,
                                _ transform: (T) -> U) -> [U] {
    let chunks = (items.count + chunkSize - 1) / chunkSize
    guard chunks > 1 else {
        let out = items.map(transform)
        finished?(items.count)
        return out
    }
    var results = [[U]](repeating: [], count: chunks)
    results.withUnsafeMutableBufferPointer { slots in
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let range = chunk * chunkSize ..< min(items.count, (chunk + 1) * chunkSize)
            slots[chunk] = items[range].map(transform)
            finished?(range.count)
        }
    }
    return results.flatMap { $0 }
}
