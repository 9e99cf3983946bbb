import CaseModel
import Disclosure
import Documents
import ErrorReporting
import Foundation
import Ingest
import Native
import Portal
import Typesetting
import WorkingDays

/// What the portal stage did, for the run summary.
public struct PortalSummary: Codable, Sendable {
    public var published: Int
    public var newlyPublished: Int
    public var pagesWritten: Int
    public var pagesKept: Int
    public var withdrawn: Int
    public var withheld: [String: Int]
    public var late: [LatePublication]
    /// Newly on this portal, due before go-live, with no history: neither on time nor late.
    public var timingUnknown: Int = 0
    /// Cases the publication gate withheld this run (see internal/redaction/gate.json).
    public var gateWithheld: Int = 0
    /// Cases waiting for the 法制科's approval (disclosure.require_approval; internal/redaction/queue.html).
    public var heldForApproval: Int = 0
    /// Cases whose redaction of the last run was reused (nothing it read had changed; see `RedactionMemo`).
    public var redactionsReused: Int?
    public var warnings: [String] = []

    public struct LatePublication: Codable, Sendable {
        public var caseID: String
        public var indexNo: String
        public var deadline: String
        public var publishedOn: String
        public var daysLate: Int

        enum CodingKeys: String, CodingKey {
            case caseID = "case_id", indexNo = "index_no", deadline, publishedOn = "published_on", daysLate = "days_late"
        }
    }

    enum CodingKeys: String, CodingKey {
        case published, newlyPublished = "newly_published", pagesWritten = "pages_written", pagesKept = "pages_kept",
             withdrawn, withheld, late, timingUnknown = "timing_unknown", gateWithheld = "gate_withheld",
             heldForApproval = "held_for_approval", redactionsReused = "redactions_reused", warnings
    }
}

/// A feed that does not match its schema stops the run.
public struct FeedValidationError: SanxiangError, Sendable {
    public var problems: [XMLParseError]

    public var message: String {
        "公示数据 public/feeds/decisions.xml 不符合 Templates/feeds/decisions.xsd，本次不发布：" +
            problems.prefix(5).map { "第\($0.line)行 \($0.message)" }.joined(separator: "；")
    }
}

/// The gate's report for the 法制科: which cases it withheld, where and what kind (never the value).
struct GateReport: Codable {
    var asOf: String
    var findings: [GateFinding]

    static let path = "internal/redaction/gate.json"

    enum CodingKeys: String, CodingKey { case asOf = "as_of", findings }
}

/// A row of the publication log that cannot be read back: the decision it
/// describes would silently leave the portal, so the run stops instead.
public struct PublicationLogError: SanxiangError {
    public var caseID: String
    public var message: String { "状态库中案件 \(caseID) 的公示记录无法读取，本次不发布，以免该决定从门户上消失；请联系系统管理员检查状态库。" }
}

/// 公示: redacts every accepted case, keeps the publication log (索引号, first publication, withdrawal), and writes each
/// decision's own files under public/ (its page and public copy) — only from redacted data — and sweeps them through the
/// gate, which may still take a case down. Pages of decisions whose public content did not change are kept from the last
/// run as they are. The rest of the portal (lists, feeds, search, sitemap) is `PortalSiteStage`'s, made from the log once
/// the export is let go of.
struct PortalStage: Stage {
    let name = "portal"
    let reads = "接收的案件、执法主体、执法人员；上次的公示记录和技术处理备忘；disclosure 字段策略"
    let territory = Self.caseFolders + ["internal/redaction/"]
    /// Every case's redaction report is made every night; most are the same bytes as the night before.
    let inPlace = ["internal/redaction/"]

    /// Where each decision's own files are (`Publisher.owners`): its page and its public copy.
    static let caseFolders = ["public/decisions/", "public/documents/"]

    /// The word and name model that every public file is redacted and checked with, read before anything else of a night
    /// that publishes (`stages`: the night's stage names). Without it (a binary installed without its resource folder) the
    /// portal withheld every case and then failed on an empty public/ with a message about personal data in it.
    static func checkDisclosureData(stages: [String]) throws {
        guard stages.contains("portal") || stages.contains("report") else { return }
        if case .failure(let error) = Lexicon.standard { throw DisclosureDataMissing(reason: error.description) }
    }

    func run(_ run: RunContext, into output: OutputWriter) throws -> StageOutcome {
        var history = PublicationHistory()
        var problems: [Problem] = []
        if let url = run.config.publicationHistoryURL {
            (history, problems) = try PublicationHistory.load(url, sourceName: run.config.sourceName)
            run.ingest.problems += problems
        }
        // Without a configured go-live date, the system went live on its first run in this folder.
        let firstDay = run.previous.firstPublicationDay ?? run.asOf
        let approved = try ReviewQueue.approvals(run.config.approvalsURL, sourceName: run.config.sourceName)
        let settings = try RedactionMemo.settings(run.config)
        let inputKeys = try run.renderInputKeys()
        var lastMemo = try run.takeLastRedactionMemo()
        let sameSettings = lastMemo?.settings == settings
        let textNames = Publisher.textNames(run.ingest, last: sameSettings ? lastMemo?.textNames ?? [:] : [:], inputKeys: inputKeys)
        // Last night's names read in the texts go once tonight's are worked out (≈ 30 MB at 100,000 cases): the memo
        // the publisher keeps has none.
        lastMemo?.textNames = [:]
        let memo = Publisher.Memo(settings: settings, inputKeys: inputKeys, textNames: textNames)
        // Taken from the run and held only here, without its public cases, which are read a batch of cases at a time.
        var last = try run.takeLastPublications()
        let lastCases = try run.lastPublicCases(file: output.stagedPath(of: LastPublicCases.fileName))
        let summary = try Publisher(config: run.config, asOf: run.asOf, writer: output, renderer: try run.renderer(),
                                    drawnWith: try run.renderFingerprint(),
                                    history: history, goLive: { run.config.configuredGoLive(agency: $0) ?? firstDay },
                                    approved: approved, previousGateKey: run.previous.gateKey,
                                    memo: memo, storedRow: { try run.storedPublication($0) }, storedCases: { try lastCases?.read($0) ?? [:] })
            .run(run.ingest, calendar: try run.calendar(), log: &last, lastMemo: &lastMemo)
        run.gateKey = summary.gateKey
        var state = StateChanges()
        if run.previous.firstPublicationDay == nil { state.goLive = run.asOf }
        state.stagedRedactionMemo = try StagedBytes(name: StagedBytes.redactionMemo, in: output, writing: summary.memo.write)
        if !summary.staged.caseIDs.isEmpty { state.stagedPublications = summary.staged }
        run.publicationLog = summary.log
        // The report stage has not yet run: the reports it makes tonight are known from its plan, and those of earlier nights from
        // the store's record, read now (the run lets go of it before the site is written).
        run.portalSite = PortalSiteWork(log: summary.log, gate: summary.gate, passedBefore: summary.passedBefore,
                                        reports: Self.reports(run, output: output), storePath: run.previous.storePath,
                                        staged: summary.staged)
        try output.write(try Publisher.json(GateReport(asOf: run.asOf.iso, findings: summary.findings)), to: GateReport.path)
        var portal = summary.portal
        portal.gateWithheld = Set(summary.findings.compactMap(\.caseID)).count
        return StageOutcome(summary: .portal(portal), state: state)
    }
}

extension PortalStage {
    /// The annual reports the portal lists once this run is committed: those published by
    /// earlier runs (from the store) and the one the report stage makes tonight, if any.
    static func reports(_ run: RunContext, output: OutputWriter) -> [PortalReport] {
        var updated: [Int: CivilDate] = [:]
        for entry in run.previous.reportFeed { updated[entry.year] = CivilDate(iso: entry.updated) ?? run.asOf }
        let tonight = ReportStage.yearProducedTonight(run)
        if let tonight { updated[tonight] = run.asOf }
        var out: [PortalReport] = []
        for year in updated.keys.sorted() {
            let date = updated[year] ?? run.asOf
            out.append(PortalReport(year: year, path: "reports/\(year)/index.html", pdfPath: "reports/\(year)/report.pdf", updated: date))
            // Each 机关's own report: made tonight, or published by an earlier run.
            for agency in run.ingest.agencies.sorted(by: { $0.code < $1.code })
            where year == tonight || output.exists("public/reports/\(year)/\(agency.code)/index.html") {
                out.append(PortalReport(year: year, agencyCode: agency.code, path: "reports/\(year)/\(agency.code)/index.html",
                                        pdfPath: "reports/\(year)/\(agency.code)/report.pdf", updated: date))
            }
        }
        return out
    }
}

/// 机构代码/YYYY-NNNNN: the next number of each agency in each year, never reused. Read from the
/// log once, then counted on as numbers are given out (a scan of the log per new case made a
/// first run of 100,000 cases quadratic).
struct PortalIndexNumbers {
    private var highest: [String: Int] = [:]

    init(_ log: [String: PublicationRow]) {
        for row in log.values {
            guard let dash = row.indexNo.lastIndex(of: "-"), let number = Int(row.indexNo[row.indexNo.index(after: dash)...]) else { continue }
            let prefix = String(row.indexNo[...dash])
            highest[prefix] = max(highest[prefix] ?? 0, number)
        }
    }

    mutating func next(agency: String, year: Int) -> String {
        let prefix = "\(agency)/\(year)-"
        let number = (highest[prefix] ?? 0) + 1
        highest[prefix] = number
        return prefix + String(format: "%05d", number)
    }
}

/// The portal stage's work on one run's cases.
private struct Publisher {
    let config: PipelineConfig
    let asOf: CivilDate
    let writer: OutputWriter
    let renderer: DocumentRenderer
    /// What public copies are drawn with: the templates, fonts and document rules (`PipelineRunner.renderFingerprint`).
    let drawnWith: String
    let history: PublicationHistory
    let goLive: (String) -> CivilDate
    /// Case ids the 法制科 approved for publication (used with `disclosure.require_approval`).
    let approved: Set<String>
    /// The key of the gate that passed last night's public/ files (nil: unknown, every file is read).
    let previousGateKey: String?
    let memo: Memo
    /// A case's row of the last run's log as the store holds it (its public case is let go of in `log` once found unchanged).
    let storedRow: (String) throws -> PublicationRow?
    /// The public cases the last run's log holds for some cases (the log is read without them; `LastPublicCases`).
    let storedCases: ([String]) throws -> [String: [UInt8]]

    /// What the publisher needs to reuse last night's redactions and to leave tonight's for the next.
    struct Memo {
        /// This run's `RedactionMemo.settings`.
        var settings: String
        /// Each accepted case's render input key (the case, its agency and its officers among what it holds).
        var inputKeys: [String: String]
        /// Each case's names read in its texts, in case order (`Publisher.textNames`).
        var textNames: [TextNames]
    }

    /// What one run of the publisher produced.
    struct Outcome {
        var portal: PortalSummary
        /// The log as it stands tonight, without its rows' public cases (empty): those of rows as the last run left them are
        /// the store's, those of the rest `staged`'s.
        var log: [String: PublicationRow]
        /// The rows that differ from the last run's, with their public cases, sorted by case id: what the store saves.
        var staged: StagedPublications
        var findings: [GateFinding]
        /// The key of the gate whose sweep passed the staged public/.
        var gateKey: String
        /// Tonight's redactions, for the next night.
        var memo: RedactionMemo
        /// The gate that swept the decisions' files, for the rest of the site's (`PortalSiteStage`).
        var gate: PublicationGate
        /// Whether last night's sweep was by a gate of the same key (files it passed need not be read again).
        var passedBefore: Bool
    }

    /// `previousLog`: the last run's log, read without its rows' public cases: those of a batch of cases are read (`storedCases`)
    /// before the batch is redacted, and let go of again, in it as in tonight's log, when the batch leaves them unchanged (`settle`).
    /// Taken over (left empty): tonight's log is made from it in place (`PublicationLogEdit`).
    /// `lastMemo`: the last run's redaction memo (nil: none; every case is redacted), let go of once the cases are redacted.
    func run(_ ingest: IngestResult, calendar: WorkingCalendar, log previousLog: inout [String: PublicationRow],
             lastMemo: inout RedactionMemo?) throws -> Outcome {
        let agencies = Dictionary(ingest.agencies.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        let officers = Dictionary(ingest.officers.map { ($0.certNo, $0) }, uniquingKeysWith: { first, _ in first })
        let textNames = memo.textNames
        let index = PublicationGate.index(for: ingest, textNames: textNames)
        let gate = PublicationGate(index: index)
        let gateKey = try PublicationGate.key(index)
        let redaction = PublicCopy.redaction(config, ingest, index: index)
        let forms = index.formLines()
        // Known when the last run left its memo (of any program): what redactions, the gate and public copies read that changed since.
        let changes = lastMemo.flatMap { RedactionReuse.changes(since: $0, forms: forms, redaction: redaction) }
        var reuse = RedactionReuse(last: lastMemo, settings: memo.settings, inputKeys: memo.inputKeys, changes: changes, redaction: redaction,
                                   writer: writer, calendar: calendar, config: config)
        var tonight: [String: RedactionMemo.Entry] = [:]
        var numbers = PortalIndexNumbers(previousLog)
        var log = PublicationLogEdit(lastNight: previousLog)
        // Tonight's log holds the only reference to the table, so that it is changed in place, not copied.
        previousLog = [:]
        var summary = PortalSummary(published: 0, newlyPublished: 0, pagesWritten: 0, pagesKept: 0, withdrawn: 0, withheld: [:], late: [])
        summary.redactionsReused = 0
        var findings: [GateFinding] = []
        var toWrite = Set<String>()
        var pending: [PendingCopy] = []
        var queue: [ReviewQueue.Entry] = []
        let sections = try ReviewQueue.StagedSections(path: writer.stagedPath(of: ReviewQueue.StagedSections.fileName))
        let tonightCases = try TonightPublicCases(path: writer.stagedPath(of: TonightPublicCases.fileName))
        let reviewed = Set(ingest.reviews.map(\.caseID))
        // Pages are rewritten when the layout or the site's footer changes, not only their decision.
        let frame = PortalPages.frameSignature(PortalSite(asOf: asOf, baseURL: config.portalBaseURL, agencies: [], officers: [],
                                                          decisions: [], info: config.portalSite))
        let copyInputs = try Self.copyInputs(ingest)
        // Cases whose public copy the redacted data could not fill → the kind and templates it was tried with (`hash`).
        var leftOut: [String: String] = [:]

        // Redaction, the gate's check and the review page's segments of each case run on every core,
        // in chunks of 64 cases: chunks of 1,024 left an export of up to 1,024 cases on one core, and
        // the review segments (a second redaction of each changed case) were made one case at a time below.
        // The cases' positions in that order, not a sorted copy of every case (55 MB at 100,000 cases, held to the stage's end).
        let all = ingest.cases
        let order = all.indices.sorted { (all[$0].decisionDate, all[$0].id) < (all[$1].decisionDate, all[$1].id) }
        // A batch of cases at a time: their redacted forms and review segments are let go before the next.
        for start in stride(from: 0, to: order.count, by: Self.redactionBatch) {
            let positions = order[start..<min(start + Self.redactionBatch, order.count)]
            let batch = positions.map { all[$0] }
            let lastRows = try readPublicCases(of: batch, log: &log)
            // The workers read a constant, not the variable let go of after the loop.
            let reusing = reuse
            // Its disclosure deadline (worked out here: one core took a second for 100,000 cases); thrown, if it cannot be, only
            // for a case that is published.
            let deadline = { (item: EnforcementCase) in
                Result { try calendar.date(workingDays: config.disclosureWorkingDays(agency: item.agencyCode, type: item.actionType),
                                           after: item.decisionDate) }
            }
            let redactedCases = concurrentMap(batch, chunkSize: 64) { item -> Redacted in
                // The penalties' particulars are printed on the public copy, redacted like the case, but are not in its public
                // JSON: a copy kept because its page did not change is drawn again when they hold a value that changed.
                let details = ingest.details(of: item)
                let particulars = changes?.found(in: details.penalties.map(\.detail)) ?? false
                // Which published decision its public copy is (worked out here: one core took a second for 100,000 cases).
                let kind = RenderStage.kinds(of: item, rules: config.documentRules, reviewed: reviewed.contains(item.id), details: details)
                    .first { DocumentKind.publishedDecisions.contains($0) }
                if let reused = reusing?.lastNight(item, row: lastRows[item.id]) {
                    return Redacted(publicCase: nil, report: reused.report, hits: [], segments: nil, publicJSON: .success(reused.publicJSON),
                                    reused: true, section: reused.section, particularsChanged: particulars, decisionKind: kind,
                                    deadline: deadline(item))
                }
                var hits: [GateHit]?
                let (redacted, fields) = redaction.redact(item, agency: agencies[item.agencyCode], officers: officers) { redacted in
                    hits = redacted.publicCase.map { gate.check($0) } ?? []
                    let changed = !redacted.report.removed.isEmpty || (redacted.report.uncertain ?? 0) > 0
                    return changed && redacted.publicCase != nil && hits?.isEmpty == true
                }
                // Written (or kept, when last night's holds the same bytes) here on every core: read back and
                // compared one case at a time, the reports of 100,000 cases took seconds of the stage.
                let publicJSON = Result { () -> [UInt8]? in
                    try writer.writeUnlessSame(Self.json(redacted.report), to: RedactionReuse.reportPath(item))
                    return try redacted.publicCase.map { try Array(Self.json($0)) }
                }
                return Redacted(publicCase: redacted.publicCase, report: redacted.report, hits: hits, segments: fields, publicJSON: publicJSON,
                                particularsChanged: particulars, decisionKind: kind, deadline: deadline(item))
            }
            var settled: [SettledRow] = []
            for (position, done) in zip(positions, redactedCases) {
                let item = all[position]
                let (report, hits, segments) = (done.report, done.hits, done.segments)
                let madePublicJSON = try done.publicJSON.get()
                let previous = log[item.id]
                guard done.isPublished, hits?.isEmpty == true else {
                    if done.publicCase != nil {
                        findings.append(GateFinding(caseID: item.id, channel: "公示数据", kinds: hits.map(PublicationGate.kinds) ?? ["无法检查"]))
                    }
                    let reason = done.publicCase == nil ? (report.withheld ?? "") : PublicationGate.withheldReason
                    summary.withheld[reason, default: 0] += 1
                    if try takeDown(item.id, in: &log, reason: "依法不再公开", gate: gate) { toWrite.insert(item.id) }
                    continue
                }
                // A reused case's public case is last night's, in the log: decoded only when something needs it.
                var published = done.publicCase
                func publicCase() throws -> PublicCase {
                    if let published { return published }
                    guard let previous else { throw PublicationLogError(caseID: item.id) }
                    let decoded = try previous.decodedPublicCase()
                    published = decoded
                    return decoded
                }
                if done.reused { summary.redactionsReused = (summary.redactionsReused ?? 0) + 1 }
                if item.status == .withdrawn, previous == nil { continue }  // withdrawn before it was ever published
                let deadline = try done.deadline.get()
                var held = false
                if !report.removed.isEmpty || (report.uncertain ?? 0) > 0 {
                    if let section = done.section, previous?.deadline == deadline {
                        // Last night's section, word for word: the same redaction, deadline and status (published).
                        queue.append(ReviewQueue.Entry(caseID: item.id, uncertain: report.uncertain ?? 0, deadline: deadline, section: section))
                    } else {
                        // Listed for the 法制科 (an uncertain name is always also a removal); with require_approval,
                        // a case with names the model was unsure of is first published only once approved.
                        let fields = segments ?? redaction.review(item, agency: agencies[item.agencyCode], officers: officers)
                        let uncertain = fields.reduce(0) { $0 + $1.segments.filter(\.uncertain).count }
                        held = config.requireApproval && uncertain > 0 && previous == nil && !approved.contains(item.id)
                        queue.append(try ReviewQueue.Entry(item: item, published: try publicCase(), removed: report.removed,
                                                           uncertain: uncertain, held: held, deadline: deadline, fields: fields,
                                                           stagedIn: sections))
                    }
                    if held {
                        summary.withheld[ReviewQueue.heldReason, default: 0] += 1
                        continue
                    }
                }
                var row = previous ?? PublicationRow(
                    caseID: item.id, agencyCode: item.agencyCode, indexNo: numbers.next(agency: item.agencyCode, year: item.decisionDate.year),
                    publishedOn: asOf, withdrawnOn: nil, withdrawalReason: nil, deadline: deadline, publicHash: "", publicCase: [], pdfPath: nil,
                    // Due before this installation went live, and no history: when it was first published is not known here.
                    timingKnown: deadline >= goLive(item.agencyCode))
                if let earlier = history.entry(for: item), earlier.firstPublishedOn <= row.publishedOn || !row.timingKnown {
                    row.publishedOn = earlier.firstPublishedOn
                    row.timingKnown = true
                    row.historyURL = earlier.url
                }
                if previous == nil {
                    summary.newlyPublished += 1
                    if row.timingKnown, row.publishedOn > deadline {
                        summary.late.append(.init(caseID: item.id, indexNo: row.indexNo, deadline: deadline.iso, publishedOn: row.publishedOn.iso,
                                                  daysLate: row.publishedOn.dayNumber - deadline.dayNumber))
                    } else if !row.timingKnown {
                        summary.timingUnknown += 1
                    }
                }
                if item.status == .withdrawn, row.withdrawnOn == nil {
                    row.withdrawnOn = asOf
                    row.withdrawalReason = try publicCase().statusReason ?? "依法撤销"
                }
                row.deadline = deadline
                let pdfPath = row.withdrawnOn == nil ? done.decisionKind.map { "documents/\(item.agencyCode)/\(row.indexNo.split(separator: "/").last ?? "")-\($0).pdf" } : nil
                // Last night's String when the same: a new one for every row (≈ 9 MB at 100,000 cases) was held beside last night's.
                if row.pdfPath != pdfPath { row.pdfPath = pdfPath }
                if row.withdrawnOn != nil { published = Self.withdrawnShell(try publicCase()) }
                let publicJSON = try row.withdrawnOn == nil ? madePublicJSON ?? Array(Self.json(try publicCase())) : Array(Self.json(try publicCase()))
                // A public copy left out last night (its data could not fill it) stays out while nothing it is made from changed:
                // tried again every night, it made its page again every night.
                if let kind = done.decisionKind, row.pdfPath != nil, !done.particularsChanged, let previous, previous.withdrawnOn == nil,
                   previous.pdfPath == nil {
                    var asLeftOut = row
                    asLeftOut.pdfPath = nil
                    let marker = [item.id: leftOutMarker(kind: kind)]
                    if Self.hash(publicJSON, asLeftOut, frame: frame, copyInputs: copyInputs, leftOut: marker) == previous.publicHash {
                        row = asLeftOut
                        leftOut[item.id] = marker[item.id]
                    }
                }
                settled.append(SettledRow(position: position, row: row, publicJSON: publicJSON, report: report,
                                          particularsChanged: done.particularsChanged, decisionKind: done.decisionKind))
            }
            // Whether each row's page and public copy are made again (its hash and two lstats) on every core: one core took
            // seconds of a night for 100,000 cases. Taken in below in the cases' order, as before.
            let leftOutSoFar = leftOut
            let remade = concurrentMap(settled, chunkSize: 256) { [writer] in
                Self.mustRemake($0, frame: frame, copyInputs: copyInputs, leftOut: leftOutSoFar, writer: writer)
            }
            for (settledRow, remake) in zip(settled, remade) {
                var row = settledRow.row
                let caseID = row.caseID
                if remake {
                    toWrite.insert(caseID)
                    if let path = row.pdfPath, let kind = settledRow.decisionKind {
                        pending.append(PendingCopy(position: settledRow.position, path: path, kind: kind))
                    }
                }
                // Last night's bytes are kept when the same: a new array for every case held two copies of
                // every public case (last night's log and tonight's) until the stage ended.
                if row.publicCase != settledRow.publicJSON { row.publicCase = settledRow.publicJSON }
                log[caseID] = row
                if row.withdrawnOn == nil, let key = memo.inputKeys[caseID] {
                    tonight[caseID] = RedactionMemo.Entry(key: key, removed: settledRow.report.removed, uncertain: settledRow.report.uncertain ?? 0)
                }
            }
            settled = []
            // The batch's rows left as the last run left them let go of their public cases again.
            let untouched = batch.compactMap { toWrite.contains($0.id) ? nil : log[$0.id] }.filter(\.holdsPublicCase)
            try settle(untouched, log: &log, keeping: toWrite, frame: frame, copyInputs: copyInputs, leftOut: leftOut, tonight: tonightCases)
            // The rows whose pages are to be written keep their public cases in the staging area until their public copies
            // are drawn and the decisions' files swept (`TonightPublicCases`); last night's of the same cases are let go of.
            let toKeep = batch.compactMap { toWrite.contains($0.id) || log.last($0.id) == nil ? log[$0.id] : nil }
            for (caseID, standIn) in try tonightCases.keep(toKeep) { log.setAside(caseID, standIn: standIn) }
        }
        // Last night's review page (kept open) and the last run's redaction memo (≈ 40 MB at 100,000 cases) are not needed
        // past the redactions: let go before the public copies are drawn and the decisions' files written.
        reuse = nil
        lastMemo = nil
        // Public copies render on every core; a copy the redacted data cannot fill is left out,
        // one whose text or metadata the gate stops withholds its case. Each batch is written to the
        // staging area as soon as it is drawn: holding every copy's bytes until the pages were written
        // made the stage's memory grow with the export (gigabytes at 20,000 cases).
        for start in stride(from: 0, to: pending.count, by: Self.pdfBatch) {
            let copies = try pending[start..<min(start + Self.pdfBatch, pending.count)].map { copy in
                let item = all[copy.position]
                // Its row's public case is kept in the staging area until the decisions' files are swept (`settle` leaves
                // the rows to write as they are).
                guard let row = log[item.id], row.holdsPublicCase || tonightCases.holds(row) else { throw PublicationLogError(caseID: item.id) }
                return (copy, item, row)
            }
            let batch = zip(copies, try tonightCases.filled(copies.map(\.2))).map { ($0.0, $0.1, $1) }
            let rendered = concurrentMap(batch, chunkSize: 1) { copy, item, row in
                Result { () -> PublicPDFResult in
                    let extras = PublicCopy.Extras(details: ingest.details(of: item), agency: ingest.agencyDetails[item.agencyCode],
                                                   redaction: redaction, officers: officers)
                    let entry = PublicPDF(path: copy.path, kind: copy.kind, item: item, published: try row.decodedPublicCase(),
                                          agency: agencies[item.agencyCode], extras: extras)
                    return try publicPDF(entry, gate: gate)
                }
            }
            for ((copy, item, _), result) in zip(batch, rendered) {
                switch try result.get() {
                case .rendered(let bytes):
                    try writer.write(bytes, to: "public/" + copy.path)
                case .incomplete:
                    log[item.id]?.pdfPath = nil
                    leftOut[item.id] = leftOutMarker(kind: copy.kind)
                case .stopped(let hits):
                    findings.append(GateFinding(caseID: item.id, channel: "公开版文书 " + copy.path, kinds: PublicationGate.kinds(hits)))
                    summary.withheld[PublicationGate.withheldReason, default: 0] += 1
                    log[item.id] = try lastNightRow(item.id, in: log)
                    tonightCases.forget(item.id)
                    _ = try takeDown(item.id, in: &log, reason: "依法不再公开", gate: gate)
                }
            }
        }
        try writer.stream(to: ReviewQueue.path) { emit in try ReviewQueue.page(queue, asOf: asOf, emit: emit) }
        summary.heldForApproval = queue.filter(\.held).count
        summary.warnings += try ReviewQueue.warnings(queue, asOf: asOf, calendar: calendar)
        // The sections of every case with a removal, written now: not held through the site's writing.
        queue = []
        let passedBefore = previousGateKey == gateKey
        try publishCases(log: &log, toWrite: toWrite, frame: frame, copyInputs: copyInputs, leftOut: leftOut, gate: gate,
                         passedBefore: passedBefore, findings: &findings, summary: &summary, agencies: ingest.agencies, tonight: tonightCases)
        // Only what stands published after the PDFs and the sweep (either may still have taken a case down).
        let stillPublished = tonight.filter { log[$0.key]?.withdrawnOn == nil && log[$0.key] != nil }
        var keptNames: [String: RedactionMemo.CaseTextNames] = [:]
        keptNames.reserveCapacity(ingest.cases.count)
        for (item, names) in zip(ingest.cases, textNames) {
            if let key = memo.inputKeys[item.id] { keptNames[item.id] = .init(key: key, names: names) }
        }
        let memo = RedactionMemo(settings: memo.settings, forms: forms, minors: redaction.privateNames, cases: stillPublished,
                                 textNames: keptNames)
        // Tonight's changed rows wait in the staging area for the store (every decision's JSON on a first night, ≈ 180 MB at
        // 100,000 cases, held through the site's writing to the commit); the log lets go of their public cases.
        let staged = try StagedPublications(try log.changedRows(kept: tonightCases.holds),
                                            path: writer.stagedPath(of: StagedPublications.fileName), filling: tonightCases.filled)
        for caseID in staged.caseIDs { log[caseID]?.publicCase = [] }
        return Outcome(portal: summary, log: log.rows, staged: staged, findings: findings, gateKey: gateKey, memo: memo, gate: gate,
                       passedBefore: passedBefore)
    }

    /// The names read in each case's texts (`TextNames`), in case order: last night's (`last`, empty unless that night's
    /// program, word model and settings were tonight's) for a case whose render input key (which holds its texts) is as
    /// it was, read again for the rest.
    static func textNames(_ ingest: IngestResult, last: [String: RedactionMemo.CaseTextNames], inputKeys: [String: String]) -> [TextNames] {
        guard let lexicon = try? Lexicon.standard.get() else { return [] }
        let cases = ingest.cases
        return PersonalValueIndex.textNames(of: cases, lexicon: lexicon) { position in
            let id = cases[position].id
            guard let entry = last[id], let key = inputKeys[id], entry.key == key else { return nil }
            return entry.names
        }
    }

    /// Writes the decisions' own files — the page of each decision to write, last night's pages and public copies of
    /// the rest as they are — then sweeps them through the gate. A hit in a decision's file withholds that case (its
    /// page is written again as a notice); a hit in a file no case owns stops the stage. These are the only files that
    /// can take a case off the portal (`owners`): once they pass, the log is final, and the rest of the site is made
    /// from it alone (`PortalSiteStage`, after the export is let go of).
    /// `log`: tonight's, beside the last run's; rows found unchanged let go of their public cases in both (`settleLog`).
    private func publishCases(log: inout PublicationLogEdit, toWrite: Set<String>, frame: String, copyInputs: [String: String],
                              leftOut: [String: String], gate: PublicationGate, passedBefore: Bool,
                              findings: inout [GateFinding], summary: inout PortalSummary, agencies: [Agency], tonight: TonightPublicCases) throws {
        var toWrite = toWrite
        for _ in 0..<3 {
            try settleLog(&log, keeping: toWrite, frame: frame, copyInputs: copyInputs, leftOut: leftOut, tonight: tonight)
            let written = try writeCaseFiles(log.rows, toWrite: toWrite, agencies: agencies, tonight: tonight)
            // Made only when the sweep finds something (≈ 16 MB at 100,000 cases, at the stage's peak).
            var owners: [String: String]?
            let found = gate.sweep(folder: writer.staging.appendingPathComponent("public"), owner: { path in
                                       if owners == nil { owners = Self.owners(log.rows) }
                                       return owners?[path]
                                   },
                                   alreadyPassed: { passedBefore && PublicationGate.passedLastNight($0, writer: writer) })
            guard !found.isEmpty else {
                summary.pagesWritten = toWrite.count
                summary.pagesKept = log.count - written
                summary.published = log.values.filter { $0.withdrawnOn == nil }.count
                summary.withdrawn = log.count - summary.published
                // A page made again only because last night's was missing or damaged: its row is as the last run left it.
                for id in toWrite where log[id] != nil { log.releaseUnchanged(id) }
                return
            }
            findings += found
            guard found.allSatisfy({ $0.caseID != nil }) else { throw PublicationGateError(findings: found.filter { $0.caseID == nil }) }
            for finding in found {
                guard let id = finding.caseID else { continue }
                summary.withheld[PublicationGate.withheldReason, default: 0] += 1
                // Back to what the portal showed before this run (its public case read from the store again when let go of), then off it.
                log[id] = try lastNightRow(id, in: log)
                tonight.forget(id)
                if try takeDown(id, in: &log, reason: "依法不再公开", gate: gate) { toWrite.insert(id) }
                for path in (owners ?? [:]).filter({ $0.value == id }).keys.sorted() { try writer.removeStaged("public/" + path) }
            }
        }
        throw PublicationGateError(findings: findings)
    }

    /// One pass over the log's rows that hold their public case, on every core, a batch at a time: each is hashed from the
    /// bytes it is stored as (the JSON the run made of it) with what else its page and public copy show, and a row then found
    /// as the last run left it lets go of its public case's bytes, in `log` and in `previous` alike, so the two still compare
    /// equal and the store keeps the bytes it has (every public case's JSON, about 190 MB at 100,000 cases, would otherwise
    /// stay to the night's end). The rows of pages to write (`keeping`) keep theirs, set aside: their pages are made from them.
    private func settleLog(_ log: inout PublicationLogEdit, keeping toWrite: Set<String>,
                           frame: String, copyInputs: [String: String], leftOut: [String: String], tonight: TonightPublicCases) throws {
        let rows = log.values.filter { $0.holdsPublicCase || tonight.holds($0) }
        try settle(rows, log: &log, keeping: toWrite, frame: frame, copyInputs: copyInputs, leftOut: leftOut, tonight: tonight)
    }

    /// `settleLog` for some rows of the log (each holding its public case, or having it kept in `tonight`).
    private func settle(_ rows: [PublicationRow], log: inout PublicationLogEdit, keeping toWrite: Set<String>, frame: String,
                        copyInputs: [String: String], leftOut: [String: String], tonight: TonightPublicCases) throws {
        for start in stride(from: 0, to: rows.count, by: Self.decodeBatch) {
            let batch = try tonight.filled(Array(rows[start..<min(start + Self.decodeBatch, rows.count)]))
            let hashes = concurrentMap(batch, chunkSize: 256) { Self.hash($0.publicCase, $0, frame: frame, copyInputs: copyInputs, leftOut: leftOut) }
            for (row, hash) in zip(batch, hashes) {
                log[row.caseID]?.publicHash = hash
                if !toWrite.contains(row.caseID) { log.releaseUnchanged(row.caseID) }
            }
        }
    }

    /// What a left-out public copy's row records of it (`hash`): its kind and what it was drawn with.
    private func leftOutMarker(kind: String) -> String { kind + "|" + drawnWith }

    /// Last night's row of a case with its public case: as the log holds it beside tonight's, or, let go of or set aside
    /// there, as the store holds it.
    private func lastNightRow(_ caseID: String, in log: PublicationLogEdit) throws -> PublicationRow? {
        guard let row = log.last(caseID) else { return nil }
        return row.holdsPublicCase ? row : try storedRow(caseID) ?? row
    }

    /// Last night's public cases of a batch's cases (`storedCases`: read back from the copy of the last log, `LastPublicCases`),
    /// put into the last run's log and into tonight's, whose rows for these cases are not yet touched, for the batch's
    /// redaction and the rows it changes. Returns the batch's rows as filled.
    private func readPublicCases(of batch: [EnforcementCase], log: inout PublicationLogEdit) throws -> [String: PublicationRow] {
        let ids = batch.compactMap { log.last($0.id)?.publicCase.isEmpty == true ? $0.id : nil }
        var rows: [String: PublicationRow] = [:]
        for (id, bytes) in try storedCases(ids) {
            log.fillLastNight(id, publicCase: bytes)
            rows[id] = log.last(id)
        }
        return rows
    }

    /// The page of each decision of `toWrite`, a batch at a time (each row decoded on every core and let go of once its page is
    /// written: every decision decoded at once, as on a first night, was about 160 MB), and last night's page and public copy
    /// of every other row, kept as they are. The pages' site holds no decision: a page reads of the site its frame and the
    /// agencies' names alone (`PortalPages.decisionPageFile`). Returns how many pages were written.
    private func writeCaseFiles(_ log: [String: PublicationRow], toWrite: Set<String>, agencies: [Agency],
                                tonight: TonightPublicCases) throws -> Int {
        let site = PortalSite(asOf: asOf, baseURL: config.portalBaseURL, agencies: agencies, officers: [], decisions: [], info: config.portalSite)
        var rows = toWrite.sorted().compactMap { log[$0] }
        // A row to write has its public case kept in the staging area (read back a batch at a time below) or, made again
        // since (a notice), holds it; one that does neither is read from the store.
        for (position, row) in rows.enumerated() where !row.holdsPublicCase && !tonight.holds(row) {
            guard let stored = try storedRow(row.caseID) else { throw PublicationLogError(caseID: row.caseID) }
            rows[position].publicCase = stored.publicCase
        }
        let strings = SharedStrings()
        for start in stride(from: 0, to: rows.count, by: Self.keptPart) {
            let batch = try tonight.filled(Array(rows[start..<min(start + Self.keptPart, rows.count)]))
            let written = concurrentMap(batch, chunkSize: 64) { [writer] row in
                Result {
                    let item = try row.publishedDecision(strings: strings)
                    try writer.writeUnlessSame(PortalPages.decisionPageFile(site, item).bytes, to: "public/" + item.pagePath)
                }
            }
            for result in written { try result.get() }
        }
        // The kept pages and their PDFs (160,000 hard links on a night at 100,000 cases) in parts on every core.
        let unchanged = log.values.filter { !toWrite.contains($0.caseID) }.map { (PublishedDecision.pagePath(indexNo: $0.indexNo), $0.pdfPath) }
        let kept = stride(from: 0, to: unchanged.count, by: Self.keptPart).map { Array(unchanged[$0..<min($0 + Self.keptPart, unchanged.count)]) }
        let preserved = concurrentMap(kept, chunkSize: 1) { [writer] part in
            Result {
                for (page, pdf) in part {
                    try writer.preserve("public/" + page)
                    if let pdf { try writer.preserve("public/" + pdf) }
                }
            }
        }
        for result in preserved { try result.get() }
        return rows.count
    }

    /// Path under public/ → the case it belongs to (its page and its public PDF).
    static func owners(_ log: [String: PublicationRow]) -> [String: String] {
        var out: [String: String] = [:]
        for row in log.values {
            let number = row.indexNo.split(separator: "/").last.map(String.init) ?? ""
            out["decisions/\(row.agencyCode)/\(number).html"] = row.caseID
            if let pdf = row.pdfPath { out[pdf] = row.caseID }
        }
        return out
    }

    /// Takes a case off the portal: one published before becomes a notice (without its title,
    /// which may be what the gate stopped); one never published leaves no trace. True when its page must be rewritten.
    private func takeDown(_ caseID: String, in log: inout PublicationLogEdit, reason: String, gate: PublicationGate) throws -> Bool {
        guard var row = log[caseID] else { return false }
        let old = try row.decodedPublicCase()
        if row.withdrawnOn != nil, gate.check(old)?.isEmpty == true { return false }
        var shell = Self.withdrawnShell(old)
        shell.title = nil
        row.withdrawnOn = row.withdrawnOn ?? asOf
        row.withdrawalReason = row.withdrawalReason ?? reason
        row.pdfPath = nil
        row.publicCase = Array(try Self.json(shell))
        log[caseID] = row
        return true
    }

    /// One case's redaction as the workers hand it over: the public case (nil when not published, or when
    /// reused: then it is the log's), its report, the gate's hits in it, the review page's segments (for a
    /// case with removals) and whether its redaction report was staged.
    struct Redacted {
        var publicCase: PublicCase?
        var report: RedactionReport
        var hits: [GateHit]?
        var segments: [CaseRedaction.FieldReview]?
        /// The public case as JSON, made on the worker (one core took seconds for 100,000 cases), once its
        /// redaction report is written; the failure of either, to be thrown on the stage's thread.
        var publicJSON: Result<[UInt8]?, Error>
        /// Last night's redaction, reused (see `RedactionReuse`): published then as now.
        var reused = false
        /// A reused case's section of last night's review page, when it had one.
        var section: ReviewQueue.Section?
        /// Its penalties' particulars hold a value that changed since the last run (its public copy is drawn again).
        var particularsChanged = false
        /// The published decision (行政处罚决定书 …) its public copy is, if any.
        var decisionKind: String?
        /// Its disclosure deadline, or why it cannot be worked out.
        var deadline: Result<CivilDate, Error>

        var isPublished: Bool { reused || publicCase != nil }
    }

    /// A published case's row as tonight leaves it, with its public case as JSON, before it is known whether its page and
    /// public copy are made again (`mustRemake`).
    struct SettledRow {
        var position: Int
        var row: PublicationRow
        var publicJSON: [UInt8]
        var report: RedactionReport
        var particularsChanged: Bool
        var decisionKind: String?
    }

    /// Whether a row's page and public PDF are made again: what they are made from changed, or one is missing or damaged
    /// since the last run (then it is made again, not kept).
    static func mustRemake(_ settled: SettledRow, frame: String, copyInputs: [String: String], leftOut: [String: String],
                           writer: OutputWriter) -> Bool {
        let row = settled.row
        return hash(settled.publicJSON, row, frame: frame, copyInputs: copyInputs, leftOut: leftOut) != row.publicHash
            || !writer.canKeep("public/" + PublishedDecision.pagePath(indexNo: row.indexNo))
            || row.pdfPath.map { !writer.canKeep("public/" + $0) } == true || (settled.particularsChanged && row.pdfPath != nil)
    }

    /// Public copies drawn at once before they are written: enough to keep every core busy.
    static let pdfBatch = 64
    /// Cases redacted at once (in chunks of 64 on every core) before their results are taken in.
    static let redactionBatch = 2048
    /// Log rows hashed at once (in chunks of 256 on every core) before their bytes may be let go of.
    static let decodeBatch = 8192
    /// Decision pages written, or kept with their public copies, per batch or part on every core (`writeCaseFiles`).
    static let keptPart = 8192

    /// A public copy to draw once the cases are redacted: where its case is in the export, and its file and kind. Its public case
    /// is read back from its log row when it is drawn: held decoded with the case and its data until then, a cold night's
    /// 65,000 copies at 100,000 cases held about 250 MB.
    struct PendingCopy {
        var position: Int
        var path: String
        var kind: String
    }

    struct PublicPDF {
        var path: String
        var kind: String
        var item: EnforcementCase
        var published: PublicCase
        var agency: Agency?
        /// The penalties' particulars and the payment account, made public by the same redaction.
        var extras: PublicCopy.Extras
    }

    enum PublicPDFResult {
        case rendered([UInt8])
        /// The redacted data lacks a statutory element of the document: the page is still published.
        case incomplete
        /// The gate found a personal value in its text or metadata.
        case stopped([GateHit])
    }

    /// The public copy of the case's decision document, from redacted data only, checked by the gate before it is drawn.
    private func publicPDF(_ entry: PublicPDF, gate: PublicationGate) throws -> PublicPDFResult {
        guard let agency = entry.agency else { return .incomplete }
        let data = PublicCopy.documentData(entry.item, entry.published, agency: agency, extras: entry.extras)
        let prepared: PreparedDocument
        do {
            prepared = try renderer.prepare(entry.kind, data: data)
        } catch is MissingStatutoryElements {
            return .incomplete
        }
        let hits = gate.check(prepared.document)
        guard hits.isEmpty else { return .stopped(hits) }
        return .rendered(try renderer.render(prepared, profile: .publicCopy).bytes)
    }

    /// A withdrawn decision keeps only what identifies it.
    static func withdrawnShell(_ published: PublicCase) -> PublicCase {
        var shell = published
        shell.procedure = nil
        shell.partyType = nil
        shell.partyName = nil
        shell.partyCreditCode = nil
        shell.legalRepresentative = nil
        shell.partyAddress = nil
        shell.facts = nil
        shell.evidence = nil
        shell.violatedProvisions = nil
        shell.penaltyProvisions = nil
        shell.discretion = nil
        shell.decision = nil
        shell.penaltyKinds = nil
        shell.fineYuan = nil
        shell.confiscationYuan = nil
        shell.officers = nil
        return shell
    }

    /// What a decision's page and public PDF are made from: its public case as JSON (`json`), the site's
    /// frame and its row's publication facts.
    /// `copyInputs`: what each case's public copy prints beyond its public case (`copyInputs(_:)`), looked up for the row's case.
    static func hash(_ publicJSON: [UInt8], _ row: PublicationRow, frame: String, copyInputs: [String: String],
                     leftOut: [String: String] = [:]) -> String {
        var bytes = publicJSON + Array((frame + (copyInputs[row.caseID] ?? "")).utf8)
        bytes += Array("\(row.indexNo)|\(row.publishedOn.iso)|\(row.withdrawnOn?.iso ?? "")|\(row.pdfPath ?? "")|\(row.deadline.iso)".utf8)
        // A public copy its redacted data could not fill (`leftOut`): the kind and the templates it was tried with, so that it
        // is tried again when they or what it is made from change, and not every night.
        if row.pdfPath == nil, row.withdrawnOn == nil, let marker = leftOut[row.caseID] { bytes += Array("|left-out|\(marker)".utf8) }
        return StateStore.contentHash(bytes)
    }

    /// What a case's public copy prints besides its public case: its penalties' particulars (redacted like the
    /// case's text when the copy is drawn) and its agency's payment details. Part of its page's hash, so that a
    /// change to either draws the copy again; absent (and so not in the hash) for a case with neither.
    static func copyInputs(_ ingest: IngestResult) throws -> [String: String] {
        // Each agency's prefix, made once: a case without particulars shares its agency's String (a copy per case was ≈ 12 MB
        // at 100,000 cases, held through the portal stage).
        var agencies: [String: String] = [:]
        for (code, details) in ingest.agencyDetails { agencies[code] = "|copy|" + StateStore.contentHash(try KeyBytes.of(details)) + "|" }
        // Each case's on every core, gathered on this one.
        let inputs = concurrentMap(ingest.cases, chunkSize: 1024) { item -> String? in
            let particulars = ingest.details(of: item).penalties.map(\.detail).filter { !$0.isEmpty }
            let agency = agencies[item.agencyCode]
            guard !particulars.isEmpty else { return agency }
            return (agency ?? "|copy||") + particulars.joined(separator: "\u{1F}")
        }
        var out: [String: String] = [:]
        out.reserveCapacity(ingest.cases.count)
        for (item, input) in zip(ingest.cases, inputs) { if let input { out[item.id] = input } }
        return out
    }

    /// Pretty, sorted JSON with a final newline. Throws what the encoder throws (a value it cannot write,
    /// such as a non-finite number): an empty file in its place would be published or archived as if right.
    static func json<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        return try encoder.encode(value) + Data("\n".utf8)
    }
}

/// A `StringInterner` for the workers of one pass; a value short enough to live inside its String is answered without the lock.
final class SharedStrings: @unchecked Sendable {
    private let lock = NSLock()
    private var interner = StringInterner()

    func share(_ value: String, column: Int) -> String {
        guard value.utf8.count > StringInterner.inlineBytes else { return value }
        return lock.withLock { interner.shared(value, column: column) }
    }
}

/// The disclosure lexicon could not be read: nothing is published or reported without it.
struct DisclosureDataMissing: SanxiangError {
    var reason: String
    var message: String {
        "公示和年度报告所需的脱敏词典无法读取：\(reason)。本次运行未做任何处理，上次的输出和状态保持不变。"
    }
}
