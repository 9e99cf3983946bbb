import CaseModel
import Foundation

extension DocumentData {
    /// Contract v2 data of 行政处罚决定书、事先告知书、当场、不予、听证通知书, under the top-level
    /// names `penalty`, `penalty_notice`, `penalty_onsite`, `penalty_exempt` and `penalty_hearing`
    /// (Templates/documents/README.md lists them). Every name has a value for a v1 export too:
    /// the templates fall back to the v1 wording where a v2 value is empty.
    static func penaltyFamilyFields(_ inputs: DetailInputs) -> [String: TemplateValue] {
        guard inputs.item.actionType == .penalty else { return [:] }
        return [
            "penalty": PenaltyFamily.decision(inputs),
            "penalty_notice": PenaltyFamily.notice(inputs),
            "penalty_onsite": PenaltyFamily.onsite(inputs),
            "penalty_exempt": PenaltyFamily.exemption(inputs),
            "penalty_hearing": PenaltyFamily.hearingNotice(inputs),
        ]
    }
}

/// The builders behind `penaltyFamilyFields`, one per document.
enum PenaltyFamily {
    /// 行政处罚决定书 (and what 当场 and 不予 share with it).
    static func decision(_ inputs: DetailInputs) -> TemplateValue {
        let item = inputs.item, steps = inputs.details.procedure
        let lines = LegalText.penaltyLines(item, inputs.details, proposed: false)
        let confiscated = inputs.details.items(for: .confiscate)
        var fields: [String: TemplateValue] = [
            "items": .list(lines.map(lineValue)),
            "confiscated_items": .list(confiscated.map(itemValue)),
            "has_confiscated_items": .flag(!confiscated.isEmpty),
            "filed_on": .text(steps.filedOn?.chinese ?? ""),
            "intro": .text(intro(item, filedOn: steps.filedOn)),
            "procedure": .list(procedureSentences(steps, hearingNoticeNo: hearingNoticeNumber(inputs)).map(TemplateValue.text)),
            "statement_made": .flag(steps.statement == .made),
            "statement_outcome": .text(steps.statementOutcome),
            "review": .text(inputs.review.map { reviewSentence($0, office: inputs.agency.legalOffice) } ?? ""),
            "discussed_on": .text(steps.discussedOn?.chinese ?? ""),
            "performance": .text(LegalText.performance(item, payment: inputs.agency)),
            "enforcement": .text(LegalText.courtEnforcement(item)),
        ]
        fields.merge(statusFields(item), uniquingKeysWith: { _, new in new })
        return .object(fields)
    }

    static func lineValue(_ line: PenaltyLine) -> TemplateValue {
        .object(["text": .text(line.text), "complete": .text(line.complete ? line.text : "")])
    }

    /// A row of the 没收物品清单 (internal copy only: 特征 may hold a plate, PublicCopy passes no items).
    private static func itemValue(_ item: SeizedItem) -> TemplateValue {
        .object(["index": .text("\(item.seq)"), "name": .text(item.name), "spec": .text(item.spec),
                 "quantity": .text(item.quantity.decimalString + item.unit), "features": .text(item.features),
                 "storage": .text(item.storage)])
    }

    /// 立案 with its date where the export gives it (v2 立案日期), else the v1 sentence.
    private static func intro(_ item: EnforcementCase, filedOn: CivilDate?) -> String {
        let name = item.title.hasSuffix("案") ? item.title : item.title + "案"
        guard let filedOn else { return "\(name)，本机关依法立案调查，现已调查终结。" }
        return "\(name)，本机关于\(filedOn.chinese)立案调查，现已调查终结。"
    }

    /// 告知, 听证 and 陈述申辩 as they happened (行政处罚法 第四十四条、第四十五条、第六十四条);
    /// nothing for a v1 export, which does not record them.
    static func procedureSentences(_ steps: ProcedureSteps, hearingNoticeNo: String) -> [String] {
        var sentences: [String] = []
        if let notified = steps.notifiedOn {
            let number = steps.noticeDocNo.isEmpty ? "" : "（\(steps.noticeDocNo)）"
            sentences.append("本机关于\(notified.chinese)向当事人送达了《行政处罚事先告知书》\(number)，告知当事人拟作出行政处罚的"
                             + "事实、理由、依据和内容，以及依法享有的陈述、申辩等权利。")
        }
        if let hearing = hearingSentence(steps, number: hearingNoticeNo) { sentences.append(hearing) }
        switch steps.statement {
        case .made?: if !steps.statementOutcome.isEmpty { sentences.append(steps.statementOutcome) }
        case .none?: sentences.append("当事人在法定期限内未提出陈述、申辩。")
        case nil: break
        }
        return sentences
    }

    private static func hearingSentence(_ steps: ProcedureSteps, number: String) -> String? {
        guard steps.hearingRequestedOn != nil || steps.hearingOn != nil else { return nil }
        var text = steps.hearingRequestedOn.map { "当事人于\($0.chinese)提出听证申请" } ?? "当事人提出听证申请"
        if let notified = steps.hearingNotifiedOn {
            text += "，本机关于\(notified.chinese)向当事人送达了《听证通知书》" + (number.isEmpty ? "" : "（\(number)）")
        }
        if let held = steps.hearingOn { text += "，并于\(held.chinese)依法举行了听证" }
        return text + "。"
    }

    /// 法制审核 (行政处罚法 第五十八条) by the agency's 法制机构 where agencies.csv (v2) names it.
    private static func reviewSentence(_ review: Review, office: String) -> String {
        var text = "本案经\(office.isEmpty ? "本机关法制机构" : office)进行法制审核，"
            + "审核意见为“\(review.conclusion.rawValue)”（\(review.reviewedOn.chinese)）"
        if !review.recheckConclusion.isEmpty {
            text += "，经复核，复核意见为“\(review.recheckConclusion)”" + (review.recheckedOn.map { "（\($0.chinese)）" } ?? "")
        }
        return text + "。"
    }

    /// A decision 撤销 or 变更 after it was made is regenerated with its status, date and reason on it.
    static func statusFields(_ item: EnforcementCase) -> [String: TemplateValue] {
        guard item.status != .inForce else {
            return ["status_changed": .flag(false), "status_mark": .text(""), "status_note": .text("")]
        }
        let withdrawn = item.status == .withdrawn
        let verb = withdrawn ? "撤销" : "变更"
        let date = item.statusDate?.chinese ?? ""
        let mark = "【\(item.status.rawValue)】本决定已于\(date.isEmpty ? "　　年　　月　　日" : date)\(verb)"
        let note = "\(verb)理由：\(item.statusReason)。" + (withdrawn ? "本文书为存档文本，不再作为执行依据。" : "本决定的现行内容以变更决定为准。")
        return ["status_changed": .flag(true), "status_mark": .text(mark), "status_note": .text(note)]
    }

    /// 行政处罚事先告知书: what was known when it was served — the facts, the proposed penalty (拟) —
    /// under its own number and dated on the 告知日期; never the procedure that followed.
    static func notice(_ inputs: DetailInputs) -> TemplateValue {
        let steps = inputs.details.procedure
        let lines = LegalText.penaltyLines(inputs.item, inputs.details, proposed: true)
        return .object([
            "doc_no": .text(steps.noticeDocNo),
            "date": .text(steps.notifiedOn?.chinese ?? ""),
            // The PDF's creation date must be set for the bytes to be deterministic: a v1 export,
            // which has no 告知日期, falls back to the decision date there (the page itself shows a blank date).
            "date_iso": .text(steps.notifiedOn?.iso ?? inputs.item.decisionDate.iso),
            "items": .list(lines.map(lineValue)),
        ])
    }

    /// 当场行政处罚决定书: 当场收缴 only where 第六十八条第一项 allows it (a fine of 100 元 or less);
    /// the 陈述申辩 record where the export has it.
    static func onsite(_ inputs: DetailInputs) -> TemplateValue {
        let item = inputs.item, steps = inputs.details.procedure
        let smallFine = item.penaltyKinds.contains(.fine) && (item.fine.map { !$0.isZero && $0 <= Yuan(yuan: 100) } ?? false)
        var statement = ""
        switch steps.statement {
        case .made?: statement = steps.statementOutcome
        case .none?: statement = "当事人未提出陈述、申辩。"
        case nil: break
        }
        return .object([
            "collect_on_spot": .flag(smallFine),
            "pay_later": .flag(item.penaltyKinds.contains(.fine) && !smallFine),
            "payee": .text(LegalText.payee(inputs.agency)),
            "notified_on": .text(steps.notifiedOn?.chinese ?? ""),
            "statement_known": .flag(steps.statement != nil),
            "statement_made": .flag(steps.statement == .made),
            "statement": .text(statement),
        ])
    }

    /// 不予行政处罚决定书: the legal ground the data states, and the 第三十三条第三款 education.
    static func exemption(_ inputs: DetailInputs) -> TemplateValue {
        let item = inputs.item
        let ground = ExemptionGround.find(in: [item.discretion, item.decision])
        return .object([
            "ground": .text(ground?.citation ?? ""),
            "ground_text": .text(ground?.sentence ?? ""),
            "guardian_order": .text(ground?.guardianOrder ?? ""),
            "reason": .text(item.discretion.isEmpty ? item.decision : item.discretion),
        ])
    }

    /// 听证通知书 (行政处罚法 第六十四条), under its own number (`hearingNoticeNumber`). The contract has
    /// no hearing place, time of day or presiding officer: they are printed only when the export carries
    /// them in an extra column (听证地点, 听证主持人), never made up.
    static func hearingNotice(_ inputs: DetailInputs) -> TemplateValue {
        let steps = inputs.details.procedure, extra = inputs.item.extra
        return .object([
            "doc_no": .text(hearingNoticeNumber(inputs)),
            "date": .text(steps.hearingNotifiedOn?.chinese ?? ""),
            "date_iso": .text(steps.hearingNotifiedOn?.iso ?? inputs.item.decisionDate.iso),
            "requested_on": .text(steps.hearingRequestedOn?.chinese ?? ""),
            "hearing_on": .text(steps.hearingOn?.chinese ?? ""),
            "notice_doc_no": .text(steps.noticeDocNo),
            "place": .text(extra["听证地点"] ?? extra["hearing_place"] ?? ""),
            "host": .text(extra["听证主持人"] ?? extra["hearing_host"] ?? ""),
        ])
    }

    /// The 听证通知书's number: its row of deliveries.csv, else the number 办案经过 quotes
    /// (a delivery row may have been set aside while the case stays).
    static func hearingNoticeNumber(_ inputs: DetailInputs) -> String {
        let served = inputs.details.deliveries.first { $0.document == "听证通知书" && !$0.docNo.isEmpty }
        return served?.docNo ?? quotedNumber("听证通知书", in: inputs.details.procedure.narrative)
    }

    /// The number that follows 《kind》 in prose, e.g. 《听证通知书》（克区市监罚听〔2025〕1号）.
    static func quotedNumber(_ kind: String, in text: String) -> String {
        guard let start = text.literalRange(of: "《\(kind)》（"), let end = text.literalRange(of: "）", from: start.upperBound) else { return "" }
        return String(text[start.upperBound..<end.lowerBound])
    }
}

/// Why a 不予行政处罚 is lawful, as the case's 裁量说明 or 处理决定 cites 行政处罚法.
struct ExemptionGround: Equatable {
    var article: String
    var paragraph: String

    var citation: String { "《中华人民共和国行政处罚法》第\(article)条" + (paragraph.isEmpty ? "" : "第\(paragraph)款") }
    var sentence: String { "根据\(citation)的规定，本机关决定对当事人不予行政处罚。" }

    /// 第三十条 (under fourteen) and 第三十一条 (mental illness) also order the guardian to act.
    var guardianOrder: String {
        switch article {
        case "三十": return "依据《中华人民共和国行政处罚法》第三十条的规定，责令当事人的监护人加以管教。"
        case "三十一": return "依据《中华人民共和国行政处罚法》第三十一条的规定，责令当事人的监护人严加看管和治疗。"
        default: return ""
        }
    }

    /// 第三十条, 第三十一条, 第三十三条第一款/第二款 (第三款 is the education, not a ground), 第三十六条 (时效):
    /// the first the texts cite.
    static func find(in texts: [String]) -> ExemptionGround? {
        for text in texts {
            var rest = Substring(text)
            while let cited = rest.literalRange(of: "行政处罚法》第") {
                rest = rest[cited.upperBound...]
                if let ground = ground(at: rest) { return ground }
            }
        }
        return nil
    }

    private static func ground(at text: Substring) -> ExemptionGround? {
        // Longest first: 三十一 and 三十三 before 三十.
        guard let article = ["三十一", "三十三", "三十六", "三十"].first(where: { text.hasPrefix($0 + "条") }) else { return nil }
        let after = text.dropFirst(article.count + 1)
        if after.hasPrefix("第三款") { return nil }
        let paragraph = ["一", "二"].first { after.hasPrefix("第\($0)款") } ?? ""
        return ExemptionGround(article: article, paragraph: paragraph)
    }
}
