import ArgumentParser
import Documents
import Foundation
import Ingest
import Pipeline
import Typesetting

/// `sanxiang render`: one document of one case, for checking a case or printing it.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render", abstract: "生成一个案件的一份文书。",
        discussion: "文书种类目前支持：\(RenderStage.penaltyDecision)（普通程序）、\(ReviewOpinion.kind)。--profile print 使用 pipeline.yml 中 printing 的设置。")

    enum Profile: String, ExpressibleByArgument, CaseIterable {
        case archive, print, `public`
    }

    @OptionGroup var options: ExportOptions

    @Option(name: .customLong("case"), help: "案件编号。")
    var caseID: String

    @Option(name: .long, help: "文书种类。")
    var document: String = RenderStage.penaltyDecision

    @Option(name: .long, help: "输出版本：archive（归档）、print（便携打印机）、public（公开版）。")
    var profile: Profile = .archive

    @Option(name: [.customShort("o"), .customLong("output-file")], help: "写入的文件。")
    var outputFile: String

    func run() throws {
        let kinds = [RenderStage.penaltyDecision, ReviewOpinion.kind]
        guard kinds.contains(document) else {
            throw UserFacingError(message: "文书种类“\(document)”尚未支持；目前可生成：\(kinds.joined(separator: "、"))。")
        }
        guard profile != .public else {
            throw UserFacingError(message: "公开版只能由脱敏后的数据生成，脱敏阶段尚未实现，因此不生成公开版。")
        }
        let config = try options.loadConfig()
        let ingest = try ExportReader.read(folder: config.inputURL, options: IngestOptions(asOf: try options.resolvedAsOf()))
        guard let job = RenderStage.jobs(for: ingest).first(where: { $0.item.id == caseID && $0.kind == document }) else {
            throw UserFacingError(message: reason(for: caseID, in: ingest))
        }
        let renderer: DocumentRenderer
        do {
            renderer = try DocumentRenderer(fontManifest: config.fontsURL)
        } catch let error as FontError {
            throw UserFacingError(message: error.message)
        }
        let chosen = profile == .print ? config.printing.profile : .archive
        let rendered = try job.review.map { try renderer.reviewOpinion($0, item: job.item, context: job.context, profile: chosen) }
            ?? renderer.penaltyDecision(job.item, context: job.context, profile: chosen)
        let url = URL(fileURLWithPath: outputFile)
        do {
            try Data(rendered.bytes).write(to: url)
        } catch {
            throw UserFacingError(message: "无法写入文件 \(url.path)。")
        }
        print("已生成 \(document)（\(rendered.pageCount) 页）：\(url.path)")
    }

    /// Why a case has no such document: unknown, set aside, or not a 普通程序 penalty.
    private func reason(for id: String, in ingest: IngestResult) -> String {
        let problems = ingest.errors.filter { $0.caseID == id }
        if !problems.isEmpty {
            return "案件 \(id) 的数据有问题，已暂存，不能生成文书：\n" + problems.map { "  · " + $0.message }.joined(separator: "\n")
        }
        guard let item = ingest.cases.first(where: { $0.id == id }) else { return "导出数据中没有案件 \(id)。" }
        if document == ReviewOpinion.kind { return "案件 \(id) 没有可用的法制审核记录，不能生成\(document)。" }
        return "案件 \(id) 是\(item.actionType.rawValue)\(item.procedure.map { "（\($0.rawValue)）" } ?? "")，不适用\(document)。"
    }
}
