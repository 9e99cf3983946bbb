import ArgumentParser
import CaseModel
import Disclosure
import Documents
import Foundation
import Ingest
import Pipeline
import Typesetting

/// `sanxiang render`: one document of one case, for checking a case or printing it.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render", abstract: "生成一个案件的一份文书。",
        discussion: """
            文书种类即 Templates/documents/ 中模板的文件名（不含 .xml），如 行政处罚决定书、当场行政处罚决定书、\
            行政处罚事先告知书、不予行政处罚决定书、责令改正通知书、查封扣押决定书、行政强制执行决定书、\
            行政许可决定书、不予行政许可决定书、送达回证、法制审核意见书、案卷。--profile print 使用 pipeline.yml 中 printing 的设置。
            一个案件有多份送达回证（每送达一份文书一份）时，--index 选其中一份；不写则全部生成，\
            依次写入 FILE-1.pdf、FILE-2.pdf……。案卷、送达回证和法制审核意见书是内部文书，没有公开版。
            """)

    enum Profile: String, ExpressibleByArgument, CaseIterable {
        case archive, print, `public`
    }

    @OptionGroup var options: ExportOptions

    @Option(name: .customLong("case"), help: "案件编号。")
    var caseID: String

    @Option(name: .long, help: "文书种类。")
    var document: String = DocumentKind.penaltyDecision

    @Option(name: .long, help: "输出版本：archive（归档）、print（便携打印机）、public（公开版）。")
    var profile: Profile = .archive

    @Option(name: [.customShort("o"), .customLong("output-file")], help: "写入的文件。")
    var outputFile: String

    @Option(name: .long, help: "同一种文书有多份时（送达回证）生成第几份，从 1 起。")
    var index: Int?

    func run() throws {
        let config = try options.loadConfig()
        let loader = try CaseDocumentLoader(config: config, asOf: try options.resolvedAsOf())
        let entry = try loader.documents(of: caseID, kind: document)
        let chosen = try selected(entry)
        let rendered: [RenderedDocument]
        switch profile {
        case .archive: rendered = try loader.render(entry, chosen, profile: .archive)
        case .print: rendered = try loader.render(entry, chosen, profile: config.printing.profile)
        case .public:
            guard DocumentKind.publishedDecisions.contains(document) else {
                throw UserFacingError(message: "\(document)是内部文书，不公示，没有公开版。")
            }
            rendered = [try loader.render(entry, kind: document, data: try publicData(loader, entry), profile: .publicCopy)]
        }
        for (number, document) in rendered.enumerated() {
            let path = rendered.count == 1 ? outputFile : Self.numbered(outputFile, number + 1)
            try CaseDocumentLoader.write(document.bytes, to: path)
            print("已生成 \(chosen[number].fileName.dropLast(4))（\(document.pageCount) 页）：\(URL(fileURLWithPath: path).path)")
        }
    }

    /// The documents of the kind asked for: the one `--index` names, else all of them.
    private func selected(_ entry: CaseDocuments) throws -> [DocumentInstance] {
        let all = entry.instances(of: document)
        guard let index else { return all }
        guard all.indices.contains(index - 1) else {
            throw UserFacingError(message: "案件 \(caseID) 有 \(all.count) 份\(document)，没有第 \(index) 份。")
        }
        return [all[index - 1]]
    }

    /// `out.pdf` → `out-2.pdf`.
    static func numbered(_ path: String, _ number: Int) -> String {
        let url = URL(fileURLWithPath: path)
        let ext = url.pathExtension
        let stem = url.deletingPathExtension().path
        return ext.isEmpty ? "\(stem)-\(number)" : "\(stem)-\(number).\(ext)"
    }
}

extension RenderCommand {
    /// The public copy is made only from what the redaction lets through.
    private func publicData(_ loader: CaseDocumentLoader, _ entry: CaseDocuments) throws -> TemplateValue {
        let item = entry.item
        let agency = loader.ingest.agencies.first { $0.code == item.agencyCode }
        let officers = Dictionary(loader.ingest.officers.map { ($0.certNo, $0) }, uniquingKeysWith: { first, _ in first })
        let redaction = PublicCopy.redaction(loader.config, loader.ingest)
        let redacted = redaction.redact(item, agency: agency, officers: officers)
        guard let published = redacted.publicCase, let agency else {
            throw UserFacingError(message: "案件 \(item.id) 不公开（\(redacted.report.withheld ?? "")），不生成公开版。")
        }
        let extras = PublicCopy.Extras(details: loader.ingest.details(of: item), agency: loader.ingest.agencyDetails[item.agencyCode],
                                       redaction: redaction, officers: officers)
        return PublicCopy.documentData(item, published, agency: agency, extras: extras)
    }
}

/// Reads the export and the templates, and finds the documents of one case, for `render` and `print`.
struct CaseDocumentLoader {
    let config: PipelineConfig
    let ingest: IngestResult
    let renderer: DocumentRenderer

    init(config: PipelineConfig, asOf: CivilDate) throws {
        self.config = config
        ingest = try ExportReader.read(folder: config.inputURL, options: IngestOptions(asOf: asOf))
        do {
            renderer = DocumentRenderer(typesetter: Typesetter(fonts: try FontSet.load(manifest: config.fontsURL)),
                                        templates: try PipelineRunner.templates(config))
        } catch let error as FontError {
            throw UserFacingError(message: error.message)
        }
    }

    /// The case's documents when the mapping gives it `kind`; otherwise a message saying why not.
    func documents(of caseID: String, kind: String) throws -> CaseDocuments {
        guard renderer.templates.kinds.contains(kind) else {
            throw UserFacingError(message: "没有“\(kind)”这种文书的模板；可用：\(renderer.templates.kinds.joined(separator: "、"))。")
        }
        let plan = RenderStage.plan(for: ingest, rules: config.documentRules,
                                    hearingEligible: config.legalReview.catalogue.hearingEligible,
                                    majorCriteria: config.legalReview.catalogue.rules(for:))
        guard let entry = plan.first(where: { $0.item.id == caseID }), !entry.instances(of: kind).isEmpty else {
            throw UserFacingError(message: reason(for: caseID, kind: kind))
        }
        return entry
    }

    /// Some of a case's documents (the 案卷 binds the others as the render stage does).
    func render(_ entry: CaseDocuments, _ instances: [DocumentInstance], profile: OutputProfile) throws -> [RenderedDocument] {
        do {
            return try RenderStage.render(entry, renderer: renderer, profile: profile, only: Set(instances.map(\.fileName)))
                .map(\.rendered)
        } catch let missing as MissingStatutoryElements {
            throw UserFacingError(message: "案件 \(entry.item.id) \(missing.message)，不生成该文书。")
        }
    }

    func render(_ entry: CaseDocuments, kind: String, data: TemplateValue? = nil,
                profile: OutputProfile) throws -> RenderedDocument {
        do {
            return try renderer.render(kind, data: data ?? entry.data, profile: profile)
        } catch let missing as MissingStatutoryElements {
            throw UserFacingError(message: "案件 \(entry.item.id) \(missing.message)，不生成该文书。")
        }
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        do {
            try Data(bytes).write(to: url)
        } catch {
            throw UserFacingError(message: "无法写入文件 \(url.path)。")
        }
    }

    /// Why a case has no such document: unknown, set aside, or not a case the mapping gives it to.
    private func reason(for id: String, kind: String) -> String {
        let problems = ingest.errors.filter { $0.caseID == id }
        if !problems.isEmpty {
            return "案件 \(id) 的数据有问题，已暂存，不能生成文书：\n" + problems.map { "  · " + $0.message }.joined(separator: "\n")
        }
        guard let item = ingest.cases.first(where: { $0.id == id }) else { return "导出数据中没有案件 \(id)。" }
        return "案件 \(id) 是\(item.actionType.rawValue)\(item.procedure.map { "（\($0.rawValue)）" } ?? "")，"
            + "按 pipeline.yml 的 documents 设置不生成\(kind)。"
    }
}
