import CaseModel
import Foundation

/// The data a document template reads, built once per case: the case's own
/// fields plus what the law wants printed in a set form (dates as 2025年3月14日,
/// amounts as 人民币伍万元整（¥50,000.00）, the officers with their certificates,
/// the ways and time limits of review and litigation).
public enum DocumentData {
    /// `documents`: the case's other documents as 送达回证 lists them; `hearingEligible`:
    /// whether 行政处罚法 第六十三条 gives the party a hearing (the catalogue decides).
    /// `details`, `agencyDetails`, `reviewDetails`: what export contract v2 adds (empty for a v1 export).
    /// The public copy passes only what may be published (see `PublicCopy`).
    public static func context(for item: EnforcementCase, context: CaseContext, review: Review? = nil,
                               onsiteNumber: String? = nil, documents: [String] = [],
                               hearingEligible: Bool = false, details: CaseDetails? = nil,
                               agencyDetails: AgencyDetails? = nil, reviewDetails: ReviewDetails? = nil) -> TemplateValue {
        var caseValue = caseFields(item)
        // A party who asked for a hearing was offered one (the catalogue's thresholds are the agency's
        // own and may be set lower than the case system's): the notice states the right it gave.
        let hearingOffered = hearingEligible || item.hearing || details?.procedure.hearingRequestedOn != nil
        caseValue = caseValue.replacing("hearing_eligible", with: .flag(hearingOffered))
        var fields: [String: TemplateValue] = [
            "agency": agency(context.agency),
            "case": caseValue,
            "documents": .list(documents.map(TemplateValue.text)),
            "documents_text": .text(documents.joined(separator: "、")),
            "party": party(item.party, guardian: details?.guardian ?? "", recordsGuardian: details.map(carriesV2) ?? false),
            "officers": .list(item.officerCerts.map { cert in
                .object(["name": .text(context.officers[cert]?.name ?? ""), "cert": .text(cert)])
            }),
            "officers_text": .text(LegalText.officerList(item, context)),
            "relief": .text(relief(context.agency)),
        ]
        if let review { fields["review"] = reviewFields(review) }
        let inputs = DetailInputs(item: item, context: context, details: details ?? CaseDetails(caseID: item.id),
                                  agency: agencyDetails ?? AgencyDetails(agencyCode: item.agencyCode),
                                  review: review, reviewDetails: reviewDetails)
        fields.merge(detailFields(inputs), uniquingKeysWith: { _, new in new })
        if let onsiteNumber { fields["onsite_number"] = .text(onsiteNumber) }
        return .object(fields)
    }

    private static func agency(_ agency: Agency) -> TemplateValue {
        .object([
            "name": .text(agency.name), "doc_prefix": .text(agency.docPrefix), "address": .text(agency.address),
            "phone": .text(agency.phone), "reconsideration_body": .text(agency.reconsiderationBody), "court": .text(agency.court),
        ])
    }

    private static func caseFields(_ item: EnforcementCase) -> TemplateValue {
        let title = item.title.hasSuffix("案") ? item.title : item.title + "案"
        let penalties = LegalText.penalties(item)
        return .object([
            "id": .text(item.id), "doc_no": .text(item.docNo), "title": .text(item.title), "case_name": .text(title),
            "action_type": .text(item.actionType.rawValue), "procedure": .text(item.procedure?.rawValue ?? ""),
            "facts": .text(item.facts), "evidence": .list(item.evidence.map(TemplateValue.text)),
            "has_evidence": .flag(!item.evidence.isEmpty),
            "violated_provisions": .text(item.violatedProvisions), "penalty_provisions": .text(item.penaltyProvisions),
            "discretion": .text(item.discretion), "decision": .text(item.decision),
            "penalty_kinds": .text(item.penaltyKinds.map(\.rawValue).joined(separator: "、")),
            "penalties": .list(penalties.map(TemplateValue.text)),
            "penalties_text": .text(penalties.joined()),
            "basis": .text(LegalText.basis(item)),
            "proposed_basis": .text(LegalText.basis(item).replacingOccurrences(of: "本机关决定对当事人作出", with: "本机关拟对当事人作出")),
            "has_fine": .flag(item.penaltyKinds.contains(.fine) && item.fine.map { !$0.isZero } == true),
            "fine": .text(item.fine.map(LegalText.amount) ?? ""),
            "fine_figure": .text(item.fine.map { "¥" + LegalText.grouped($0) } ?? ""),
            "confiscation": .text(item.confiscation.map(LegalText.amount) ?? ""),
            "performance": .text(LegalText.performance(item)),
            "decision_date": .text(item.decisionDate.chinese), "decision_date_iso": .text(item.decisionDate.iso),
            "served_date": .text(item.servedDate?.chinese ?? ""),
            "hearing": .flag(item.hearing),
            "status": .text(item.status.rawValue), "status_date": .text(item.statusDate?.chinese ?? ""),
            "status_reason": .text(item.statusReason),
            "seized_items": .list(seizedItems(item)),
        ])
    }

    /// The party's lines; a minor's 法定代理人 (民法典 第二十三条) where the export names one.
    /// `recordsGuardian`: the export is v2, whose 法定代理人 column a minor's case must fill,
    /// so `party.needs_guardian` lets a template require it (a v1 export has no such column).
    private static func party(_ party: Party, guardian: String, recordsGuardian: Bool) -> TemplateValue {
        var lines: [TemplateValue] = []
        func line(_ key: String, _ value: String) {
            if !value.isEmpty { lines.append(.object(["key": .text(key), "value": .text(value)])) }
        }
        let minor = party.isMinor && party.type == .naturalPerson
        line("当事人：", party.name)
        if party.type == .naturalPerson {
            line("\(party.idType?.rawValue ?? "证件")号码：", party.idNumber)
            line("住址：", party.address)
            if minor { line("法定代理人：", guardian) }
        } else {
            line("统一社会信用代码：", party.idNumber)
            line(party.type == .individualBusiness ? "经营者：" : "法定代表人（负责人）：", party.legalRepresentative)
            line("住所：", party.address)
        }
        return .object([
            "lines": .list(lines),
            "name": .text(party.name), "type": .text(party.type.rawValue),
            "is_person": .flag(party.type == .naturalPerson), "is_organisation": .flag(party.type != .naturalPerson),
            "id_type": .text(party.idType?.rawValue ?? (party.type == .naturalPerson ? "证件" : "统一社会信用代码")),
            "id_number": .text(party.idNumber), "legal_rep": .text(party.legalRepresentative),
            "legal_rep_title": .text(party.type == .individualBusiness ? "经营者" : "法定代表人（负责人）"),
            "address": .text(party.address), "phone": .text(party.phone),
            "is_minor": .flag(minor), "guardian": .text(minor ? guardian : ""),
            "needs_guardian": .flag(minor && recordsGuardian),
        ])
    }

    /// Whether the case's export is contract v2: any v2 column or file has data for it.
    static func carriesV2(_ details: CaseDetails) -> Bool {
        details.procedure != ProcedureSteps() || !details.guardian.isEmpty || details.rectification != nil
            || details.permit != nil || details.coercion != nil || !details.penalties.isEmpty || !details.items.isEmpty
            || !details.deliveries.isEmpty
    }

    private static func reviewFields(_ review: Review) -> TemplateValue {
        var items = ReviewItem.allCases.enumerated().map { index, item in
            TemplateValue.object(["index": .text("\(index + 1)"), "name": .text(item.chineseName),
                                  "question": .text(LegalText.question(item)),
                                  "result": .text(review.items[item]?.rawValue ?? "未审核")])
        }
        items.append(.object(["index": .text("\(items.count + 1)"), "name": .text("涉嫌犯罪移送"),
                              "question": .text("是否涉嫌犯罪、需要移送司法机关"), "result": .text(review.criminalReferral.rawValue)]))
        return .object([
            "id": .text(review.id), "submitted_on": .text(review.submittedOn.chinese), "items": .list(items),
            "conclusion": .text(review.conclusion.rawValue), "opinion": .text(review.opinion),
            "reviewers": .text(review.reviewers.joined(separator: "、")), "reviewed_on": .text(review.reviewedOn.chinese),
            "reviewed_on_iso": .text(review.reviewedOn.iso),
            "recheck": review.recheckRequestedOn.map { requested in
                .object(["requested_on": .text(requested.chinese),
                         "conclusion": .text(review.recheckConclusion.isEmpty ? "尚未复核" : review.recheckConclusion),
                         "answered_on": .text(review.recheckedOn?.chinese ?? "")])
            } ?? .flag(false),
        ])
    }

    /// 行政复议法 第二十条 (60 days), 行政诉讼法 第四十六条 (6 months).
    static func relief(_ agency: Agency) -> String {
        "当事人对本决定不服的，可以自收到本决定书之日起六十日内向\(agency.reconsiderationBody)申请行政复议，"
            + "或者自收到本决定书之日起六个月内依法向\(agency.court)提起行政诉讼。"
    }
}
