import ErrorReporting
import CaseModel
import Foundation
import Typesetting

/// The names of the document kinds the code itself refers to.
public enum DocumentKind {
    public static let penaltyDecision = "行政处罚决定书"
    public static let onSitePenaltyDecision = "当场行政处罚决定书"
    public static let rectificationNotice = "责令改正通知书"
    public static let reviewOpinion = "法制审核意见书"
    public static let serviceReceipt = "送达回证"
    /// The archival volume of a closed case: cover, catalogue, then every other document of the case.
    public static let dossier = "案卷"

    /// The decisions the portal publishes as PDF (the first of a case's kinds in this set).
    /// An allow-list: any other kind, including one an agency adds with its own template
    /// (notices, receipts, the 案卷, the review opinion), stays internal. 催告书 is a procedural notice;
    /// 撤销决定书 and 变更决定书 stay internal too: 行政处罚法 第四十八条 asks the portal to withdraw the
    /// published decision and state the reason publicly, which the portal's withdrawal notice and change note do.
    public static let publishedDecisions: Set<String> = [
        penaltyDecision, onSitePenaltyDecision, "不予行政处罚决定书", rectificationNotice, "查封扣押决定书",
        "行政强制执行决定书", "行政许可决定书", "不予行政许可决定书",
    ]
}

/// A case that lacks statutory elements of a document it must get.
public struct MissingStatutoryElements: SanxiangError, Sendable {
    public var kind: String
    public var elements: [StatutoryElement]

    public init(kind: String, elements: [StatutoryElement]) {
        self.kind = kind
        self.elements = elements
    }

    public var message: String {
        "缺少《\(kind)》的法定要素：" + elements.map { "\($0.name)（\($0.basis)）" }.joined(separator: "、")
    }
}

/// Renders case documents from the templates with one shared typesetter; safe
/// to call from several threads at once.
public final class DocumentRenderer: @unchecked Sendable {
    public let typesetter: Typesetter
    public let templates: TemplateLibrary

    public init(fontManifest: URL, templates folder: URL) throws {
        typesetter = Typesetter(fonts: try FontSet.load(manifest: fontManifest))
        templates = try TemplateLibrary(folder: folder)
    }

    public init(typesetter: Typesetter, templates: TemplateLibrary) {
        self.typesetter = typesetter
        self.templates = templates
    }

    /// The document model of one kind, refusing a case that lacks a statutory element.
    public func prepare(_ kind: String, data: TemplateValue) throws -> PreparedDocument {
        let prepared = try templates.prepare(kind, data: data)
        let missing = prepared.missing
        guard missing.isEmpty else { throw MissingStatutoryElements(kind: kind, elements: missing) }
        return prepared
    }

    public func render(_ prepared: PreparedDocument, profile: OutputProfile = .archive) throws -> RenderedDocument {
        try typesetter.render(prepared.document, profile: profile)
    }

    public func render(_ kind: String, data: TemplateValue, profile: OutputProfile = .archive) throws -> RenderedDocument {
        try render(prepare(kind, data: data), profile: profile)
    }
}
