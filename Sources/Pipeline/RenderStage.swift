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

    enum CodingKeys: String, CodingKey { case documents, pages, byKind = "by_kind", casesSetAside = "cases_set_aside", kept }
}

/// What the last run rendered from: the templates and settings (one fingerprint) and,
/// per case, a hash of its data, its review, its agency and its officers.
/// Kept in the state store, written when the documents it describes are committed.
public struct RenderMemo: Codable, Equatable, Sendable {
    public var fingerprint: String
    public var cases: [String: String]
}

/// One case's documents: the kinds the mapping gives it and the data the templates read.
public struct CaseDocuments: Sendable {
    public var item: EnforcementCase
    public var kinds: [String]
    public var data: TemplateValue

    public func path(of kind: String) -> String { "internal/documents/\(item.agencyCode)/\(item.id)/\(kind).pdf" }
}

/// Renders the documents of accepted cases on every core; each worker hands
/// the bytes it made straight to the output writer, so writing overlaps
/// rendering. A case lacking a statutory element of any of its documents gets
/// none of them and is set aside.
public struct RenderStage {
    public let renderer: DocumentRenderer

    public init(renderer: DocumentRenderer) { self.renderer = renderer }

    /// Which documents each case gets, by the rules of pipeline.yml, in rule order.
    public static func plan(for ingest: IngestResult, rules: [DocumentRule],
                            hearingEligible: (EnforcementCase) -> Bool = { _ in false }) -> [CaseDocuments] {
        let agencies = Dictionary(ingest.agencies.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        let officers = Dictionary(ingest.officers.map { ($0.certNo, $0) }, uniquingKeysWith: { first, _ in first })
        let reviews = Dictionary(ingest.reviews.map { ($0.caseID, $0) }, uniquingKeysWith: { first, _ in first })
        return ingest.cases.compactMap { item in
            guard let agency = agencies[item.agencyCode] else { return nil }
            let review = reviews[item.id]
            let kinds = Self.kinds(of: item, rules: rules, reviewed: review != nil, details: ingest.details(of: item))
            guard !kinds.isEmpty else { return nil }
            let served = kinds.filter { ![DocumentKind.serviceReceipt, DocumentKind.reviewOpinion, "行政处罚事先告知书", "听证通知书"].contains($0) }
                .map { "《\($0)》" + (item.docNo.isEmpty ? "" : "（\(item.docNo)）") }
            let data = DocumentData.context(for: item, context: CaseContext(agency: agency, officers: officers), review: review,
                                            documents: served, hearingEligible: hearingEligible(item),
                                            details: ingest.details(of: item), agencyDetails: ingest.agencyDetails[item.agencyCode],
                                            reviewDetails: review.flatMap { ingest.reviewDetails[$0.id] })
            return CaseDocuments(item: item, kinds: kinds, data: data)
        }
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
    public func run(_ plan: [CaseDocuments], write: (String, [UInt8]) throws -> Void,
                    unchanged: Set<String> = [], keep: ((String) throws -> Void)? = nil,
                    progress: ((Int, Int) -> Void)? = nil) throws -> (summary: RenderSummary, problems: [Problem]) {
        var summary = RenderSummary(documents: 0, pages: 0, byKind: [:], casesSetAside: 0)
        var problems: [Problem] = []
        var work: [CaseDocuments] = []
        for entry in plan {
            if unchanged.contains(entry.item.id), let keep {
                for kind in entry.kinds { try keep(entry.path(of: kind)) }
                summary.kept += entry.kinds.count
                summary.byKind.merge(entry.kinds.map { ($0, 1) }, uniquingKeysWith: +)
                summary.documents += entry.kinds.count
            } else {
                work.append(entry)
            }
        }
        let plan = work
        let batch = 128
        for start in stride(from: 0, to: plan.count, by: batch) {
            let slice = Array(plan[start..<min(plan.count, start + batch)])
            let outcomes = concurrentMap(slice, chunkSize: 1) { render($0, write: write) }
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

    /// All of a case's documents are prepared before any is written: a missing
    /// element in the last one means none of them is written.
    private func render(_ entry: CaseDocuments, write: (String, [UInt8]) throws -> Void) -> Outcome {
        do {
            let prepared = try entry.kinds.map { try renderer.prepare($0, data: entry.data) }
            return .rendered(try prepared.map { document in
                let rendered = try renderer.render(document)
                try write(entry.path(of: document.kind), rendered.bytes)
                return (document.kind, rendered.pageCount)
            })
        } catch let missing as MissingStatutoryElements {
            return .missing(missing)
        } catch {
            return .failed(error)
        }
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
        bytes += Array(entry.kinds.joined(separator: "|").utf8)
        return StateStore.contentHash(bytes)
    }

    /// Lookups of the records a case's documents read.
    struct IngestIndex {
        let reviews: [String: Review]
        let agencies: [String: Agency]
        let officers: [String: Officer]
        let ingest: IngestResult

        init(_ ingest: IngestResult) {
            self.ingest = ingest
            reviews = Dictionary(ingest.reviews.map { ($0.caseID, $0) }, uniquingKeysWith: { first, _ in first })
            agencies = Dictionary(ingest.agencies.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
            officers = Dictionary(ingest.officers.map { ($0.certNo, $0) }, uniquingKeysWith: { first, _ in first })
        }

        /// Contract v2 data the documents read: the case's details, its agency's and its review's.
        /// JSON with sorted keys, so the bytes are the same in every process.
        func detailsPayload(_ item: EnforcementCase) throws -> [UInt8] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            var bytes: [UInt8] = []
            bytes += try encoder.encode(ingest.details(of: item))
            if let agency = ingest.agencyDetails[item.agencyCode] { bytes += try encoder.encode(agency) }
            if let review = reviews[item.id], let extra = ingest.reviewDetails[review.id] { bytes += try encoder.encode(extra) }
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

    func run(_ run: RunContext, into output: OutputWriter) throws -> StageOutcome {
        let config = run.config
        let plan = RenderStage.plan(for: run.ingest, rules: config.documentRules,
                                    hearingEligible: config.legalReview.catalogue.hearingEligible)
        let index = RenderStage.IngestIndex(run.ingest)
        let keys = try concurrentMap(plan) { entry in Result { (entry.item.id, try RenderStage.dataKey(entry, ingest: index)) } }
            .map { try $0.get() }
        let memo = RenderMemo(fingerprint: try PipelineRunner.renderFingerprint(config),
                              cases: Dictionary(keys, uniquingKeysWith: { first, _ in first }))
        var unchanged = Set<String>()
        if let previous = run.previous.renderMemo, previous.fingerprint == memo.fingerprint {
            for entry in plan where previous.cases[entry.item.id] == memo.cases[entry.item.id]
                && entry.kinds.allSatisfy({ output.exists(entry.path(of: $0)) }) {
                unchanged.insert(entry.item.id)
            }
        }
        let result = try RenderStage(renderer: try run.renderer()).run(
            plan, write: { try output.write($1, to: $0) }, unchanged: unchanged, keep: { try output.preserve($0) }) {
            run.events?(.rows(done: $0, total: $1))
        }
        var summary = result.summary
        summary.casesSetAside += run.casesMissingElements
        var state = StateChanges()
        var written = memo
        for problem in result.problems { if let id = problem.caseID { written.cases.removeValue(forKey: id) } }
        state.renderMemo = written
        return StageOutcome(summary: .documents(summary), state: state, setAside: result.problems)
    }
}
