import CaseModel

/// One thing wrong with one input row. Problems are collected, not thrown:
/// the row is set aside (severity error) or only reported (warning), and the
/// run goes on with the other rows.
public struct Problem: Hashable, Codable, Sendable {
    public enum Severity: String, Codable, Sendable {
        case error
        case warning
    }

    public var file: String
    /// 1-based data row (for cases.json the 1-based array index); 0 means the whole file.
    public var row: Int
    public var caseID: String?
    public var field: String?
    public var kind: ProblemKind
    public var message: String
    public var severity: Severity

    public init(file: String, row: Int, caseID: String?, field: String?, kind: ProblemKind,
                message: String, severity: Severity = .error) {
        self.file = file
        self.row = row
        self.caseID = caseID.map(Self.capped)
        self.field = field
        self.kind = kind
        self.message = message
        self.severity = severity
    }

    enum CodingKeys: String, CodingKey {
        case file, row, caseID = "case_id", field, kind, message, severity
    }

    /// A case id longer than any safe one (255 bytes) is cut, so a hostile
    /// cell cannot make the quarantine huge; such a row is set aside anyway.
    static func capped(_ caseID: String) -> String {
        guard caseID.utf8.count > CaseIDRules.maxBytes else { return caseID }
        var kept = ""
        for character in caseID {
            guard kept.utf8.count + character.utf8.count <= CaseIDRules.maxBytes - 3 else { break }
            kept.append(character)
        }
        return kept + "…"
    }
}

/// Stable identifiers of problem kinds. The names the export contract uses
/// for its deliberately broken rows are kept as they are.
public enum ProblemKind: String, Codable, CaseIterable, Sendable {
    case unreadableFile = "unreadable_file"
    case malformedRow = "malformed_row"
    case missingRequiredField = "missing_required_field"
    case unparseableDate = "unparseable_date"
    case invalidValue = "invalid_value"
    case invalidAmount = "invalid_amount"
    case badIDCheckDigit = "bad_id_check_digit"
    case badIDNumber = "bad_id_number"
    case badCreditCode = "bad_credit_code"
    case unknownAgency = "unknown_agency"
    case unknownOfficerCert = "unknown_officer_cert"
    case officerCertificateExpired = "officer_certificate_expired"
    case officerNotActive = "officer_not_active"
    case officerOtherAgency = "officer_other_agency"
    case tooFewOfficers = "too_few_officers"
    case duplicateCaseID = "duplicate_case_id"
    case duplicateKey = "duplicate_key"
    case futureDecisionDate = "future_decision_date"
    case servedBeforeDecision = "served_before_decision"
    case withdrawnWithoutStatusDate = "withdrawn_without_status_date"
    case changedWithoutStatusDate = "changed_without_status_date"
    case statusDateBeforeDecision = "status_date_before_decision"
    case simpleProcedureOverCap = "simple_procedure_over_cap"
    case simpleProcedurePenaltyKind = "simple_procedure_penalty_kind"
    case nondisclosureReasonMissing = "nondisclosure_reason_missing"
    case minorFlagMismatch = "minor_flag_mismatch"
    case fineWithoutFineKind = "fine_without_fine_kind"
    case reviewNotFound = "review_not_found"
    case reviewUnknownCase = "review_unknown_case"
    case reviewAfterDecision = "review_after_decision"
    case reviewDatesInconsistent = "review_dates_inconsistent"
    case recordUnknownCase = "record_unknown_case"
    case mediaPathEscape = "media_path_escape"
    case mediaMissing = "media_missing"
    case mediaHashMismatch = "media_hash_mismatch"
    case mediaNotDelivered = "media_not_delivered"
    /// A document the case must get lacks an element the law requires (found by the render stage).
    case missingStatutoryElement = "missing_statutory_element"
    /// A cell holds bytes that are not valid in the file's encoding.
    case undecodableText = "undecodable_text"
    /// A cell holds a control character (NUL …) or a Unicode noncharacter.
    case forbiddenCharacter = "forbidden_character"
    /// A cell is longer than `IngestLimits.maxFieldBytes`.
    case fieldTooLong = "field_too_long"
    /// A quote without its partner, or a row inside what such a quote would have swallowed.
    case unbalancedQuote = "unbalanced_quote"
    /// A case id that cannot be used as a file name (`.`, `..`, `/`, over 255 bytes …).
    case unsafeCaseID = "unsafe_case_id"
    /// Invisible characters (zero-width, bidi controls, soft hyphen) were removed (a warning).
    case invisibleCharactersRemoved = "invisible_characters_removed"
    // Contract v2 (the names the generator writes into EXPECTED_ERRORS.json are kept).
    /// A penalties.csv row whose case no case row has.
    case penaltyUnknownCase = "penalty_unknown_case"
    /// An items.csv row whose case no case row has.
    case itemUnknownCase = "item_unknown_case"
    /// A deliveries.csv row whose case no case row has.
    case deliveryUnknownCase = "delivery_unknown_case"
    /// An items.csv 数量 that is not a number.
    case itemBadQuantity = "item_bad_quantity"
    /// A 听证日期 before its 听证通知日期.
    case hearingBeforeNotice = "hearing_before_notice"
    /// A permit's 有效期止 before its 有效期起.
    case permitValidToBeforeFrom = "permit_valid_to_before_from"
    /// A 留置 service with no 见证人.
    case deliveryLienWithoutWitness = "delivery_lien_without_witness"
    /// Two dates of a case's procedure in an impossible order (立案 after 决定, 受理 before 申请 …).
    case procedureDatesInconsistent = "procedure_dates_inconsistent"
    /// A penalty's or measure's period ends before it starts.
    case periodEndBeforeStart = "period_end_before_start"
    /// penalties.csv and the case's 处罚种类 or amounts disagree (a warning).
    case penaltiesDisagreeWithCase = "penalties_disagree_with_case"
    /// The case's 送达日期 is not the day deliveries.csv says its decision was served (a warning).
    case servedDateDisagreesWithDelivery = "served_date_disagrees_with_delivery"
}

extension ProblemKind {
    /// A short name for a clerk, as reports group set-aside rows by it.
    public var label: String {
        switch self {
        case .unreadableFile: return "文件无法读取"
        case .malformedRow: return "行格式错误"
        case .missingRequiredField: return "缺少必填项"
        case .unparseableDate: return "日期无法识别"
        case .invalidValue: return "取值不在规定范围内"
        case .invalidAmount: return "金额无法识别"
        case .badIDCheckDigit: return "身份证号码校验码错误"
        case .badIDNumber: return "证件号码格式错误"
        case .badCreditCode: return "统一社会信用代码错误"
        case .unknownAgency: return "执法主体不存在"
        case .unknownOfficerCert: return "执法证号不存在"
        case .officerCertificateExpired: return "执法证已过期"
        case .officerNotActive: return "执法人员不在岗"
        case .officerOtherAgency: return "执法人员属其他主体"
        case .tooFewOfficers: return "执法人员少于两人"
        case .duplicateCaseID: return "案件编号重复"
        case .duplicateKey: return "编号重复"
        case .futureDecisionDate: return "决定日期晚于导出日"
        case .servedBeforeDecision: return "送达早于决定"
        case .withdrawnWithoutStatusDate: return "已撤销但无状态日期"
        case .changedWithoutStatusDate: return "已变更但无状态日期"
        case .statusDateBeforeDecision: return "状态日期早于决定"
        case .simpleProcedureOverCap: return "简易程序超出罚款限额"
        case .simpleProcedurePenaltyKind: return "简易程序处罚种类不符"
        case .nondisclosureReasonMissing: return "不予公开但无理由"
        case .minorFlagMismatch: return "未成年人标记与证件不符"
        case .fineWithoutFineKind: return "有罚款金额但无罚款种类"
        case .reviewNotFound: return "审核编号不存在"
        case .reviewUnknownCase: return "审核对应的案件不存在"
        case .reviewAfterDecision: return "审核晚于决定"
        case .reviewDatesInconsistent: return "审核日期前后矛盾"
        case .recordUnknownCase: return "记录对应的案件不存在"
        case .mediaPathEscape: return "音像文件路径越界"
        case .mediaMissing: return "音像文件缺失"
        case .mediaHashMismatch: return "音像文件哈希不符"
        case .mediaNotDelivered: return "未随导出提供音像文件"
        case .missingStatutoryElement: return "缺少文书法定要素"
        case .undecodableText: return "含有无法识别的字符"
        case .forbiddenCharacter: return "含有控制字符或非字符"
        case .fieldTooLong: return "内容过长"
        case .unbalancedQuote: return "引号没有配对"
        case .unsafeCaseID: return "案件编号不能用作文件名"
        case .invisibleCharactersRemoved: return "已删除不可见字符"
        case .penaltyUnknownCase: return "处罚对应的案件不存在"
        case .itemUnknownCase: return "清单对应的案件不存在"
        case .deliveryUnknownCase: return "送达对应的案件不存在"
        case .itemBadQuantity: return "清单数量不是数字"
        case .hearingBeforeNotice: return "听证早于听证通知"
        case .permitValidToBeforeFrom: return "许可有效期止早于有效期起"
        case .deliveryLienWithoutWitness: return "留置送达无见证人"
        case .procedureDatesInconsistent: return "办案日期前后矛盾"
        case .periodEndBeforeStart: return "期限止早于期限起"
        case .penaltiesDisagreeWithCase: return "处罚明细与案件不一致"
        case .servedDateDisagreesWithDelivery: return "送达日期与送达回证不一致"
        }
    }
}
