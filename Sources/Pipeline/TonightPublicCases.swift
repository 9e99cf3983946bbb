import Foundation

/// Tonight's public cases of decisions the last run's log does not hold (every decision on a first night: ≈ 180 MB of JSON
/// at 100,000 cases), kept in a file of the staging area from the end of their batch's redaction until their public copies
/// are drawn, their pages written and their rows staged for the store, and read back a batch of rows at a time. Held in the
/// log's rows instead, they stood through the drawing of every public copy, the cold night's peak.
///
/// Only new rows are kept here: a row the last run's log holds is told changed or not by comparing it, public case
/// included, with that row; a new row is changed whatever it holds. A kept row's `publicCase` is empty in the log.
final class TonightPublicCases {
    static let fileName = ".tonight-public-cases"

    private let file: StateStore.PayloadFile
    private var ranges: [String: Range<UInt64>] = [:]

    init(path: String) throws {
        file = try StateStore.PayloadFile(creating: path, holding: "本次的公示内容")
    }

    /// Keeps these rows' public cases (one write); the caller then empties them in its log.
    func keep(_ rows: [PublicationRow]) throws {
        var block = Data()
        var offsets: [(String, Range<Int>)] = []
        for row in rows where !row.publicCase.isEmpty {
            offsets.append((row.caseID, block.count..<(block.count + row.publicCase.count)))
            block.append(contentsOf: row.publicCase)
        }
        guard !block.isEmpty else { return }
        let start = try file.append(block).lowerBound
        for (caseID, range) in offsets { ranges[caseID] = (start + UInt64(range.lowerBound))..<(start + UInt64(range.upperBound)) }
    }

    /// Whether the row's public case is here (its row in the log holds none).
    func holds(_ row: PublicationRow) -> Bool { row.publicCase.isEmpty && ranges[row.caseID] != nil }

    /// A row that no longer stands as kept (taken off the log, or given another public case).
    func forget(_ caseID: String) { ranges[caseID] = nil }

    /// The rows with their public cases: those kept here read back (in the file's order), the others as they are.
    func filled(_ rows: [PublicationRow]) throws -> [PublicationRow] {
        var out = rows
        let kept = out.indices.filter { holds(out[$0]) }.compactMap { index in ranges[out[index].caseID].map { (index, $0) } }
        for (index, range) in kept.sorted(by: { $0.1.lowerBound < $1.1.lowerBound }) { out[index].publicCase = [UInt8](try file.read(range)) }
        return out
    }

    /// One row with its public case (`filled`).
    func filled(_ row: PublicationRow) throws -> PublicationRow { try filled([row]).first ?? row }
}
