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

/// 行政处罚决定书 (普通程序): the six items of 行政处罚法 第五十九条 — party,
/// facts and evidence, kind and basis of the penalty, how and by when to
/// perform it, the ways and time limits of review and litigation, the agency
/// and date — plus the document number and the officers.
public enum PenaltyDecision {
    public static func document(for item: EnforcementCase, context: CaseContext) -> Document {
        let agency = context.agency
        var blocks: [Block] = [
            .title([agency.name, "行政处罚决定书"]),
            .documentNumber(item.docNo),
        ]
        blocks += partyLines(item.party)
        blocks.append(.paragraph("\(item.title.hasSuffix("案") ? item.title : item.title + "案")，本机关依法立案调查，现已调查终结。"))
        blocks.append(.heading(.one, "一、违法事实和证据"))
        blocks.append(.paragraph(item.facts))
        if !item.evidence.isEmpty {
            blocks.append(.paragraph("上述事实有下列证据证明："))
            blocks.append(.numberedList(item.evidence))
        }
        blocks.append(.heading(.one, "二、行政处罚的种类和依据"))
        blocks.append(.paragraph(basis(item)))
        blocks.append(.numberedList(penalties(item)))
        blocks.append(.heading(.one, "三、履行方式和期限"))
        blocks.append(.paragraph(performance(item)))
        blocks.append(.heading(.one, "四、申请行政复议或者提起行政诉讼的途径和期限"))
        blocks.append(.paragraph("当事人对本决定不服的，可以自收到本决定书之日起六十日内向\(agency.reconsiderationBody)申请行政复议，"
            + "或者自收到本决定书之日起六个月内依法向\(agency.court)提起行政诉讼。申请行政复议或者提起行政诉讼期间，本决定不停止执行，法律另有规定的除外。"))
        blocks.append(.keyValue(key: "执法人员：", value: officerList(item, context)))
        blocks.append(.signature(Signature(names: [agency.name], date: item.decisionDate.chinese)))
        let metadata = Document.Metadata(title: "\(agency.name)行政处罚决定书 \(item.docNo)", subject: item.title,
                                         author: agency.name, keywords: ["行政处罚决定书", item.docNo, item.id],
                                         created: item.decisionDate.iso)
        return Document(metadata: metadata, blocks: blocks)
    }

    static func partyLines(_ party: Party) -> [Block] {
        var lines: [Block] = [.keyValue(key: "当事人：", value: party.name)]
        switch party.type {
        case .naturalPerson:
            if !party.idNumber.isEmpty {
                lines.append(.keyValue(key: "\(party.idType?.rawValue ?? "证件")号码：", value: party.idNumber))
            }
            if !party.address.isEmpty { lines.append(.keyValue(key: "住址：", value: party.address)) }
        default:
            if !party.idNumber.isEmpty { lines.append(.keyValue(key: "统一社会信用代码：", value: party.idNumber)) }
            if !party.legalRepresentative.isEmpty {
                let title = party.type == .individualBusiness ? "经营者：" : "法定代表人（负责人）："
                lines.append(.keyValue(key: title, value: party.legalRepresentative))
            }
            if !party.address.isEmpty { lines.append(.keyValue(key: "住所：", value: party.address)) }
        }
        return lines
    }

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

    static func officerList(_ item: EnforcementCase, _ context: CaseContext) -> String {
        item.officerCerts.map { cert in
            let name = context.officers[cert]?.name ?? ""
            return "\(name)（执法证号：\(cert)）"
        }.joined(separator: "、")
    }
}
