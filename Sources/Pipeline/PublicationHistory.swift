import CaseModel
import Foundation
import Ingest
import Portal

/// What an agency had already published before this installation (on its old
/// site or the provincial platform): per decision, the first publication date
/// and where. Read from the CSV `disclosure.history` names, with columns
/// case_id (案件编号) or doc_no (文书编号), first_published_on (首次公示日期), url (网址).
struct PublicationHistory {
    struct Entry: Equatable {
        var firstPublishedOn: CivilDate
        var url: String?
    }

    private(set) var byCaseID: [String: Entry] = [:]
    private(set) var byDocNo: [String: Entry] = [:]

    static let headers: [String: String] = [
        "case_id": "case_id", "案件编号": "case_id", "doc_no": "doc_no", "文书编号": "doc_no",
        "first_published_on": "first_published_on", "首次公示日期": "first_published_on", "公示日期": "first_published_on",
        "url": "url", "网址": "url", "链接": "url",
    ]

    /// The entry of a decision: by case id, else by its 文书编号 with brackets and widths folded.
    func entry(for item: EnforcementCase) -> Entry? {
        byCaseID[item.id] ?? (item.docNo.isEmpty ? nil : byDocNo[Self.fold(item.docNo)])
    }

    /// 〔2025〕, [2025], (2025) and （2025） name the same 文书编号: folded as the portal's search
    /// folds what a citizen types (widths, case, every bracket), spaces dropped.
    static func fold(_ docNo: String) -> String {
        SearchText.fold(docNo).filter { !$0.isWhitespace }
    }

    /// Reads the file; rows that cannot be used are reported (file, row, field) and skipped.
    static func load(_ url: URL, sourceName: String) throws -> (PublicationHistory, [Problem]) {
        let file = url.lastPathComponent
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ConfigError(file: sourceName, line: nil, key: "disclosure.history", problem: "无法读取公示历史文件 \(url.path)。")
        }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard String(validatingUTF8: bytes.map { CChar(bitPattern: $0) } + [0]) != nil else {
            throw ConfigError(file: sourceName, line: nil, key: "disclosure.history",
                              problem: "公示历史文件 \(url.path) 不是 UTF-8 编码，请另存为 UTF-8 后再运行。")
        }
        let records = CSVReader.parse(bytes)
        guard let header = records.first else { return (PublicationHistory(), []) }
        let columns = header.fields.map { headers[$0.trimmingCharacters(in: .whitespaces)] }
        guard columns.contains("first_published_on"), columns.contains("case_id") || columns.contains("doc_no") else {
            throw ConfigError(file: sourceName, line: nil, key: "disclosure.history",
                              problem: "公示历史文件 \(url.path) 的表头应包含 case_id（案件编号）或 doc_no（文书编号），以及 first_published_on（首次公示日期）。")
        }
        var history = PublicationHistory()
        var problems: [Problem] = []
        for (index, record) in records.dropFirst().enumerated() {
            var values: [String: String] = [:]
            for (column, value) in zip(columns, record.fields) { if let column { values[column] = value.trimmingCharacters(in: .whitespaces) } }
            let row = index + 1
            if record.defect != nil {
                problems.append(Problem(file: file, row: row, caseID: nil, field: nil, kind: .unbalancedQuote,
                                        message: "\(file) 第\(row)行的引号没有配对，该行未采用。", severity: .warning))
                continue
            }
            guard let date = values["first_published_on"].flatMap(CivilDate.init(iso:)) else {
                problems.append(Problem(file: file, row: row, caseID: values["case_id"], field: "first_published_on", kind: .unparseableDate,
                                        message: "\(file) 第\(row)行“首次公示日期”不是 YYYY-MM-DD 格式的日期，该行未采用。", severity: .warning))
                continue
            }
            let entry = Entry(firstPublishedOn: date, url: values["url"].flatMap { $0.isEmpty ? nil : $0 })
            if let id = values["case_id"], !id.isEmpty { history.byCaseID[id] = earlier(history.byCaseID[id], entry) }
            if let docNo = values["doc_no"], !docNo.isEmpty { history.byDocNo[fold(docNo)] = earlier(history.byDocNo[fold(docNo)], entry) }
            if (values["case_id"] ?? "").isEmpty, (values["doc_no"] ?? "").isEmpty {
                problems.append(Problem(file: file, row: row, caseID: nil, field: "case_id", kind: .missingRequiredField,
                                        message: "\(file) 第\(row)行既没有案件编号也没有文书编号，该行未采用。", severity: .warning))
            }
        }
        return (history, problems)
    }

    /// A decision listed twice keeps its first publication.
    private static func earlier(_ old: Entry?, _ new: Entry) -> Entry {
        guard let old else { return new }
        return old.firstPublishedOn <= new.firstPublishedOn ? old : new
    }
}
