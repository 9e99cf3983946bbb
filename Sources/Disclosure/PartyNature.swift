import CaseModel

/// Whether a party is a natural person, by what it is rather than by its type label.
/// A 个体工商户 registered under the operator's own 居民身份证 is a person: its "name"
/// is the operator's name and its "credit code" an ID number. Publishing either
/// publishes the person.
public enum PartyNature {
    /// Words that make a name an organisation's (a shop's, a firm's), not a person's.
    static let organisationWords: [String] = ["公司", "厂", "店", "部", "行", "馆", "社", "所", "中心", "场", "站", "院", "室", "坊", "园", "铺", "屋",
                                    "超市", "餐厅", "酒楼", "诊所", "药房", "工作室", "合作社", "经营部", "门市", "商行", "农家乐", "养殖场", "加工厂"]

    public static func isNaturalPerson(_ party: Party) -> Bool {
        if party.type == .naturalPerson { return true }
        switch party.idType {
        case .residentID?, .passport?, .hkMacaoPermit?: return true
        default: break
        }
        let number = PublicShapes.compact(party.idNumber)
        if !number.isEmpty {
            if ResidentIDNumber.validate(number) == nil && UnifiedSocialCreditCode.validate(number) != nil { return true }
            // A "credit code" that fails GB 32100 proves nothing about an organisation; unless the
            // name is plainly an organisation's, the party is treated as a person.
            if UnifiedSocialCreditCode.validate(number) != nil, !organisationWords.contains(where: { party.name.contains($0) }) { return true }
        }
        // A 个体工商户 named like a person (张德福), not like a shop (张记面馆).
        if party.type == .individualBusiness, !organisationWords.contains(where: { party.name.contains($0) }) { return true }
        return false
    }

    /// The 统一社会信用代码 the portal may print: an organisation's code that passes GB 32100; nil otherwise.
    public static func publicCreditCode(_ party: Party) -> String? {
        publicCreditCode(party, naturalPerson: isNaturalPerson(party))
    }

    /// The same when `isNaturalPerson(party)` is already known.
    static func publicCreditCode(_ party: Party, naturalPerson: Bool) -> String? {
        guard !naturalPerson else { return nil }
        let code = PublicShapes.compact(party.idNumber)
        guard code.count == 18, UnifiedSocialCreditCode.validate(code) == nil, ResidentIDNumber.validate(code) != nil else { return nil }
        if let type = party.idType, type != .creditCode { return nil }
        return code
    }
}
