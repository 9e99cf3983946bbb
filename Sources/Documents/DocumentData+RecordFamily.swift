import CaseModel
import Foundation

/// The data of 法制审核意见书 (`opinion.`), 送达回证 (`delivery.`, one per receipt) and
/// 案卷 (`dossier.`), as Templates/documents/README.md lists them.
extension DocumentData {
    /// Contract v2 data of the 法制审核意见书; receipts and the 案卷 get theirs per document (`receipts`, `dossierFields`).
    static func recordFamilyFields(_ inputs: DetailInputs) -> [String: TemplateValue] {
        guard let review = inputs.review else { return [:] }
        return ["opinion": opinionFields(review, inputs)]
    }

    /// The major-decision criteria the catalogue matched (MajorDecisionCatalogue.rules), put into
    /// `opinion.criteria`; without any the opinion says how the case came to be reviewed.
    public static func addingMajorCriteria(_ criteria: [String], major: Bool, to data: TemplateValue) -> TemplateValue {
        guard data["opinion"] != nil else { return data }
        return data.replacing("opinion.criteria", with: .list(criteria.map(TemplateValue.text)))
            .replacing("opinion.criteria_text", with: .text(criteriaText(criteria, major: major)))
    }

    static func criteriaText(_ criteria: [String], major: Bool) -> String {
        if !criteria.isEmpty { return criteria.joined(separator: "；") }
        // 第五十八条第一款第三项 (疑难复杂) and other matters no catalogue rule can see.
        return major ? "办案系统认定为重大执法决定（目录清单未列明的情形）" : "承办机构提请法制审核"
    }

    private static func opinionFields(_ review: Review, _ inputs: DetailInputs) -> TemplateValue {
        let office = inputs.agency.legalOffice
        let certs = inputs.reviewDetails?.reviewerCerts ?? []
        let reviewers = review.reviewers.enumerated().map { index, name in
            TemplateValue.object(["index": .text("\(index + 1)"), "name": .text(name),
                                  "cert": .text(index < certs.count ? certs[index] : "")])
        }
        let proposed = inputs.reviewDetails?.proposedDecision ?? ""
        return .object([
            // A v1 export has no 法制机构 column: the agency signs for its legal office, as before.
            "office": .text(office.isEmpty ? inputs.context.agency.name : office),
            "office_phrase": .text(office.isEmpty ? "本机关法制审核机构" : office),
            // A v1 review carries no 拟作出决定: the decision made stands in, and the opinion says so.
            "proposed_decision": .text(proposed.isEmpty ? inputs.item.decision : proposed),
            "proposed_stated": .flag(!proposed.isEmpty),
            "reviewers": .list(reviewers),
            // 审核人员证号 is a v2 column: where the export has it, every reviewer must have one.
            "certs_recorded": .flag(!certs.isEmpty),
            "criteria": .list([]),
            "criteria_text": .text(criteriaText([], major: inputs.item.major)),
        ])
    }
}

// MARK: 送达回证

extension DocumentData {
    /// One `delivery` value per 送达回证: a deliveries.csv row each (document and recipient), or,
    /// for a case with no rows (a v1 export), one for its decision from the 送达日期.
    /// `decisionKind`: the name of the case's decision document for that fallback.
    public static func receipts(for item: EnforcementCase, context: CaseContext, details: CaseDetails?,
                                decisionKind: String) -> [TemplateValue] {
        let rows = details?.deliveries ?? []
        let values: [[String: TemplateValue]]
        if !rows.isEmpty {
            values = rows.map { receipt($0, context) }
        } else if let served = item.servedDate {
            values = [fallbackReceipt(item, served: served, context: context, decisionKind: decisionKind)]
        } else {
            values = []
        }
        return values.enumerated().map { index, fields in
            var fields = fields
            fields["index"] = .text("\(index + 1)")
            fields["count"] = .text("\(values.count)")
            return .object(fields)
        }
    }

    private static func receipt(_ row: Delivery, _ context: CaseContext) -> [String: TemplateValue] {
        let document = row.document.trimmingCharacters(in: CharacterSet(charactersIn: "《》"))
        var fields = receiptBase(document: document, docNo: row.docNo, recipient: row.recipient, place: row.place,
                                 servers: row.servers, context: context)
        fields["recorded"] = .flag(true)
        fields["method"] = .text(methodName(row.method))
        fields["lien"] = .flag(row.method == .lien)
        fields["served_at"] = .text(chineseTime(row.servedAt))
        fields["served_on"] = .text(row.servedAt.date.chinese)
        fields["served_on_iso"] = .text(row.servedAt.date.iso)
        fields["receiver"] = .text(row.receiver)
        fields["relation"] = .text(row.relation)
        fields["witnesses"] = .list(row.witnesses.map(TemplateValue.text))
        fields["witnesses_text"] = .text(row.witnesses.joined(separator: "、"))
        // The template ends the note with its own 。.
        var note = row.note.trimmingCharacters(in: .whitespacesAndNewlines)
        while note.hasSuffix("。") || note.hasSuffix("；") { note.removeLast() }
        fields["note"] = .text(note)
        return fields
    }

    /// v1: the decision, to the party at its address, on the 送达日期 (no time, way, receiver or witness known:
    /// the form leaves them to be filled in by hand).
    private static func fallbackReceipt(_ item: EnforcementCase, served: CivilDate, context: CaseContext,
                                        decisionKind: String) -> [String: TemplateValue] {
        var fields = receiptBase(document: decisionKind, docNo: item.docNo, recipient: item.party.name,
                                 place: item.party.address, servers: item.officerCerts, context: context)
        fields["recorded"] = .flag(false)
        fields["method"] = .text("")
        fields["lien"] = .flag(false)
        fields["served_at"] = .text(served.chinese)
        fields["served_on"] = .text(served.chinese)
        fields["served_on_iso"] = .text(served.iso)
        for key in ["receiver", "relation", "witnesses_text", "note"] { fields[key] = .text("") }
        fields["witnesses"] = .list([])
        return fields
    }

    private static func receiptBase(document: String, docNo: String, recipient: String, place: String,
                                    servers: [String], context: CaseContext) -> [String: TemplateValue] {
        let people = servers.map { cert -> (name: String, cert: String) in (context.officers[cert]?.name ?? "", cert) }
        return [
            "document": .text(document), "doc_no": .text(docNo),
            "name_and_no": .text(document.isEmpty ? "" : "《\(document)》" + (docNo.isEmpty ? "" : "（\(docNo)）")),
            "recipient": .text(recipient), "place": .text(place),
            // An officer missing from officers.csv is still named by the certificate the case system recorded.
            "servers": .list(people.map { person in
                .object(["name": .text(person.name.isEmpty ? "执法证号\(person.cert)" : person.name), "cert": .text(person.cert)])
            }),
            "servers_text": .text(people.map { $0.name.isEmpty ? "执法证号\($0.cert)" : "\($0.name)（执法证号：\($0.cert)）" }
                .joined(separator: "、")),
        ]
    }

    /// 直接 → 直接送达 …, as the 送达回证 names the way (民事诉讼法 第八十八条至第九十五条).
    static func methodName(_ method: DeliveryMethod) -> String { method.rawValue + "送达" }

    /// 2025年3月14日10时05分.
    static func chineseTime(_ time: CivilDateTime) -> String {
        time.date.chinese + "\(time.hour)时" + (time.minute < 10 ? "0" : "") + "\(time.minute)分"
    }

    /// The decision a v1 receipt names: the case's own decision kind, else the document its action type issues.
    public static func decisionDocumentName(_ item: EnforcementCase, kinds: [String]) -> String {
        if let kind = kinds.first(where: { DocumentKind.publishedDecisions.contains($0) }) { return kind }
        switch item.actionType {
        case .penalty: return item.penaltyKinds.isEmpty ? "不予行政处罚决定书" : "行政处罚决定书"
        case .licensing: return "行政许可决定书"
        case .coercion: return "行政强制决定书"
        case .levy: return "行政征收决定书"
        case .charge: return "缴费通知书"
        case .confirmation: return "行政确认决定书"
        case .benefit: return "行政给付决定书"
        case .adjudication: return "行政裁决书"
        case .inspection: return "检查结果通知书"
        case .other: return "处理决定书"
        }
    }
}
