import CaseModel
import Ingest
import Reports

/// Which agency each set-aside row belongs to, so each agency is told of its own rows
/// (and its own annual report counts only them). A problem names a file, a row and
/// perhaps a case id, not an agency; the agency is found from what the export holds:
/// - a row of cases.csv, cases.json or officers.csv by its own 主体代码 — and only by it,
///   so a row with a broken 主体代码 is not attributed to another row's agency;
/// - a row of another file (reviews, records, penalties, items, deliveries) by its case:
///   an accepted case, or a set-aside case row whose 主体代码 is a known agency.
/// A row whose 主体代码 is not a known agency, a child row of a case nowhere in the
/// export, an agencies.csv row and a whole unreadable file have no agency.
enum SetAsideAgencies {
    /// Agency code of each set-aside row; a row of unknown agency is absent.
    static func resolve(_ ingest: IngestResult) -> [SourceRef: String] {
        let known = Set(ingest.agencies.map(\.code))
        let ownColumn: Set<String> = [ExportFile.casesCSV.rawValue, ExportFile.casesJSON.rawValue, ExportFile.officers.rawValue]
        var caseAgency = Dictionary(ingest.cases.map { ($0.id, $0.agencyCode) }, uniquingKeysWith: { first, _ in first })
        for problem in ingest.errors where ownColumn.contains(problem.file) {
            let ref = SourceRef(file: problem.file, row: problem.row)
            guard let id = problem.caseID, let code = ingest.rowAgencyCodes[ref], known.contains(code), caseAgency[id] == nil else { continue }
            caseAgency[id] = code
        }
        var result: [SourceRef: String] = [:]
        for problem in ingest.errors {
            let ref = SourceRef(file: problem.file, row: problem.row)
            let code = ownColumn.contains(problem.file)
                ? ingest.rowAgencyCodes[ref].flatMap { known.contains($0) ? $0 : nil }
                : problem.caseID.flatMap { caseAgency[$0] }
            if let code, result[ref] == nil { result[ref] = code }
        }
        return result
    }

    /// Set-aside rows, each once, counted by reason, file and agency.
    static func rows(_ ingest: IngestResult) -> SetAsideRows {
        var seen = Set<SourceRef>()
        var byReason: [String: Int] = [:], byFile: [String: Int] = [:]
        // Each row under the first problem found in it.
        for problem in ingest.errors where seen.insert(SourceRef(file: problem.file, row: problem.row)).inserted {
            byReason[problem.kind.label, default: 0] += 1
            byFile[problem.file, default: 0] += 1
        }
        var byAgency: [String: Int] = [:]
        for (_, code) in resolve(ingest) { byAgency[code, default: 0] += 1 }
        return SetAsideRows(total: seen.count, byReason: byReason, byFile: byFile, byAgency: byAgency)
    }
}
