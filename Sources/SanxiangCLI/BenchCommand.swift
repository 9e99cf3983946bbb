import ArgumentParser
import CaseModel
import Disclosure
import Documents
import Foundation
import Ingest
import Pipeline
import Typesetting

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "性能基准（用 swift run -c release 运行）。",
        subcommands: [BenchIngest.self, BenchRender.self, BenchRedact.self])
}

/// Times redaction and the publication gate, per case, on one thread (`make bench-redact`).
struct BenchRedact: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "redact", abstract: "对一个导出文件夹的全部案件作技术处理并做公开前核查，计时（单线程）。")

    @Option(name: .long, help: "导出文件夹。")
    var input: String

    @Option(name: .customLong("as-of"), help: "数据基准日 YYYY-MM-DD。")
    var asOf: String = "2026-01-06"

    @Option(name: .long, help: "配置文件（字段策略；默认：当前目录下的 pipeline.yml）。")
    var config: String?

    func run() throws {
        guard let day = CivilDate(iso: asOf) else { throw UserFacingError(message: "--as-of 格式应为 YYYY-MM-DD。") }
        let settings = try ExportOptions.loadConfig(path: config)
        let ingest = try ExportReader.read(folder: URL(fileURLWithPath: input), options: IngestOptions(asOf: day))
        let agencies = Dictionary(ingest.agencies.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        let figures = try RedactionBench.run(cases: ingest.cases, agencies: agencies, officers: ingest.officers,
                                             policy: settings.disclosurePolicy)
        print(figures.summary)
        print(String(format: "cases=%d seconds=%.3f cases_per_second=%.0f cpu_cases_per_second=%.0f",
                     figures.cases, figures.seconds, figures.casesPerSecond, figures.casesPerCPUSecond))
    }
}

/// Times the ingest stage exactly as `run` performs it, state store included.
struct BenchIngest: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ingest", abstract: "导入一个导出文件夹并计时。")

    @Option(name: .long, help: "导出文件夹。")
    var input: String

    @Option(name: .customLong("as-of"), help: "数据基准日 YYYY-MM-DD。")
    var asOf: String = "2026-01-06"

    @Option(name: .long, help: "文书模板文件夹（默认 Templates/documents）。")
    var templates: String = "Templates/documents"

    @Flag(name: .customLong("by-agency"), help: "先为导出建索引，再逐个执法主体读取其部分（不经状态库），分别计时。")
    var byAgency = false

    func run() throws {
        guard !byAgency else { return try runByAgency() }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sanxiang-bench-\(getpid())")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var config = PipelineConfig(baseFolder: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        config.input = URL(fileURLWithPath: input, relativeTo: config.baseFolder).path
        config.output = scratch.path
        config.stages = [.ingest]
        // Ingest alone: the statutory-element check of the validate stage is not part of this figure.
        config.documentRules = []
        guard let day = CivilDate(iso: asOf) else { throw UserFacingError(message: "--as-of 格式应为 YYYY-MM-DD。") }
        let start = Date()
        let (summary, ingest) = try PipelineRunner.run(RunRequest(config: config, asOf: day))
        let seconds = Date().timeIntervalSince(start)
        for lap in ingest.timings { print("  " + lap.phase.padding(toLength: 14, withPad: " ", startingAt: 0) + String(format: "%.3f s", lap.seconds)) }
        let rows = summary.balances.reduce(0) { $0 + $1.read }
        print(String(format: "cases=%d rows=%d set_aside=%d seconds=%.3f rows_per_second=%.0f peak_rss_mib=%.1f",
                     summary.cases.accepted + (summary.balances.filter { $0.file.hasPrefix("cases") }.reduce(0) { $0 + $1.setAside }),
                     rows, summary.rowsSetAside, seconds, Double(rows) / seconds, PeakMemory.mebibytes()))
    }
}

extension BenchIngest {
    /// The index, then each agency's part in turn, each let go of before the next: what an agency-by-agency read holds.
    func runByAgency() throws {
        guard let day = CivilDate(iso: asOf) else { throw UserFacingError(message: "--as-of 格式应为 YYYY-MM-DD。") }
        let folder = URL(fileURLWithPath: input)
        let options = IngestOptions(asOf: day)
        var start = Date()
        let index = try ExportReader.index(folder: folder, options: options)
        print(String(format: "index seconds=%.3f agencies=%d peak_rss_mib=%.1f", Date().timeIntervalSince(start),
                     index.agenciesNamed.count, PeakMemory.mebibytes()))
        var total = 0.0
        for agency in index.agenciesNamed {
            start = Date()
            let part = try ExportReader.read(folder: folder, options: options, agencies: [agency], index: index)
            let seconds = Date().timeIntervalSince(start)
            total += seconds
            print(String(format: "  %@ cases=%d problems=%d seconds=%.3f peak_rss_mib=%.1f", agency, part.cases.count,
                         part.problems.count, seconds, PeakMemory.mebibytes()))
        }
        print(String(format: "parts seconds=%.3f peak_rss_mib=%.1f", total, PeakMemory.mebibytes()))
    }
}

enum PeakMemory {
    /// VmHWM from /proc: the resident-set high-water mark of this process.
    static func mebibytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
        let kib = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
        return kib / 1024
    }
}

/// Times the render stage exactly as `run` performs it: the 行政处罚决定书 of
/// the first N penalty cases, distinct documents, on every core, written to a
/// temporary folder through the run's own output writer. Fonts are loaded, and one document rendered
/// on each core (each worker gets its own Cairo fonts), before the clock starts, as the Typst
/// baseline warms up each of its processes.
struct BenchRender: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "render", abstract: "渲染行政处罚决定书并计时。")

    @Option(name: .long, help: "导出文件夹。")
    var input: String

    @Option(name: .long, help: "文书份数。")
    var documents: Int = 100

    @Option(name: .long, help: "字体清单（默认 Fonts/fonts.yml）。")
    var fonts: String = "Fonts/fonts.yml"

    @Option(name: .customLong("as-of"), help: "数据基准日 YYYY-MM-DD。")
    var asOf: String = "2026-01-06"

    @Option(name: .long, help: "文书模板文件夹（默认 Templates/documents）。")
    var templates: String = "Templates/documents"

    func run() throws {
        guard let day = CivilDate(iso: asOf) else { throw UserFacingError(message: "--as-of 格式应为 YYYY-MM-DD。") }
        let ingest = try ExportReader.read(folder: URL(fileURLWithPath: input), options: IngestOptions(asOf: day))
        // Only the 决定书 of each case: the figure compares with Typst rendering the same document.
        var decision = DocumentRule.defaults.first { $0.kind == DocumentKind.penaltyDecision } ?? DocumentRule(kind: DocumentKind.penaltyDecision)
        decision.kind = DocumentKind.penaltyDecision
        let jobs = Array(RenderStage.plan(for: ingest, rules: [decision]).prefix(documents))
        guard !jobs.isEmpty else { throw UserFacingError(message: "导出中没有普通程序的行政处罚案件。") }
        let stage: RenderStage
        do {
            stage = RenderStage(renderer: try DocumentRenderer(fontManifest: URL(fileURLWithPath: fonts),
                                                               templates: URL(fileURLWithPath: templates)))
        } catch let error as FontError {
            throw UserFacingError(message: error.message)
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sanxiang-bench-render-\(getpid())")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let writer = try OutputWriter(root: scratch)
        _ = try stage.run(Array(jobs.prefix(ProcessInfo.processInfo.activeProcessorCount)), write: { _, _ in })
        let start = DispatchTime.now()
        let summary = try stage.run(jobs, write: { try writer.write($1, to: $0) }).summary
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        print("cores=\(ProcessInfo.processInfo.activeProcessorCount)")
        print(String(format: "documents=%d pages=%d seconds=%.3f ms_per_document=%.3f",
                     summary.documents, summary.pages, seconds, seconds / Double(summary.documents) * 1000))
    }
}
