import CaseModel
import Foundation
import Typesetting

/// Renders case documents with one shared typesetter; safe to call from
/// several threads at once.
public final class DocumentRenderer: @unchecked Sendable {
    public let typesetter: Typesetter

    public init(fontManifest: URL) throws {
        typesetter = Typesetter(fonts: try FontSet.load(manifest: fontManifest))
    }

    public init(typesetter: Typesetter) { self.typesetter = typesetter }

    /// The 行政处罚决定书 of a 普通程序 penalty case.
    public func penaltyDecision(_ item: EnforcementCase, context: CaseContext,
                                profile: OutputProfile = .archive) throws -> RenderedDocument {
        try typesetter.render(PenaltyDecision.document(for: item, context: context), profile: profile)
    }

    /// The 法制审核意见书 of a review.
    public func reviewOpinion(_ review: Review, item: EnforcementCase, context: CaseContext,
                              profile: OutputProfile = .archive) throws -> RenderedDocument {
        try typesetter.render(ReviewOpinion.document(for: review, item: item, context: context), profile: profile)
    }
}
