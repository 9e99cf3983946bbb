/// The files of the export contract and their columns: Chinese header,
/// English key, and whether a row without a value is set aside.
public enum ExportFile: String, CaseIterable, Sendable {
    case agencies = "agencies.csv"
    case officers = "officers.csv"
    case casesCSV = "cases.csv"
    case casesJSON = "cases.json"
    case reviews = "reviews.csv"
    case records = "records.csv"
    // Contract v2: optional files, listed last so v1 files keep their order in reports.
    case penalties = "penalties.csv"
    case items = "items.csv"
    case deliveries = "deliveries.csv"

    public var columns: [Column] {
        switch self {
        case .agencies: return Column.agency
        case .officers: return Column.officer
        case .casesCSV, .casesJSON: return Column.case
        case .reviews: return Column.review
        case .records: return Column.record
        case .penalties: return Column.penalty
        case .items: return Column.item
        case .deliveries: return Column.delivery
        }
    }
}

public struct Column: Hashable, Sendable {
    public let header: String
    public let key: String
    public let required: Bool

    init(_ header: String, _ key: String, required: Bool = false) {
        self.header = header
        self.key = key
        self.required = required
    }

    /// `证件号码（party_id_no）`: how messages name a field for a clerk who
    /// knows the Chinese header and a technician who knows the key.
    public var label: String { "\(header)（\(key)）" }

    static let agency: [Column] = [
        .init("主体代码", "agency_code", required: true), .init("主体名称", "name", required: true),
        .init("文号简称", "doc_prefix", required: true), .init("地址", "address"), .init("联系电话", "phone"),
        .init("复议机关", "reconsideration_body", required: true), .init("管辖法院", "court", required: true),
        .init("门户网址", "portal_url"),
        // v2
        .init("收缴银行", "payment_bank"), .init("缴款账户名", "payment_account_name"), .init("缴款账号", "payment_account"),
        .init("法制机构", "legal_office"),
    ]

    static let officer: [Column] = [
        .init("执法证号", "cert_no", required: true), .init("姓名", "name", required: true),
        .init("主体代码", "agency_code", required: true), .init("执法类别", "field"),
        .init("证件有效期至", "valid_until", required: true), .init("状态", "status", required: true),
    ]

    static let `case`: [Column] = [
        .init("案件编号", "case_id", required: true), .init("主体代码", "agency_code", required: true),
        .init("执法类别", "action_type", required: true), .init("程序", "procedure"),
        .init("文书编号", "doc_no", required: true), .init("案由", "title", required: true),
        .init("当事人类型", "party_type", required: true), .init("当事人", "party_name", required: true),
        .init("证件类型", "party_id_type"), .init("证件号码", "party_id_no"), .init("法定代表人", "legal_rep"),
        .init("住所", "party_address"), .init("联系电话", "party_phone"), .init("未成年人", "party_minor"),
        .init("违法事实", "facts"), .init("证据", "evidence"), .init("违法依据", "violated_provisions"),
        .init("处罚依据", "penalty_provisions"), .init("裁量说明", "discretion"), .init("处理决定", "decision"),
        .init("处罚种类", "penalty_kinds"), .init("罚款金额", "fine_amount"), .init("没收金额", "confiscation_amount"),
        .init("决定日期", "decision_date", required: true), .init("送达日期", "served_date"),
        .init("执法人员", "officers", required: true), .init("重大决定", "major"), .init("听证", "hearing"),
        .init("审核编号", "review_id"), .init("公开方式", "disclosure", required: true),
        .init("不公开理由", "nondisclosure_reason"), .init("商业秘密段落", "trade_secret_spans"),
        .init("状态", "status", required: true), .init("状态日期", "status_date"), .init("状态说明", "status_reason"),
        .init("更新时间", "updated_at"),
        // v2: all optional, empty where they do not apply to the case.
        .init("立案日期", "filed_on"), .init("办案经过", "procedure_narrative"), .init("告知日期", "notified_on"),
        .init("告知文书编号", "notice_doc_no"), .init("陈述申辩", "statement"), .init("陈述申辩处理", "statement_outcome"),
        .init("听证申请日期", "hearing_requested_on"), .init("听证通知日期", "hearing_notified_on"),
        .init("听证日期", "hearing_on"), .init("集体讨论日期", "discussed_on"), .init("法定代理人", "guardian"),
        .init("改正期限", "rectify_by"), .init("改正内容", "rectify_what"), .init("改正依据", "rectify_basis"),
        .init("改正文书编号", "rectify_doc_no"), .init("申请日期", "applied_on"), .init("受理日期", "accepted_on"),
        .init("许可事项", "permit_matter"), .init("许可依据", "permit_basis"), .init("证件名称", "permit_name"),
        .init("证件编号", "permit_no"), .init("有效期起", "valid_from"), .init("有效期止", "valid_to"),
        .init("不予许可理由", "refusal_reason"), .init("强制措施", "coercive_measure"), .init("措施依据", "measure_basis"),
        .init("措施期限起", "measure_from"), .init("措施期限止", "measure_to"), .init("延长至", "measure_extended_to"),
        .init("催告日期", "demand_on"), .init("催告文书编号", "demand_doc_no"), .init("执行方式", "enforcement_method"),
        .init("执行日期", "enforced_on"), .init("原决定文书编号", "base_doc_no"), .init("公告日期", "announced_on"),
    ]

    static let review: [Column] = [
        .init("审核编号", "review_id", required: true), .init("案件编号", "case_id", required: true),
        .init("送审日期", "submitted_on", required: true), .init("审核人员", "reviewers", required: true),
        .init("主体合法", "subject_lawful", required: true), .init("人员资格", "officer_qualified", required: true),
        .init("事实清楚", "facts_clear", required: true), .init("证据确凿", "evidence_sufficient", required: true),
        .init("适用法律", "law_correct", required: true), .init("裁量适当", "discretion_proper", required: true),
        .init("程序合法", "procedure_lawful", required: true), .init("未超越职权", "within_authority", required: true),
        .init("文书规范", "documents_complete", required: true), .init("涉嫌犯罪移送", "criminal_referral", required: true),
        .init("审核结论", "conclusion", required: true), .init("审核意见", "opinion"),
        .init("审核日期", "reviewed_on", required: true), .init("复核申请日期", "recheck_requested_on"),
        .init("复核结论", "recheck_conclusion"), .init("复核日期", "rechecked_on"),
        // v2
        .init("审核人员证号", "reviewer_certs"), .init("拟作出决定", "proposed_decision"),
    ]

    static let record: [Column] = [
        .init("记录编号", "record_id", required: true), .init("案件编号", "case_id", required: true),
        .init("环节", "stage", required: true), .init("形式", "kind", required: true),
        .init("文件名", "file", required: true), .init("SHA256", "sha256", required: true),
        .init("记录时间", "recorded_at", required: true), .init("记录人", "officer", required: true),
    ]

    static let penalty: [Column] = [
        .init("案件编号", "case_id", required: true), .init("序号", "seq", required: true),
        .init("处罚种类", "kind", required: true), .init("金额", "amount"), .init("期限起", "period_from"),
        .init("期限止", "period_to"), .init("期限（日）", "period_days"), .init("详情", "detail"),
    ]

    static let item: [Column] = [
        .init("案件编号", "case_id", required: true), .init("用途", "purpose", required: true),
        .init("序号", "seq", required: true), .init("名称", "name", required: true), .init("规格", "spec"),
        .init("数量", "quantity", required: true), .init("单位", "unit", required: true), .init("特征", "features"),
        .init("存放地点", "storage"),
    ]

    static let delivery: [Column] = [
        .init("案件编号", "case_id", required: true), .init("文书种类", "document", required: true),
        .init("文书编号", "doc_no", required: true), .init("送达方式", "method", required: true),
        .init("送达时间", "served_at", required: true), .init("受送达人", "recipient", required: true),
        .init("代收人", "receiver"), .init("与受送达人关系", "relation"), .init("见证人", "witnesses"),
        .init("送达地点", "place"), .init("送达人", "servers"), .init("备注", "note"),
    ]
}
