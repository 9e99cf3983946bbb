import CaseModel
import Documents
import Foundation
import Ingest
import Native
import Review

/// Reads and checks the export: every row accepted or set aside with its reason.
struct IngestStage: Stage {
    let name = "ingest"
    let reads = "导出文件夹（agencies、officers、cases、reviews、records、media）"
    let territory: [String] = []
    let readsLastOutput = false

    func run(_ run: RunContext, into output: OutputWriter) throws -> StageOutcome {
        // A command that writes into its output folder (`run`, `report --year`) keeps the long texts in an unnamed file
        // there (`ExportText`): ≈ 200 MB of memory at 100,000 cases, from here to the commit. `check` reads and lets go
        // (and may have no output folder), so it keeps them in memory.
        let writesOutput = run.request.useStateStore && run.request.writeOutputs
        run.textStore = writesOutput ? TextSpillFile(folder: run.config.outputURL.path) : nil
        if Fault.isSet("texts.unreadable"), let kept = run.textStore { run.textStore = UnreadableTexts(kept) }
        let options = IngestOptions(asOf: run.asOf, textStore: run.textStore)
        run.ingest = try ExportReader.read(folder: run.config.inputURL, options: options) { done, total in
            run.events?(.rows(done: done, total: total))
        }
        return StageOutcome()
    }
}

/// Decides, before anything is rendered or published, which cases can go on:
/// a case lacking a statutory element of a document it must get is set aside
/// whole. Because this runs whatever stages follow, every configuration of
/// stages publishes the same cases. It also writes the quarantine, which is
/// complete only once this check has run.
struct ValidateStage: Stage {
    let name = "validate"
    let reads = "接收的案件、文书模板和 documents 规则"
    let territory = ["quarantine/"]
    let readsLastOutput = false

    /// A command that remakes one part of the output (`report`) leaves the last run's quarantine.
    func claims(_ run: RunContext) -> [String] { run.request.recordsRun ? territory : [] }

    func run(_ run: RunContext, into output: OutputWriter) throws -> StageOutcome {
        var outcome = StageOutcome()
        if !run.config.documentRules.isEmpty {
            let templates = try run.templates()
            let planner = DocumentPlanner(config: run.config, index: RenderStage.IngestIndex(run.ingest))
            let passed = try Self.passedLastRun(run)
            // Each case's documents are planned and checked on one core and then let go: the plan of
            // the whole export at once held every case's document data (memory growing with the export).
            let found = concurrentMap(run.ingest.cases, chunkSize: 64) { item -> Problem? in
                guard !passed.contains(item.id), let entry = planner.entry(for: item) else { return nil }
                return Self.check(entry, templates: templates)
            }
            outcome.setAside = found.compactMap { $0 }
            run.casesMissingElements = outcome.setAside.filter { $0.kind == .missingStatutoryElement }.count
        }
        return outcome
    }

    /// Cases the last run rendered (so they passed this check) from the same inputs, templates and
    /// rules: the check reads nothing else, so they pass it again without their data being built.
    static func passedLastRun(_ run: RunContext) throws -> Set<String> {
        guard let previous = try run.lastRenderMemo(), let inputs = previous.inputs,
              previous.fingerprint == (try run.renderFingerprint()) else { return [] }
        let keys = try run.renderInputKeys()
        return Set(run.ingest.cases.lazy.filter { item in previous.cases[item.id] != nil && inputs[item.id] == keys[item.id] }.map(\.id))
    }

    /// The first problem of a case's documents, in plan order. The 案卷 comes last: its catalogue
    /// is checked with one page per document (page ranges come with the layout, not the data).
    static func check(_ entry: CaseDocuments, templates: TemplateLibrary) -> Problem? {
        var members: [DossierMember] = []
        for instance in entry.instances {
            let data = instance.kind == DocumentKind.dossier
                ? RenderStage.dossierData(instance, members: members, decisionNo: entry.item.docNo).data : instance.data
            let prepared: PreparedDocument
            do {
                prepared = try templates.prepare(instance.kind, data: data)
            } catch {
                return Self.unbuildable(entry.item, kind: instance.kind)
            }
            let missing = prepared.missing
            if !missing.isEmpty {
                return RenderStage.problem(entry.item, MissingStatutoryElements(kind: instance.kind, elements: missing))
            }
            members.append(DossierMember(prepared, data: instance.data, pages: 1))
        }
        return nil
    }

    /// A case whose data cannot be put into a document at all (the template's
    /// output is not well-formed with it): its row is named, not the template.
    static func unbuildable(_ item: EnforcementCase, kind: String) -> Problem {
        Problem(file: item.source.file, row: item.source.row, caseID: item.id, field: nil, kind: .invalidValue,
                message: "\(item.source.file) 第\(item.source.row)行（案件 \(item.id)）：案件数据中有无法写入《\(kind)》的内容"
                    + "（如控制字符），不生成文书，该案件已暂存；请在办案系统中检查该案件的文字字段。")
    }

    /// The quarantine as it stands after every check (written by the runner once all set-asides are known).
    static func writeQuarantine(_ ingest: IngestResult, request: RunRequest, into output: OutputWriter) throws {
        try output.write(QuarantineReport.json(ingest), to: "quarantine/quarantine.json")
        try output.write(QuarantineReport.warningsJSON(ingest), to: "quarantine/warnings.json")
        try output.write(QuarantineReport.text(ingest, asOf: request.asOf.iso, input: request.config.inputURL.path),
                         to: "quarantine/report.txt")
    }
}

/// 法制审核: classifies every decision against the major-decision catalogue and
/// checks its legal review, once, for the documents and the supervision report.
struct ReviewStage: Stage {
    let name = "review"
    let reads = "接收的案件、法制审核记录、重大执法决定目录清单（legal_review）"
    let territory: [String] = []
    let readsLastOutput = false

    func run(_ run: RunContext, into output: OutputWriter) throws -> StageOutcome {
        let gate = ReviewGate(catalogue: run.config.legalReview.catalogue, limits: run.config.legalReview.recheck,
                              calendar: try run.calendar())
        run.assessments = try gate.assess(run.ingest.cases, reviews: run.ingest.reviews,
                                          setAsideReviews: SupervisionStage.setAsideReviews(run.ingest))
        return StageOutcome()
    }
}
