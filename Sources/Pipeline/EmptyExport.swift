import ErrorReporting
import Ingest

/// An export that leaves no case to accept: a case file with a header and no rows, one that cannot be read as rows,
/// or one whose every case was set aside. That is a broken or truncated export, not a night with nothing decided:
/// carried through, the run would take every decision off the portal and delete every case's documents and records
/// from the output. The run stops before any stage writes, and the last run's output, store and ledger stay whole.
public struct EmptyExportError: SanxiangError {
    /// The case files' balances (read = accepted + set aside), in the export's order.
    public var caseFiles: [FileBalance]
    /// The first errors the export's rows had, for the clerk to start from.
    public var firstErrors: [Problem]

    /// How many errors the message quotes.
    static let quoted = 3

    init(_ ingest: IngestResult) {
        caseFiles = ingest.balances.filter { Self.isCaseFile($0.file) }
        // The case files' own errors first: the other files' rows are mostly set aside for naming a case that is not there.
        let errors = ingest.problems.filter { $0.severity == .error }
        let ofCases = errors.filter { Self.isCaseFile($0.file) }
        firstErrors = Array((ofCases + errors.filter { !Self.isCaseFile($0.file) }).prefix(Self.quoted))
    }

    private static func isCaseFile(_ name: String) -> Bool { name == ExportFile.casesCSV.rawValue || name == ExportFile.casesJSON.rawValue }

    init(caseFiles: [FileBalance], firstErrors: [Problem]) {
        self.caseFiles = caseFiles
        self.firstErrors = firstErrors
    }

    public var message: String {
        let files = caseFiles.map { "\($0.file) 读取 \($0.read) 行，接收 \($0.accepted) 行，暂存 \($0.setAside) 行" }.joined(separator: "；")
        var text = "导出中没有可以接收的案件" + (files.isEmpty ? "" : "（\(files)）") + "。这通常是导出不完整或文件有误（只有表头、编码或分隔符不对、导出中断），"
            + "不是“本期没有案件”：继续运行会把已公示的决定全部撤下、删除已生成的文书，所以本次没有改动输出文件夹"
            + "（上次的文书、门户、状态库和归档账本保持不变）。请核对导出文件后重新运行。"
        if !firstErrors.isEmpty {
            text += "暂存原因（前 \(firstErrors.count) 条）："
                + firstErrors.map { $0.message.hasSuffix("。") ? String($0.message.dropLast()) : $0.message }.joined(separator: "；") + "。"
        }
        return text
    }
}
