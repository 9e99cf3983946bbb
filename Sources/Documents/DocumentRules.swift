import CaseModel
import Foundation
import Typesetting

/// When a case gets a kind of document: every condition set must hold.
public struct DocumentRule: Sendable, Equatable {
    public var kind: String
    /// Empty: any.
    public var actionTypes: Set<ActionType> = []
    public var procedures: Set<Procedure> = []
    /// Empty: any 状态 (有效, 已变更, 已撤销).
    public var statuses: Set<CaseStatus> = []
    /// Whether the decision imposes a penalty (has penalty kinds).
    public var penalized: Bool?
    /// Any of these words in the 案由.
    public var titleContains: [String] = []
    /// Any of these words in the decision text.
    public var decisionContains: [String] = []
    /// None of these words in the decision text.
    public var decisionLacks: [String] = []
    /// Whether the case has a 送达日期.
    public var served: Bool?
    /// Whether the case has an accepted 法制审核.
    public var reviewed: Bool?
    /// Contract v2 facts the case must have (all of them), e.g. a 听证通知 or a 催告.
    public var has: Set<CaseFact> = []

    public init(kind: String) { self.kind = kind }

    /// `details`: the case's contract v2 data (empty for a v1 export), for `has`. Words are found byte for byte (`includes`):
    /// the rules are applied to every case for its input key each night, and Foundation's search was 2 % of a 1 % night.
    public func applies(to item: EnforcementCase, reviewed hasReview: Bool, details: CaseDetails? = nil) -> Bool {
        if !has.isEmpty {
            let details = details ?? CaseDetails(caseID: item.id)
            guard has.allSatisfy({ $0.holds(for: item, details) }) else { return false }
        }
        if !actionTypes.isEmpty, !actionTypes.contains(item.actionType) { return false }
        if !procedures.isEmpty, !(item.procedure.map(procedures.contains) ?? false) { return false }
        if !statuses.isEmpty, !statuses.contains(item.status) { return false }
        if let penalized, penalized == item.penaltyKinds.isEmpty { return false }
        if !titleContains.isEmpty, !titleContains.contains(where: { item.title.includes($0) }) { return false }
        if !decisionContains.isEmpty, !decisionContains.contains(where: { item.decision.includes($0) }) { return false }
        if decisionLacks.contains(where: { item.decision.includes($0) }) { return false }
        if let served, served != (item.servedDate != nil) { return false }
        if let reviewed, reviewed != hasReview { return false }
        return true
    }

    /// The mapping pipeline.yml starts from (its `documents` section replaces it).
    public static let defaults: [DocumentRule] = {
        func rule(_ kind: String, _ configure: (inout DocumentRule) -> Void) -> DocumentRule {
            var rule = DocumentRule(kind: kind)
            configure(&rule)
            return rule
        }
        return [
            rule("行政处罚事先告知书") { $0.actionTypes = [.penalty]; $0.procedures = [.ordinary]; $0.penalized = true },
            // 行政处罚法 第六十四条第二项: the party who asked for a hearing is notified of it.
            rule("听证通知书") { $0.actionTypes = [.penalty]; $0.has = [.hearingNotified] },
            rule("行政处罚决定书") { $0.actionTypes = [.penalty]; $0.procedures = [.ordinary]; $0.penalized = true },
            rule("当场行政处罚决定书") { $0.actionTypes = [.penalty]; $0.procedures = [.simple]; $0.penalized = true },
            rule("不予行政处罚决定书") { $0.actionTypes = [.penalty]; $0.penalized = false },
            rule("责令改正通知书") { $0.actionTypes = [.inspection]; $0.decisionContains = ["责令"] },
            rule("查封扣押决定书") { $0.actionTypes = [.coercion]; $0.titleContains = ["查封", "扣押"] },
            // 行政强制法 第三十五条: a 催告 precedes every 强制执行 decision; only v2 exports record it.
            rule("催告书") { $0.actionTypes = [.coercion]; $0.has = [.demandIssued] },
            rule("行政强制执行决定书") { $0.actionTypes = [.coercion]; $0.titleContains = ["强制执行", "拆除", "代履行"] },
            rule("行政许可决定书") { $0.actionTypes = [.licensing]; $0.decisionLacks = ["不予"] },
            rule("不予行政许可决定书") { $0.actionTypes = [.licensing]; $0.decisionContains = ["不予"] },
            // A withdrawn or changed decision gets the document that withdrew or changed it (行政处罚法 第四十八条).
            rule("撤销决定书") { $0.statuses = [.withdrawn] },
            rule("变更决定书") { $0.statuses = [.changed] },
            rule("法制审核意见书") { $0.reviewed = true },
            // One receipt per deliveries.csv row; a v1 case (no rows) gets one from its 送达日期.
            rule("送达回证") { $0.has = [.served] },
            rule("案卷") { $0.has = [.closed] },
        ]
    }()
}

/// A fact of a case's contract v2 data that a document depends on (`has:` in pipeline.yml).
public enum CaseFact: String, CaseIterable, Sendable {
    /// 听证通知日期: the party asked for a hearing and was notified of it.
    case hearingNotified = "听证通知"
    /// 听证日期: a hearing was held.
    case hearingHeld = "听证"
    /// 催告日期 or 催告文书编号 (行政强制法 第三十五条).
    case demandIssued = "催告"
    /// Any 改正 column: the case ordered a 责令改正.
    case rectificationOrdered = "责令改正"
    /// deliveries.csv has a row for the case.
    case deliveryRecorded = "送达记录"
    /// Something of the case was served: a 送达日期 (v1) or a deliveries.csv row (v2).
    case served = "送达"
    /// The case was decided: it has a 文书编号, the number of its decision (the 案卷 is bound then).
    case closed = "结案"

    public func holds(for item: EnforcementCase, _ details: CaseDetails) -> Bool {
        switch self {
        case .hearingNotified: return details.procedure.hearingNotifiedOn != nil
        case .hearingHeld: return details.procedure.hearingOn != nil
        case .demandIssued: return details.coercion.map { $0.demandOn != nil || !$0.demandDocNo.isEmpty } ?? false
        case .rectificationOrdered: return details.rectification != nil
        case .deliveryRecorded: return !details.deliveries.isEmpty
        case .served: return item.servedDate != nil || !details.deliveries.isEmpty
        case .closed: return !item.docNo.isEmpty
        }
    }
}

/// Document templates by kind, read from `Templates/documents/<kind>.xml` and parsed once.
public struct TemplateLibrary: Sendable {
    public let folder: URL
    public private(set) var templates: [String: Template] = [:]

    public init(folder: URL) throws {
        self.folder = folder
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".xml") }.sorted()
        } catch {
            throw TemplateError(file: folder.path, line: 0, problem: "文书模板文件夹不存在或无法读取")
        }
        for name in names {
            let url = folder.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw TemplateError(file: url.path, line: 0, problem: "无法读取")
            }
            templates[String(name.dropLast(4))] = try Template(String(decoding: data, as: UTF8.self), file: url.path)
        }
    }

    public var kinds: [String] { templates.keys.sorted() }

    /// The document of one kind for one case, with the statutory elements its template declares.
    public func prepare(_ kind: String, data: TemplateValue) throws -> PreparedDocument {
        guard let template = templates[kind] else {
            throw TemplateError(file: folder.appendingPathComponent(kind + ".xml").path, line: 0, problem: "没有这种文书的模板")
        }
        let (document, elements) = try DocumentMarkup.read(template.render(data), file: template.file)
        return PreparedDocument(kind: kind, document: document, elements: elements)
    }
}

public struct PreparedDocument: Sendable {
    public var kind: String
    public var document: Typesetting.Document
    public var elements: [StatutoryElement]

    public var missing: [StatutoryElement] { elements.filter { !$0.isPresent } }
}
