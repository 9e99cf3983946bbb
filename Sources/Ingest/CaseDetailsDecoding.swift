import CaseModel

/// A case row decoded: the v1 case and what contract v2 adds to it.
struct DecodedCase: Sendable {
    var item: EnforcementCase
    var details: CaseDetails

    /// Moves the case's long free texts into `store` (`ExportText`); those stored already stay where they are.
    mutating func storeTexts(in store: any TextStore) {
        item.storeTexts(in: store)
        details.procedure.narrativeText.store(in: store)
    }
}

extension RowDecoding {
    /// cases.csv rows and cases.json objects: the v1 case and its v2 columns.
    /// A problem in either sets the whole row aside.
    static func caseRow(_ row: RawRow) -> (DecodedCase?, [Problem]) {
        let (item, problems) = enforcementCase(row)
        guard row.isWellFormed else { return (nil, problems) }
        let (details, more) = caseDetails(row, decided: item?.decisionDate)
        guard let item, let details, !more.contains(where: { $0.severity == .error }) else { return (nil, problems + more) }
        return (DecodedCase(item: item, details: details), problems + more)
    }

    /// The v2 columns of a case row. Every one is optional; a filled one must
    /// be readable, and the dates must follow the order the procedure has.
    static func caseDetails(_ row: RawRow, decided: CivilDate?) -> (CaseDetails?, [Problem]) {
        var reader = FieldReader(row: row, layout: TableLayout(.casesCSV))
        reader.caseID = reader.code("case_id").flatMap(\.nonEmpty)
        let dates = ["filed_on", "notified_on", "hearing_requested_on", "hearing_notified_on", "hearing_on", "discussed_on",
                     "rectify_by", "applied_on", "accepted_on", "valid_from", "valid_to", "measure_from", "measure_to",
                     "measure_extended_to", "demand_on", "enforced_on", "announced_on"]
        var day: [String: CivilDate] = [:]
        for key in dates {
            if let value = reader.date(key, required: false) { day[key] = value }
        }
        let statement = reader.choice("statement", StatementStatus.self, required: false)
        let measure = reader.choice("coercive_measure", CoerciveMeasure.self, required: false)
        let method = reader.choice("enforcement_method", EnforcementMethod.self, required: false)
        guard reader.problems.isEmpty else { return (nil, reader.problems) }
        checkOrder(day, decided: decided, &reader)

        let documentNumber = { (key: String) in Normalize.halfWidthDigits(reader.text(key)) }
        let procedure = ProcedureSteps(
            filedOn: day["filed_on"], narrative: reader.text("procedure_narrative"), notifiedOn: day["notified_on"],
            noticeDocNo: documentNumber("notice_doc_no"), statement: statement,
            statementOutcome: reader.text("statement_outcome"), hearingRequestedOn: day["hearing_requested_on"],
            hearingNotifiedOn: day["hearing_notified_on"], hearingOn: day["hearing_on"], discussedOn: day["discussed_on"])
        let rectification = Rectification(by: day["rectify_by"], what: reader.text("rectify_what"),
                                          basis: reader.text("rectify_basis"), docNo: documentNumber("rectify_doc_no"))
        let permit = PermitDetails(appliedOn: day["applied_on"], acceptedOn: day["accepted_on"],
                                   matter: reader.text("permit_matter"), basis: reader.text("permit_basis"),
                                   name: reader.text("permit_name"), number: Normalize.halfWidth(reader.text("permit_no")),
                                   validFrom: day["valid_from"], validTo: day["valid_to"],
                                   refusalReason: reader.text("refusal_reason"))
        let coercion = CoercionDetails(measure: measure, basis: reader.text("measure_basis"),
                                       measureFrom: day["measure_from"], measureTo: day["measure_to"],
                                       extendedTo: day["measure_extended_to"], demandOn: day["demand_on"],
                                       demandDocNo: documentNumber("demand_doc_no"), enforcementMethod: method,
                                       enforcedOn: day["enforced_on"], baseDocNo: documentNumber("base_doc_no"),
                                       announcedOn: day["announced_on"])
        let details = CaseDetails(
            caseID: reader.caseID ?? "", procedure: procedure, guardian: Normalize.personName(reader.text("guardian")),
            rectification: rectification.isEmpty ? nil : rectification,
            permit: permit.isEmpty ? nil : permit,
            coercion: coercion.isEmpty ? nil : coercion)
        return (reader.problems.contains { $0.severity == .error } ? nil : details, reader.problems)
    }

    /// The order of a procedure's dates (contract v2, "How the dates of a
    /// 行政处罚 hang together"; 行政许可法 第三十二条; 行政强制法 第二十五条).
    /// Only orders that cannot happen are errors; a slow case (past 90 days,
    /// served late) is a supervision finding, not a broken row.
    private static func checkOrder(_ day: [String: CivilDate], decided: CivilDate?, _ reader: inout FieldReader) {
        func label(_ key: String) -> String { reader.column(key).header }
        func notAfter(_ earlier: String, _ later: String, kind: ProblemKind = .procedureDatesInconsistent) {
            guard let first = day[earlier], let second = day[later], second < first else { return }
            reader.report(kind, later, "\(label(later))（\(second.iso)）早于\(label(earlier))（\(first.iso)）。")
        }
        func notAfterDecision(_ key: String) {
            guard let decided, let value = day[key], value > decided else { return }
            reader.report(.procedureDatesInconsistent, key, "\(label(key))（\(value.iso)）晚于决定日期（\(decided.iso)）。")
        }
        notAfter("filed_on", "notified_on")
        notAfter("notified_on", "hearing_requested_on")
        notAfter("hearing_requested_on", "hearing_notified_on")
        notAfter("hearing_notified_on", "hearing_on", kind: .hearingBeforeNotice)
        notAfter("applied_on", "accepted_on")
        notAfter("valid_from", "valid_to", kind: .permitValidToBeforeFrom)
        notAfter("measure_from", "measure_to", kind: .periodEndBeforeStart)
        notAfter("measure_to", "measure_extended_to")
        for key in ["filed_on", "notified_on", "hearing_on", "discussed_on", "applied_on", "accepted_on"] {
            notAfterDecision(key)
        }
    }
}

private extension Rectification {
    var isEmpty: Bool { by == nil && what.isEmpty && basis.isEmpty && docNo.isEmpty }
}

private extension PermitDetails {
    var isEmpty: Bool {
        appliedOn == nil && acceptedOn == nil && matter.isEmpty && basis.isEmpty && name.isEmpty && number.isEmpty
            && validFrom == nil && validTo == nil && refusalReason.isEmpty
    }
}

private extension CoercionDetails {
    var isEmpty: Bool {
        measure == nil && basis.isEmpty && measureFrom == nil && measureTo == nil && extendedTo == nil && demandOn == nil
            && demandDocNo.isEmpty && enforcementMethod == nil && enforcedOn == nil && baseDocNo.isEmpty && announcedOn == nil
    }
}
