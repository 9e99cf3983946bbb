import CaseModel
import Foundation

extension DocumentData {
    /// Contract v2 data of 责令改正、查封扣押、强制执行、催告书、许可、撤销/变更决定书.
    ///
    /// Every object is built for every case, with a `present` flag saying whether the export had
    /// the v2 data: a template prints its v2 wording (and requires the v2 elements) only under
    /// `{{#x.present}}`, and keeps a v1 wording otherwise — a v1 export, `sanxiang print` and
    /// the portal's public copy (which passes no details) still render.
    static func coercionFamilyFields(_ inputs: DetailInputs) -> [String: TemplateValue] {
        [
            "rectification": rectificationFields(inputs),
            "coercion": seizureFields(inputs),
            "enforcement": enforcementFields(inputs),
            "demand": demandFields(inputs),
            "permit": permitFields(inputs),
            "status_change": statusChangeFields(inputs),
        ]
    }

    /// The v1 查封扣押 list of the export's optional 查封扣押清单 column (`名称×数量；…`).
    /// Nothing is made up when the column is absent: the decision text names the things.
    static func seizedItems(_ item: EnforcementCase) -> [TemplateValue] {
        let column: String = item.extra["查封扣押清单"] ?? item.extra["seized_items"] ?? ""
        let listed = column.split(whereSeparator: { $0 == "；" || $0 == ";" }).map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
        return listed.enumerated().map { index, entry in
            let parts = entry.split(whereSeparator: { $0 == "×" || $0 == "x" || $0 == "X" }).map { String($0).trimmingSpaces }
            return .object(["index": .text("\(index + 1)"), "name": .text(parts.first ?? entry),
                            "quantity": .text(parts.count > 1 ? parts[1] : ""), "note": .text(""),
                            "spec": .text(""), "features": .text(""), "storage": .text("")])
        }
    }
}

// MARK: - 责令改正通知书

extension DocumentData {
    private static func rectificationFields(_ inputs: DetailInputs) -> TemplateValue {
        let item = inputs.item
        let relief = notice(relief: inputs.context.agency)
        guard let order = inputs.details.rectification else {
            return .object(["present": .flag(false), "doc_no": .text(item.docNo), "date": .text(item.decisionDate.chinese),
                            "date_iso": .text(item.decisionDate.iso), "relief": .text(relief),
                            "decision": .text(withoutRelief(item.decision)),
                            "consequence": .text(item.decision.includes("逾期不改正") ? "" : "逾期不改正的，本机关将依法处理。")])
        }
        // An inspection issues the notice on the day of the inspection; a penalty case ordered the
        // correction at discovery, and the notice's own service (送达回证) dates it best.
        let issued = item.actionType == .inspection ? item.decisionDate
            : (inputs.details.firstServedAt(order.docNo)?.date ?? item.decisionDate)
        return .object([
            "present": .flag(true), "doc_no": .text(order.docNo.isEmpty ? item.docNo : order.docNo),
            "date": .text(issued.chinese), "date_iso": .text(issued.iso), "by": .text(order.by?.chinese ?? ""),
            "what": .text(trimmedSentence(order.what)), "basis": .text(order.basis), "relief": .text(relief),
            "violation": .text(item.facts.includes(item.violatedProvisions) ? ""
                : "上述行为违反了\(item.violatedProvisions)的规定。"),
            "consequence": .text(consequence(of: order, item)), "you": .text(addressee(item.party)),
        ])
    }

    /// 逾期不改正的后果: the sectoral article that orders the correction also says what follows
    /// a refusal (e.g. 食品安全法 第一百二十六条: 拒不改正的，处…罚款); 行政处罚法 第二十八条 does not.
    private static func consequence(of order: Rectification, _ item: EnforcementCase) -> String {
        let sectoral = order.basis.components(separatedBy: "、《").enumerated()
            .map { $0.offset == 0 ? $0.element : "《" + $0.element }
            .filter { !$0.includes("行政处罚法") }.joined(separator: "、")
        let provision = sectoral.isEmpty ? item.penaltyProvisions : sectoral
        guard !provision.isEmpty else { return "" }
        return "逾期不改正的，本机关将依据\(provision)的规定依法" + (item.actionType == .penalty ? "处理。" : "立案查处。")
    }

    /// 行政复议法 第二十条 (60 days), 行政诉讼法 第四十六条 (6 months), worded for a notice.
    private static func notice(relief agency: Agency) -> String {
        "当事人对本通知不服的，可以自收到本通知书之日起六十日内向\(agency.reconsiderationBody)申请行政复议，"
            + "或者自收到本通知书之日起六个月内依法向\(agency.court)提起行政诉讼。"
    }
}

// MARK: - 查封（扣押）决定书

extension DocumentData {
    private static func seizureFields(_ inputs: DetailInputs) -> TemplateValue {
        let item = inputs.item
        let coercion = inputs.details.coercion.flatMap { $0.isEnforcement ? nil : $0 }
        let measure = coercion?.measure ?? measure(fromTitle: item.title)
        let lists = coercion == nil ? v1Lists(item, measure) : seizureLists(measure, inputs.details)
        let things = measure == .seize ? "财物" : "场所、设施或者财物"
        var fields: [String: TemplateValue] = [
            "present": .flag(coercion != nil), "measure": .text(measure.rawValue), "title": .text(measure.rawValue + "决定书"),
            "things": .text(things), "lists": .list(lists), "itemized": .flag(coercion != nil || !lists.isEmpty),
            "decision": .text(withoutRelief(item.decision)),
        ]
        guard let coercion else { return .object(fields) }
        fields["basis"] = .text(coercion.basis)
        fields["violation"] = .text(item.violatedProvisions.isEmpty || item.facts.includes(item.violatedProvisions) ? ""
            : "当事人的行为涉嫌违反\(item.violatedProvisions)的规定。")
        fields["summary"] = .text(inputs.details.items.filter { measure.measures.contains($0.purpose) }
            .map { $0.name + $0.quantity.decimalString + $0.unit }.joined(separator: "、"))
        fields["from"] = .text(coercion.measureFrom?.chinese ?? "")
        fields["to"] = .text(coercion.measureTo?.chinese ?? "")
        fields["extended_to"] = .text(coercion.extendedTo?.chinese ?? "")
        fields["period"] = .text(period(of: coercion, measure.rawValue))
        return .object(fields)
    }

    /// 行政强制法 第二十五条: at most 30 days, extended once by at most 30 more with the head's approval.
    /// Empty (so the case is set aside) when a date is missing or a limit is exceeded.
    private static func period(of coercion: CoercionDetails, _ measure: String) -> String {
        guard let from = coercion.measureFrom, let to = coercion.measureTo else { return "" }
        let days = to.dayNumber - from.dayNumber + 1
        guard (1...30).contains(days) else { return "" }
        var text = "\(measure)期限为\(chineseCount(days))日，自\(from.chinese)起至\(to.chinese)止。"
            + "情况复杂的，经本机关负责人批准，可以延长，但是延长期限不得超过三十日。"
        if let extended = coercion.extendedTo {
            guard extended > to, extended.dayNumber - to.dayNumber <= 30 else { return "" }
            text += "经本机关负责人批准，\(measure)期限已延长至\(extended.chinese)，并已书面告知当事人。"
        }
        return text
    }

    /// One 清单 per measure (items.csv 用途), of the rows ingest accepted. A row it set aside is in
    /// the quarantine report for the 法制科 to correct; the case itself stays (the export contract
    /// counts it, and the statistics and the portal with it), as a penalty decision's does, and the
    /// render memo hashes the set-aside rows, so the corrected export re-renders the document.
    private static func seizureLists(_ measure: CoerciveMeasure, _ details: CaseDetails) -> [TemplateValue] {
        measure.measures.compactMap { purpose in
            let items = details.items(for: purpose)
            guard !items.isEmpty else { return nil }
            return .object(["title": .text(purpose.rawValue + "清单"), "items": .list(items.map(listRow))])
        }
    }

    private static func listRow(_ item: SeizedItem) -> TemplateValue {
        .object(["index": .text("\(item.seq)"), "name": .text(item.name), "spec": .text(item.spec),
                 "quantity": .text(item.quantity.decimalString + item.unit), "features": .text(item.features),
                 "storage": .text(item.storage)])
    }

    private static func v1Lists(_ item: EnforcementCase, _ measure: CoerciveMeasure) -> [TemplateValue] {
        let rows = seizedItems(item)
        return rows.isEmpty ? [] : [.object(["title": .text(measure.rawValue + "清单"), "items": .list(rows)])]
    }

    /// The measure a v1 case (or the public copy) applies, as its 案由 names it.
    private static func measure(fromTitle title: String) -> CoerciveMeasure {
        switch (title.includes("查封"), title.includes("扣押")) {
        case (true, false): return .sealUp
        case (false, true): return .seize
        default: return .sealUpAndSeize
        }
    }
}

// MARK: - 行政强制执行决定书 and 催告书

extension DocumentData {
    private static func enforcementFields(_ inputs: DetailInputs) -> TemplateValue {
        let item = inputs.item
        var fields: [String: TemplateValue] = ["decision": .text(withoutRelief(item.decision))]
        guard let coercion = inputs.details.coercion, let method = coercion.enforcementMethod else {
            fields["present"] = .flag(false)
            return .object(fields)
        }
        let demolition = method == .demolition || coercion.announcedOn != nil || item.title.includes("拆除")
        fields["present"] = .flag(true)
        fields["basis"] = .text(coercion.basis)
        fields["base_doc_no"] = .text(coercion.baseDocNo)
        fields["base_sentence"] = .text(coercion.baseDocNo.isEmpty || item.facts.includes(coercion.baseDocNo) ? ""
            : "本机关作出的\(coercion.baseDocNo)《行政处罚决定书》已经发生法律效力，当事人在该决定规定的期限内未履行义务。")
        fields["demand_doc_no"] = .text(coercion.demandDocNo)
        fields["demand_on"] = .text(coercion.demandOn?.chinese ?? "")
        fields["method"] = .text(method.rawValue)
        fields["method_detail"] = .text(methodDetail(method))
        fields["on"] = .text(coercion.enforcedOn?.chinese ?? "")
        fields["demolition"] = .flag(demolition)
        fields["announced_on"] = .text(coercion.announcedOn?.chinese ?? "")
        return .object(fields)
    }

    private static func methodDetail(_ method: EnforcementMethod) -> String {
        switch method {
        case .demolition: return "由本机关依法组织实施强制拆除。"
        case .performanceByProxy:
            return "由本机关代履行或者委托没有利害关系的第三人代履行，代履行的费用按照成本合理确定，由当事人承担"
                + "（《中华人民共和国行政强制法》第五十条、第五十一条）。"
        case .additionalFine: return "依法加处罚款（《中华人民共和国行政强制法》第四十五条）。"
        case .transfer: return "依法划拨存款、汇款（《中华人民共和国行政强制法》第四十六条、第四十七条）。"
        case .auction: return "依法拍卖查封、扣押的场所、设施或者财物，所得款项抵缴罚款（《中华人民共和国行政强制法》第四十六条第三款）。"
        case .courtEnforcement: return "依法申请人民法院强制执行（《中华人民共和国行政强制法》第五十三条）。"
        }
    }

    /// 催告书 (行政强制法 第三十五条): 履行期限, 方式, the amount and how to pay where money is owed,
    /// and the right to be heard (第三十六条).
    private static func demandFields(_ inputs: DetailInputs) -> TemplateValue {
        let item = inputs.item
        guard let coercion = inputs.details.coercion, coercion.demandOn != nil || !coercion.demandDocNo.isEmpty else {
            return .object(["present": .flag(false)])
        }
        let you = addressee(item.party)
        let money = [EnforcementMethod.additionalFine, .transfer, .auction].contains { $0 == coercion.enforcementMethod }
        // The 第四十四条 公告 is recited only when it preceded the 催告.
        let announced = coercion.announcedOn.flatMap { day in day <= (coercion.demandOn ?? day) ? day : nil }
        return .object([
            "present": .flag(true), "you": .text(you), "doc_no": .text(coercion.demandDocNo),
            "on": .text(coercion.demandOn?.chinese ?? ""), "on_iso": .text(coercion.demandOn?.iso ?? item.decisionDate.iso),
            "base_doc_no": .text(coercion.baseDocNo), "obligation": .text(obligation(item.decision)?.sentence ?? ""),
            "by": .text(demandDeadline(item, inputs.details)?.chinese ?? ""),
            "way": .text(money ? "缴纳下列款项" : obligation(item.decision)?.action ?? ""),
            "announced_on": .text(announced?.chinese ?? ""),
            "money": .flag(money), "amount": .text(money ? item.fine.map(LegalText.amount) ?? "" : ""),
            "payment": .text(money ? paymentWay(inputs.agency) : ""),
            "rights": .text("\(you)有权进行陈述和申辩。\(you)可以在履行期限届满前向本机关提出陈述、申辩意见；本机关将充分听取，"
                + "对\(you)提出的事实、理由和证据进行记录、复核；事实、理由或者证据成立的，本机关将予以采纳。"),
            "consequence": .text("逾期仍不履行且无正当理由的，本机关将依据\(coercion.basis.isEmpty ? "有关法律" : coercion.basis)的规定依法"
                + (coercion.enforcementMethod.map { "作出强制执行决定（执行方式：\($0.rawValue)）。" } ?? "强制执行。")),
        ])
    }

    /// The 催告's deadline: the export has no column for it (contract v2); the case system states it
    /// in 办案经过 (催告其于…前履行). An extra column 催告履行期限 / demand_by wins when an export has one.
    private static func demandDeadline(_ item: EnforcementCase, _ details: CaseDetails) -> CivilDate? {
        for key in ["催告履行期限", "demand_by"] {
            if let text = item.extra[key], let date = chineseDate(in: text) ?? CivilDate(iso: text.trimmingSpaces) { return date }
        }
        // Full-width digits (２０２４年) read as digits.
        let narrative = details.procedure.narrative.precomposedStringWithCompatibilityMapping
        guard let range = narrative.range(of: #"催告(其|当事人)?于[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日前"#, options: .regularExpression) else {
            return nil
        }
        return chineseDate(in: String(narrative[range]))
    }

    /// The obligation the enforced decision set: 责令当事人于…前<action>。
    private static func obligation(_ decision: String) -> (sentence: String, action: String)? {
        guard let range = decision.range(of: #"责令当事人于[^。；]*?前[^。；]+"#, options: .regularExpression) else { return nil }
        let sentence = String(decision[range])
        guard let cut = sentence.range(of: "前") else { return nil }
        return (sentence, String(sentence[cut.upperBound...]))
    }

    private static func paymentWay(_ agency: AgencyDetails) -> String {
        guard !agency.paymentAccount.isEmpty else { return "" }
        return "缴至\(agency.paymentBank)（户名：\(agency.paymentAccountName)，账号：\(agency.paymentAccount)）"
    }
}

// MARK: - 准予/不予行政许可决定书

extension DocumentData {
    private static func permitFields(_ inputs: DetailInputs) -> TemplateValue {
        let item = inputs.item
        var fields: [String: TemplateValue] = [
            "lines": .list(applicantLines(item.party)), "decision": .text(withoutRelief(item.decision)),
            "relief": .text(relief(inputs.context.agency).replacingOccurrences(of: "当事人", with: "申请人")),
            "refusal_title": .text("不予行政许可决定书"),
        ]
        guard let permit = inputs.details.permit else {
            fields["present"] = .flag(false)
            return .object(fields)
        }
        let notAccepted = permit.outcome == .notAccepted
        fields["present"] = .flag(true)
        fields["not_accepted"] = .flag(notAccepted)
        fields["refusal_title"] = .text(notAccepted ? "不予受理决定书" : "不予行政许可决定书")
        fields["applied_on"] = .text(permit.appliedOn?.chinese ?? "")
        fields["accepted_on"] = .text(permit.acceptedOn?.chinese ?? "")
        fields["matter"] = .text(trimmedSentence(permit.matter))
        fields["basis"] = .text(permit.basis)
        fields["certificate"] = .flag(!permit.name.isEmpty || !permit.number.isEmpty)
        fields["name"] = .text(permit.name)
        fields["number"] = .text(permit.number)
        fields["validity"] = .text(validity(permit))
        fields["refusal_reason"] = .text(permit.refusalReason)
        fields["refusal_decision"] = .text(refusalDecision(permit))
        return .object(fields)
    }

    /// 有效期: from–to, from with no end (营业执照: 长期), or no term at all (施工许可证, 预售许可证).
    private static func validity(_ permit: PermitDetails) -> String {
        switch (permit.validFrom, permit.validTo) {
        case let (from?, to?): return "自\(from.chinese)起至\(to.chinese)止"
        case let (from?, nil): return "自\(from.chinese)起长期有效"
        case let (nil, to?): return "至\(to.chinese)止"
        case (nil, nil): return "长期"
        }
    }

    /// The decision sentence after the reason, unless the reason (as the case system wrote it) already says it.
    private static func refusalDecision(_ permit: PermitDetails) -> String {
        if permit.outcome == .notAccepted {
            return permit.refusalReason.includes("不予受理") ? "" : "根据《中华人民共和国行政许可法》第三十二条第一款的规定，本机关决定不予受理。"
        }
        let basis = permit.basis.isEmpty ? "" : permit.basis + "和"
        return "根据\(basis)《中华人民共和国行政许可法》第三十八条第二款的规定，本机关决定不予行政许可。"
    }

    /// The party's lines with the 行政许可 word for it: 申请人, not 当事人.
    private static func applicantLines(_ party: Party) -> [TemplateValue] {
        var lines: [(String, String)] = [("申请人：", party.name)]
        if party.type == .naturalPerson {
            lines += [("\(party.idType?.rawValue ?? "证件")号码：", party.idNumber), ("住址：", party.address)]
        } else {
            lines += [("统一社会信用代码：", party.idNumber),
                      (party.type == .individualBusiness ? "经营者：" : "法定代表人（负责人）：", party.legalRepresentative),
                      ("住所：", party.address)]
        }
        return lines.filter { !$0.1.isEmpty }.map { .object(["key": .text($0.0), "value": .text($0.1)]) }
    }
}

// MARK: - 撤销决定书 / 变更决定书

extension DocumentData {
    /// Who changed or withdrew the decision, as 状态说明 says: the agency itself, the 复议机关, or a court.
    private enum ChangeAuthority { case agency, reconsideration, court }

    private static func statusChangeFields(_ inputs: DetailInputs) -> TemplateValue {
        let item = inputs.item
        guard item.status != .inForce else { return .object(["present": .flag(false)]) }
        let withdrawn = item.status == .withdrawn
        let reason = item.statusReason
        let authority: ChangeAuthority = reason.includes("复议") ? .reconsideration
            : (reason.includes("法院") || reason.includes("判决") ? .court : .agency)
        let basis = statusBasis(item, inputs.details, authority, withdrawn: withdrawn)
        let original = "《\(originalKind(item, inputs.details))》（\(item.docNo)）"
        let docNo = ["状态文书编号", "status_doc_no", withdrawn ? "撤销文书编号" : "变更文书编号"].lazy
            .compactMap { item.extra[$0]?.trimmingSpaces }.first { !$0.isEmpty } ?? ""
        return .object([
            "present": .flag(true), "doc_no": .text(docNo), "original": .text(original), "original_doc_no": .text(item.docNo),
            "original_date": .text(item.decisionDate.chinese), "reason": .text(trimmedSentence(reason)), "basis": .text(basis),
            "has_basis": .flag(!basis.isEmpty),
            "decision": .text(statusDecision(original, basis, authority, inputs.context.agency, withdrawn: withdrawn)),
            "new_content": .text(withdrawn ? "" : withoutRelief(item.decision)),
            "date": .text(item.statusDate?.chinese ?? ""), "date_iso": .text((item.statusDate ?? item.decisionDate).iso),
        ])
    }

    /// The provision under which the decision was withdrawn or changed. Empty where no statute gives
    /// the agency a specific power (e.g. correcting an inspection's conclusion): the template then
    /// states the reason alone rather than cite a provision that does not apply.
    private static func statusBasis(_ item: EnforcementCase, _ details: CaseDetails, _ authority: ChangeAuthority,
                                    withdrawn: Bool) -> String {
        switch authority {
        case .reconsideration: return "《中华人民共和国行政复议法》" + (withdrawn ? "第六十四条第一款" : "第六十三条第一款")
        case .court: return "《中华人民共和国行政诉讼法》" + (withdrawn ? "第七十条" : "第七十七条第一款")
        case .agency:
            switch item.actionType {
            case .penalty:
                let deferral = item.statusReason.includes("延期") || item.statusReason.includes("分期")
                return "《中华人民共和国行政处罚法》" + (deferral ? "第六十六条第二款" : "第七十五条第二款")
            case .licensing:
                let granted = details.permit.map { $0.outcome == .granted } ?? !item.decision.includes("不予")
                return withdrawn && granted ? "《中华人民共和国行政许可法》第六十九条第一款" : ""
            default: return ""
            }
        }
    }

    private static func statusDecision(_ original: String, _ basis: String, _ authority: ChangeAuthority, _ agency: Agency,
                                       withdrawn: Bool) -> String {
        let act = withdrawn ? "撤销" : "变更"
        let effect = withdrawn ? "据此，\(original)予以撤销，不再执行。" : "据此，\(original)变更如下："
        switch authority {
        case .reconsideration: return "\(agency.reconsiderationBody)经行政复议，依据\(basis)的规定决定\(act)上述决定。" + effect
        case .court: return "\(agency.court)依据\(basis)的规定判决\(act)上述决定。" + effect
        case .agency:
            let cited = basis.isEmpty ? "" : "依据\(basis)的规定，"
            return withdrawn ? "\(cited)本机关决定撤销\(original)。" : "\(cited)本机关决定对\(original)予以变更，变更后的内容如下："
        }
    }

    /// The document the original decision was, by what the case is.
    private static func originalKind(_ item: EnforcementCase, _ details: CaseDetails) -> String {
        switch item.actionType {
        case .penalty:
            if item.penaltyKinds.isEmpty { return "不予行政处罚决定书" }
            return item.procedure == .simple ? "当场行政处罚决定书" : "行政处罚决定书"
        case .licensing:
            switch details.permit?.outcome {
            case .notAccepted?: return "不予受理决定书"
            case .refused?: return "不予行政许可决定书"
            case .granted?: return "准予行政许可决定书"
            case nil: return item.decision.includes("不予") ? "不予行政许可决定书" : "准予行政许可决定书"
            }
        case .coercion:
            if let coercion = details.coercion, coercion.isEnforcement { return "行政强制执行决定书" }
            if let measure = details.coercion?.measure { return measure.rawValue + "决定书" }
            return item.title.includes("查封") || item.title.includes("扣押") ? "查封（扣押）决定书" : "行政强制执行决定书"
        case .inspection where details.rectification != nil || item.decision.includes("责令"): return "责令改正通知书"
        default: return item.actionType.rawValue + "决定书"
        }
    }
}

// MARK: - Shared wording

extension DocumentData {
    /// 你 or 你单位, as a notice addresses the party.
    private static func addressee(_ party: Party) -> String { party.type == .naturalPerson ? "你" : "你单位" }

    /// The case system's decision text without its relief sentence(s): the template states relief once.
    static func withoutRelief(_ text: String) -> String {
        let markers = ["如不服本", "对本决定不服", "对本通知不服"]
        guard let hit = markers.compactMap({ text.literalRange(of: $0) }).min(by: { $0.lowerBound < $1.lowerBound }) else { return text }
        let start = text[..<hit.lowerBound].lastIndex(of: "。").map { text.index(after: $0) } ?? text.startIndex
        return String(text[..<start])
    }

    /// Text to be followed by our own punctuation: without its final 。 or ；.
    private static func trimmedSentence(_ text: String) -> String {
        var text = text.trimmingSpaces
        while let last = text.last, "。；;.".contains(last) { text.removeLast() }
        return text
    }

    /// 1…99 in Chinese numerals (三十日), as the law writes periods.
    static func chineseCount(_ value: Int) -> String {
        let digits = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
        guard (1...99).contains(value) else { return "\(value)" }
        let tens = value / 10, ones = value % 10
        return (tens == 0 ? "" : (tens == 1 ? "" : digits[tens]) + "十") + (ones == 0 ? "" : digits[ones])
    }

    /// The first 2025年3月14日 in a text.
    private static func chineseDate(in text: String) -> CivilDate? {
        guard let range = text.range(of: #"[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日"#, options: .regularExpression) else { return nil }
        let numbers = text[range].split(whereSeparator: { "年月日".contains($0) }).compactMap { Int($0) }
        guard numbers.count == 3 else { return nil }
        return CivilDate(year: numbers[0], month: numbers[1], day: numbers[2])
    }
}
