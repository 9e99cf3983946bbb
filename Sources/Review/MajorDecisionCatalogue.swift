import CaseModel

/// The agency's 重大执法决定法制审核目录清单: which decisions need a legal
/// review before they are made. A decision is major when any rule fires.
public struct MajorDecisionCatalogue: Equatable, Sendable {
    /// Every decision of these action types is major.
    public var actionTypes: Set<ActionType> = []
    /// 行政处罚法 第六十三条 (三)(四)(五): the heavy kinds.
    public var penaltyKinds: Set<PenaltyKind> = [.downgradeQualification, .revokeLicence, .restrictBusiness,
                                                 .suspendProduction, .orderClosure, .restrictPractice]
    /// The catalogue's 较大数额罚款 (a major decision for 法制审核), per party type, in yuan.
    /// The agency's own list decides; these are common figures.
    public var fineAtLeast: [PartyType: Yuan] = Self.perParty(naturalPerson: 10_000, others: 100_000)
    /// The catalogue's 没收较大数额违法所得、较大价值非法财物.
    public var confiscationAtLeast: [PartyType: Yuan] = Self.perParty(naturalPerson: 50_000, others: 50_000)
    /// 行政处罚法 第六十三条第一款第一、二项: the 较大数额 that gives the party a hearing, set by
    /// province and apart from the catalogue's. A 个体工商户 is a natural person in business
    /// (民法典 第五十四条), so it takes the 公民 figure here.
    public var hearingFineAtLeast: [PartyType: Yuan] = Self.perParty(naturalPerson: 5_000, individualBusiness: 5_000, others: 100_000)
    public var hearingConfiscationAtLeast: [PartyType: Yuan] = Self.perParty(naturalPerson: 10_000, individualBusiness: 10_000,
                                                                              others: 100_000)
    /// 第五十八条 (二): decisions after a hearing.
    public var hearingHeld = true
    /// Matters the catalogue names one by one.
    public var caseIDs: Set<String> = []
    /// 案由 wording that makes a matter major, e.g. 重大公共利益.
    public var titlesContaining: [String] = []

    public init() {}

    /// Amounts per party type; a 个体工商户 takes `individualBusiness` when given, else `others`
    /// (catalogues commonly list it with the organisations).
    public static func perParty(naturalPerson: Int64, individualBusiness: Int64? = nil, others: Int64) -> [PartyType: Yuan] {
        Dictionary(uniqueKeysWithValues: PartyType.allCases.map { type in
            switch type {
            case .naturalPerson: return (type, Yuan(yuan: naturalPerson))
            case .individualBusiness: return (type, Yuan(yuan: individualBusiness ?? others))
            case .legalPerson, .unincorporated: return (type, Yuan(yuan: others))
            }
        })
    }

    /// 行政处罚法 第六十三条: the party may ask for a hearing (heavy kinds, large fines or confiscations).
    public func hearingEligible(_ item: EnforcementCase) -> Bool {
        guard item.actionType == .penalty else { return false }
        if item.penaltyKinds.contains(where: penaltyKinds.contains) { return true }
        if let limit = hearingFineAtLeast[item.party.type], let fine = item.fine, fine >= limit { return true }
        if let limit = hearingConfiscationAtLeast[item.party.type], let amount = item.confiscation, amount >= limit { return true }
        return false
    }

    /// The rules a decision meets, in Chinese for the report; empty when it is not major.
    public func rules(for item: EnforcementCase) -> [String] {
        var rules: [String] = []
        if actionTypes.contains(item.actionType) { rules.append("目录清单：\(item.actionType.rawValue)") }
        if item.actionType == .penalty {
            let heavy = item.penaltyKinds.filter(penaltyKinds.contains)
            if !heavy.isEmpty {
                rules.append("处罚种类：" + heavy.map(\.rawValue).joined(separator: "、") + "（行政处罚法第六十三条）")
            }
            if let limit = fineAtLeast[item.party.type], let fine = item.fine, fine >= limit {
                rules.append("较大数额罚款：\(fine.groupedString)元，\(item.party.type.rawValue)达到目录清单所列\(limit.groupedString)元")
            }
            if let limit = confiscationAtLeast[item.party.type], let amount = item.confiscation, amount >= limit {
                rules.append("较大数额没收：\(amount.groupedString)元，达到目录清单所列\(limit.groupedString)元")
            }
        }
        if hearingHeld && item.hearing { rules.append("经过听证程序（行政处罚法第五十八条第二项）") }
        if caseIDs.contains(item.id) { rules.append("目录清单列明的事项") }
        if let phrase = titlesContaining.first(where: { !$0.isEmpty && item.title.contains($0) }) {
            rules.append("案由含“\(phrase)”")
        }
        return rules
    }
}
