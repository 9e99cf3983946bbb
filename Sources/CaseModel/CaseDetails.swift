/// What contract v2 adds to a case: the procedure's dates and documents,
/// 责令改正, 行政许可 and 行政强制 particulars from the case row, and the
/// case's rows of penalties.csv, items.csv and deliveries.csv.
///
/// Kept beside `EnforcementCase` (keyed by case id in `IngestResult.details`)
/// rather than inside it: the state store and the render memo fingerprint a
/// case by a hand-written canonical form of `EnforcementCase`, which v1
/// stages own. Every accepted case has a value (empty for a v1 export).
public struct CaseDetails: Hashable, Codable, Sendable {
    public var caseID: String
    public var procedure: ProcedureSteps
    /// 法定代理人 of a party who is a minor (personal data).
    public var guardian: String
    /// Present when the case ordered a 责令改正 (any 改正 column filled).
    @Indirect public var rectification: Rectification?
    /// Present for a 行政许可 with any 许可 column filled.
    @Indirect public var permit: PermitDetails?
    /// Present for a 行政强制 with any 强制 column filled.
    @Indirect public var coercion: CoercionDetails?
    /// penalties.csv rows, by 序号.
    public var penalties: [Penalty]
    /// items.csv rows, by 用途 then 序号.
    public var items: [SeizedItem]
    /// deliveries.csv rows, by 送达时间.
    public var deliveries: [Delivery]
    /// Rows of penalties.csv, items.csv or deliveries.csv of this case that
    /// were set aside. The case itself stays (the contract counts it), but a
    /// document built from these lists would be incomplete until they are fixed.
    public var setAsideChildRows: [SourceRef]

    public init(caseID: String, procedure: ProcedureSteps = ProcedureSteps(), guardian: String = "",
                rectification: Rectification? = nil, permit: PermitDetails? = nil, coercion: CoercionDetails? = nil,
                penalties: [Penalty] = [], items: [SeizedItem] = [], deliveries: [Delivery] = [],
                setAsideChildRows: [SourceRef] = []) {
        self.caseID = caseID
        self.procedure = procedure
        self.guardian = guardian
        self.rectification = rectification
        self.permit = permit
        self.coercion = coercion
        self.penalties = penalties
        self.items = items
        self.deliveries = deliveries
        self.setAsideChildRows = setAsideChildRows
    }

    /// True when none of the case's child rows was set aside.
    public var childRowsComplete: Bool { setAsideChildRows.isEmpty }

    /// The 清单 of one purpose, in 序号 order.
    public func items(for purpose: ItemPurpose) -> [SeizedItem] { items.filter { $0.purpose == purpose } }

    /// The penalty of one kind (each kind has at most one row).
    public func penalty(_ kind: PenaltyKind) -> Penalty? { penalties.first { $0.kind == kind } }

    /// Every service of the document numbered `docNo` (one per recipient), earliest first.
    public func deliveries(ofDocument docNo: String) -> [Delivery] { deliveries.filter { $0.docNo == docNo } }

    /// When the document numbered `docNo` first reached a recipient (the 送达回证's
    /// time): for the case's decision, the start of the 复议/诉讼 and payment periods.
    public func firstServedAt(_ docNo: String) -> CivilDateTime? { deliveries(ofDocument: docNo).map(\.servedAt).min() }

    /// The day a hearing was held, for the annual statistics (counted in its own year).
    public var hearingHeldOn: CivilDate? { procedure.hearingOn }
}

/// The dates and documents of a case's procedure (cases v2 columns).
/// Internal 过程性信息: published only where a published document states them.
public struct ProcedureSteps: Hashable, Codable, Sendable {
    /// 立案日期: the 90-day limit of 行政处罚法 第六十条 runs from it.
    public var filedOn: CivilDate?
    /// 办案经过: the procedural story in prose (may name a 法定代理人 or 委托代理人); `narrativeText` holds it.
    public var narrative: String {
        get { narrativeText.string }
        set { narrativeText = ExportText(newValue) }
    }
    public var narrativeText: ExportText
    /// 告知日期: the 事先告知书 served (for 简易程序 the 当场 date).
    public var notifiedOn: CivilDate?
    /// 告知文书编号 of the 行政处罚事先告知书.
    public var noticeDocNo: String
    public var statement: StatementStatus?
    /// 陈述申辩处理: what the party said and whether it was 采纳.
    public var statementOutcome: String
    public var hearingRequestedOn: CivilDate?
    public var hearingNotifiedOn: CivilDate?
    /// 听证日期: the hearing was held on this day.
    public var hearingOn: CivilDate?
    /// 集体讨论日期 of a major decision.
    public var discussedOn: CivilDate?

    /// The members' names as before the narrative became `ExportText` (see `EnforcementCase.CodingKeys`).
    enum CodingKeys: String, CodingKey {
        case filedOn, narrativeText = "narrative", notifiedOn, noticeDocNo, statement, statementOutcome, hearingRequestedOn,
             hearingNotifiedOn, hearingOn, discussedOn
    }

    public init(filedOn: CivilDate? = nil, narrative: String = "", notifiedOn: CivilDate? = nil, noticeDocNo: String = "",
                statement: StatementStatus? = nil, statementOutcome: String = "", hearingRequestedOn: CivilDate? = nil,
                hearingNotifiedOn: CivilDate? = nil, hearingOn: CivilDate? = nil, discussedOn: CivilDate? = nil) {
        self.filedOn = filedOn
        self.narrativeText = ExportText(narrative)
        self.notifiedOn = notifiedOn
        self.noticeDocNo = noticeDocNo
        self.statement = statement
        self.statementOutcome = statementOutcome
        self.hearingRequestedOn = hearingRequestedOn
        self.hearingNotifiedOn = hearingNotifiedOn
        self.hearingOn = hearingOn
        self.discussedOn = discussedOn
    }
}

/// 责令改正: what the party must correct, by when, on which provision.
public struct Rectification: Hashable, Codable, Sendable {
    public var by: CivilDate?
    public var what: String
    public var basis: String
    /// 改正文书编号 of the 责令改正通知书.
    public var docNo: String

    public init(by: CivilDate?, what: String, basis: String, docNo: String) {
        self.by = by
        self.what = what
        self.basis = basis
        self.docNo = docNo
    }
}

/// 行政许可 particulars: the application, its acceptance and the permit.
public struct PermitDetails: Hashable, Codable, Sendable {
    public var appliedOn: CivilDate?
    /// Empty when the application was not accepted (不予受理, 行政许可法 第三十二条).
    public var acceptedOn: CivilDate?
    public var matter: String
    public var basis: String
    /// 证件名称 and 证件编号 of a granted permit that issues a certificate.
    public var name: String
    public var number: String
    public var validFrom: CivilDate?
    /// Last valid day; nil for 长期 and for certificates without a term.
    public var validTo: CivilDate?
    /// 不予许可理由 of a refused or not accepted application.
    public var refusalReason: String

    public init(appliedOn: CivilDate?, acceptedOn: CivilDate?, matter: String, basis: String, name: String,
                number: String, validFrom: CivilDate?, validTo: CivilDate?, refusalReason: String) {
        self.appliedOn = appliedOn
        self.acceptedOn = acceptedOn
        self.matter = matter
        self.basis = basis
        self.name = name
        self.number = number
        self.validFrom = validFrom
        self.validTo = validTo
        self.refusalReason = refusalReason
    }

    /// How the application ended, as the annual statistics count it.
    public enum Outcome: String, Codable, Sendable {
        /// 不予受理: no 受理日期.
        case notAccepted = "不予受理"
        case granted = "准予许可"
        case refused = "不予许可"
    }

    public var outcome: Outcome {
        if acceptedOn == nil { return .notAccepted }
        return refusalReason.isEmpty ? .granted : .refused
    }
}

/// 行政强制 particulars: a 查封/扣押 measure, or the 强制执行 of a decision.
public struct CoercionDetails: Hashable, Codable, Sendable {
    public var measure: CoerciveMeasure?
    /// 措施依据: the measure's legal basis, or for 强制执行 the enforcement authority.
    public var basis: String
    public var measureFrom: CivilDate?
    public var measureTo: CivilDate?
    /// New end of an extended 查封/扣押 (at most 30 days more, 行政强制法 第二十五条).
    public var extendedTo: CivilDate?
    /// 催告日期 and 催告文书编号 (行政强制法 第三十五条).
    public var demandOn: CivilDate?
    public var demandDocNo: String
    public var enforcementMethod: EnforcementMethod?
    /// 执行日期: may lie after the export date.
    public var enforcedOn: CivilDate?
    /// 原决定文书编号: the decision being enforced.
    public var baseDocNo: String
    /// 公告日期 of a 强制拆除 (行政强制法 第四十四条).
    public var announcedOn: CivilDate?

    public init(measure: CoerciveMeasure?, basis: String, measureFrom: CivilDate?, measureTo: CivilDate?,
                extendedTo: CivilDate?, demandOn: CivilDate?, demandDocNo: String,
                enforcementMethod: EnforcementMethod?, enforcedOn: CivilDate?, baseDocNo: String,
                announcedOn: CivilDate?) {
        self.measure = measure
        self.basis = basis
        self.measureFrom = measureFrom
        self.measureTo = measureTo
        self.extendedTo = extendedTo
        self.demandOn = demandOn
        self.demandDocNo = demandDocNo
        self.enforcementMethod = enforcementMethod
        self.enforcedOn = enforcedOn
        self.baseDocNo = baseDocNo
        self.announcedOn = announcedOn
    }

    /// A 强制执行 (rather than a 查封/扣押 measure): it has an 执行方式.
    public var isEnforcement: Bool { enforcementMethod != nil }

    /// The last day of the measure, extension included.
    public var measureEnds: CivilDate? { extendedTo ?? measureTo }
}

/// What contract v2 adds to an agency (agencies.csv): all public.
public struct AgencyDetails: Hashable, Codable, Sendable {
    public var agencyCode: String
    /// 收缴银行, 缴款账户名 and 缴款账号: where a fine is paid (printed on decisions).
    public var paymentBank: String
    public var paymentAccountName: String
    public var paymentAccount: String
    /// 法制机构: the office that does 法制审核 and signs the opinion.
    public var legalOffice: String

    public init(agencyCode: String, paymentBank: String = "", paymentAccountName: String = "",
                paymentAccount: String = "", legalOffice: String = "") {
        self.agencyCode = agencyCode
        self.paymentBank = paymentBank
        self.paymentAccountName = paymentAccountName
        self.paymentAccount = paymentAccount
        self.legalOffice = legalOffice
    }
}

/// What contract v2 adds to a 法制审核 (reviews.csv): internal, never published.
public struct ReviewDetails: Hashable, Codable, Sendable {
    public var reviewID: String
    /// 法律职业资格证书编号 of the reviewers, in the order of `Review.reviewers`.
    public var reviewerCerts: [String]
    /// 拟作出决定: the decision proposed for review.
    public var proposedDecision: String

    public init(reviewID: String, reviewerCerts: [String] = [], proposedDecision: String = "") {
        self.reviewID = reviewID
        self.reviewerCerts = reviewerCerts
        self.proposedDecision = proposedDecision
    }
}
