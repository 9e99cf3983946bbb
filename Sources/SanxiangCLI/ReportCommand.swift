import ArgumentParser
import CaseModel
import Foundation
import Pipeline
import WorkingDays

/// `sanxiang report`: the annual statistics report of one year, made now.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "生成某一年度的行政执法数据年度报告。",
        discussion: """
            读取导出数据，写入 <输出>/public/reports/<年度>/：report.pdf、index.html、statistics.json、statistics.csv，\
            并更新 public/feeds/reports.xml。已公开过的报告会被重新生成（用于更正）。
            `sanxiang run` 自每年1月1日起自动生成上一年度的报告，截止日（pipeline.yml 中 annual_report_deadline）之后不再自动改动。
            退出状态：0 全部接收；3 有行被暂存（报告说明了原因）；1 无法运行；64 命令行有误。
            """)

    @OptionGroup var options: ExportOptions

    @Option(name: .long, help: "统计年度，如 2025。")
    var year: Int

    func run() throws {
        guard (2000...2100).contains(year) else { throw UserFacingError(message: "--year 的值 \(year) 不是合理的年度。") }
        var config = try options.loadConfig()
        // Only the year's report and the reports feed change; the ledger logs them when the run archives.
        config.stages = [.ingest, .report] + (config.stages.contains(.archive) ? [.archive] : [])
        let request = RunRequest(config: config, asOf: try options.resolvedAsOf(), reportYear: year, recordsRun: false,
                                 lockWait: options.wait)
        let (summary, _) = try TerminalRun.run(request)
        try TerminalRun.finish(summary, outputFolder: config.outputURL.path)
    }
}

/// `sanxiang calendar`: working-day questions on the official calendar.
struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar", abstract: "按国务院节假日安排计算工作日。", subcommands: [Deadline.self])

    struct Deadline: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "deadline", abstract: "计算某日之后第 N 个工作日（起算日不计入）。",
            discussion: "最后一行输出期限日期（YYYY-MM-DD）。日历数据见 pipeline.yml 的 calendar 设置项。")

        @Option(name: .long, help: "起算日 YYYY-MM-DD。")
        var from: String

        @Option(name: .customLong("working-days"), help: "工作日数。")
        var workingDays: Int

        @Option(name: .long, help: "配置文件（默认：当前目录下的 pipeline.yml）。")
        var config: String?

        func run() throws {
            guard let start = CivilDate(iso: from) else {
                throw UserFacingError(message: "--from 的值“\(from)”不是 YYYY-MM-DD 格式的日期。")
            }
            guard (0...1000).contains(workingDays) else {
                throw UserFacingError(message: "--working-days 应为 0 到 1000 之间的整数。")
            }
            let calendar = try WorkingCalendar(contentsOf: try ExportOptions.loadConfig(path: config).calendarURL)
            let deadline = try calendar.date(workingDays: workingDays, after: start)
            print("\(start.iso) 之后第 \(workingDays) 个工作日（\(Self.weekday(deadline))）：")
            print(deadline.iso)
        }

        static func weekday(_ date: CivilDate) -> String { "星期" + ["一", "二", "三", "四", "五", "六", "日"][date.weekdayIndex] }
    }
}
