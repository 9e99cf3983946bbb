import CaseModel
import Typesetting

/// What a document needs besides the case: the agency and its officers.
public struct CaseContext: Sendable {
    public var agency: Agency
    public var officers: [String: Officer]

    public init(agency: Agency, officers: [String: Officer]) {
        self.agency = agency
        self.officers = officers
    }
}

/// The fixed forms of legal text the templates print: penalties with their
/// amounts, the basis sentence, how and by when to perform, the officers.
public enum LegalText {
    static func basis(_ item: EnforcementCase) -> String {
        var text = ""
        if !item.violatedProvisions.isEmpty { text += "当事人的上述行为违反了\(item.violatedProvisions)的规定。" }
        if !item.discretion.isEmpty { text += item.discretion }
        text += "依据\(item.penaltyProvisions.isEmpty ? "有关法律、法规、规章" : item.penaltyProvisions)的规定，本机关决定对当事人作出如下行政处罚："
        return text
    }

    /// Each penalty kind; money with its amount in uppercase beside the figure.
    static func penalties(_ item: EnforcementCase) -> [String] {
        item.penaltyKinds.map { kind in
            switch kind {
            case .fine: return "罚款" + amount(item.fine ?? .zero) + "；"
            case .confiscateIllegalGains where item.confiscation != nil:
                return "没收违法所得" + amount(item.confiscation ?? .zero) + "；"
            default: return kind.rawValue + "；"
            }
        }.enumerated().map { index, text in index == item.penaltyKinds.count - 1 ? String(text.dropLast()) + "。" : text }
    }

    /// 人民币伍万元整（¥50,000.00）.
    public static func amount(_ value: Yuan) -> String {
        value.chineseUppercase + "（¥" + grouped(value) + "）"
    }

    static func grouped(_ value: Yuan) -> String { value.groupedString }

    /// 行政处罚法 第六十七条、第七十二条: pay within fifteen days, at the agency's collecting bank
    /// where agencies.csv (v2) names it, else at 指定的银行 (v1 exports have no account; 第六十七条
    /// allows either); 3 % a day only on a 罚款 (第七十二条第一款第一项), never more than the fine.
    static func performance(_ item: EnforcementCase, payment: AgencyDetails? = nil) -> String {
        let money = moneyKinds(item)
        guard !money.isEmpty else {
            return item.penaltyKinds.contains(.confiscateIllegalProperty)
                ? "没收的非法财物由本机关依法处置。当事人应当自收到本决定书之日起履行本决定。"
                : "当事人应当自收到本决定书之日起履行本决定。"
        }
        var text = "当事人应当自收到本决定书之日起十五日内，将" + money + payee(payment) + "。"
        if item.penaltyKinds.contains(.fine) {
            text += "到期不缴纳罚款的，本机关可以依据《中华人民共和国行政处罚法》第七十二条第一款第一项的规定，"
                + "每日按罚款数额的百分之三加处罚款，加处罚款的数额不超出罚款的数额。"
        }
        if item.penaltyKinds.contains(.confiscateIllegalProperty) { text += "没收的非法财物由本机关依法处置。" }
        return text
    }

    /// What is paid: 罚款, 没收的违法所得, or both.
    private static func moneyKinds(_ item: EnforcementCase) -> String {
        let fine = item.penaltyKinds.contains(.fine)
        let gains = item.penaltyKinds.contains(.confiscateIllegalGains)
        switch (fine, gains) {
        case (true, true): return "罚款和没收的违法所得"
        case (true, false): return "罚款"
        case (false, true): return "没收的违法所得"
        default: return ""
        }
    }

    /// 缴至…（户名：…，账号：…），或者通过电子支付系统缴纳 — the account only when all three parts are known.
    static func payee(_ payment: AgencyDetails?) -> String {
        guard let payment, !payment.paymentBank.isEmpty, !payment.paymentAccountName.isEmpty, !payment.paymentAccount.isEmpty else {
            return "缴至指定的银行，或者通过电子支付系统缴纳"
        }
        return "缴至\(payment.paymentBank)（户名：\(payment.paymentAccountName)，账号：\(payment.paymentAccount)），或者通过电子支付系统缴纳"
    }

    /// 行政处罚法 第七十二条第一款第四项 (a fine) and 行政强制法 第五十三条 (any decision): an agency
    /// without its own enforcement power applies to the court when the party neither pays nor seeks review.
    static func courtEnforcement(_ item: EnforcementCase) -> String {
        let basis = item.penaltyKinds.contains(.fine)
            ? "《中华人民共和国行政处罚法》第七十二条第一款第四项和《中华人民共和国行政强制法》第五十三条"
            : "《中华人民共和国行政强制法》第五十三条"
        return "当事人逾期不申请行政复议、不提起行政诉讼，又不履行本决定的，本机关将依照\(basis)的规定申请人民法院强制执行。"
    }

    /// The question each review item answers, as the opinion's table prints it.
    static func question(_ item: ReviewItem) -> String {
        switch item {
        case .subjectLawful: return "执法主体是否合法，是否具有管辖权"
        case .officerQualified: return "执法人员是否具备执法资格"
        case .factsClear: return "案件事实是否清楚"
        case .evidenceSufficient: return "证据是否合法、确凿、充分"
        case .lawCorrect: return "适用法律、法规、规章是否准确"
        case .discretionProper: return "裁量基准运用是否适当"
        case .procedureLawful: return "告知、陈述申辩、听证等程序是否合法"
        case .withinAuthority: return "是否超越法定权限"
        case .documentsComplete: return "执法文书是否完备、规范"
        }
    }

    static func officerList(_ item: EnforcementCase, _ context: CaseContext) -> String {
        item.officerCerts.map { cert in
            let name = context.officers[cert]?.name ?? ""
            return "\(name)（执法证号：\(cert)）"
        }.joined(separator: "、")
    }
}

/// One penalty as a decision or a notice prints it. `complete` is false when the kind needs
/// particulars (the measure of 其他, the things confiscated, a period, the grades, the licence)
/// that neither penalties.csv/items.csv nor the case system's own decision text supplies.
struct PenaltyLine: Equatable {
    var text: String
    var complete: Bool
}

extension LegalText {
    /// Kinds whose bare name says too little for the party to perform (行政处罚法 第五十九条第一款第三项).
    private static let periodKinds: Set<PenaltyKind> = [.suspendLicence, .restrictBusiness, .suspendProduction,
                                                        .restrictPractice, .detention]
    private static let detailKinds: Set<PenaltyKind> = [.other, .downgradeQualification, .revokeLicence,
                                                        .confiscateIllegalProperty]

    /// Every penalty of the decision in 处罚种类 order, from penalties.csv (v2) where it has the row,
    /// else from the numbered list of the case's 处理决定 (v1). `proposed`: as a 事先告知书 states it,
    /// before service, so a period is given by its length, not by dates that run from service.
    static func penaltyLines(_ item: EnforcementCase, _ details: CaseDetails, proposed: Bool) -> [PenaltyLine] {
        let written = decisionItems(item.decision, count: item.penaltyKinds.count)
        let lines = item.penaltyKinds.enumerated().map { index, kind in
            penaltyLine(kind, row: details.penalty(kind), item: item, details: details,
                        written: written.isEmpty ? nil : written[index], proposed: proposed)
        }
        return lines.enumerated().map { index, line in
            PenaltyLine(text: line.text + (index == lines.count - 1 ? "。" : "；"), complete: line.complete)
        }
    }

    private static func penaltyLine(_ kind: PenaltyKind, row: Penalty?, item: EnforcementCase, details: CaseDetails,
                                    written: String?, proposed: Bool) -> PenaltyLine {
        let detail = row.map { trimmed($0.detail) }.flatMap { $0.isEmpty ? nil : $0 }
        // The case system's wording of this item, when it says more than the kind's name.
        let wording = written.flatMap { $0 == kind.rawValue || $0.count <= kind.rawValue.count ? nil : $0 }
        switch kind {
        case .fine:
            let value = row?.amount ?? item.fine
            return PenaltyLine(text: "罚款" + (value.map(amount) ?? ""), complete: value != nil)
        case .confiscateIllegalGains:
            let value = row?.amount ?? (row == nil && !item.penaltyKinds.contains(.confiscateIllegalProperty) ? item.confiscation : nil)
            if let value { return PenaltyLine(text: "没收违法所得" + amount(value), complete: true) }
            return PenaltyLine(text: wording ?? kind.rawValue, complete: wording != nil)
        case .confiscateIllegalProperty:
            return confiscatedProperty(row: row, detail: detail, items: details.items(for: .confiscate), wording: wording)
        default:
            if periodKinds.contains(kind) { return withPeriod(kind, row: row, detail: detail, wording: wording, proposed: proposed) }
            if let detail { return PenaltyLine(text: detail, complete: true) }
            if let wording { return PenaltyLine(text: wording, complete: true) }
            return PenaltyLine(text: kind.rawValue, complete: !detailKinds.contains(kind))
        }
    }

    /// 没收非法财物: what is confiscated (the detail, else the 没收 清单) and its assessed value where there is one.
    private static func confiscatedProperty(row: Penalty?, detail: String?, items: [SeizedItem], wording: String?) -> PenaltyLine {
        let listed = items.isEmpty ? nil : "没收" + items.map(itemSummary).joined(separator: "、") + "（详见没收物品清单）"
        guard let text = detail ?? listed ?? wording else { return PenaltyLine(text: "没收非法财物", complete: false) }
        let value = row?.amount.map { "，估值" + amount($0) } ?? ""
        return PenaltyLine(text: text + value, complete: true)
    }

    /// 河砂314立方米, 油锯（斯蒂尔MS250型）1台.
    static func itemSummary(_ item: SeizedItem) -> String {
        item.name + (item.spec.isEmpty ? "" : "（\(item.spec)）") + item.quantity.decimalString + item.unit
    }

    /// A penalty that lasts: its length, and on a decision the days it runs (they start on service).
    private static func withPeriod(_ kind: PenaltyKind, row: Penalty?, detail: String?, wording: String?,
                                   proposed: Bool) -> PenaltyLine {
        let base = detail ?? kind.rawValue
        guard let row, let days = row.periodDays ?? periodLength(row) else {
            // v1, or a row without a period: the case system's own wording when it gives a length.
            if let wording, wording.range(of: #"[0-9０-９一二三四五六七八九十百]+(日|天|个月|年)"#, options: .regularExpression) != nil {
                return PenaltyLine(text: wording, complete: true)
            }
            return PenaltyLine(text: base, complete: false)
        }
        var text = base + "，期限\(days)日"
        if !proposed {
            if let from = row.periodFrom, let to = row.periodTo {
                text += "（自\(from.chinese)起至\(to.chinese)止）"
            } else {
                text += "，自本决定书送达之日起计算"
            }
        }
        return PenaltyLine(text: text, complete: true)
    }

    private static func periodLength(_ row: Penalty) -> Int? {
        guard let from = row.periodFrom, let to = row.periodTo, to >= from else { return nil }
        return to.dayNumber - from.dayNumber + 1
    }

    /// The numbered items of 处理决定 (…如下行政处罚：1.警告；2.罚款…。), or none when they
    /// cannot be matched one to one with the 处罚种类.
    static func decisionItems(_ decision: String, count: Int) -> [String] {
        guard count > 0, let start = decision.literalRange(of: "行政处罚：") ?? decision.literalRange(of: "处罚如下：") else { return [] }
        let list = decision[start.upperBound...].prefix { $0 != "。" }
        let items = list.split(separator: "；").map { piece in
            trimmed(String(piece).replacingOccurrences(of: #"^\s*[（(]?[0-9０-９一二三四五六七八九十]+[)）.．、]\s*"#, with: "",
                                                       options: .regularExpression))
        }
        return items.count == count && items.allSatisfy({ !$0.isEmpty }) ? items : []
    }

    private static func trimmed(_ text: String) -> String {
        var text = text.trimmingSpaces
        while let last = text.last, "。；;，,".contains(last) { text.removeLast() }
        return text
    }
}
