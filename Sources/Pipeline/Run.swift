import CaseModel
import Documents
import Foundation
import Archive
import Ingest
import Review
import Typesetting

/// What a run did, for the terminal and for run-summary.json.
public struct RunSummary: Codable, Sendable {
    public var asOf: String
    public var input: String
    public var stages: [String]
    public var balances: [FileBalance]
    public var rowsSetAside: Int
    public var problemsSetAside: Int
    public var warnings: Int
    public var cases: CaseCounts
    public var store: StoreChanges?
    public var documents: RenderSummary?
    public var report: ReportSummary?
    public var portal: PortalSummary?
    public var supervision: SupervisionSummary?
    public var archive: ArchiveSummary?
    /// Paths of what the run wrote, relative to the output folder.
    public var outputs: [String: String]

    public struct CaseCounts: Codable, Sendable {
        public var accepted: Int
        public var byActionType: [String: Int]
        public var byAgency: [String: Int]

        enum CodingKeys: String, CodingKey {
            case accepted, byActionType = "by_action_type", byAgency = "by_agency"
        }
    }

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of", input, stages, balances, rowsSetAside = "rows_set_aside",
             problemsSetAside = "problems_set_aside", warnings, cases, store, documents, portal, report, supervision, archive, outputs
    }

    /// 0 when nothing was set aside, 3 when some rows were.
    public var exitStatus: Int32 { rowsSetAside == 0 ? 0 : 3 }
}

/// Progress events a front end may show.
public enum RunEvent: Sendable {
    case stageStarted(index: Int, count: Int, stage: StageName)
    case rows(done: Int, total: Int)
}

public struct RunRequest: Sendable {
    public var config: PipelineConfig
    public var asOf: CivilDate
    /// False for `sanxiang check`: only the quarantine is written, and only with an output folder.
    public var useStateStore: Bool
    public var writeOutputs: Bool
    /// The report stage's year when asked for one (`sanxiang report --year`); nil for the previous year.
    public var reportYear: Int?

    public init(config: PipelineConfig, asOf: CivilDate, useStateStore: Bool = true, writeOutputs: Bool = true,
                reportYear: Int? = nil) {
        self.config = config
        self.asOf = asOf
        self.useStateStore = useStateStore
        self.writeOutputs = writeOutputs
        self.reportYear = reportYear
    }
}

/// Runs the configured stages top to bottom; the output writer commits at the end.
public enum PipelineRunner {
    public static func run(_ request: RunRequest,
                           events: (@Sendable (RunEvent) -> Void)? = nil) throws -> (RunSummary, IngestResult) {
        let config = request.config
        let stages = config.stages
        if stages.contains(.archive) { try ArchiveStage.checkKeyPlacement(config) }
        let writer = request.writeOutputs ? try OutputWriter(root: config.outputURL) : nil
        var summary: RunSummary?
        var ingest = IngestResult()
        var typesetter: Typesetter?
        func sharedTypesetter() throws -> Typesetter {
            if let typesetter { return typesetter }
            let made = try makeTypesetter(config)
            typesetter = made
            return made
        }
        for (index, stage) in stages.enumerated() {
            events?(.stageStarted(index: index + 1, count: stages.count, stage: stage))
            switch stage {
            case .ingest:
                ingest = try ExportReader.read(folder: config.inputURL, options: IngestOptions(asOf: request.asOf)) { done, total in
                    events?(.rows(done: done, total: total))
                }
                summary = makeSummary(ingest, request: request, stages: stages)
            case .render:
                guard let writer else { continue }
                let (documents, problems) = try render(ingest, config: config, typesetter: sharedTypesetter(),
                                                       writer: writer, events: events)
                if !problems.isEmpty {
                    ingest.setAside(problems)
                    summary = makeSummary(ingest, request: request, stages: stages)
                }
                summary?.documents = documents
                summary?.outputs["documents"] = "internal/documents"
            case .portal:
                guard let writer, request.useStateStore else { continue }
                let renderer = DocumentRenderer(typesetter: try sharedTypesetter(), templates: try templates(config))
                summary?.portal = try PortalStage(config: config, asOf: request.asOf, writer: writer, renderer: renderer).run(ingest)
                summary?.outputs["portal"] = "public/index.html"
            case .report:
                guard let writer, request.useStateStore else { continue }
                let stage = ReportStage(config: config, asOf: request.asOf, writer: writer, typesetter: sharedTypesetter)
                let report = try stage.run(ingest, year: request.reportYear)
                summary?.report = report
                summary?.outputs["report"] = report.folder
            case .supervision:
                guard let writer, request.useStateStore else { continue }
                let publications = try StateStore(path: config.stateStoreURL.path).publications()
                summary?.supervision = try SupervisionStage(config: config, asOf: request.asOf, writer: writer)
                    .run(ingest, publications: publications)
                summary?.outputs["supervision"] = SupervisionStage.folder + "/index.html"
            case .archive:
                continue  // after the commit below: the ledger hashes the files as they stand
            }
        }
        guard var result = summary else { throw ConfigError(file: "pipeline.yml", line: nil, key: "stages", problem: "没有阶段。") }
        guard let writer else { return (result, ingest) }
        try writeQuarantine(ingest, request: request, writer: writer, into: &result)
        if request.useStateStore {
            try store(&ingest, request: request, writer: writer, into: &result)
        }
        try writer.commit()
        if stages.contains(.archive), request.useStateStore {
            result.archive = try ArchiveStage(config: config, asOf: request.asOf).run(ingest)
        }
        return (result, ingest)
    }

    private static func makeTypesetter(_ config: PipelineConfig) throws -> Typesetter {
        do {
            return Typesetter(fonts: try FontSet.load(manifest: config.fontsURL))
        } catch let error as FontError {
            throw ConfigError(file: "pipeline.yml", line: nil, key: "fonts", problem: error.message)
        }
    }

    public static func templates(_ config: PipelineConfig) throws -> TemplateLibrary {
        let library = try TemplateLibrary(folder: config.templatesURL)
        let missing = Set(config.documentRules.map(\.kind)).subtracting(library.kinds).sorted()
        guard missing.isEmpty else {
            throw ConfigError(file: "pipeline.yml", line: nil, key: "documents",
                              problem: "这些文书种类没有模板（\(config.templatesURL.path)）：\(missing.joined(separator: "、"))。")
        }
        return library
    }

    /// Templates, fonts manifest, mapping, hearing thresholds and the program's version: any change re-renders all.
    static func renderFingerprint(_ config: PipelineConfig) throws -> String {
        // Sets print in a different order in every process: each is sorted first.
        let rules = config.documentRules.map { rule in
            [rule.kind, rule.actionTypes.map(\.rawValue).sorted().joined(separator: ","),
             rule.procedures.map(\.rawValue).sorted().joined(separator: ","), rule.statuses.map(\.rawValue).sorted().joined(separator: ","),
             "\(rule.penalized.map(String.init) ?? "-")", rule.titleContains.joined(separator: ","), rule.decisionContains.joined(separator: ","),
             rule.decisionLacks.joined(separator: ","), "\(rule.served.map(String.init) ?? "-")", "\(rule.reviewed.map(String.init) ?? "-")"]
                .joined(separator: ";")
        }
        let catalogue = config.legalReview.catalogue
        let thresholds = PartyType.allCases.map { "\($0.rawValue)=\(catalogue.fineAtLeast[$0]?.decimalString ?? "-")/\(catalogue.confiscationAtLeast[$0]?.decimalString ?? "-")" }
        let hearing = catalogue.penaltyKinds.map(\.rawValue).sorted().joined(separator: ",") + "|" + thresholds.joined(separator: ",")
        var bytes: [UInt8] = Array("sanxiang-render-v1|\(rules.joined(separator: "\n"))|\(hearing)".utf8)
        let folder = config.templatesURL
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?.sorted() ?? [] {
            bytes += Array(name.utf8) + [UInt8](FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) ?? Data())
        }
        bytes += [UInt8](FileManager.default.contents(atPath: config.fontsURL.path) ?? Data())
        return StateStore.contentHash(bytes)
    }

    private static func render(_ ingest: IngestResult, config: PipelineConfig, typesetter: Typesetter, writer: OutputWriter,
                               events: (@Sendable (RunEvent) -> Void)?) throws -> (RenderSummary, [Problem]) {
        let renderer = DocumentRenderer(typesetter: typesetter, templates: try templates(config))
        let catalogue = config.legalReview.catalogue
        let plan = RenderStage.plan(for: ingest, rules: config.documentRules, hearingEligible: catalogue.hearingEligible)
        // A case whose data, templates and settings are as the last run found them keeps its documents.
        let index = RenderStage.IngestIndex(ingest)
        let keys = concurrentMap(plan) { ($0.item.id, RenderStage.dataKey($0, ingest: index)) }
        let memo = RenderMemo(fingerprint: try renderFingerprint(config), cases: Dictionary(keys, uniquingKeysWith: { first, _ in first }))
        let previous = writer.existingFile(RenderMemo.path).flatMap { try? JSONDecoder().decode(RenderMemo.self, from: $0) }
        var unchanged = Set<String>()
        if let previous, previous.fingerprint == memo.fingerprint {
            for entry in plan where previous.cases[entry.item.id] == memo.cases[entry.item.id]
                && entry.kinds.allSatisfy({ writer.exists(entry.path(of: $0)) }) {
                unchanged.insert(entry.item.id)
            }
        }
        let result = try RenderStage(renderer: renderer).run(plan, write: { try writer.write($1, to: $0) }, unchanged: unchanged,
                                                             keep: { try writer.preserve($0) }) {
            events?(.rows(done: $0, total: $1))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var written = memo
        for problem in result.problems { if let id = problem.caseID { written.cases.removeValue(forKey: id) } }
        try writer.write(try encoder.encode(written), to: RenderMemo.path)
        return result
    }

    private static func writeQuarantine(_ ingest: IngestResult, request: RunRequest, writer: OutputWriter,
                                        into result: inout RunSummary) throws {
        try writer.write(QuarantineReport.json(ingest), to: "quarantine/quarantine.json")
        try writer.write(QuarantineReport.warningsJSON(ingest), to: "quarantine/warnings.json")
        try writer.write(QuarantineReport.text(ingest, asOf: request.asOf.iso, input: request.config.inputURL.path),
                         to: "quarantine/report.txt")
        result.outputs["quarantine"] = "quarantine/quarantine.json"
        result.outputs["quarantine_report"] = "quarantine/report.txt"
    }

    private static func store(_ ingest: inout IngestResult, request: RunRequest, writer: OutputWriter,
                              into result: inout RunSummary) throws {
        let config = request.config
        var clock = PhaseClock()
        let store = try StateStore(path: config.stateStoreURL.path)
        result.store = try store.replaceSnapshot(
            agencies: ingest.agencies, officers: ingest.officers, cases: ingest.cases, reviews: ingest.reviews,
            records: ingest.records, asOf: request.asOf, input: config.inputURL.path,
            summary: String(decoding: try encode(result), as: UTF8.self))
        clock.lap("state store")
        ingest.timings += clock.laps
        result.outputs["state_store"] = relative(config.stateStoreURL, to: config.outputURL)
        result.outputs["summary"] = "run-summary.json"
        try writer.write(encode(result), to: "run-summary.json")
    }

    /// Paths inside the output folder are given relative to it, so two runs
    /// into different folders write the same summary.
    static func relative(_ url: URL, to folder: URL) -> String {
        let path = url.standardizedFileURL.path
        let base = folder.standardizedFileURL.path + "/"
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }

    static func makeSummary(_ ingest: IngestResult, request: RunRequest, stages: [StageName]) -> RunSummary {
        var byType: [String: Int] = [:]
        var byAgency: [String: Int] = [:]
        for item in ingest.cases {
            byType[item.actionType.rawValue, default: 0] += 1
            byAgency[item.agencyCode, default: 0] += 1
        }
        return RunSummary(asOf: request.asOf.iso, input: request.config.inputURL.path, stages: stages.map(\.rawValue),
                          balances: ingest.balances, rowsSetAside: ingest.rowsSetAside,
                          problemsSetAside: ingest.errors.count, warnings: ingest.warnings.count,
                          cases: .init(accepted: ingest.cases.count, byActionType: byType, byAgency: byAgency),
                          store: nil, outputs: [:])
    }

    static func encode(_ summary: RunSummary) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(summary) + Data("\n".utf8)
    }
}
