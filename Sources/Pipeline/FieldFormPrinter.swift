import CaseModel
import Documents
import ErrorReporting
import Foundation
import Typesetting

public struct FieldPrintError: SanxiangError, Equatable, Sendable {
    public var message: String
}

/// What a field print produced.
public struct FieldPrintOutcome: Sendable {
    public var record: FieldCaseRecord
    public var file: String
    public var pageCount: Int
    public var outboxFile: URL
}

/// Prints a field case without losing a number: the number is recorded `issued`,
/// with the case as entered, in the number store before anything is drawn; once the
/// form's file is written it becomes `printed`; if drawing or writing fails it becomes
/// `void` and is never given out again (the next attempt takes the next number).
/// The case then goes to the outbox, printed or void, for the next sync.
public final class FieldFormPrinter {
    let config: PipelineConfig
    let store: OnsiteNumberStore
    let renderer: FieldFormRenderer

    public init(config: PipelineConfig) throws {
        self.config = config
        store = try OnsiteNumberStore(path: config.onsiteNumberStoreURL.path)
        do {
            renderer = try FieldFormRenderer(config: config, fonts: try FontSet.load(manifest: config.fontsURL))
        } catch let error as FontError {
            throw FieldPrintError(message: error.message)
        }
    }

    /// Issues the next number of the first officer's block for the decision's year and prints the form.
    public func print(_ record: FieldCaseRecord, outputFile: String?, time: String) throws -> FieldPrintOutcome {
        guard let block = config.onsiteNumbers[record.numberOfficer], let year = Int(record.case.decisionDate.prefix(4)) else {
            throw FieldPrintError(message: "pipeline.yml 的 onsite_numbers 没有为执法证号 \(record.numberOfficer) 预留号段。")
        }
        let entered = String(decoding: try record.encoded(), as: UTF8.self)
        let issued = try store.issue(NumberRequest(caseID: nil, officerCert: record.numberOfficer, block: block, year: year,
                                                   time: time, caseJSON: entered))
        return try produce(record.numbered(issued.number, caseID: issued.caseID, issuedAt: time), outputFile: outputFile,
                           time: time, voidOnFailure: true)
    }

    /// Prints a field form again with the number it has (a lost sheet, a printer that failed).
    public func reprint(number: String, outputFile: String?, time: String) throws -> FieldPrintOutcome {
        guard let entry = try store.entry(number: number) else {
            throw FieldPrintError(message: "号码库中没有编号 \(number)（sanxiang numbers list 查看已发出的号码）。")
        }
        guard entry.status != .void else {
            throw FieldPrintError(message: "编号 \(number) 已作废（\(entry.note)），不能重印。")
        }
        guard let json = entry.caseJSON else {
            throw FieldPrintError(message: "编号 \(number) 是导出案件 \(entry.caseID) 的号码，请用 sanxiang print --case \(entry.caseID) 重印。")
        }
        let record: FieldCaseRecord
        do {
            record = try FieldCaseRecord.decoded(Data(json.utf8))
        } catch {
            throw FieldPrintError(message: "号码库中编号 \(number) 的案件记录无法读取，不能重印。")
        }
        return try produce(record.numbered(entry.number, caseID: entry.caseID, issuedAt: entry.issuedAt), outputFile: outputFile,
                           time: time, voidOnFailure: false)
    }

    private func produce(_ numbered: FieldCaseRecord, outputFile: String?, time: String, voidOnFailure: Bool) throws -> FieldPrintOutcome {
        var record = numbered
        let suffix = config.printing.format == .pdf ? "pdf" : "ps"
        let path = outputFile ?? config.outputURL.appendingPathComponent("print/\(record.case.caseID).\(suffix)").path
        let rendered: RenderedDocument
        do {
            rendered = try renderer.render(record)
            try FieldFiles.writeDurably(Data(rendered.bytes), to: URL(fileURLWithPath: path))
        } catch {
            let reason = (error as? SanxiangError)?.message ?? "无法写入文件 \(path)（\(error.localizedDescription)）"
            guard voidOnFailure else { throw FieldPrintError(message: "编号 \(record.number) 重印失败：\(reason)") }
            try store.markVoid(record.number, reason: reason, at: time)
            record.status = NumberStatus.void.rawValue
            record.statusNote = reason
            let kept = (try? FieldOutbox.write(record, to: config.outboxURL)) != nil
            throw FieldPrintError(message: "编号 \(record.number) 已作废：\(reason)。该号码记录在号码库中\(kept ? "和待同步文件夹中" : "")，"
                + "不会再次发出；重新打印将使用下一个编号。")
        }
        try store.markPrinted(record.number, at: time)
        record.status = NumberStatus.printed.rawValue
        record.statusNote = ""
        let outbox: URL
        do {
            outbox = try FieldOutbox.write(record, to: config.outboxURL)
        } catch let error as FieldFormError {
            throw FieldPrintError(message: "决定书 \(record.number) 已出具（\(path)），但\(error.problems.first?.message ?? "待同步文件夹无法写入")"
                + "；案件保存在号码库中，可用 sanxiang print --reprint \(record.number) 重新写出。")
        }
        return FieldPrintOutcome(record: record, file: path, pageCount: rendered.pageCount, outboxFile: outbox)
    }
}

/// Hands a file to CUPS (lp -d QUEUE).
public enum PrintQueue {
    public static func send(_ path: String, to queue: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["lp", "-d", queue, path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try process.run()
        } catch {
            throw FieldPrintError(message: "无法调用 CUPS 的 lp 命令（请安装 cups-client）；文件已保存：\(path)")
        }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus == 127 {
            throw FieldPrintError(message: "找不到 CUPS 的 lp 命令（请安装 cups-client）；文件已保存：\(path)")
        }
        guard process.terminationStatus == 0 else {
            throw FieldPrintError(message: "打印机 \(queue) 未接受打印任务（\(output.trimmingCharacters(in: .whitespacesAndNewlines))）；文件已保存：\(path)")
        }
    }
}
