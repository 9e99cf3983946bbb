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
        self.caseID = caseID
        self.field = field
        self.kind = kind
        self.message = message
        self.severity = severity
    }

    enum CodingKeys: String, CodingKey {
        case file, row, caseID = "case_id", field, kind, message, severity
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
}
