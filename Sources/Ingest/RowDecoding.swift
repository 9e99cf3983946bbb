import CaseModel

/// Turns raw rows into model records. Each decoder returns the record, or nil
/// when a cell could not be read, together with every problem of the row.
enum RowDecoding {
    static func agency(_ row: RawRow) -> (Agency?, [Problem]) {
        var reader = FieldReader(row: row, layout: TableLayout(.agencies))
        let code = reader.code("agency_code", required: true)
        if let code, let problem = UnifiedSocialCreditCode.validate(code) {
            reader.report(.badCreditCode, "agency_code", creditCodeMessage(problem))
        }
        let name = reader.required("name")
        let prefix = reader.required("doc_prefix")
        let body = reader.required("reconsideration_body")
        let court = reader.required("court")
        guard let code, let name, let prefix, let body, let court, reader.problems.isEmpty else { return (nil, reader.problems) }
        let agency = Agency(code: code, name: name, docPrefix: prefix, address: reader.text("address"),
                            phone: Normalize.code(reader.text("phone")), reconsiderationBody: body, court: court,
                            portalURL: Normalize.code(reader.text("portal_url")), extra: row.extra, source: row.source)
        return (agency, reader.problems)
    }

    static func officer(_ row: RawRow) -> (Officer?, [Problem]) {
        var reader = FieldReader(row: row, layout: TableLayout(.officers))
        let cert = reader.code("cert_no", required: true)
        let name = reader.required("name").map(Normalize.personName)
        let agency = reader.code("agency_code", required: true)
        let validUntil = reader.date("valid_until", required: true)
        let status = reader.choice("status", OfficerStatus.self, required: true)
        guard let cert, let name, let agency, let validUntil, let status, reader.problems.isEmpty else {
            return (nil, reader.problems)
        }
        return (Officer(certNo: cert, name: name, agencyCode: agency, field: reader.text("field"), validUntil: validUntil,
                        status: status, extra: row.extra, source: row.source), reader.problems)
    }

    static func review(_ row: RawRow) -> (Review?, [Problem]) {
        var reader = FieldReader(row: row, layout: TableLayout(.reviews))
        let caseID = reader.code("case_id", required: true)
        reader.caseID = caseID
        let id = reader.code("review_id", required: true)
        let submitted = reader.date("submitted_on", required: true)
        let reviewers = reader.list("reviewers", separators: .items).map(Normalize.personName)
        if reviewers.isEmpty { reader.report(.missingRequiredField, "reviewers", "必填项为空。") }
        var items: [ReviewItem: ReviewItemResult] = [:]
        for item in ReviewItem.allCases {
            items[item] = reader.choice(item.rawValue, ReviewItemResult.self, required: true)
        }
        let referral = reader.choice("criminal_referral", CriminalReferral.self, required: true)
        let conclusion = reader.choice("conclusion", ReviewConclusion.self, required: true)
        let reviewed = reader.date("reviewed_on", required: true)
        let recheckRequested = reader.date("recheck_requested_on", required: false)
        let rechecked = reader.date("rechecked_on", required: false)
        guard let caseID, let id, let submitted, let referral, let conclusion, let reviewed,
              reader.problems.isEmpty else { return (nil, reader.problems) }
        if reviewed < submitted {
            reader.report(.reviewDatesInconsistent, "reviewed_on", "审核日期早于送审日期。")
        }
        if let recheckRequested, recheckRequested < reviewed {
            reader.report(.reviewDatesInconsistent, "recheck_requested_on", "复核申请日期早于审核日期。")
        }
        if let rechecked, rechecked < (recheckRequested ?? reviewed) {
            reader.report(.reviewDatesInconsistent, "rechecked_on", "复核日期早于复核申请日期。")
        }
        let review = Review(id: id, caseID: caseID, submittedOn: submitted, reviewers: reviewers, items: items,
                            criminalReferral: referral, conclusion: conclusion, opinion: reader.text("opinion"),
                            reviewedOn: reviewed, recheckRequestedOn: recheckRequested,
                            recheckConclusion: reader.text("recheck_conclusion"), recheckedOn: rechecked,
                            extra: row.extra, source: row.source)
        return (reader.problems.isEmpty ? review : nil, reader.problems)
    }

    static func record(_ row: RawRow) -> (ProcessRecord?, [Problem]) {
        var reader = FieldReader(row: row, layout: TableLayout(.records))
        let caseID = reader.code("case_id", required: true)
        reader.caseID = caseID
        let id = reader.code("record_id", required: true)
        let stage = reader.choice("stage", RecordStage.self, required: true)
        let kind = reader.choice("kind", RecordKind.self, required: true)
        let file = reader.required("file")
        var sha = reader.code("sha256", required: true)?.lowercased()
        if let digest = sha, digest.count != 64 || !digest.allSatisfy(\.isHexDigit) {
            reader.report(.invalidValue, "sha256", "不是 64 位十六进制的 SHA-256 摘要。")
            sha = nil
        }
        let recordedAt = reader.dateTime("recorded_at", required: true)
        let officer = reader.code("officer", required: true)
        guard let caseID, let id, let stage, let kind, let file, let sha, let recordedAt, let officer,
              reader.problems.isEmpty else { return (nil, reader.problems) }
        return (ProcessRecord(id: id, caseID: caseID, stage: stage, kind: kind, file: file, sha256: sha,
                              recordedAt: recordedAt, officerCert: officer, mediaVerified: false,
                              extra: row.extra, source: row.source), reader.problems)
    }

    static func creditCodeMessage(_ problem: UnifiedSocialCreditCode.Problem) -> String {
        switch problem {
        case .badLength: return "统一社会信用代码应为18位。"
        case .badCharacter: return "统一社会信用代码含有不允许的字符（不得含 I、O、Z、S、V）。"
        case .badCheckCharacter: return "统一社会信用代码校验码错误（GB 32100）。"
        }
    }
}
