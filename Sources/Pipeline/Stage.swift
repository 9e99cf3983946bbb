import CaseModel
import Documents
import ErrorReporting
import Foundation
import Ingest
import Native
import Review
import Typesetting
import WorkingDays

/// One step of the night. Every stage has the same shape: it declares its
/// name, what it reads, and the parts of the output folder it is responsible
/// for; it writes its files into the run's staging area and returns the state
/// changes it wants, the cases it sets aside and its part of the summary. It
/// never opens the state store and never commits: the committer does both,
/// files first, then state, then the ledger.
protocol Stage {
    var name: String { get }
    /// What the stage reads, for the reader of the recipe (and `--help`).
    var reads: String { get }
    /// Output paths the stage is responsible for (a folder ends with "/").
    /// A file of the last run inside a stage's territory is the stage's to keep
    /// or drop; everything else is carried forward untouched.
    var territory: [String] { get }
    /// Folders of its territory (ending in "/", never under public/) whose files the commit updates in
    /// place rather than carrying every kept file into a new tree: for folders of many files of which
    /// a night changes few. Not served, so a reader never sees the moment between two nights.
    var inPlace: [String] { get }
    /// Whether the stage reads the last run's output or what was learnt of it (files kept, the damaged ones,
    /// the gate's key). The ones that read only the export and the state store start before the output
    /// has been compared with the last run's record (`UnchangedRun.inspect`, a walk of the whole output).
    var readsLastOutput: Bool { get }
    /// Whether the stage reads the export's records. The ones that do not run after the run has made its snapshot and let
    /// go of them (about 0.5 GB at 100,000 cases): the site's pages, from the publication log alone.
    var needsExport: Bool { get }
    /// The part of its territory the stage remakes in this run (by default, all of it).
    func claims(_ run: RunContext) -> [String]
    func run(_ run: RunContext, into output: OutputWriter) throws -> StageOutcome
}

extension Stage {
    func claims(_ run: RunContext) -> [String] { territory }
    var inPlace: [String] { [] }
    var readsLastOutput: Bool { true }
    var needsExport: Bool { true }
}

/// What a stage hands back to the runner.
struct StageOutcome {
    var summary: StageReport = .none
    var state = StateChanges()
    /// Cases the stage found cannot go further (e.g. a statutory element missing).
    var setAside: [Problem] = []
}

/// A stage's part of the run summary.
enum StageReport {
    case none
    case documents(RenderSummary)
    case portal(PortalSummary)
    case report(ReportSummary)
    case supervision(SupervisionSummary)
}

/// The state changes a run wants. They are written only after the files they
/// describe are in place (see `Committer`), in one transaction.
public struct StateChanges: Codable, Sendable {
    /// Publication-log rows that are new or differ from the last run's.
    public var publications: [PublicationRow] = []
    /// Annual reports published by this run.
    public var reports: [ReportPublication] = []
    /// What each case's documents were made from, for the next run to keep unchanged ones: the render
    /// memo in its line format (`RenderMemo.fileBytes`), made once for the journal and the state store
    /// (writing it took half a second at 100,000 cases).
    public var renderMemoFile: Data?
    /// Each case's redaction, for the next night's portal to reuse (`RedactionMemo.fileBytes`).
    public var redactionMemoFile: Data?
    /// The first day this output folder published (kept once): the default go-live date.
    public var goLive: CivilDate?
    /// The memos as their stages left them in the staging area (`StagedBytes`), not held in memory through the stages
    /// after them: read into `renderMemoFile` and `redactionMemoFile` just before the commit (`readStagedMemos`).
    var stagedRenderMemo: StagedBytes?
    var stagedRedactionMemo: StagedBytes?
    /// Publication rows the portal staged with their public cases (`StagedPublications`), saved after `publications`.
    var stagedPublications: StagedPublications?

    public init() {}

    mutating func merge(_ other: StateChanges) {
        publications += other.publications
        reports += other.reports
        if let memo = other.renderMemoFile { renderMemoFile = memo }
        if let memo = other.redactionMemoFile { redactionMemoFile = memo }
        if let staged = other.stagedRenderMemo { stagedRenderMemo = staged }
        if let staged = other.stagedRedactionMemo { stagedRedactionMemo = staged }
        if let staged = other.stagedPublications { stagedPublications = staged }
        if let day = other.goLive { goLive = day }
    }

    /// The staged memos' bytes, read for the commit journal and the store.
    mutating func readStagedMemos() throws {
        if let staged = stagedRenderMemo { renderMemoFile = try staged.read() }
        if let staged = stagedRedactionMemo { redactionMemoFile = try staged.read() }
        stagedRenderMemo = nil
        stagedRedactionMemo = nil
    }

    var isEmpty: Bool {
        publications.isEmpty && reports.isEmpty && renderMemoFile == nil && redactionMemoFile == nil && goLive == nil
            && stagedRenderMemo == nil && stagedRedactionMemo == nil && stagedPublications == nil
    }

    // The commit journal holds the render memo in its line format (base64 in the JSON): JSONEncoder took
    // over a second for it as JSON at 100,000 cases. A journal that holds it as JSON (written by an
    // earlier version) is still read.
    private enum CodingKeys: String, CodingKey {
        case publications, reports, renderMemo, renderMemoLines, redactionMemo, goLive
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        publications = try container.decode([PublicationRow].self, forKey: .publications)
        reports = try container.decode([ReportPublication].self, forKey: .reports)
        goLive = try container.decodeIfPresent(CivilDate.self, forKey: .goLive)
        if let lines = try container.decodeIfPresent(Data.self, forKey: .renderMemoLines) {
            guard RenderMemo.read(lines) != nil else {
                throw DecodingError.dataCorruptedError(forKey: .renderMemoLines, in: container, debugDescription: "render memo")
            }
            renderMemoFile = lines
        } else {
            renderMemoFile = try container.decodeIfPresent(RenderMemo.self, forKey: .renderMemo)?.fileBytes()
        }
        if let memo = try container.decodeIfPresent(Data.self, forKey: .redactionMemo),
           !memo.starts(with: Data((RedactionMemo.earlierFormat + "\n").utf8)) {
            guard RedactionMemo.read(memo) != nil else {
                throw DecodingError.dataCorruptedError(forKey: .redactionMemo, in: container, debugDescription: "redaction memo")
            }
            redactionMemoFile = memo
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(publications, forKey: .publications)
        try container.encode(reports, forKey: .reports)
        try container.encodeIfPresent(goLive, forKey: .goLive)
        try container.encodeIfPresent(renderMemoFile, forKey: .renderMemoLines)
        try container.encodeIfPresent(redactionMemoFile, forKey: .redactionMemo)
    }
}

/// Bytes a stage makes for the commit and need not hold until then: written to a file of the staging area (not part
/// of the output: the committer swaps only what `OutputWriter.write` staged), read back when the commit needs them. The
/// render memo (≈ 25 MB at 100,000 cases) stood through the portal stage, a night's peak. The staging area goes
/// after the commit, or, when the run fails, before the next run.
struct StagedBytes: Sendable {
    static let renderMemo = ".render-memo"
    static let redactionMemo = ".redaction-memo"

    let path: String

    init(_ bytes: Data, name: String, in writer: OutputWriter) throws {
        try self.init(name: name, in: writer) { emit in try emit([UInt8](bytes)) }
    }

    /// The bytes `produce` hands to its argument, a piece at a time, never whole in memory.
    init(name: String, in writer: OutputWriter, writing produce: (_ emit: ([UInt8]) throws -> Void) throws -> Void) throws {
        path = writer.stagedPath(of: name)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileSystemError(path: path, action: "暂存状态记录", code: errno) }
        defer { close(descriptor) }
        // No fsync: a crash discards the staging area.
        let pieces = FileSystem.PieceWriter(descriptor, path: path, action: "暂存状态记录")
        try produce { try pieces.append($0) }
        try pieces.finish()
    }

    func read() throws -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw FileSystemError(path: path, action: "读取暂存的状态记录", code: OutputWriter.errnoOf(error))
        }
    }
}

/// One agency's annual report going public in this run.
public struct ReportPublication: Codable, Sendable, Equatable {
    public var year: Int
    public var agencyCode: String
    public var deadline: CivilDate
    public var publishedOn: CivilDate
    public var contentHash: String
    /// The report's feed entry, kept so later runs list it without reading the output back.
    public var feedTitle: String
    public var feedSummary: String
}

/// What the last committed run left in the state store: its small parts read at the start of a run, its publication
/// log and memos when a stage first asks for them (`RunContext.lastPublications`, `lastRenderMemo`, `takeLastRedactionMemo`).
struct PreviousState {
    /// The portal's publication log; nil until a stage first asks for it (`RunContext.lastPublications`).
    var publications: [String: PublicationRow]?
    /// Where the log and the memos are read from when asked (nil: there is no store; no log, no memos).
    var storePath: String?
    var reportDeliveries: [Int: [String: ReportDelivery]] = [:]
    var reportFeed: [StoredReportFeedEntry] = []
    /// The render stage's memo of the last run (read by the validate and render stages).
    var renderMemo: StoredPart<RenderMemo> = .unread
    /// The portal's memo of the last run's redactions (`.read(nil)`: none, or not readable).
    var redactionMemo: StoredPart<RedactionMemo> = .unread
    /// The first day this output folder published; nil before its first run.
    var firstPublicationDay: CivilDate?
    /// The key of the gate whose sweep passed the live public/ files (from the last run's record; nil: unknown).
    var gateKey: String?
}

/// A part of the last run's state that is read from the store only when a stage first asks for it.
enum StoredPart<Value> {
    case unread
    /// Read (nil: the store holds none), or let go of once its readers are done.
    case read(Value?)
}

/// Everything a run's stages share: the request, the export as ingest accepted it
/// (less what later checks set aside), the last run's state, and what earlier
/// stages produced for later ones. Loaded once per run.
final class RunContext {
    let request: RunRequest
    var config: PipelineConfig { request.config }
    var asOf: CivilDate { request.asOf }
    var ingest = IngestResult()
    /// Where the ingest put the export's long free texts (`ExportText`), nil when they are in memory. Its failed
    /// reads are counted: the run commits nothing when there was one (`checkStoredTexts`).
    var textStore: (any TextStore)?
    private(set) var previous: PreviousState
    let events: (@Sendable (RunEvent) -> Void)?

    /// Validate stage → the render summary: cases set aside for a missing statutory element.
    var casesMissingElements = 0
    /// Review stage → supervision.
    var assessments: [ReviewAssessment] = []
    /// The publication log as it stands after this run's portal stage (nil: the portal did not run; see `publications()`).
    var publicationLog: [String: PublicationRow]?
    /// Portal stage → site stage: the final log and the gate (kept past `releaseStageCaches`; taken by the site stage).
    var portalSite: PortalSiteWork?
    /// Portal stage → the run's record: the key of the gate that swept this run's public/ (nil when the portal did not run).
    var gateKey: String?

    private var loadedRenderInputKeys: [String: String]?
    private var loadedRenderFingerprint: String?
    private var loadedCalendar: WorkingCalendar?
    private var loadedTypesetter: Typesetter?
    private var loadedTemplates: TemplateLibrary?
    private var loadedRenderProcesses: RenderProcessLauncher?

    /// The last run's gate key, once the output has been compared with its record.
    func learnLastGateKey(_ key: String?) { previous.gateKey = key }

    init(request: RunRequest, previous: PreviousState, events: (@Sendable (RunEvent) -> Void)?) {
        self.request = request
        self.previous = previous
        self.events = events
    }

    /// The last run's publication log, read from the store the first time a stage asks, without the rows' public cases
    /// (about 185 MB at 100,000 cases): the reports never read them, and the portal reads them a batch of cases at a time
    /// (`lastPublicCases`). Read with the rest of the last run's state before the ingest, they stood beside the export's raw rows.
    func lastPublications() throws -> [String: PublicationRow] {
        if let publications = previous.publications { return publications }
        let read = try previous.storePath.map { try StateStore(path: $0).publicationRows(withPublicCases: false) } ?? [:]
        previous.publications = read
        return read
    }

    /// The last run's publication log handed over to the portal stage, which changes its rows: held here as well, the
    /// rows would stay twice to the end.
    func takeLastPublications() throws -> [String: PublicationRow] {
        defer { previous.publications = nil }
        return try lastPublications()
    }

    /// The last run's public cases, copied from the store into `path` for the portal to read a batch of cases at a time
    /// (nil: there is no store).
    func lastPublicCases(file path: String) throws -> LastPublicCases? {
        try previous.storePath.map { try LastPublicCases(store: StateStore(path: $0), file: path) }
    }

    /// The gate of tonight's export for public files no case owns: the portal stage's when it ran (the site stage takes it
    /// later), else made here once (`report --year` runs no portal, and its report is public all the same).
    func publicationGate() -> PublicationGate {
        if let gate = portalSite?.gate ?? madeGate { return gate }
        let gate = PublicationGate(index: PublicationGate.index(for: ingest))
        madeGate = gate
        return gate
    }

    private var madeGate: PublicationGate?

    /// What the portal stage left for the site stage, handed over once (nil: the portal did not run).
    func takePortalSite() -> PortalSiteWork? {
        defer { portalSite = nil }
        return portalSite
    }

    /// One case's row of the last run's publication log as the store holds it, public case and all (nil: none).
    func storedPublication(_ caseID: String) throws -> PublicationRow? {
        try previous.storePath.flatMap { try StateStore(path: $0).publicationRow(caseID) }
    }

    /// The last run's render memo, read from the store when the validate or render stage first asks: read before the
    /// ingest with the rest of the last run's state, it (≈ 120 MB at 100,000 cases) stood beside the export being read,
    /// the ingest's peak. Let go of after the render stage (`releaseLastRenderMemo`).
    func lastRenderMemo() throws -> RenderMemo? {
        if case .read(let memo) = previous.renderMemo { return memo }
        let memo = try previous.storePath.flatMap { try StateStore(path: $0).renderMemo() }
        previous.renderMemo = .read(memo)
        return memo
    }

    /// The last run's redaction memo, handed over to the portal stage, its only reader: read from the store then (not
    /// before the ingest, beside the export being read), and not held by the run as well through the stages after it.
    func takeLastRedactionMemo() throws -> RedactionMemo? {
        defer { previous.redactionMemo = .read(nil) }
        if case .read(let memo) = previous.redactionMemo { return memo }
        return try previous.storePath.flatMap { try StateStore(path: $0).redactionMemo() }
    }

    /// The publication log as it stands after this run's portal stage, or the last run's when the portal did not run.
    func publications() throws -> [String: PublicationRow] {
        try publicationLog ?? lastPublications()
    }

    /// Each accepted case's `RenderStage.inputKey`, computed once for the validate and render stages
    /// (the export's records do not change between them; set-aside cases are only left out).
    func renderInputKeys() throws -> [String: String] {
        if let loadedRenderInputKeys { return loadedRenderInputKeys }
        let made = try RenderStage.inputKeys(ingest, config: config)
        loadedRenderInputKeys = made
        return made
    }

    /// `PipelineRunner.renderFingerprint` of the run's configuration (it reads every template), once for the stages that
    /// compare it with last night's or record it.
    func renderFingerprint() throws -> String {
        if let loadedRenderFingerprint { return loadedRenderFingerprint }
        let made = try PipelineRunner.renderFingerprint(config)
        loadedRenderFingerprint = made
        return made
    }

    func calendar() throws -> WorkingCalendar {
        if let loadedCalendar { return loadedCalendar }
        let made = try WorkingCalendar(contentsOf: config.calendarURL)
        loadedCalendar = made
        return made
    }

    func typesetter() throws -> Typesetter {
        if let loadedTypesetter { return loadedTypesetter }
        let made: Typesetter
        do {
            made = Typesetter(fonts: try FontSet.load(manifest: config.fontsURL))
        } catch let error as FontError {
            throw ConfigError(file: config.sourceName, line: nil, key: "fonts", problem: error.message)
        }
        loadedTypesetter = made
        return made
    }

    func templates() throws -> TemplateLibrary {
        if let loadedTemplates { return loadedTemplates }
        let made = try PipelineRunner.templates(config)
        loadedTemplates = made
        return made
    }

    func renderer() throws -> DocumentRenderer {
        DocumentRenderer(typesetter: try typesetter(), templates: try templates())
    }

    /// The render processes the render stage's documents are drawn in, started the first time it has enough to draw; nil
    /// when the command line gave no program to start (it draws on threads).
    func renderProcesses() -> RenderProcessLauncher? {
        if let loadedRenderProcesses { return loadedRenderProcesses }
        guard let program = request.renderProgram else { return nil }
        let made = RenderProcessLauncher(program: program, count: RenderProcessLauncher.count(for: config), config: config)
        loadedRenderProcesses = made
        return made
    }

    /// Ends the render processes (once the render stage has drawn, or when the night fails).
    func endRenderProcesses() {
        loadedRenderProcesses?.close()
        loadedRenderProcesses = nil
    }

    /// After the render stage, nothing reads the last run's render memo (about 80 MB at 100,000 cases): let go of
    /// before the portal stage, the night's peak.
    func releaseLastRenderMemo() { previous.renderMemo = .read(nil) }

    /// Once the snapshot and the archive's request are made, nothing reads the export's records: they are let go of
    /// on another thread (freeing millions of small objects takes about a second) while the commit works, so the
    /// commit's listing and index of the whole output do not come on top of them. The run's problems and balances stay.
    func releaseExportRecords() throws {
        let records = ingest.takeRecords()
        DispatchQueue.global(qos: .utility).async { withExtendedLifetime(records) {} }
        // The snapshot was the last to read the long texts: checked, then dropped before the commit syncs the disk.
        try checkStoredTexts(stage: "snapshot")
        textStore?.discard()
    }

    /// Once every stage has run: lets go of what only the stages read (the fonts' working subsets and Cairo
    /// faces; the last run's publication log and memos; this run's log, input keys and assessments; the cases' and
    /// reviews' contract v2 details, ≈ 60 MB at 100,000 cases), so the store's snapshot, the commit and the archive's
    /// listing of the whole output do not hold them too. The rest of the ingest stays until `releaseExportRecords`:
    /// the run's summary, quarantine and stored snapshot are made from it.
    func releaseStageCaches() {
        ingest.details = CaseDetailsTable()
        ingest.reviewDetails = [:]
        loadedTypesetter = nil
        loadedTemplates = nil
        loadedRenderInputKeys = nil
        publicationLog = nil
        assessments = []
        previous.publications = nil
        previous.storePath = nil
        previous.renderMemo = .read(nil)
        previous.redactionMemo = .read(nil)
        previous.reportDeliveries = [:]
    }
}

extension RunContext {
    /// Throws when a long text of the export could not be read back from the store the ingest put it in: a stage
    /// that read it read an empty text, so nothing this run made may be committed.
    func checkStoredTexts(stage: String) throws {
        guard let textStore, textStore.failedReads > 0 else { return }
        throw StageFailure(stage: stage, underlying: StoredTextsUnreadable(failedReads: textStore.failedReads, folder: config.outputURL.path))
    }
}

/// The tests' stand-in for a disk that fails (`SANXIANG_FAULT=texts.unreadable`): texts are kept as the store keeps
/// them, and every read of one fails.
final class UnreadableTexts: TextStore, @unchecked Sendable {
    private let kept: any TextStore
    private let lock = NSLock()
    private var failures = 0

    init(_ kept: any TextStore) { self.kept = kept }

    func keep(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? { kept.keep(bytes) }

    func discard() { kept.discard() }

    func text(at offset: Int, length: Int) -> String {
        lock.withLock { failures += 1 }
        return ""
    }

    var failedReads: Int { lock.withLock { failures } }
}

/// The export's long texts, kept in an unnamed file in the output folder for the night, could not all be read back.
struct StoredTextsUnreadable: SanxiangError {
    var failedReads: Int
    var folder: String
    var message: String {
        "本次运行把导出中的长文本（违法事实、处理决定、办案经过）暂存在输出文件夹 \(folder) 所在磁盘的临时文件中，其中 \(failedReads) 处读取失败"
            + "（磁盘读取错误）。本次运行不提交任何结果，上次的输出和状态保持不变；请检查该磁盘后重新运行。"
    }
}

