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

    static func grouped(_ value: Yuan) -> String {
        let text = value.decimalString
        let parts = text.split(separator: ".")
        var whole = String(parts[0])
        var groups: [String] = []
        while whole.count > 3 {
            groups.insert(String(whole.suffix(3)), at: 0)
            whole.removeLast(3)
        }
        groups.insert(whole, at: 0)
        return groups.joined(separator: ",") + "." + parts[1]
    }

    /// 行政处罚法 第六十七条、第七十二条: pay within fifteen days; 3 % a day
    /// after that, never more than the fine.
    static func performance(_ item: EnforcementCase) -> String {
        guard item.penaltyKinds.contains(.fine) || item.confiscation != nil else {
            return "当事人应当自收到本决定书之日起履行本决定。"
        }
        return "当事人应当自收到本决定书之日起十五日内，到指定的银行或者通过电子支付系统缴纳罚（没）款。"
            + "到期不缴纳罚款的，本机关可以每日按罚款数额的百分之三加处罚款，加处罚款的数额不超出罚款的数额。"
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
