import Foundation
import Ingest

/// The set-aside rows for machines (quarantine.json) and for the 法制科 (report.txt).
enum QuarantineReport {
    /// One object per problem of a set-aside row, in file and row order.
    static func json(_ result: IngestResult) throws -> Data { try encode(result.errors) }

    static func warningsJSON(_ result: IngestResult) throws -> Data { try encode(result.warnings) }

    private static func encode(_ problems: [Problem]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let entries = problems.map { problem in
            Entry(file: problem.file, row: problem.row, caseID: problem.caseID, field: problem.field,
                  kind: problem.kind.rawValue, message: problem.message)
        }
        return try encoder.encode(entries) + Data("\n".utf8)
    }

    struct Entry: Encodable {
        let file: String
        let row: Int
        let caseID: String?
        let field: String?
        let kind: String
        let message: String

        enum CodingKeys: String, CodingKey {
            case file, row, caseID = "case_id", field, kind, message
        }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(file, forKey: .file)
            try container.encode(row, forKey: .row)
            // Explicit nulls: every object has every key, as the contract lists them.
            try container.encode(caseID, forKey: .caseID)
            try container.encode(field, forKey: .field)
            try container.encode(kind, forKey: .kind)
            try container.encode(message, forKey: .message)
        }
    }

    /// A plain-text report in Chinese, grouped by file.
    static func text(_ result: IngestResult, asOf: String, input: String) -> String {
        var lines: [String] = [
            "数据导入核查报告",
            "导出文件夹：\(input)",
            "数据基准日：\(asOf)",
            "",
            "一、各文件行数（读取 = 接收 + 暂存待处理）",
        ]
        for balance in result.balances {
            let encoding = balance.encoding.map { "，编码 \($0)" } ?? ""
            lines.append("  \(balance.file)：读取 \(balance.read) 行，接收 \(balance.accepted) 行，暂存 \(balance.setAside) 行\(encoding)")
        }
        lines.append("")
        let errors = result.errors
        lines.append("二、暂存的行及原因（共 \(Set(errors.map { "\($0.file)#\($0.row)" }).count) 行，\(errors.count) 个问题）")
        if errors.isEmpty { lines.append("  无。") }
        for problem in errors { lines.append("  · \(problem.message)") }
        lines.append("")
        let warnings = result.warnings
        lines.append("三、提示（已接收，请核实；共 \(warnings.count) 条）")
        if warnings.isEmpty { lines.append("  无。") }
        for problem in warnings { lines.append("  · \(problem.message)") }
        lines.append("")
        lines.append("处理方法：在办案系统中更正上述行后重新导出，再次运行即可；暂存的行不会进入公开、文书和统计。")
        return lines.joined(separator: "\n") + "\n"
    }
}
