import ErrorReporting
import Foundation
import Native

/// Tonight's publication rows that differ from the last run's, with their public cases, as lines of a file: the commit
/// journal's format (one `PublicationRow` as JSON per line, its public case in base64). On a first night they are every
/// decision's JSON (≈ 180 MB at 100,000 cases), held from the portal's redaction through the site's writing to the store's
/// save. The portal writes them to a file of the staging area once the decisions' files are swept; the site reads their
/// public cases back from it, the commit makes it the journal's publications file, and the store saves from that file a
/// block of rows at a time (as it does when it finishes an interrupted commit).
final class StagedPublications: Sendable {
    static let fileName = ".publications.jsonl"

    /// The file, in the staging area: not written durably (a crash discards the staging area); the commit's copy of it, the
    /// journal's publications file, is. It goes when this is let go of.
    private let file: StateStore.PayloadFile
    private let size: UInt64
    var path: String { file.path }
    /// The case ids of the rows, in the file's order (case id order).
    let caseIDs: [String]

    /// Writes `rows` (each holding its public case once `filling` has filled it: it is given a few hundred rows at a time) in
    /// their order to a new file at `path`, a megabyte at a time.
    init(_ rows: [PublicationRow], path: String, filling fill: ([PublicationRow]) throws -> [PublicationRow] = { $0 }) throws {
        file = try StateStore.PayloadFile(creating: path, holding: "公示记录")
        caseIDs = rows.map(\.caseID)
        var written: UInt64 = 0
        var block = Data()
        for start in stride(from: 0, to: rows.count, by: Self.fillBatch) {
            for row in try fill(Array(rows[start..<min(start + Self.fillBatch, rows.count)])) {
                block.append(contentsOf: try Self.line(row, path: path))
                if block.count >= 1 << 20 {
                    written = try file.append(block).upperBound
                    block.removeAll(keepingCapacity: true)
                }
            }
        }
        if !block.isEmpty { written = try file.append(block).upperBound }
        size = written
    }

    /// The file's bytes in pieces of a few megabytes, in order (the commit copies them into its journal's publications file).
    func forEachPiece(_ body: ([UInt8]) throws -> Void) throws {
        for start in stride(from: UInt64(0), to: size, by: 1 << 22) {
            try body([UInt8](try file.read(start..<min(start + (1 << 22), size))))
        }
    }

    /// A row as a line of the journal's publications file (sorted keys, a final line break).
    static func line(_ row: PublicationRow, path: String) throws -> [UInt8] {
        // A row without its JSON (let go of, or a stand-in for it) would blank the decision in the store.
        guard row.holdsPublicCase else { throw PublicationRowWithoutCase(caseID: row.caseID) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return [UInt8](try encoder.encode(row)) + [UInt8(ascii: "\n")]
        } catch {
            throw FileSystemError(path: path, action: "暂存本次的公示记录", code: 22)
        }
    }

    /// Rows filled at a time as they are written.
    static let fillBatch = 512

    /// Rows read at a time by `forEachBlock`.
    static let block = 2048

    /// The rows of a publications file (`line`'s format) in its order, `block` at a time: never the whole file in memory.
    /// A file that cannot be read, or a line that is not a row, stops the caller.
    static func forEachBlock(in path: String, block size: Int = block, _ body: ([PublicationRow]) throws -> Void) throws {
        guard let file = FileSystem.OpenFile(path) else { throw FileSystemError(path: path, action: "读取待存入状态库的公示记录", code: ENOENT) }
        let decoder = JSONDecoder()
        var rows: [PublicationRow] = []
        var pending: [UInt8] = []
        var offset = 0
        let piece = 1 << 22
        while true {
            guard let bytes = file.bytes(in: offset..<(offset + piece)) else {
                throw FileSystemError(path: path, action: "读取待存入状态库的公示记录", code: EIO)
            }
            offset += bytes.count
            pending += bytes
            let atEnd = bytes.count < piece
            var start = 0
            while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                do {
                    rows.append(try decoder.decode(PublicationRow.self, from: Data(pending[start..<newline])))
                } catch {
                    throw FileSystemError(path: path, action: "读取待存入状态库的公示记录（记录不完整）", code: EIO)
                }
                start = newline + 1
                if rows.count == size {
                    try body(rows)
                    rows.removeAll(keepingCapacity: true)
                }
            }
            pending.removeSubrange(..<start)
            if atEnd { break }
        }
        // A file written by `init` ends with a line break: bytes after the last one are a cut-off row.
        guard pending.isEmpty else { throw FileSystemError(path: path, action: "读取待存入状态库的公示记录（记录不完整）", code: EIO) }
        if !rows.isEmpty { try body(rows) }
    }
}
