import ArgumentParser
import CaseModel
import Documents
import Foundation
import Pipeline

/// `sanxiang print`: an on-site document for the officer's portable printer.
struct PrintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "print", abstract: "现场打印当场行政处罚决定书或责令改正通知书（便携打印机）。",
        discussion: """
            使用 pipeline.yml 中 printing 的可打印区域和格式。当场行政处罚决定书的编号取自 onsite_numbers 为该执法人员预留的号段，\
            离线可用；同一案件重印时沿用原号，号码不会重复发出，每个发出的号码都记录在号码库中（sanxiang numbers list 查看）。
            给出 --printer（或 printing.printer）时交 CUPS（lp）打印，否则只写文件并给出位置。
            """)

    @OptionGroup var options: ExportOptions

    @Option(name: .customLong("case"), help: "案件编号。")
    var caseID: String

    @Option(name: .long, help: "文书种类：当场行政处罚决定书 或 责令改正通知书（默认按案件判断）。")
    var document: String?

    @Option(name: .long, help: "CUPS 打印机队列名（覆盖 printing.printer）。")
    var printer: String?

    @Option(name: .long, help: "使用谁的号段：执法证号（默认案件的第一位执法人员）。")
    var officer: String?

    @Option(name: [.customShort("o"), .customLong("output-file")], help: "写入的文件（默认 <输出>/print/<案件编号>-<文书>.pdf）。")
    var outputFile: String?

    static let onSiteKinds = [DocumentKind.onSitePenaltyDecision, DocumentKind.rectificationNotice]

    func run() throws {
        let config = try options.loadConfig()
        let asOf = try options.resolvedAsOf()
        // A print takes a fraction of a second: it waits for another print on the
        // same folder rather than being refused, and never interleaves with a run.
        let lock = try PipelineRunner.lockOutput(config, wait: max(options.wait, 30))
        defer { lock.release() }
        let loader = try CaseDocumentLoader(config: config, asOf: asOf)
        let kind = try chosenKind(loader)
        let entry = try loader.documents(of: caseID, kind: kind)
        var data = entry.data
        if kind == DocumentKind.onSitePenaltyDecision {
            let number = try issueNumber(config: config, item: entry.item, asOf: asOf)
            data = data.replacing("onsite_number", with: .text(number))
            print("编号：\(number)")
        }
        let rendered = try loader.render(entry, kind: kind, data: data, profile: config.printing.profile)
        let suffix = config.printing.format == .pdf ? "pdf" : "ps"
        let path = outputFile ?? config.outputURL.appendingPathComponent("print/\(caseID)-\(kind).\(suffix)").path
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        try CaseDocumentLoader.write(rendered.bytes, to: path)
        guard let queue = printer ?? config.printing.printer else {
            print("已生成 \(kind)（\(rendered.pageCount) 页，未配置打印机）：\(path)")
            return
        }
        try send(path, to: queue)
        print("已送打印机 \(queue)：\(kind)（\(rendered.pageCount) 页），文件：\(path)")
    }

    private func chosenKind(_ loader: CaseDocumentLoader) throws -> String {
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

    private func issueNumber(config: PipelineConfig, item: EnforcementCase, asOf: CivilDate) throws -> String {
        guard let cert = officer ?? item.officerCerts.first else {
            throw UserFacingError(message: "案件 \(item.id) 没有执法人员，无法取号。")
        }
        guard let block = config.onsiteNumbers[cert] else {
            throw UserFacingError(message: "pipeline.yml 的 onsite_numbers 没有为执法证号 \(cert) 预留号段，不能出具编号的当场处罚决定书。")
        }
        do {
            let store = try OnsiteNumberStore(path: config.onsiteNumberStoreURL.path)
            return try store.issue(caseID: item.id, officerCert: cert, block: block, at: Self.timestamp())
        } catch let error as OnsiteNumberError {
            throw UserFacingError(message: error.message)
        }
    }

    /// The moment of issue, local time: the record of when a form was handed out.
    static func timestamp() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ssZZZZZ"
        return formatter.string(from: Date())
    }

    private func send(_ path: String, to queue: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["lp", "-d", queue, path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try process.run()
        } catch {
            throw UserFacingError(message: "无法调用 CUPS 的 lp 命令（请安装 cups-client）；文件已保存：\(path)")
        }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus == 127 {
            throw UserFacingError(message: "找不到 CUPS 的 lp 命令（请安装 cups-client）；文件已保存：\(path)")
        }
        guard process.terminationStatus == 0 else {
            throw UserFacingError(message: "打印机 \(queue) 未接受打印任务（\(output.trimmingCharacters(in: .whitespacesAndNewlines))）；文件已保存：\(path)")
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
                for entry in issued { print("\(entry.number)\t\(entry.officerCert)\t\(entry.caseID)\t\(entry.issuedAt)") }
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

        func run() throws {
            let config = try options.loadConfig()
            guard let block = config.onsiteNumbers[officer] else {
                throw UserFacingError(message: "pipeline.yml 的 onsite_numbers 没有为执法证号 \(officer) 预留号段。")
            }
            do {
                let store = try OnsiteNumberStore(path: config.onsiteNumberStoreURL.path)
                print(try store.issue(caseID: caseID, officerCert: officer, block: block, at: PrintCommand.timestamp()))
            } catch let error as OnsiteNumberError {
                throw UserFacingError(message: error.message)
            }
        }
    }
}
