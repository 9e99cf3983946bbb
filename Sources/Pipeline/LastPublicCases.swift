import Foundation

/// The last run's public cases (the JSON of every published decision, ≈ 185 MB at 100,000 cases), copied in one pass over
/// the store's log into a file of the staging area and read back a batch of cases at a time, so the portal never holds them
/// all. Asked of the store by case instead, a batch of 2,048 cases in decision order touched most of the log's 64 KB pages
/// (about 100 MB read a batch). The file goes when this lets go of it (or with the staging area).
final class LastPublicCases {
    static let fileName = ".last-public-cases"

    private let file: StateStore.PayloadFile
    private var ranges: [String: Range<UInt64>] = [:]

    /// `path`: the file to copy them into (in the staging area).
    init(store: StateStore, file path: String) throws {
        file = try StateStore.PayloadFile(creating: path, holding: "上次的公示内容")
        var buffer = Data()
        var written: UInt64 = 0
        func flush() throws {
            guard !buffer.isEmpty else { return }
            written = try file.append(buffer).upperBound
            buffer.removeAll(keepingCapacity: true)
        }
        try store.forEachPublicCase { caseID, bytes in
            let start = written + UInt64(buffer.count)
            ranges[caseID] = start..<(start + UInt64(bytes.count))
            buffer.append(contentsOf: bytes)
            // Written a megabyte at a time, not a case at a time.
            if buffer.count >= 1 << 20 { try flush() }
        }
        try flush()
    }

    /// The public cases of these cases, as the last run's log holds them (a case without a row is not in the answer).
    func read(_ caseIDs: [String]) throws -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        out.reserveCapacity(caseIDs.count)
        // In the file's order: the reads go forward through it.
        let found = caseIDs.compactMap { id in ranges[id].map { (id, $0) } }.sorted { $0.1.lowerBound < $1.1.lowerBound }
        for (id, range) in found { out[id] = [UInt8](try file.read(range)) }
        return out
    }
}
