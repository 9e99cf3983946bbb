import Foundation

/// Tonight's public cases of the rows whose pages are to be written (every decision on a first night, and on a night that
/// writes every page: ≈ 185 MB of JSON at 100,000 cases), kept in a file of the staging area from the end of their batch's
/// redaction until their public copies are drawn, their pages written and their rows staged for the store, and read back a
/// batch of rows at a time. Held in the log's rows instead, they stood through the drawing of every public copy: the peak of
/// a cold night, and 1,132 MiB on a night that changed what every decision publishes.
///
/// A kept row holds a stand-in for its public case (`PublicationRow.standIn`), not nothing, so that rows still compare as
/// their public cases do: last night's row of the case, when the log holds it beside (`PublicationLogEdit.setAside`), is
/// given the same stand-in when its bytes were the same and another when not.
final class TonightPublicCases {
    static let fileName = ".tonight-public-cases"

    private let file: StateStore.PayloadFile
    /// Each kept case's bytes in the file and the stand-in its row holds for them.
    private var kept: [String: (range: Range<UInt64>, standIn: [UInt8])] = [:]
    /// Stand-ins made so far: each is new, so a stand-in left in a row from an earlier keep never answers for later bytes.
    private var made: UInt64 = 0

    init(path: String) throws {
        file = try StateStore.PayloadFile(creating: path, holding: "本次的公示内容")
    }

    /// Keeps these rows' public cases (one write; a row that holds none is left out) and returns, by case id, the stand-in
    /// each row is to hold instead (`PublicationLogEdit.setAside`).
    func keep(_ rows: [PublicationRow]) throws -> [(caseID: String, standIn: [UInt8])] {
        var block = Data()
        var offsets: [(caseID: String, range: Range<Int>, standIn: [UInt8])] = []
        for row in rows where row.holdsPublicCase {
            made += 1
            offsets.append((row.caseID, block.count..<(block.count + row.publicCase.count), PublicationRow.standIn(made)))
            block.append(contentsOf: row.publicCase)
        }
        guard !block.isEmpty else { return [] }
        let start = try file.append(block).lowerBound
        for item in offsets {
            kept[item.caseID] = ((start + UInt64(item.range.lowerBound))..<(start + UInt64(item.range.upperBound)), item.standIn)
        }
        return offsets.map { ($0.caseID, $0.standIn) }
    }

    /// Whether the row's public case is here: the row holds the stand-in it was given for it.
    func holds(_ row: PublicationRow) -> Bool { kept[row.caseID]?.standIn == row.publicCase }

    /// A row that no longer stands as kept (taken off the log, or given another public case).
    func forget(_ caseID: String) { kept[caseID] = nil }

    /// The rows with their public cases: those kept here read back (in the file's order), the others as they are.
    func filled(_ rows: [PublicationRow]) throws -> [PublicationRow] {
        var out = rows
        let found = out.indices.compactMap { index in
            kept[out[index].caseID].flatMap { $0.standIn == out[index].publicCase ? (index, $0.range) : nil }
        }
        for (index, range) in found.sorted(by: { $0.1.lowerBound < $1.1.lowerBound }) { out[index].publicCase = [UInt8](try file.read(range)) }
        return out
    }

    /// One row with its public case (`filled`).
    func filled(_ row: PublicationRow) throws -> PublicationRow { try filled([row]).first ?? row }
}

extension PublicationRow {
    /// Whether the row holds its public case's JSON: not nothing (let go of once found unchanged) and not a stand-in for
    /// bytes set aside (`TonightPublicCases`). A stand-in begins with a byte below 2, which no JSON text begins with.
    var holdsPublicCase: Bool { (publicCase.first ?? 0) > 1 }

    /// The stand-in of the `number`th public case set aside tonight: 0, then the number's eight bytes.
    static func standIn(_ number: UInt64) -> [UInt8] {
        [0] + (0..<8).map { UInt8(truncatingIfNeeded: number >> (56 - 8 * $0)) }
    }

    /// What last night's row of a case holds once tonight's public case, other than last night's, is set aside: last
    /// night's bytes stay in the store (and are read from it when needed again), and the row still compares unequal.
    static let otherStandIn: [UInt8] = [1]
}
