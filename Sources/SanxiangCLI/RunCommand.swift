import ArgumentParser
import CaseModel
import Foundation
import Ingest
import Pipeline

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "按 pipeline.yml 中的阶段运行整条流水线。",
        discussion: "退出状态：0 全部接收；3 有行被暂存（见 quarantine/report.txt）；4 公示前检查拦下了含个人信息的决定（见 internal/redaction/gate.json）；1 无法运行；75 输出文件夹正被另一个进程使用（未做任何改动）；64 命令行有误（未做任何改动）。")

    @OptionGroup var options: ExportOptions

    @Flag(name: .customLong("full-run"),
          help: "即使导出数据、配置、数据基准日和程序都与上次相同，也完整运行各阶段（默认：输出完好时不重新生成）。")
    var fullRun = false

    @Flag(name: .long, help: "运行结束后在标准错误输出各阶段的用时（墙钟时间与 CPU 时间）和进程内存峰值，用于性能测量。")
    var timings = false

    func run() throws {
        let config = try options.loadConfig()
        var request = RunRequest(config: config, asOf: try options.resolvedAsOf(), lockWait: options.wait)
        request.mayKeepUnchangedOutput = !fullRun
        request.renderProgram = .current
        let (summary, ingest) = try TerminalRun.run(request, timings: timings)
        ProcessLifetime.keep(ingest)
        try TerminalRun.finish(summary, outputFolder: config.outputURL.path)
    }
}

/// Values left for the process's exit to reclaim. The export's cases are millions of small objects:
/// releasing them one by one took most of a second after a 100,000-case night had finished its work.
enum ProcessLifetime {
    nonisolated(unsafe) private static var kept: [Any] = []

    static func keep(_ value: Any) { kept.append(value) }
}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "只核查导出数据，不生成其他输出；给出 --output 时写入暂存清单。",
        discussion: "退出状态：0 全部接收；3 有行被暂存；1 无法运行；64 命令行有误。")

    @OptionGroup var options: ExportOptions

    func run() throws {
        var config = try options.loadConfig()
        config.stages = [.ingest]
        let request = RunRequest(config: config, asOf: try options.resolvedAsOf(), useStateStore: false,
                                 writeOutputs: options.output != nil, lockWait: options.wait)
        let (summary, ingest) = try TerminalRun.run(request)
        for problem in ingest.errors { print("暂存  " + problem.message) }
        for problem in ingest.warnings { print("提示  " + problem.message) }
        try TerminalRun.finish(summary, outputFolder: options.output == nil ? nil : config.outputURL.path)
    }
}

/// What the commands that run the pipeline share: progress on the terminal
/// while it runs, then the summary, and the run's exit status.
enum TerminalRun {
    static func run(_ request: RunRequest, timings: Bool = false) throws -> (RunSummary, IngestResult) {
        let progress = ProgressPrinter(timings: timings)
        let result = try PipelineRunner.run(request, events: progress.handle)
        progress.finish()
        return result
    }

    static func finish(_ summary: RunSummary, outputFolder: String?) throws {
        print(SummaryText.render(summary, outputFolder: outputFolder))
        if summary.exitStatus != 0 { throw ExitCode(summary.exitStatus) }
    }
}

/// The run's summary as a clerk reads it in the terminal.
enum SummaryText {
    static func render(_ summary: RunSummary, outputFolder: String?) -> String {
        var lines = [""]
        if summary.unchanged == true {
            lines.append("本次运行：导出数据、配置、数据基准日和程序都与上次提交的运行相同，输出文件完好，未重新生成任何文件、未追加账本；以下是上次运行的结果。")
        }
        lines.append("导入结果（数据基准日 \(summary.asOf)）：读取 = 接收 + 暂存")
        let width = summary.balances.map(\.file.count).max() ?? 0
        for balance in summary.balances {
            let name = balance.file.padding(toLength: width, withPad: " ", startingAt: 0)
            let encoding = balance.encoding.map { "  [\($0)]" } ?? ""
            lines.append("  \(name)  \(balance.read) = \(balance.accepted) + \(balance.setAside)\(encoding)")
        }
        lines.append("接收案件 \(summary.cases.accepted) 件；暂存 \(summary.rowsSetAside) 行（\(summary.problemsSetAside) 个问题）；提示 \(summary.warnings) 条。")
        if !summary.cases.byActionType.isEmpty {
            let types = summary.cases.byActionType.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            lines.append("按执法类别：" + types.joined(separator: "，"))
        }
        if let documents = summary.documents {
            let kinds = documents.byKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value) 份" }
            lines.append("文书：共 \(documents.documents) 份" + (kinds.isEmpty ? "" : "（" + kinds.joined(separator: "，") + "）")
                + "；本次生成 \(documents.documents - documents.kept) 份 \(documents.pages) 页，数据未变沿用上次 \(documents.kept) 份。")
            if let fromShards = documents.fromShards { lines.append("其中 \(fromShards) 份取自 sanxiang worker 的分片结果。") }
            for warning in documents.shardWarnings ?? [] { lines.append("提醒：" + warning) }
            for warning in documents.processWarnings ?? [] { lines.append("提醒：" + warning) }
        }
        if let portal = summary.portal {
            let withheld = portal.withheld.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "，")
            lines.append("公示：门户现有 \(portal.published) 件（本次新公示 \(portal.newlyPublished) 件，已撤下 \(portal.withdrawn) 件）；"
                + "改写决定页面 \(portal.pagesWritten) 个，保留未变 \(portal.pagesKept) 个" + (withheld.isEmpty ? "。" : "；不上门户：\(withheld)。"))
            if let reused = portal.redactionsReused, reused > 0 {
                lines.append("技术处理：\(reused) 件决定的案件数据及其所涉个人信息未变，沿用上次的技术处理结果。")
            }
            if portal.gateWithheld > 0 {
                lines.append("公示前检查：\(portal.gateWithheld) 件决定的公开内容中仍有个人信息，本次未公示（已公示的已撤下），"
                    + "请法制科查看 internal/redaction/gate.json（退出状态 4）。")
            }
            if portal.heldForApproval > 0 {
                lines.append("待法制科审核：\(portal.heldForApproval) 件决定的公开文本经过技术处理，审核通过前不公示（清单：internal/redaction/queue.html）。")
            }
            for warning in portal.warnings { lines.append("提醒：" + warning) }
            if portal.timingUnknown > 0 {
                lines.append("另有 \(portal.timingUnknown) 件决定的应公示日期在本系统上线之前、原公示日期无记录，是否按期无法确认（未计为逾期）。")
            }
            if !portal.late.isEmpty {
                lines.append("逾期公示 \(portal.late.count) 件（应公示日期按工作日计算）：")
                for late in portal.late.prefix(20) {
                    lines.append("  \(late.caseID)（索引号 \(late.indexNo)）期限 \(late.deadline)，\(late.publishedOn) 公示，逾期 \(late.daysLate) 天")
                }
                if portal.late.count > 20 { lines.append("  ……其余见 run-summary.json") }
            }
        }
        if let report = summary.report { lines += reportLines(report) }
        if let supervision = summary.supervision {
            lines.append("法制审核：\(supervision.decisionsClassified) 件决定按目录清单分类，重大 \(supervision.majorByCatalogue) 件，"
                + "未经审核或审核未通过 \(supervision.reviewViolations) 件；与办案系统重大标记不一致 \(supervision.majorFlagDisagreements) 件。")
            lines.append("执法监督：逾期公示 \(supervision.lateDisclosures)，未公示 \(supervision.missingDisclosures)，"
                + "执法证问题 \(supervision.officerCertificateProblems)，普通程序执法人员不足 \(supervision.ordinaryWithFewerThanTwoOfficers)，"
                + "撤销后仍公示 \(supervision.withdrawnStillPublished)，音像缺失 \(supervision.recordsWithMissingMedia)；"
                + "超过九十日办案期限 \(supervision.decisionTimeLimitOverruns)，决定书逾期送达 \(supervision.lateServices)，"
                + "听证通知不足七个工作日 \(supervision.lateHearingNotices)。")
        }
        if let archive = summary.archive {
            lines.append("归档：第 \(archive.run) 次运行，新增 \(archive.added)、改动 \(archive.changed)、删除 \(archive.removed) 个文件记录；"
                + "账本 \(archive.treeSize) 条，根哈希 \(archive.rootHash.prefix(16))…，公钥指纹 \(archive.keyFingerprint)；"
                + "本次读取 \(archive.hashed) 个文件，采用写入时计算的哈希 \(archive.hashedAsWritten) 个，沿用 \(archive.reused) 个文件的已登记哈希。")
            if let warning = archive.keyWarning { lines.append("提醒：" + warning) }
        }
        if let cleanup = summary.shardCleanup, !cleanup.removed.isEmpty || !cleanup.failed.isEmpty {
            if !cleanup.removed.isEmpty {
                lines.append("分片：已删除此前批次的分片文件夹 \(cleanup.removed.count) 个（已发布的文书不受影响）。")
            }
            for failure in cleanup.failed { lines.append("提醒：" + failure) }
        }
        if let store = summary.store {
            lines.append("状态库：新增 \(store.added)，变更 \(store.changed)，未变 \(store.unchanged)，本次缺失 \(store.absent)。")
        }
        if let outputFolder {
            lines.append("输出：")
            let labels = ["quarantine": "暂存清单", "quarantine_report": "核查报告", "summary": "运行摘要", "state_store": "状态库",
                          "documents": "执法文书", "report": "年度报告", "supervision": "执法监督报告",
                          "portal": "公示门户"]
            for key in ["documents", "portal", "report", "supervision", "quarantine_report", "quarantine", "summary", "state_store"] {
                guard let path = summary.outputs[key] else { continue }
                let full = path.hasPrefix("/") ? path : (outputFolder as NSString).appendingPathComponent(path)
                lines.append("  \(labels[key] ?? key)：\(full)")
            }
        }
        if summary.rowsSetAside > 0 {
            lines.append("有行被暂存：请法制科按核查报告在办案系统中更正后重新导出（退出状态 3）。")
        }
        return lines.joined(separator: "\n")
    }

    private static func reportLines(_ report: ReportSummary) -> [String] {
        var lines = [report.produced ? "\(report.year)年度行政执法数据报告：已生成。"
                                     : "\(report.year)年度行政执法数据报告：截止日已过，保留已公开的版本（更正请用 sanxiang report --year \(report.year)）。"]
        for agency in report.agencies {
            let due = CivilDate(iso: agency.deadline)?.chinese ?? agency.deadline
            let state: String
            switch (agency.firstPublishedOn, agency.daysLate) {
            case (let first?, 0?): state = "\(first) 首次公开，按期"
            case (let first?, let late?): state = "\(first) 首次公开，逾期 \(late) 天"
            default: state = "尚未公开"
            }
            lines.append("  \(agency.name)：截止 \(due)，\(state)" + (agency.rowsSetAside > 0 ? "；本机关数据暂存 \(agency.rowsSetAside) 行" : ""))
        }
        if report.rowsSetAsideWithoutAgency > 0 {
            lines.append("  另有 \(report.rowsSetAsideWithoutAgency) 行暂存的数据无法确定执法主体。")
        }
        for warning in report.warnings { lines.append("提醒：" + warning) }
        return lines
    }
}
