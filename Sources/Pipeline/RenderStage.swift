import CaseModel
import Documents
import Foundation
import Ingest
import Typesetting

/// What the render stage made.
public struct RenderSummary: Codable, Sendable {
    public var documents: Int
    public var pages: Int
    public var byKind: [String: Int]
    /// Cases set aside because a document they must get lacks a statutory element.
    public var casesSetAside: Int
    /// Documents kept from the last run because nothing they are made from changed.
    public var kept: Int = 0
    /// Documents taken from the results of `sanxiang worker` shards (nil without a PostgreSQL state store).
    public var fromShards: Int?
    /// Shard results that could not be used, and why (their documents were rendered by the run).
    public var shardWarnings: [String]?
    /// Render processes that could not start or died, and what was done instead (nil when none: see `RenderProcesses`).
    public var processWarnings: [String]?

    enum CodingKeys: String, CodingKey {
        case documents, pages, byKind = "by_kind", casesSetAside = "cases_set_aside", kept, fromShards = "from_shards",
             shardWarnings = "shard_warnings", processWarnings = "render_process_warnings"
    }

    /// Adds the counts of another part of the same run's documents (the shard figures are the stage's own).
    mutating func add(_ other: RenderSummary) {
        documents += other.documents
        pages += other.pages
        byKind.merge(other.byKind, uniquingKeysWith: +)
        casesSetAside += other.casesSetAside
        kept += other.kept
    }
}

/// What the last run rendered from: the templates and settings (one fingerprint) and,
/// per case, a hash of its data, its review, its agency and its officers.
/// Kept in the state store, written when the documents it describes are committed.
public struct RenderMemo: Codable, Equatable, Sendable {
    public var fingerprint: String
    public var cases: [String: String]
    /// Per case, the hash of what its document data is built from (`RenderStage.inputKey`), computed
    /// without building it; nil in a memo written before it was kept (the plan is then built for every case).
    public var inputs: [String: String]?
    /// Per case, the file names of its documents, so kept ones are carried forward without a plan.
    public var files: [String: [String]]?
}

/// One document of a case: its kind, its number among the case's documents of that kind,
/// and the data its template reads.
public struct DocumentInstance: Sendable {
    public var kind: String
    /// 1, 2, … for a kind a case may get several of (送达回证: one per service); nil for a case's only one.
    public var index: Int?
    public var data: TemplateValue

    public init(kind: String, index: Int? = nil, data: TemplateValue) {
        self.kind = kind
        self.index = index
        self.data = data
    }

    /// `送达回证-2.pdf`; a single-instance kind keeps `<kind>.pdf`.
    public var fileName: String { index.map { "\(kind)-\($0).pdf" } ?? "\(kind).pdf" }
}

/// One case's documents: the kinds the mapping gives it, the data the templates read, and
/// the documents to make of them (several of one kind where a case has several services).
public struct CaseDocuments: Sendable {
    public var item: EnforcementCase
    public var kinds: [String]
    public var data: TemplateValue
    public var instances: [DocumentInstance]
    /// Read by the documents besides the export's case data: the catalogue criteria the
    /// 法制审核意见书 names and the records the 案卷 lists (both in the render memo's data key).
    public var majorCriteria: [String] = []
    public var records: [ProcessRecord] = []

    public var folder: String { "internal/documents/\(item.agencyCode)/\(item.id)/" }
    public func path(of instance: DocumentInstance) -> String { folder + instance.fileName }
    /// The file of a single-instance kind.
    public func path(of kind: String) -> String { folder + kind + ".pdf" }
    public var paths: [String] { instances.map(path(of:)) }
    /// The documents of one kind, in order.
    public func instances(of kind: String) -> [DocumentInstance] { instances.filter { $0.kind == kind } }
}

/// Renders the documents of accepted cases on every core; each worker hands
/// the bytes it made straight to the output writer, so writing overlaps
/// rendering. A case lacking a statutory element of any of its documents gets
/// none of them and is set aside.
public struct RenderStage {
    public let renderer: DocumentRenderer

    public init(renderer: DocumentRenderer) { self.renderer = renderer }

    /// Which documents each case gets, by the rules of pipeline.yml, in rule order (the 案卷 last).
    /// `majorCriteria`: the major-decision catalogue's rules a decision meets, named in its 法制审核意见书.
    public static func plan(for ingest: IngestResult, rules: [DocumentRule],
                            hearingEligible: @escaping (EnforcementCase) -> Bool = { _ in false },
                            majorCriteria: @escaping (EnforcementCase) -> [String] = { _ in [] }) -> [CaseDocuments] {
        DocumentPlanner(index: IngestIndex(ingest), rules: rules, hearingEligible: hearingEligible, majorCriteria: majorCriteria)
            .plan(ingest.cases)
    }

    /// One document per kind, but one 送达回证 per service; the 案卷 last, and only around other documents.
    static func instances(of entry: CaseDocuments, context: CaseContext, details: CaseDetails,
                          reviewed: Bool) -> [DocumentInstance] {
        var result: [DocumentInstance] = []
        for kind in entry.kinds where kind != DocumentKind.dossier {
            guard kind == DocumentKind.serviceReceipt else {
                result.append(DocumentInstance(kind: kind, data: entry.data))
                continue
            }
            let decision = DocumentData.decisionDocumentName(entry.item, kinds: entry.kinds)
            let receipts = DocumentData.receipts(for: entry.item, context: context, details: details, decisionKind: decision)
            result += receipts.enumerated().map { index, receipt in
                DocumentInstance(kind: kind, index: index + 1, data: entry.data.replacing("delivery", with: receipt))
            }
        }
        if entry.kinds.contains(DocumentKind.dossier), !result.isEmpty {
            let fields = DocumentData.dossierFields(for: entry.item, context: context, details: details, records: entry.records,
                                                    reviewed: reviewed)
            result.append(DocumentInstance(kind: DocumentKind.dossier, data: entry.data.replacing("dossier", with: fields)))
        }
        return result
    }

    /// The kinds of document the rules give a case, in rule order.
    public static func kinds(of item: EnforcementCase, rules: [DocumentRule], reviewed: Bool,
                             details: CaseDetails? = nil) -> [String] {
        rules.filter { $0.applies(to: item, reviewed: reviewed, details: details) }.map(\.kind)
    }

    private enum Outcome {
        case rendered([(kind: String, pages: Int)])
        case missing(MissingStatutoryElements)
        case failed(Error)
    }

    /// Renders in batches so memory stays bounded on large exports; returns the problems of set-aside cases.
    /// `write` is called from several threads at once, for different paths.
    /// `unchanged`: cases whose documents the last run made from the same data: `keep` carries them over.
    /// `processes`: render processes to draw in, started when there is enough to draw (nil: this process's threads).
    public func run(_ plan: [CaseDocuments], write: (String, [UInt8]) throws -> Void,
                    unchanged: Set<String> = [], keep: ((String) throws -> Void)? = nil,
                    processes: RenderProcessLauncher? = nil,
                    progress: ((Int, Int) -> Void)? = nil) throws -> (summary: RenderSummary, problems: [Problem]) {
        var summary = RenderSummary(documents: 0, pages: 0, byKind: [:], casesSetAside: 0)
        var problems: [Problem] = []
        var work: [CaseDocuments] = []
        for entry in plan {
            if unchanged.contains(entry.item.id), let keep {
                for path in entry.paths { try keep(path) }
                summary.kept += entry.instances.count
                summary.byKind.merge(entry.instances.map { ($0.kind, 1) }, uniquingKeysWith: +)
                summary.documents += entry.instances.count
            } else {
                work.append(entry)
            }
        }
        let plan = work
        let pool = processes?.processes(toDraw: plan.count)
        let batch = 128
        for start in stride(from: 0, to: plan.count, by: batch) {
            let slice = Array(plan[start..<min(plan.count, start + batch)])
            let outcomes = pool.map { pool in pool.map(slice) { render($0, in: $1, of: pool, write: write) } }
                ?? concurrentMap(slice, chunkSize: 1) { render($0, write: write) }
            for (entry, outcome) in zip(slice, outcomes) {
                switch outcome {
                case .rendered(let documents):
                    for (kind, pages) in documents {
                        summary.documents += 1
                        summary.pages += pages
                        summary.byKind[kind, default: 0] += 1
                    }
                case .missing(let missing):
                    summary.casesSetAside += 1
                    problems.append(Self.problem(entry.item, missing))
                case .failed(let error):
                    throw error
                }
            }
            progress?(min(plan.count, start + batch), plan.count)
        }
        return (summary, problems)
    }

    /// All of a case's documents are made before any is written: a missing
    /// element in the last one means none of them is written.
    private func render(_ entry: CaseDocuments, write: (String, [UInt8]) throws -> Void) -> Outcome {
        do {
            let documents = try Self.render(entry, renderer: renderer)
            for (instance, rendered) in documents { try write(entry.path(of: instance), rendered.bytes) }
            return .rendered(documents.map { ($0.instance.kind, $0.rendered.pageCount) })
        } catch let missing as MissingStatutoryElements {
            return .missing(missing)
        } catch {
            return .failed(error)
        }
    }

    /// The same, drawn by a render process (`child`), or here when it has died.
    private func render(_ entry: CaseDocuments, in child: RenderChild?, of pool: RenderProcesses,
                        write: (String, [UInt8]) throws -> Void) -> Outcome {
        do {
            let documents = try Self.draw(entry, in: child, of: pool, renderer: renderer)
            for document in documents { try write(entry.path(of: document.instance), document.bytes) }
            return .rendered(documents.map { ($0.instance.kind, $0.pages) })
        } catch let missing as MissingStatutoryElements {
            return .missing(missing)
        } catch {
            return .failed(error)
        }
    }

    /// A case's documents as `render(_:renderer:)` makes them, drawn by a render process (`child`), or here when it has
    /// died; a missing statutory element is thrown as there.
    static func draw(_ entry: CaseDocuments, in child: RenderChild?, of pool: RenderProcesses,
                     renderer: DocumentRenderer) throws -> [(instance: DocumentInstance, pages: Int, bytes: [UInt8])] {
        let request = RenderWire.Request(decisionNo: entry.item.docNo, instances: entry.instances)
        switch try pool.draw(request, caseID: entry.item.id, in: child, here: { try RenderProcessServer.drawn(request, renderer: renderer) }) {
        case .drawn(let documents):
            return try documents.map { document in
                guard entry.instances.indices.contains(document.instance) else { throw RenderWire.Malformed(what: "文书序号") }
                return (entry.instances[document.instance], document.pages, document.bytes)
            }
        case .missing(let missing):
            throw missing
        case .failed(let message):
            throw RenderProcessFailure(caseID: entry.item.id, message: message)
        }
    }

    /// A case's documents drawn with `profile`: every one prepared first (a missing element in any
    /// refuses them all), each laid out once, for its own file and for the 案卷 that binds them.
    /// `only`: the file names to draw (nil: all), for `sanxiang render`.
    public static func render(_ entry: CaseDocuments, renderer: DocumentRenderer, profile: OutputProfile = .archive,
                              only: Set<String>? = nil) throws -> [(instance: DocumentInstance, rendered: RenderedDocument)] {
        try render(entry.instances, decisionNo: entry.item.docNo, renderer: renderer, profile: profile, only: only)
    }

    /// The same from a case's document instances and its 文书编号 alone: all a render process is sent.
    static func render(_ instances: [DocumentInstance], decisionNo: String, renderer: DocumentRenderer,
                       profile: OutputProfile = .archive,
                       only: Set<String>? = nil) throws -> [(instance: DocumentInstance, rendered: RenderedDocument)] {
        let members = instances.filter { $0.kind != DocumentKind.dossier }
        let dossier = instances.first { $0.kind == DocumentKind.dossier && only?.contains($0.fileName) ?? true }
        let wanted = members.map { only?.contains($0.fileName) ?? true }
        var prepared: [PreparedDocument?] = []
        for (member, drawn) in zip(members, wanted) {
            prepared.append(drawn || dossier != nil ? try renderer.prepare(member.kind, data: member.data) : nil)
        }
        let laidOut = try prepared.map { try $0.map { try renderer.typesetter.typeset($0.document) } }
        var volume: RenderedDocument?
        if let dossier {
            volume = try bind(dossier, members: members, prepared: prepared.compactMap { $0 }, laidOut: laidOut.compactMap { $0 },
                              decisionNo: decisionNo, renderer: renderer, profile: profile)
        }
        var out: [(instance: DocumentInstance, rendered: RenderedDocument)] = []
        for (index, member) in members.enumerated() where wanted[index] {
            guard let typeset = laidOut[index] else { continue }
            out.append((member, try renderer.typesetter.render(typeset, profile: profile)))
        }
        if let dossier, let volume { out.append((dossier, volume)) }
        return out
    }

    /// The 案卷: its cover and catalogue (the 案卷 template, page ranges from the members' layout), then the members.
    private static func bind(_ dossier: DocumentInstance, members: [DocumentInstance], prepared: [PreparedDocument],
                             laidOut: [TypesetDocument], decisionNo: String, renderer: DocumentRenderer,
                             profile: OutputProfile) throws -> RenderedDocument {
        let catalogued = zip(members, zip(prepared, laidOut)).map { member, document in
            DossierMember(document.0, data: member.data, pages: document.1.pageCount)
        }
        let (data, order) = dossierData(dossier, members: catalogued, decisionNo: decisionNo)
        let front = try renderer.prepare(DocumentKind.dossier, data: data)
        return try renderer.typesetter.bind(front: try renderer.typesetter.typeset(front.document), members: order.map { laidOut[$0] },
                                            metadata: front.document.metadata, profile: profile)
    }

    /// The 案卷's data with its catalogue, and the binding order of `members`.
    static func dossierData(_ dossier: DocumentInstance, members: [DossierMember],
                            decisionNo: String) -> (data: TemplateValue, order: [Int]) {
        let order = Dossier.order(members, decisionNo: decisionNo)
        return (DocumentData.addingCatalogue(order.map { members[$0] }, to: dossier.data), order)
    }

    static func problem(_ item: EnforcementCase, _ missing: MissingStatutoryElements) -> Problem {
        Problem(file: item.source.file, row: item.source.row, caseID: item.id,
                field: missing.elements.map(\.name).joined(separator: "、"), kind: .missingStatutoryElement,
                message: "\(item.source.file) 第\(item.source.row)行（案件 \(item.id)）：\(missing.message)，不生成半空的文书，该案件已暂存。")
    }
}

extension RenderStage {
    /// The hash of everything a case's documents are made from besides the templates.
    static func dataKey(_ entry: CaseDocuments, ingest: IngestIndex) throws -> String {
        var bytes = CanonicalJSON.payload(of: entry.item)
        if let review = ingest.reviews[entry.item.id] { bytes += CanonicalJSON.payload(of: review) }
        if let agency = ingest.agencies[entry.item.agencyCode] { bytes += CanonicalJSON.payload(of: agency) }
        for cert in entry.item.officerCerts { if let officer = ingest.officers[cert] { bytes += CanonicalJSON.payload(of: officer) } }
        bytes += try ingest.detailsPayload(entry.item)
        // Receipts name the officers who served, the 案卷 those who recorded; it lists the records' hashes.
        let people = Set(ingest.ingest.details(of: entry.item).deliveries.flatMap(\.servers) + entry.records.map(\.officerCert))
        for cert in people.sorted() { if let officer = ingest.officerPayloads[cert] { bytes += officer } }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        bytes += try encoder.encode(entry.records)
        bytes += Array((entry.majorCriteria + ["|"] + entry.instances.map(\.fileName)).joined(separator: "|").utf8)
        return StateStore.contentHash(bytes)
    }

    /// The hash of everything `plan` builds a case's document data and documents from, computed without
    /// building them (that costs more than all the rest of an unchanged case): the inputs of `dataKey`
    /// (case, review, agency, officers, contract v2 details, the officers who served or recorded, the
    /// records, the catalogue criteria) less the documents' file names, plus what those names follow from
    /// (the kinds the rules give the case) and whether a hearing was open to it. With an equal render
    /// fingerprint (templates, rules, settings), an equal key means the same documents and the same
    /// statutory-element check.
    static func inputKey(_ item: EnforcementCase, ingest: IngestIndex, config: PipelineConfig) throws -> String {
        var bytes = CanonicalJSON.payload(of: item)
        let review = ingest.reviews[item.id]
        if let review { bytes += CanonicalJSON.payload(of: review) }
        if let agency = ingest.agencyPayloads[item.agencyCode] { bytes += agency }
        for cert in item.officerCerts { if let officer = ingest.officerPayloads[cert] { bytes += officer } }
        bytes += try ingest.detailsKeyBytes(item)
        let records = ingest.records[item.id] ?? []
        let people = Set(ingest.ingest.details(of: item).deliveries.flatMap(\.servers) + records.map(\.officerCert))
        for cert in people.sorted() { if let officer = ingest.officerPayloads[cert] { bytes += officer } }
        bytes += try KeyBytes.of(records)
        let catalogue = config.legalReview.catalogue
        let criteria = review == nil ? [] : catalogue.rules(for: item)
        let kinds = kinds(of: item, rules: config.documentRules, reviewed: review != nil, details: ingest.ingest.details(of: item))
        bytes += Array((criteria + ["|"] + kinds + ["|", catalogue.hearingEligible(item) ? "hearing" : "-"]).joined(separator: "|").utf8)
        return StateStore.contentHash(bytes)
    }

    /// Every accepted case's input key, on every core.
    static func inputKeys(_ ingest: IngestResult, config: PipelineConfig) throws -> [String: String] {
        let index = IngestIndex(ingest)
        let keys = try concurrentMap(ingest.cases, chunkSize: 64) { item in Result { (item.id, try inputKey(item, ingest: index, config: config)) } }
            .map { try $0.get() }
        return Dictionary(keys, uniquingKeysWith: { first, _ in first })
    }

    /// Lookups of the records a case's documents read.
    struct IngestIndex {
        let reviews: [String: Review]
        let agencies: [String: Agency]
        let officers: [String: Officer]
        let records: [String: [ProcessRecord]]
        let ingest: IngestResult
        /// Each agency's contract v2 details as `detailsPayload` adds them: encoded once, not once per case.
        private let agencyDetails: [String: Result<Data, Error>]
        /// The same as `KeyBytes`, for the input key.
        private let agencyKeyBytes: [String: Result<[UInt8], Error>]
        /// Each agency's and officer's canonical payload, for the input keys: made once, not once per case.
        let agencyPayloads: [String: [UInt8]]
        let officerPayloads: [String: [UInt8]]

        init(_ ingest: IngestResult) {
            self.ingest = ingest
            reviews = Dictionary(ingest.reviews.map { ($0.caseID, $0) }, uniquingKeysWith: { first, _ in first })
            agencies = Dictionary(ingest.agencies.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
            officers = Dictionary(ingest.officers.map { ($0.certNo, $0) }, uniquingKeysWith: { first, _ in first })
            records = Dictionary(grouping: ingest.records, by: \.caseID)
            agencyDetails = ingest.agencyDetails.mapValues { details in Result { try Self.encoder.encode(details) } }
            agencyKeyBytes = ingest.agencyDetails.mapValues { details in Result { try KeyBytes.of(details) } }
            agencyPayloads = agencies.mapValues { CanonicalJSON.payload(of: $0) }
            officerPayloads = officers.mapValues { CanonicalJSON.payload(of: $0) }
        }

        private static var encoder: JSONEncoder {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return encoder
        }

        /// Contract v2 data the documents read: the case's details, its agency's and its review's.
        /// JSON with sorted keys, so the bytes are the same in every process.
        func detailsPayload(_ item: EnforcementCase) throws -> [UInt8] {
            let encoder = Self.encoder
            var bytes: [UInt8] = []
            bytes += try encoder.encode(ingest.details(of: item))
            if let agency = agencyDetails[item.agencyCode] { bytes += try agency.get() }
            if let review = reviews[item.id], let extra = ingest.reviewDetails[review.id] { bytes += try encoder.encode(extra) }
            return bytes
        }

        /// The same data as `detailsPayload`, as `KeyBytes` (a fifth of the cost), for the input key only:
        /// `detailsPayload` goes into the document data's key, which the state store and workers' shard
        /// results keep from night to night and which must therefore not change with the program.
        func detailsKeyBytes(_ item: EnforcementCase) throws -> [UInt8] {
            var bytes = try KeyBytes.of(ingest.details(of: item))
            if let agency = agencyKeyBytes[item.agencyCode] { bytes += Array("|agency|".utf8) + (try agency.get()) }
            if let review = reviews[item.id], let extra = ingest.reviewDetails[review.id] { bytes += Array("|review|".utf8) + (try KeyBytes.of(extra)) }
            return bytes
        }
    }
}

/// 全过程记录: every accepted case's documents, under internal/documents/.
/// A case whose data, review, agency, officers, templates and settings are
/// as the last run found them keeps its files.
struct DocumentsStage: Stage {
    let name = "render"
    let reads = "接收的案件及其法制审核记录、执法主体、执法人员；文书模板、字体和 documents 规则"
    let territory = ["internal/documents/"]
    let inPlace = ["internal/documents/"]

    func run(_ run: RunContext, into output: OutputWriter) throws -> StageOutcome {
        let config = run.config
        let fingerprint = try run.renderFingerprint()
        let inputs = try run.renderInputKeys()
        let previous = try run.lastRenderMemo().flatMap { $0.fingerprint == fingerprint ? $0 : nil }
        // Cases whose inputs are the last run's and whose files are as it left them are carried forward
        // without building their document data; the plan is built for the others only.
        // Decided on every core: an lstat for each of about 400,000 documents at 100,000 cases.
        let carriedPaths = concurrentMap(run.ingest.cases, chunkSize: 256) { item -> [String]? in
            guard let previous, let key = inputs[item.id], previous.inputs?[item.id] == key,
                  let files = previous.files?[item.id], previous.cases[item.id] != nil else { return nil }
            let folder = "internal/documents/\(item.agencyCode)/\(item.id)/"
            return files.allSatisfy({ output.canKeep(folder + $0) }) ? files.map { folder + $0 } : nil
        }
        var carried: [String: [String]] = [:]
        for (item, paths) in zip(run.ingest.cases, carriedPaths) { if let paths { carried[item.id] = paths } }
        let index = RenderStage.IngestIndex(run.ingest)
        let planner = DocumentPlanner(config: config, index: index)
        let renderer = RenderStage(renderer: try run.renderer())
        var memo = RenderMemo(fingerprint: fingerprint, cases: [:], inputs: [:], files: [:])
        var result: (summary: RenderSummary, problems: [Problem]) = (RenderSummary(documents: 0, pages: 0, byKind: [:], casesSetAside: 0), [])
        var adopted: [String: [ShardAdoption.Document]] = [:]
        var shardWarnings: [String] = []
        let items = run.ingest.cases.filter { carried[$0.id] == nil }
        // A slice of the cases at a time: the document data of a slice is built, rendered and let go before
        // the next (the plan of a whole export held tens of KiB per case). Shard results are adopted from
        // the plan of every case at once: they are grouped and read by agency.
        let slice = config.shardQueue == nil ? max(config.casesPerRenderSlice, 1) : max(items.count, 1)
        let written = DiskRoom.Counter()
        // Drawn by render processes when the command line allows it (`sanxiang run`).
        let launcher = run.renderProcesses()
        for start in stride(from: 0, to: items.count, by: slice) {
            let part = Array(items[start..<min(start + slice, items.count)])
            let plan = planner.plan(part)
            let keys = try concurrentMap(plan) { entry in Result { (entry.item.id, try RenderStage.dataKey(entry, ingest: index)) } }
                .map { try $0.get() }
            for (id, key) in keys { memo.cases[id] = key }
            for entry in plan {
                memo.inputs?[entry.item.id] = inputs[entry.item.id]
                memo.files?[entry.item.id] = entry.instances.map(\.fileName)
            }
            var unchanged = Set<String>()
            if let previous {
                for entry in plan where previous.cases[entry.item.id] == memo.cases[entry.item.id]
                    && entry.paths.allSatisfy({ output.canKeep($0) }) {
                    unchanged.insert(entry.item.id)
                }
            }
            // With workers (state_store: postgresql://…), the documents of accepted shard results are taken as they are.
            if let url = config.shardQueue {
                let candidates = plan.filter { !unchanged.contains($0.item.id) }
                let adoption = try ShardAdoption.load(url: url, config: config, asOf: run.asOf, plan: candidates, keys: memo.cases,
                                                      fingerprint: memo.fingerprint)
                let ids = candidates.map(\.item.id).filter { adoption.cases[$0] != nil }
                let staged = concurrentMap(ids) { (id: String) in Result { try adoption.adopt(id, into: output) } }
                shardWarnings += adoption.warnings
                for (id, outcome) in zip(ids, staged) {
                    if let problem = try outcome.get() {
                        shardWarnings.append(problem + "，案件 \(id) 的文书由本次运行生成。")
                    } else {
                        adopted[id] = adoption.cases[id]
                    }
                }
            }
            let done = try renderer.run(plan.filter { adopted[$0.item.id] == nil }, write: { path, bytes in
                written.add(bytes.count)
                try output.write(bytes, to: path)
            }, unchanged: unchanged, keep: { try output.preserve($0) }, processes: launcher) { done, total in
                run.events?(.rows(done: start + part.count * done / max(total, 1), total: items.count))
            }
            result.summary.add(done.summary)
            result.problems += done.problems
            // Stopped now, not when the disk fills after most of the drawing, if the rest cannot fit beside last night's.
            let through = start + part.count
            if let free = DiskRoom.freeBytes(at: output.staging.path),
               let shortage = DiskRoom.shortage(bytesWritten: written.bytes, casesDone: through, casesLeft: items.count - through,
                                                freeBytes: free, folder: config.outputURL.path) {
                throw shortage
            }
        }
        var summary = result.summary
        let processWarnings = launcher?.takeWarnings() ?? []
        // Nothing else draws in them (the portal's public copies are drawn faster on its threads: see README, “排版”).
        run.endRenderProcesses()
        summary.processWarnings = processWarnings.isEmpty ? nil : processWarnings
        let carriedInOrder = carried.sorted(by: { $0.key < $1.key })
        try output.keepChecked(carriedInOrder.flatMap(\.value))  // each passed canKeep above
        for (kind, count) in Self.countByKind(carriedInOrder) {
            summary.byKind[kind, default: 0] += count
            summary.documents += count
            summary.kept += count
        }
        for (id, _) in carriedInOrder {
            memo.cases[id] = previous?.cases[id]
            memo.inputs?[id] = previous?.inputs?[id]
            memo.files?[id] = previous?.files?[id]
        }
        if config.shardQueue != nil {
            for document in adopted.values.joined() {
                summary.documents += 1
                summary.pages += document.pages
                summary.byKind[document.kind, default: 0] += 1
            }
            summary.fromShards = adopted.values.reduce(0) { $0 + $1.count }
            summary.shardWarnings = shardWarnings
        }
        summary.casesSetAside += run.casesMissingElements
        var state = StateChanges()
        for problem in result.problems {
            guard let id = problem.caseID else { continue }
            memo.cases.removeValue(forKey: id)
            memo.inputs?.removeValue(forKey: id)
            memo.files?.removeValue(forKey: id)
        }
        state.stagedRenderMemo = try StagedBytes(name: StagedBytes.renderMemo, in: output, writing: memo.write)
        run.releaseLastRenderMemo()
        return StageOutcome(summary: .documents(summary), state: state, setAside: result.problems)
    }

    /// The kept documents by kind, counted on every core (about 400,000 file names on a 1 % night at 100,000 cases).
    static func countByKind(_ carried: [(key: String, value: [String])]) -> [String: Int] {
        let counted = concurrentBlocks(count: carried.count, size: 4096) { range -> [String: Int] in
            var counts: [String: Int] = [:]
            for position in range { for path in carried[position].value { counts[kind(ofFile: path), default: 0] += 1 } }
            return counts
        }
        return counted.reduce(into: [:]) { total, counts in total.merge(counts, uniquingKeysWith: +) }
    }

    /// 送达回证-2.pdf → 送达回证; 案卷.pdf → 案卷 (see `DocumentInstance.fileName`).
    static func kind(ofFile path: String) -> String {
        // The name after the last "/" (NSString's lastPathComponent cost more than the rest, once per kept document).
        let file = path.lastIndex(of: "/").map { path[path.index(after: $0)...] } ?? path[...]
        var name = file.dropLast(4)
        if let dash = name.lastIndex(of: "-"), !name[name.index(after: dash)...].isEmpty,
           name[name.index(after: dash)...].allSatisfy(\.isASCII), name[name.index(after: dash)...].allSatisfy(\.isNumber) {
            name = name[..<dash]
        }
        return String(name)
    }
}

/// What planning a case's documents reads (the run's lookups, `RenderStage.IngestIndex`, and the
/// rules); `entry(for:)` plans one case and may run on every core at once.
struct DocumentPlanner {
    let index: RenderStage.IngestIndex
    let rules: [DocumentRule]
    let hearingEligible: (EnforcementCase) -> Bool
    let majorCriteria: (EnforcementCase) -> [String]

    init(index: RenderStage.IngestIndex, rules: [DocumentRule], hearingEligible: @escaping (EnforcementCase) -> Bool,
         majorCriteria: @escaping (EnforcementCase) -> [String]) {
        self.index = index
        self.rules = rules
        self.hearingEligible = hearingEligible
        self.majorCriteria = majorCriteria
    }

    /// The planner of a run: pipeline.yml's document rules and major-decision catalogue.
    init(config: PipelineConfig, index: RenderStage.IngestIndex) {
        let catalogue = config.legalReview.catalogue
        self.init(index: index, rules: config.documentRules, hearingEligible: catalogue.hearingEligible,
                  majorCriteria: catalogue.rules(for:))
    }

    /// The documents of `cases` that get any, in their order. Building a case's document data is most
    /// of planning: on every core (one core took 20 s at 20,000 cases).
    func plan(_ cases: [EnforcementCase]) -> [CaseDocuments] {
        concurrentMap(cases, chunkSize: 64) { entry(for: $0) }.compactMap { $0 }
    }

    /// The case's documents and their data; nil when the rules give it none or its agency is unknown.
    func entry(for item: EnforcementCase) -> CaseDocuments? {
        let ingest = index.ingest
        guard let agency = index.agencies[item.agencyCode] else { return nil }
        let review = index.reviews[item.id]
        let details = ingest.details(of: item)
        let kinds = RenderStage.kinds(of: item, rules: rules, reviewed: review != nil, details: details)
        guard !kinds.isEmpty else { return nil }
        // Only the decisions carry the decision's number: notices, 催告书, status changes and any
        // kind an agency adds have numbers of their own (or none), so they are not listed under it.
        let served = kinds.filter { DocumentKind.publishedDecisions.contains($0) }
            .map { "《\($0)》" + (item.docNo.isEmpty ? "" : "（\(item.docNo)）") }
        let context = CaseContext(agency: agency, officers: index.officers)
        let criteria = review == nil ? [] : majorCriteria(item)
        let data = DocumentData.addingMajorCriteria(criteria, major: item.major, to: DocumentData.context(
            for: item, context: context, review: review, documents: served, hearingEligible: hearingEligible(item),
            details: details, agencyDetails: ingest.agencyDetails[item.agencyCode],
            reviewDetails: review.flatMap { ingest.reviewDetails[$0.id] }))
        var entry = CaseDocuments(item: item, kinds: kinds, data: data, instances: [], majorCriteria: criteria,
                                  records: index.records[item.id] ?? [])
        entry.instances = RenderStage.instances(of: entry, context: context, details: details, reviewed: review != nil)
        guard !entry.instances.isEmpty else { return nil }
        entry.kinds = kinds.filter { kind in entry.instances.contains { $0.kind == kind } }
        return entry
    }
}
