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

    enum CodingKeys: String, CodingKey { case documents, pages, byKind = "by_kind" }
}

/// One document to make: which kind, for which case, with what context.
public struct RenderJob: Sendable {
    public var kind: String
    public var item: EnforcementCase
    /// The review a 法制审核意见书 is made from.
    public var review: Review?
    public var context: CaseContext
    public var path: String
}

/// Renders the documents of accepted cases on every core and hands the bytes
/// to the output writer in a fixed order.
public struct RenderStage {
    public let renderer: DocumentRenderer

    public init(renderer: DocumentRenderer) { self.renderer = renderer }

    public static let penaltyDecision = "行政处罚决定书"

    /// The jobs for an ingest: every 普通程序 行政处罚 gets its 决定书, every accepted review its 法制审核意见书.
    public static func jobs(for ingest: IngestResult) -> [RenderJob] {
        let agencies = Dictionary(ingest.agencies.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        let officers = Dictionary(ingest.officers.map { ($0.certNo, $0) }, uniquingKeysWith: { first, _ in first })
        let reviews = Dictionary(ingest.reviews.map { ($0.caseID, $0) }, uniquingKeysWith: { first, _ in first })
        return ingest.cases.flatMap { item -> [RenderJob] in
            guard let agency = agencies[item.agencyCode] else { return [] }
            let context = CaseContext(agency: agency, officers: officers)
            let folder = "internal/documents/\(item.agencyCode)/\(item.id)"
            var jobs: [RenderJob] = []
            if item.actionType == .penalty, item.procedure == .ordinary {
                jobs.append(RenderJob(kind: penaltyDecision, item: item, review: nil, context: context,
                                      path: "\(folder)/\(penaltyDecision).pdf"))
            }
            if let review = reviews[item.id] {
                jobs.append(RenderJob(kind: ReviewOpinion.kind, item: item, review: review, context: context,
                                      path: "\(folder)/\(ReviewOpinion.kind).pdf"))
            }
            return jobs
        }
    }

    /// Penalty decisions only: what `sanxiang bench render` measures.
    public static func penaltyJobs(for ingest: IngestResult) -> [RenderJob] {
        jobs(for: ingest).filter { $0.kind == penaltyDecision }
    }

    private func render(_ job: RenderJob) throws -> RenderedDocument {
        if let review = job.review {
            return try renderer.reviewOpinion(review, item: job.item, context: job.context)
        }
        return try renderer.penaltyDecision(job.item, context: job.context)
    }

    /// Renders in batches so memory stays bounded on large exports.
    public func run(_ jobs: [RenderJob], write: (String, [UInt8]) throws -> Void,
                    progress: ((Int, Int) -> Void)? = nil) throws -> RenderSummary {
        var summary = RenderSummary(documents: 0, pages: 0, byKind: [:])
        let batch = 256
        for start in stride(from: 0, to: jobs.count, by: batch) {
            let slice = Array(jobs[start..<min(jobs.count, start + batch)])
            let results = concurrentMap(slice, chunkSize: 1) { job in Result { try render(job) } }
            for (job, result) in zip(slice, results) {
                let rendered = try result.get()
                try write(job.path, rendered.bytes)
                summary.documents += 1
                summary.pages += rendered.pageCount
                summary.byKind[job.kind, default: 0] += 1
            }
            progress?(min(jobs.count, start + batch), jobs.count)
        }
        return summary
    }
}
