import CaseModel
import Documents
import Foundation
import Archive
import ErrorReporting
import Native
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
    /// True when the run found the export, configuration, as-of date, program and output exactly as the
    /// last committed run left them, and wrote nothing: the figures are that run's, told as a rerun's
    /// (everything kept, nothing newly published; see `UnchangedRun.rerun`). Never in run-summary.json.
    public var unchanged: Bool?
    /// With workers: earlier nights' shard folders removed after this night was published (`ShardWork.removeEarlierBatches`).
    /// Never in run-summary.json, which is written before the commit.
    public var shardCleanup: ShardWork.Cleanup?

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
             problemsSetAside = "problems_set_aside", warnings, cases, store, documents, portal, report, supervision, archive, outputs,
             unchanged
    }

    /// 4 when the publication gate withheld a case, else 3 when rows were set aside, else 0.
    public var exitStatus: Int32 {
        if (portal?.gateWithheld ?? 0) > 0 { return 4 }
        return rowsSetAside == 0 ? 0 : 3
    }

    /// Puts a stage's part into the summary, with the place of its output.
    mutating func add(_ part: StageReport) {
        switch part {
        case .none: break
        case .documents(let documents):
            self.documents = documents
            outputs["documents"] = "internal/documents"
        case .portal(let portal):
            self.portal = portal
            outputs["portal"] = "public/index.html"
        case .report(let report):
            self.report = report
            outputs["report"] = report.folder
        case .supervision(let supervision):
            self.supervision = supervision
            outputs["supervision"] = SupervisionStage.folder + "/index.html"
        }
    }
}

/// Progress events a front end may show.
public enum RunEvent: Sendable {
    case stageStarted(index: Int, count: Int, stage: String)
    /// Work between the stages and the commit that belongs to no stage — the quarantine, run-summary.json and the store's
    /// snapshot of every case (≈ 1.6 s at 100,000 cases) — so `run --timings` does not count it in the last stage's time.
    case stepStarted(String)
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
    /// False for commands that remake one part of the output (`report`): the quarantine,
    /// run-summary.json and the stored snapshot stay the last run's.
    public var recordsRun: Bool
    /// Seconds to wait for another process's run on the same output folder to end.
    public var lockWait: Double
    /// False to run every stage even when the export, configuration, as-of date, program and output are
    /// exactly as the last committed run left them (`run --full-run`; see `UnchangedRun`).
    public var mayKeepUnchangedOutput = true
    /// The program the render stage may start as render processes (`sanxiang run` sets itself); nil: it draws on its
    /// own threads.
    public var renderProgram: RenderProgram?

    public init(config: PipelineConfig, asOf: CivilDate, useStateStore: Bool = true, writeOutputs: Bool = true,
                reportYear: Int? = nil, recordsRun: Bool = true, lockWait: Double = 0) {
        self.config = config
        self.asOf = asOf
        self.useStateStore = useStateStore
        self.writeOutputs = writeOutputs
        self.reportYear = reportYear
        self.recordsRun = recordsRun
        self.lockWait = lockWait
    }
}

/// A run, read top to bottom as the 三项制度: ingest → validate → review →
/// render (全过程记录) → portal (redact, publish each decision, 公示) → report →
/// supervision (法制审核 and 执法监督) → snapshot → portal-site (the portal's lists,
/// feeds, search and sitemap) → commit → archive. Stages write into the staging area
/// and hand back state changes; the committer alone changes the output folder and the
/// state store, in that order, then the ledger.
/// A run that writes its output hands back the ingest's problems, balances, agencies and officers, not the
/// export's records (`IngestResult.takeRecords`: let go of after the snapshot, before the stages that do not read them).
public enum PipelineRunner {
    /// The snapshot's payload file in the staging area (`StateStore.Snapshot`), gone with it after the commit.
    static let snapshotPayloadName = ".snapshot-payloads"

    public static func run(_ request: RunRequest,
                           events: (@Sendable (RunEvent) -> Void)? = nil) throws -> (RunSummary, IngestResult) {
        let config = request.config
        if config.stages.contains(.archive) { try ArchiveStage.checkKeyPlacement(config) }
        guard request.writeOutputs else { return try checkWithoutOutput(request, events: events) }
        try PortalStage.checkDisclosureData(stages: allStages(request).map(\.name))
        let lock = try lockOutput(config, wait: request.lockWait)
        defer { lock.release() }
        let committer = Committer(config: config)
        _ = try committer.recover()
        // Identified before anything is read, so the record never describes an export newer than the one the run used.
        let inputs = UnchangedRun.applies(to: request) ? try UnchangedRun.identity(of: request) : nil
        // Whether the output is as the record says decides the night only when the inputs are the recorded
        // ones; otherwise it is worked out while the export is read, for the stages that read the output.
        var finding: UnchangedRun.Finding?
        var pending: Background<UnchangedRun.Finding>?
        let inPlace = allStages(request).flatMap(\.inPlace)
        if let inputs {
            if request.mayKeepUnchangedOutput, UnchangedRun.recordedInputs(config) == inputs {
                finding = try UnchangedRun.inspect(config, inputs: inputs, inPlace: inPlace)
            } else {
                pending = Background { try UnchangedRun.inspect(config, inputs: inputs, inPlace: inPlace) }
            }
        }
        // A run that fails before it needed the walk still waits for it, so nothing of it reads the output
        // folder once the lock is released (its result no longer matters: the run's own error is reported).
        defer { if let pending { _ = try? pending.wait() } }
        if request.mayKeepUnchangedOutput, let last = finding?.summary { return (last, IngestResult()) }
        var previous = request.useStateStore ? try loadPrevious(config) : PreviousState()
        // A command that remakes part of the output keeps the nightly record true for the files it only carries forward.
        let stampsBefore = inputs == nil ? try UnchangedRun.stampsBeforeOtherCommand(config) : nil
        let output = try OutputWriter(root: config.outputURL)
        // A run that stops before its commit leaves no staging area behind (tonight's half-made portal and documents, GBs
        // at 100,000 cases); once the commit has begun, its journal may need what is staged, and the commit removes it.
        var committing = false
        defer { if !committing { output.discardStaging() } }
        output.damaged = finding?.damaged ?? []
        output.liveInPlace = finding?.liveInPlace
        output.inPlaceFolders = inPlace
        previous.gateKey = finding?.gateKey
        let run = RunContext(request: request, previous: previous, events: events)
        defer { run.endRenderProcesses() }  // a failed night's too
        // From here on the run's context holds the last run's state alone (it lets go of it before the commit).
        previous = PreviousState()

        let recipe = stages(for: request)
        var ownership = OutputOwnership()
        for stage in allStages(request) { ownership.declare(stage.name, territory: stage.territory) }
        var state = StateChanges()
        var parts: [StageReport] = []
        for (index, stage) in recipe.enumerated() where stage.needsExport {
            events?(.stageStarted(index: index + 1, count: recipe.count, stage: stage.name))
            if stage.readsLastOutput, let waiting = pending {
                try learn(try waiting.wait(), output: output, run: run)
                pending = nil
            }
            let outcome = try perform(stage, run, output)
            // A stage that read an empty text for one it could not read back made nothing that may be kept.
            try run.checkStoredTexts(stage: stage.name)
            run.ingest.setAside(outcome.setAside)
            // Before any stage writes: a night's export with no case to accept is a broken one (see `EmptyExportError`);
            // `check` (no state store) still lists why every row was set aside.
            if request.recordsRun, request.useStateStore, run.ingest.cases.isEmpty {
                throw StageFailure(stage: stage.name, underlying: EmptyExportError(run.ingest))
            }
            state.merge(outcome.state)
            parts.append(outcome.summary)
            ownership.claim(stage.name, stage.claims(run))
            Fault.point("stage.\(stage.name)")
        }
        if let waiting = pending { try learn(try waiting.wait(), output: output, run: run) }
        events?(.stepStarted("snapshot"))
        run.releaseStageCaches()
        var summary = makeSummary(run.ingest, request: request, stages: config.stages)
        for part in parts { summary.add(part) }
        var snapshot: PendingSnapshot?
        var summaryText: Data?
        if request.recordsRun {
            try ValidateStage.writeQuarantine(run.ingest, request: request, into: output)
            summary.outputs["quarantine"] = "quarantine/quarantine.json"
            summary.outputs["quarantine_report"] = "quarantine/report.txt"
        }
        if request.recordsRun, request.useStateStore {
            // The payloads the store lacks wait in the staging area, not in memory, until the commit stores them. The stored
            // hashes are read here, once the stages have let go of their caches: read with the rest of the last run's state
            // before the ingest (about 50 MB at 100,000 cases), they stood through every stage to the portal's peak.
            let stored = try StateStore.Snapshot(agencies: run.ingest.agencies, officers: run.ingest.officers, cases: run.ingest.cases,
                                                 reviews: run.ingest.reviews, records: run.ingest.records, asOf: request.asOf,
                                                 input: config.inputURL.path, stored: try StateStore(path: config.stateStoreURL.path).allCaseHashes(),
                                                 payloadFile: output.stagedPath(of: Self.snapshotPayloadName))
            summary.store = stored.changes()
            summary.outputs["state_store"] = relative(config.stateStoreURL, to: config.outputURL)
            summary.outputs["summary"] = "run-summary.json"
            let text = try encode(summary)
            summaryText = text
            try output.write(text, to: "run-summary.json")
            ownership.claim("run", ["run-summary.json"])
            snapshot = PendingSnapshot(stored, summary: String(decoding: text, as: UTF8.self))
        }
        let archive = config.stages.contains(.archive) && request.useStateStore
            ? ArchiveStage.request(run.ingest, config: config, asOf: request.asOf) : nil
        try run.releaseExportRecords()
        // The stages that read no export record (the portal's site) run once it is let go of. The run's summary, stored with
        // the snapshot, is made before them: they add nothing to it and set nothing aside, and a failure still stops the run.
        for (index, stage) in recipe.enumerated() where !stage.needsExport {
            events?(.stageStarted(index: index + 1, count: recipe.count, stage: stage.name))
            let outcome = try perform(stage, run, output)
            state.merge(outcome.state)
            ownership.claim(stage.name, stage.claims(run))
            Fault.point("stage.\(stage.name)")
        }
        events?(.stageStarted(index: recipe.count, count: recipe.count, stage: "commit"))
        // Other commands' commits (report --year, check) need not forget it: every file they write has a new
        // inode, and the files they only carry forward are restamped after their commit (`UnchangedRun.restamp`).
        if inputs != nil { try UnchangedRun.forget(config) }
        // The stages have read the export: it is identified again while the commit writes (the record is left
        // unwritten when it changed meanwhile).
        let inputsNow = inputs == nil || summaryText == nil ? nil : Background { try UnchangedRun.identity(of: request) }
        defer { _ = try? inputsNow?.wait() }
        try state.readStagedMemos()
        try run.checkStoredTexts(stage: "commit")
        committing = true
        let committed = try committer.commit(output, ownership: ownership, state: state, snapshot: snapshot, archive: archive)
        summary.archive = committed.archive
        if config.shardQueue != nil, request.recordsRun {
            summary.shardCleanup = ShardWork.removeEarlierBatches(output: config.outputURL, asOf: request.asOf)
        }
        if let inputs, let summaryText {
            try UnchangedRun.remember(config, request: request, inputs: inputs, summary: summaryText, gateKey: run.gateKey,
                                      listed: committed.listed, inputsNow: try inputsNow?.wait())
        }
        if let stampsBefore { try UnchangedRun.restamp(config, before: stampsBefore, listed: committed.listed) }
        return (summary, run.ingest)
    }

    /// The stages of this request, in the only order they run.
    static func stages(for request: RunRequest) -> [Stage] {
        let configured = Set(request.config.stages)
        var recipe: [Stage] = [IngestStage(), ValidateStage()]
        guard request.writeOutputs else { return recipe }
        // The report and the supervision report count major decisions from the same judgement.
        if configured.contains(.supervision) || configured.contains(.report) { recipe.append(ReviewStage()) }
        if configured.contains(.render) { recipe.append(DocumentsStage()) }
        guard request.useStateStore else { return recipe }
        if configured.contains(.portal) { recipe.append(PortalStage()) }
        if configured.contains(.report) { recipe.append(ReportStage(requestedYear: request.reportYear)) }
        if configured.contains(.supervision) { recipe.append(SupervisionStage()) }
        if configured.contains(.portal) { recipe.append(PortalSiteStage()) }
        return recipe
    }

    /// Every stage there is, so each part of the output has its owner even when that owner does not run.
    static func allStages(_ request: RunRequest) -> [Stage] {
        [IngestStage(), ValidateStage(), ReviewStage(), DocumentsStage(), PortalStage(), ReportStage(requestedYear: request.reportYear),
         SupervisionStage(), PortalSiteStage()]
    }

    /// What the comparison of the output with the last run's record found: files no stage may keep, and the gate's key.
    private static func learn(_ finding: UnchangedRun.Finding, output: OutputWriter, run: RunContext) throws {
        output.damaged = finding.damaged
        output.liveInPlace = finding.liveInPlace
        run.learnLastGateKey(finding.gateKey)
    }

    /// Runs one stage; its failure says which stage it was.
    private static func perform(_ stage: Stage, _ run: RunContext, _ output: OutputWriter) throws -> StageOutcome {
        do {
            return try stage.run(run, into: output)
        } catch let failure as StageFailure {
            throw failure
        } catch let error as SanxiangError {
            throw StageFailure(stage: stage.name, underlying: error)
        }
    }

    /// `sanxiang check` with no output folder: the checks only, in a scratch area thrown away after.
    private static func checkWithoutOutput(_ request: RunRequest,
                                           events: (@Sendable (RunEvent) -> Void)?) throws -> (RunSummary, IngestResult) {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sanxiang-check-\(getpid())-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let output = try OutputWriter(root: scratch)
        let run = RunContext(request: request, previous: PreviousState(), events: events)
        let recipe = stages(for: request)
        for (index, stage) in recipe.enumerated() {
            events?(.stageStarted(index: index + 1, count: recipe.count, stage: stage.name))
            run.ingest.setAside(try perform(stage, run, output).setAside)
        }
        return (makeSummary(run.ingest, request: request, stages: request.config.stages), run.ingest)
    }

    /// True while a run's commit in `output` is unfinished (it was interrupted); the next run finishes it.
    public static func hasUnfinishedCommit(output: URL) -> Bool { Committer.hasPendingCommit(output) }

    /// Creates the output folder if needed and takes its lock.
    public static func lockOutput(_ config: PipelineConfig, wait: Double) throws -> FolderLock {
        let folder = config.outputURL.standardizedFileURL.path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw FileSystemError(path: folder, action: "创建输出文件夹", code: OutputWriter.errnoOf(error))
        }
        return try FolderLock(folder: folder, wait: wait)
    }

    /// What the last committed run left in the store: its small parts read now, its publication log and memos
    /// when a stage first asks for them (`RunContext`).
    static func loadPrevious(_ config: PipelineConfig) throws -> PreviousState {
        let store = try StateStore(path: config.stateStoreURL.path)
        return PreviousState(publications: nil, storePath: config.stateStoreURL.path, reportDeliveries: try store.reportDeliveries(),
                             reportFeed: try store.reportFeed(), firstPublicationDay: try store.firstPublicationDay())
    }

    public static func templates(_ config: PipelineConfig) throws -> TemplateLibrary {
        let library = try TemplateLibrary(folder: config.templatesURL)
        let missing = Set(config.documentRules.map(\.kind)).subtracting(library.kinds).sorted()
        guard missing.isEmpty else {
            throw ConfigError(file: config.sourceName, line: nil, key: "documents",
                              problem: "这些文书种类没有模板（\(config.templatesURL.path)）：\(missing.joined(separator: "、"))。")
        }
        return library
    }

    /// Every template file (name and bytes, in name order), then the fonts manifest: what a render process checks it draws
    /// with (`RenderProcesses.inputsCheck`), and part of the render fingerprint.
    static func templateAndFontBytes(templates: URL, fonts: URL) -> [UInt8] {
        var bytes: [UInt8] = []
        for name in (try? FileManager.default.contentsOfDirectory(atPath: templates.path))?.sorted() ?? [] {
            bytes += Array(name.utf8) + [UInt8](FileManager.default.contents(atPath: templates.appendingPathComponent(name).path) ?? Data())
        }
        return bytes + [UInt8](FileManager.default.contents(atPath: fonts.path) ?? Data())
    }

    /// Templates, fonts manifest, mapping, hearing thresholds and the program's version: any change re-renders all.
    static func renderFingerprint(_ config: PipelineConfig) throws -> String {
        // Sets print in a different order in every process: each is sorted first.
        let rules = config.documentRules.map { rule in
            [rule.kind, rule.actionTypes.map(\.rawValue).sorted().joined(separator: ","),
             rule.procedures.map(\.rawValue).sorted().joined(separator: ","), rule.statuses.map(\.rawValue).sorted().joined(separator: ","),
             "\(rule.penalized.map(String.init) ?? "-")", rule.titleContains.joined(separator: ","), rule.decisionContains.joined(separator: ","),
             rule.decisionLacks.joined(separator: ","), "\(rule.served.map(String.init) ?? "-")", "\(rule.reviewed.map(String.init) ?? "-")",
             rule.has.map(\.rawValue).sorted().joined(separator: ",")]
                .joined(separator: ";")
        }
        let catalogue = config.legalReview.catalogue
        let thresholds = PartyType.allCases.map { type in
            [catalogue.fineAtLeast, catalogue.confiscationAtLeast, catalogue.hearingFineAtLeast, catalogue.hearingConfiscationAtLeast]
                .map { $0[type]?.decimalString ?? "-" }.joined(separator: "/")
        }
        let hearing = catalogue.penaltyKinds.map(\.rawValue).sorted().joined(separator: ",") + "|" + thresholds.joined(separator: ",")
        var bytes: [UInt8] = Array("sanxiang-render-v1|\(rules.joined(separator: "\n"))|\(hearing)".utf8)
        bytes += templateAndFontBytes(templates: config.templatesURL, fonts: config.fontsURL)
        return StateStore.contentHash(bytes)
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
