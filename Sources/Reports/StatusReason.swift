/// Why a decision was changed or withdrawn, as a category the public report can count.
/// The 状态说明 is free prose that may name the party or a witness, so the report never
/// quotes it: it only counts the category the prose falls under.
public enum StatusReason: String, CaseIterable, Sendable {
    case reconsideration = "行政复议决定"
    case litigation = "人民法院裁判"
    case supervision = "上级机关监督纠正"
    case partyRequest = "当事人申请"
    case selfCorrection = "本机关自行纠正"
    case other = "其他原因"
    case unstated = "未说明原因"

    /// Every category with 0, so statistics.json lists them all.
    public static let zeros = Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, 0) })

    /// The first category whose cue words the prose contains, in the order above: a
    /// reconsideration body's decision is that, even where it corrects the agency's error.
    public static func of(_ prose: String) -> StatusReason {
        let text = prose.filter { !$0.isWhitespace }
        guard !text.isEmpty else { return .unstated }
        for (category, cues) in cues where cues.contains(where: text.contains) { return category }
        return .other
    }

    private static let cues: [(StatusReason, [String])] = [
        (.reconsideration, ["复议"]),
        (.litigation, ["法院", "判决", "裁定", "诉讼"]),
        (.supervision, ["上级", "监督", "责令纠正", "督察"]),
        (.partyRequest, ["当事人申请", "申请人申请", "当事人提出", "经当事人申请", "依申请"]),
        (.selfCorrection, ["本机关", "本局", "自行", "复核", "笔误", "更正", "错误", "不清", "不当", "集体讨论"]),
    ]
}
