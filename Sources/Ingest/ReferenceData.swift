import CaseModel
import Foundation

/// The agencies and officers of an export, without its cases: what an officer's
/// laptop needs to fill in a field form offline. Reading only these two small
/// files keeps `sanxiang print` fast even when the last export holds 100,000 cases.
public struct ReferenceData: Sendable {
    public var agencies: [Agency] = []
    public var officers: [Officer] = []
    /// 收缴银行, 缴款账户名, 缴款账号 by agency code (contract v2; empty for a v1 export).
    public var agencyDetails: [String: AgencyDetails] = [:]
    /// Rows set aside, with the same messages a run gives.
    public var problems: [Problem] = []

    public init() {}
}

extension ExportReader {
    /// agencies.csv and officers.csv of `folder`, decoded and screened by the same
    /// rules as a run; a row with an error is left out (its problem is kept).
    public static func readReference(folder: URL) throws -> ReferenceData {
        guard let export = ExportFolder(path: folder.path) else { throw IngestError.folderUnreadable(path: folder.path) }
        var data = ReferenceData()
        let agencyRows = try referenceRows(.agencies, export: export, folder: folder)
        for row in agencyRows {
            let (agency, problems) = screenedReference(row, RowDecoding.agency)
            data.problems += problems
            guard let agency, !problems.contains(where: { $0.severity == .error }) else { continue }
            data.agencies.append(agency)
            let details = RowDecoding.agencyDetails(row)
            data.agencyDetails[details.agencyCode] = details
        }
        for row in try referenceRows(.officers, export: export, folder: folder) {
            let (officer, problems) = screenedReference(row, RowDecoding.officer)
            data.problems += problems
            if let officer, !problems.contains(where: { $0.severity == .error }) { data.officers.append(officer) }
        }
        return data
    }

    private static func referenceRows(_ file: ExportFile, export: ExportFolder, folder: URL) throws -> [RawRow] {
        guard export.contains(file.rawValue) else {
            throw IngestError.requiredFileMissing(folder: folder.path, file: file.rawValue)
        }
        let bytes: [UInt8]
        switch export.read(file.rawValue) {
        case .success(let read): bytes = read
        case .failure(let error): throw IngestError.requiredFileUnreadable(file: file.rawValue, reason: error.reason)
        }
        let decoded = TextDecoding.decodeLeniently(bytes)
        do {
            return try TableReader.rows(csv: CSVReader.parse(decoded.utf8), file: file)
        } catch {
            throw IngestError.requiredFileUnreadable(file: file.rawValue, reason: "表头无法识别。")
        }
    }

    private static func screenedReference<T>(_ row: RawRow, _ decoder: (RawRow) -> (T?, [Problem])) -> (T?, [Problem]) {
        guard !row.defects.isEmpty else { return decoder(row) }
        if row.hasBlockingDefect { return (nil, row.defectProblems) }
        let (value, problems) = decoder(row)
        return (value, row.defectProblems + problems)
    }
}
