/// The closed vocabularies of the export contract. Raw values are the
/// Chinese terms the case systems export and the documents print.

public enum ActionType: String, CaseIterable, Codable, Sendable {
    case licensing = "行政许可"
    case penalty = "行政处罚"
    case coercion = "行政强制"
    case inspection = "行政检查"
    case levy = "行政征收"
    case charge = "行政收费"
    case confirmation = "行政确认"
    case benefit = "行政给付"
    case adjudication = "行政裁决"
    case other = "其他"
}

public enum Procedure: String, CaseIterable, Codable, Sendable {
    case simple = "简易程序"
    case ordinary = "普通程序"
}

public enum PartyType: String, CaseIterable, Codable, Sendable {
    case naturalPerson = "自然人"
    case legalPerson = "法人"
    case unincorporated = "非法人组织"
    case individualBusiness = "个体工商户"

    /// 行政处罚法 第五十一条 treats a 个体工商户 as 其他组织 for the on-the-spot cap.
    public var isOrganisation: Bool { self != .naturalPerson }
}

public enum PartyIDType: String, CaseIterable, Codable, Sendable {
    case residentID = "居民身份证"
    case creditCode = "统一社会信用代码"
    case passport = "护照"
    case hkMacaoPermit = "港澳居民来往内地通行证"
    case other = "其他"
}

/// 行政处罚的种类, declared from lightest to heaviest (其他 last, outside the order).
public enum PenaltyKind: String, CaseIterable, Codable, Sendable {
    case warning = "警告"
    case circulatedCriticism = "通报批评"
    case fine = "罚款"
    case confiscateIllegalGains = "没收违法所得"
    case confiscateIllegalProperty = "没收非法财物"
    case suspendLicence = "暂扣许可证件"
    case downgradeQualification = "降低资质等级"
    case revokeLicence = "吊销许可证件"
    case restrictBusiness = "限制开展生产经营活动"
    case suspendProduction = "责令停产停业"
    case orderClosure = "责令关闭"
    case restrictPractice = "限制从业"
    case detention = "行政拘留"
    case other = "其他"
}

public enum DisclosureMode: String, CaseIterable, Codable, Sendable {
    case proactive = "主动公开"
    case onRequest = "依申请公开"
    case withheld = "不予公开"
}

public enum NondisclosureReason: String, CaseIterable, Codable, Sendable {
    case stateSecret = "国家秘密"
    case tradeSecret = "商业秘密"
    case privacy = "个人隐私"
    case endangersSafety = "危及安全"
    case other = "其他"
}

public enum CaseStatus: String, CaseIterable, Codable, Sendable {
    case inForce = "有效"
    case changed = "已变更"
    case withdrawn = "已撤销"
}

public enum OfficerStatus: String, CaseIterable, Codable, Sendable {
    case active = "在岗"
    case cancelled = "注销"
    case suspended = "暂扣"
}

public enum ReviewItemResult: String, CaseIterable, Codable, Sendable {
    case conforms = "符合"
    case fails = "不符合"
    case notApplicable = "不适用"
}

public enum ReviewConclusion: String, CaseIterable, Codable, Sendable {
    case approve = "同意"
    case approveAfterChanges = "修改后同意"
    case reject = "不同意"
    case returnForMaterials = "退回补充材料"
}

public enum CriminalReferral: String, CaseIterable, Codable, Sendable {
    case required = "需移送"
    case notRequired = "无需移送"
}

public enum RecordStage: String, CaseIterable, Codable, Sendable {
    case initiation = "启动"
    case investigation = "调查取证"
    case review = "审核"
    case decision = "决定"
    case service = "送达"
    case enforcement = "执行"
}

public enum RecordKind: String, CaseIterable, Codable, Sendable {
    case text = "文字"
    case photo = "照片"
    case audio = "录音"
    case video = "录像"
}

/// The ten items a 法制审核 checks (reviews.csv), in the order of the opinion's table.
public enum ReviewItem: String, CaseIterable, Codable, CodingKeyRepresentable, Sendable {
    case subjectLawful = "subject_lawful"
    case officerQualified = "officer_qualified"
    case factsClear = "facts_clear"
    case evidenceSufficient = "evidence_sufficient"
    case lawCorrect = "law_correct"
    case discretionProper = "discretion_proper"
    case procedureLawful = "procedure_lawful"
    case withinAuthority = "within_authority"
    case documentsComplete = "documents_complete"

    public var chineseName: String {
        switch self {
        case .subjectLawful: return "主体合法"
        case .officerQualified: return "人员资格"
        case .factsClear: return "事实清楚"
        case .evidenceSufficient: return "证据确凿"
        case .lawCorrect: return "适用法律"
        case .discretionProper: return "裁量适当"
        case .procedureLawful: return "程序合法"
        case .withinAuthority: return "未超越职权"
        case .documentsComplete: return "文书规范"
        }
    }
}

// Contract v2.

/// 陈述申辩: whether the party made a statement or defence.
public enum StatementStatus: String, CaseIterable, Codable, Sendable {
    case none = "未提出"
    case made = "已提出"
}

/// 行政强制措施 of a 查封/扣押 case (行政强制法 第九条).
public enum CoerciveMeasure: String, CaseIterable, Codable, Sendable {
    case sealUp = "查封"
    case seize = "扣押"
    case sealUpAndSeize = "查封、扣押"

    /// The measures the case applies: a 查封、扣押 case applies both (and counts under both).
    public var measures: [ItemPurpose] {
        switch self {
        case .sealUp: return [.sealUp]
        case .seize: return [.seize]
        case .sealUpAndSeize: return [.sealUp, .seize]
        }
    }
}

/// 强制执行 方式 (行政强制法 第十二条, 第五十条, 第五十三条).
public enum EnforcementMethod: String, CaseIterable, Codable, Sendable {
    case demolition = "强制拆除"
    case performanceByProxy = "代履行"
    case additionalFine = "加处罚款"
    case transfer = "划拨"
    case auction = "拍卖"
    case courtEnforcement = "申请人民法院强制执行"
}

/// What a 清单 row (items.csv 用途) lists the item for; one 清单 per purpose.
public enum ItemPurpose: String, CaseIterable, Codable, Sendable {
    case sealUp = "查封"
    case seize = "扣押"
    case confiscate = "没收"
    /// 先行登记保存 of evidence (行政处罚法 第五十六条).
    case preserveEvidence = "先行登记保存"
}

/// 送达方式 (民事诉讼法 第八十七条起, 行政处罚法 第六十一条).
public enum DeliveryMethod: String, CaseIterable, Codable, Sendable {
    case inPerson = "直接"
    /// 留置: left with the recipient who refused to sign; needs a witness.
    case lien = "留置"
    case post = "邮寄"
    case entrusted = "委托"
    case electronic = "电子"
    case announcement = "公告"
}
