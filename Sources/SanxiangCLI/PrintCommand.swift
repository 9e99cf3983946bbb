import ArgumentParser
import CaseModel
import Documents
import Foundation
import Ingest
import Pipeline

/// `sanxiang print`: an on-site document for the officer's portable printer — a case
/// entered on the spot (the field form), a field form again, or a case of the export.
struct PrintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "print", abstract: "现场打印：现场录入并打印当场行政处罚决定书（预定格式），或打印导出中案件的现场文书。",
        discussion: """
            现场录入（离线可用）：用 --form 文件（YAML 或 JSON）、--field 名称=值 或 --interactive（逐项提问）录入案件，\
            核查简易程序的处罚种类和罚款限额（行政处罚法第五十一条）、两名执法人员的执法证（最近一次导出的 officers.csv）\
            和当事人证件号码的校验码后，从第一位执法人员的号段中按决定日期的年份取下一个号码（先记入号码库），\
            按 pipeline.yml 的 field_form.paper 打印一式两联（存根、交当事人），并把案件存入待同步文件夹 field_form.outbox。\
            执法主体和执法人员取自 --input（默认 pipeline.yml 的 input）中的 agencies.csv 和 officers.csv。
            --reprint 编号：按原号重印现场录入的决定书。--case 案件编号：打印导出中案件的当场行政处罚决定书或责令改正通知书。
            给出 --printer（或 printing.printer）时交 CUPS（lp）打印，否则只写文件并给出位置。
            """)

    @OptionGroup var options: ExportOptions

    @Option(name: .customLong("case"), help: "导出中的案件编号。")
    var caseID: String?

    @Option(name: .long, help: "（--case）文书种类：当场行政处罚决定书 或 责令改正通知书（默认按案件判断）。")
    var document: String?

    @Option(name: .customLong("form"), help: "现场录入文件（YAML 或 JSON，名称见 README“现场录入”）。")
    var formFile: String?

    @Option(name: .customLong("field"), help: "现场录入的一项：名称=值，如 --field 当事人=张三（可多次）。")
    var fields: [String] = []

    @Flag(name: .long, help: "逐项提问录入（未由文件或 --field 给出的项）。")
    var interactive = false

    @Option(name: .long, help: "按原号重印现场录入的决定书：编号。")
    var reprint: String?

    @Option(name: .long, help: "CUPS 打印机队列名（覆盖 printing.printer）。")
    var printer: String?

    @Option(name: .long, help: "执法证号（可多次）：现场录入时为两名执法人员，第一位的号段出号；--case 时为使用谁的号段。")
    var officer: [String] = []

    @Option(name: [.customShort("o"), .customLong("output-file")], help: "写入的文件（默认 <输出>/print/<案件编号>.pdf）。")
    var outputFile: String?

    static let onSiteKinds = [DocumentKind.onSitePenaltyDecision, DocumentKind.rectificationNotice]

    func run() throws {
        let config = try options.loadConfig()
        let asOf = try options.resolvedAsOf()
        let fieldEntry = formFile != nil || !fields.isEmpty || interactive
        guard [caseID != nil, reprint != nil, fieldEntry].filter({ $0 }).count == 1 else {
            throw UserFacingError(message: "请只用一种方式：--form/--field/--interactive（现场录入）、--reprint 编号（重印）或 --case 案件编号（导出中的案件）。")
        }
        var input = FieldFormInput()
        if fieldEntry { input = try enteredCase() }
        // A print takes a fraction of a second: it waits for another print on the
        // same folder rather than being refused, and never interleaves with a run.
        let lock = try PipelineRunner.lockOutput(config, wait: max(options.wait, 30))
        defer { lock.release() }
        if let caseID { return try printExportCase(caseID, config: config, asOf: asOf) }
        let printer = try FieldFormPrinter(config: config)
        let outcome: FieldPrintOutcome
        if let reprint {
            outcome = try printer.reprint(number: reprint, outputFile: outputFile, time: Self.timestamp())
        } else {
            let reference = try ExportReader.readReference(folder: config.inputURL)
            let record = try FieldFormValidator(reference: reference, blocks: config.onsiteNumbers, today: asOf).validate(input)
            outcome = try printer.print(record, outputFile: outputFile, time: Self.timestamp())
        }
        print("编号：\(outcome.record.number)")
        print("待同步：\(outcome.outboxFile.path)")
        try deliver(outcome.file, kind: "当场行政处罚决定书（\(config.fieldForm.paper.name)，一式两联）", pages: outcome.pageCount, config: config)
    }

    /// The form file, then --field, then --officer, then the prompt for what is still empty.
    private func enteredCase() throws -> FieldFormInput {
        var input = FieldFormInput()
        if let formFile {
            input = try FieldFormInput.read(file: URL(fileURLWithPath: formFile, relativeTo:
                URL(fileURLWithPath: FileManager.default.currentDirectoryPath)))
        }
        for assignment in fields { try input.set(assignment: assignment) }
        if !officer.isEmpty { input.values[.officers] = officer }
        if interactive { FieldPrompt.ask(&input) }
        return input
    }

    private func deliver(_ path: String, kind: String, pages: Int, config: PipelineConfig) throws {
        guard let queue = printer ?? config.printing.printer else {
            print("已生成 \(kind)（\(pages) 页，未配置打印机）：\(path)")
            return
        }
        try PrintQueue.send(path, to: queue)
        print("已送打印机 \(queue)：\(kind)（\(pages) 页），文件：\(path)")
    }

    private func printExportCase(_ caseID: String, config: PipelineConfig, asOf: CivilDate) throws {
        let loader = try CaseDocumentLoader(config: config, asOf: asOf)
        let kind = try chosenKind(loader, caseID: caseID)
        let entry = try loader.documents(of: caseID, kind: kind)
        var data = entry.data
        var issued: (store: OnsiteNumberStore, number: String)?
        if kind == DocumentKind.onSitePenaltyDecision {
            issued = try issueNumber(config: config, item: entry.item)
            data = data.replacing("onsite_number", with: .text(issued?.number ?? ""))
            print("编号：\(issued?.number ?? "")")
        }
        let rendered = try loader.render(entry, kind: kind, data: data, profile: config.printing.profile)
        let suffix = config.printing.format == .pdf ? "pdf" : "ps"
        let path = outputFile ?? config.outputURL.appendingPathComponent("print/\(caseID)-\(kind).\(suffix)").path
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        try CaseDocumentLoader.write(rendered.bytes, to: path)
        // A case of the export keeps its number whatever happens to a print: it is marked printed once a file exists.
        if let issued { try issued.store.markPrinted(issued.number, at: Self.timestamp()) }
        try deliver(path, kind: kind, pages: rendered.pageCount, config: config)
    }

    private func chosenKind(_ loader: CaseDocumentLoader, caseID: String) throws -> String {
        if let document {
            guard Self.onSiteKinds.contains(document) else {
                throw UserFacingError(message: "现场打印只用于\(Self.onSiteKinds.joined(separator: "、"))；其他文书请用 sanxiang render。")
            }
            return document
        }
        var firstReason: Error?
        for kind in Self.onSiteKinds {
            do {
                _ = try loader.documents(of: caseID, kind: kind)
                return kind
            } catch {
                firstReason = firstReason ?? error
            }
        }
        throw firstReason ?? UserFacingError(message: "案件 \(caseID) 没有可现场打印的文书。")
    }

    /// The number of the decision's year from the officer's block; a reprint keeps the case's number.
    private func issueNumber(config: PipelineConfig, item: EnforcementCase) throws -> (store: OnsiteNumberStore, number: String) {
        guard let cert = officer.first ?? item.officerCerts.first else {
            throw UserFacingError(message: "案件 \(item.id) 没有执法人员，无法取号。")
        }
        guard let block = config.onsiteNumbers[cert] else {
            throw UserFacingError(message: "pipeline.yml 的 onsite_numbers 没有为执法证号 \(cert) 预留号段，不能出具编号的当场处罚决定书。")
        }
        let store = try OnsiteNumberStore(path: config.onsiteNumberStoreURL.path)
        let number = try store.issue(caseID: item.id, officerCert: cert, block: block, year: item.decisionDate.year,
                                     at: Self.timestamp())
        return (store, number)
    }

    /// The moment of issue, local time: the record of when a form was handed out.
    static func timestamp() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ssZZZZZ"
        return formatter.string(from: Date())
    }
}

/// The interactive entry: one question per field still empty, in Chinese.
enum FieldPrompt {
    static func ask(_ input: inout FieldFormInput) {
        print("现场录入当场行政处罚决定书（直接回车跳过可不填的项）：")
        for field in FieldFormField.allCases where input.text(field).isEmpty {
            print(field.label + (field.hint.isEmpty ? "" : "（\(field.hint)）") + "：", terminator: "")
            // A terminal shows stdout line by line: the question must appear before the answer is read.
            fflush(stdout)
            guard let line = readLine() else { return }
            let answer = line.trimmingCharacters(in: .whitespaces)
            if !answer.isEmpty { input.set(field, text: answer) }
        }
    }
}

/// `sanxiang numbers`: the pre-numbered forms' numbers.
struct NumbersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "numbers", abstract: "当场行政处罚决定书的编号：查看已发出的号码，或为手写文书取号。",
        subcommands: [List.self, Issue.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "列出已发出的全部号码。")
        @OptionGroup var options: ExportOptions

        func run() throws {
            let config = try options.loadConfig()
            do {
                let issued = try OnsiteNumberStore(path: config.onsiteNumberStoreURL.path).all()
                for entry in issued {
                    let note = entry.note.isEmpty ? "" : "\t\(entry.note)"
                    print("\(entry.number)\t\(entry.status.chinese)\t\(entry.officerCert)\t\(entry.caseID)\t\(entry.issuedAt)\(note)")
                }
                print("共 \(issued.count) 个号码。")
            } catch let error as OnsiteNumberError {
                throw UserFacingError(message: error.message)
            }
        }
    }

    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "issue", abstract: "为一个案件取号（已取过的沿用原号）。")
        @OptionGroup var options: ExportOptions

        @Option(name: .customLong("case"), help: "案件编号。")
        var caseID: String

        @Option(name: .long, help: "执法证号（取其号段）。")
        var officer: String

        @Option(name: .long, help: "决定日期 YYYY-MM-DD（号码的年份；默认 --as-of 或今天）。")
        var date: String?

        func run() throws {
            let config = try options.loadConfig()
            let day = try date.map { text in
                guard let parsed = CivilDate(iso: text) else { throw UserFacingError(message: "--date 的值“\(text)”不是 YYYY-MM-DD 格式的日期。") }
                return parsed
            } ?? options.resolvedAsOf()
            guard let block = config.onsiteNumbers[officer] else {
                throw UserFacingError(message: "pipeline.yml 的 onsite_numbers 没有为执法证号 \(officer) 预留号段。")
            }
            do {
                let store = try OnsiteNumberStore(path: config.onsiteNumberStoreURL.path)
                print(try store.issue(caseID: caseID, officerCert: officer, block: block, year: day.year, at: PrintCommand.timestamp()))
            } catch let error as OnsiteNumberError {
                throw UserFacingError(message: error.message)
            }
        }
    }
}
