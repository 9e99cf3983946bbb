import CaseModel

/// Rules that look across rows and files: references, duplicates, the
/// officers' certificates, dates against "today", and media files.
struct CrossChecks {
    let asOf: CivilDate
    let media: MediaFolder?
    private(set) var problems: [Problem] = []

    init(asOf: CivilDate, media: MediaFolder?) {
        self.asOf = asOf
        self.media = media
    }

    /// `check` of each item on every core, each with checks of its own; their problems are added in item order.
    mutating func onEveryCore<Item>(_ items: [Item], chunkSize: Int = 1024, _ check: (inout CrossChecks, Item) -> Void) {
        let found = concurrentMap(items, chunkSize: chunkSize) { item -> [Problem] in
            var local = CrossChecks(asOf: asOf, media: media)
            check(&local, item)
            return local.problems
        }
        problems += found.joined()
    }

    /// Problems found elsewhere (the export's index) for rows this read holds.
    mutating func add(_ found: [Problem]) { problems += found }

    mutating func report(_ source: SourceRef, caseID: String?, field: String, kind: ProblemKind,
                                 _ detail: String, severity: Problem.Severity = .error) {
        let column = ExportFile(rawValue: source.file)?.columns.first { $0.key == field }
        let label = column.map { $0.label + "：" } ?? ""
        let subject = caseID.map { "（案件 \(Excerpt.caseID($0))）" } ?? ""
        problems.append(Problem(file: source.file, row: source.row, caseID: caseID, field: field, kind: kind,
                                message: "\(source.file) 第\(source.row)行\(subject) \(label)\(detail)", severity: severity))
    }

    /// Later rows with a key already used are duplicates; the first keeps it.
    mutating func duplicates(_ keys: [(key: String, source: SourceRef, caseID: String?)], field: String,
                             kind: ProblemKind, noun: String) {
        var first: [String: SourceRef] = [:]
        for entry in keys where !entry.key.isEmpty {
            if let earlier = first[entry.key] {
                report(entry.source, caseID: entry.caseID, field: field, kind: kind,
                       "\(noun)“\(field == "case_id" ? Excerpt.caseID(entry.key) : Excerpt.of(entry.key))”与 \(earlier.file) 第\(earlier.row)行重复。")
            } else {
                first[entry.key] = entry.source
            }
        }
    }

    mutating func officers(_ officers: [Officer], agencies: [String: Agency]) {
        for officer in officers where agencies[officer.agencyCode] == nil {
            report(officer.source, caseID: nil, field: "agency_code", kind: .unknownAgency,
                   "主体代码“\(Excerpt.of(officer.agencyCode))”不在 agencies.csv 中。")
        }
    }

    /// Each case is checked on its own, so the cases are checked on every core.
    mutating func cases(_ cases: [EnforcementCase], agencies: [String: Agency], officers: [String: Officer],
                        reviewIDs: Set<String>) {
        onEveryCore(cases) { checks, item in checks.check(item, agencies: agencies, officers: officers, reviewIDs: reviewIDs) }
    }

    private mutating func check(_ item: EnforcementCase, agencies: [String: Agency], officers: [String: Officer],
                                reviewIDs: Set<String>) {
        if agencies[item.agencyCode] == nil {
            report(item.source, caseID: item.id, field: "agency_code", kind: .unknownAgency,
                   "主体代码“\(Excerpt.of(item.agencyCode))”不在 agencies.csv 中。")
        }
        if item.decisionDate > asOf {
            // A future date is the root problem; certificate checks against it would only add noise.
            report(item.source, caseID: item.id, field: "decision_date", kind: .futureDecisionDate,
                   "决定日期 \(item.decisionDate.iso) 晚于数据基准日 \(asOf.iso)。")
        } else {
            certificates(of: item, officers: officers)
        }
        if let reviewID = item.reviewID, !reviewIDs.contains(reviewID) {
            report(item.source, caseID: item.id, field: "review_id", kind: .reviewNotFound,
                   "审核编号“\(Excerpt.of(reviewID))”在 reviews.csv 中没有可用的记录。", severity: .warning)
        }
    }

    /// Each officer must exist and hold a certificate valid on the decision
    /// date; 普通程序 needs at least two (行政处罚法 第四十二条).
    private mutating func certificates(of item: EnforcementCase, officers: [String: Officer]) {
        for cert in item.officerCerts {
            guard let officer = officers[cert] else {
                report(item.source, caseID: item.id, field: "officers", kind: .unknownOfficerCert,
                       "执法证号“\(Excerpt.of(cert))”不在 officers.csv 中。")
                continue
            }
            if !officer.certificateValid(on: item.decisionDate) {
                report(item.source, caseID: item.id, field: "officers", kind: .officerCertificateExpired,
                       "执法人员\(Excerpt.of(officer.name))（证号\(Excerpt.of(cert))）的执法证有效期至 \(officer.validUntil.iso)，决定日期 \(item.decisionDate.iso) 时已失效。")
            } else if officer.status != .active {
                report(item.source, caseID: item.id, field: "officers", kind: .officerNotActive,
                       "执法人员\(Excerpt.of(officer.name))（证号\(Excerpt.of(cert))）的执法证当前状态为\(officer.status.rawValue)，请核实决定日期时是否有效。",
                       severity: .warning)
            }
            if officer.agencyCode != item.agencyCode {
                report(item.source, caseID: item.id, field: "officers", kind: .officerOtherAgency,
                       "执法人员\(Excerpt.of(officer.name))（证号\(Excerpt.of(cert))）不属于本案执法主体。", severity: .warning)
            }
        }
        if item.procedure == .ordinary && Set(item.officerCerts).count < 2 {
            report(item.source, caseID: item.id, field: "officers", kind: .tooFewOfficers,
                   "普通程序的执法人员不得少于两人，本案只有\(Set(item.officerCerts).count)人。")
        }
    }

    mutating func reviews(_ reviews: [Review], caseIDs: Set<String>, decisions: [String: CivilDate]) {
        for review in reviews {
            guard caseIDs.contains(review.caseID) else {
                report(review.source, caseID: review.caseID, field: "case_id", kind: .reviewUnknownCase,
                       "案件编号“\(Excerpt.caseID(review.caseID))”在案件数据中不存在。")
                continue
            }
            if let decided = decisions[review.caseID], review.reviewedOn > decided {
                report(review.source, caseID: review.caseID, field: "reviewed_on", kind: .reviewAfterDecision,
                       "审核日期 \(review.reviewedOn.iso) 晚于决定日期 \(decided.iso)：法制审核须在作出决定之前完成。")
            }
        }
    }

    /// Records, and the hashing of their media files, are checked on every core.
    mutating func records(_ records: inout [ProcessRecord], caseIDs: Set<String>, officers: [String: Officer]) {
        let found = concurrentMap(records) { record -> (problems: [Problem], verified: Bool) in
            var local = CrossChecks(asOf: asOf, media: media)
            let verified = local.check(record, caseIDs: caseIDs, officers: officers)
            return (local.problems, verified)
        }
        for index in records.indices { records[index].mediaVerified = found[index].verified }
        problems += found.map(\.problems).joined()
    }

    /// Whether the record's media file was found and matched its hash.
    private mutating func check(_ record: ProcessRecord, caseIDs: Set<String>, officers: [String: Officer]) -> Bool {
        if !caseIDs.contains(record.caseID) {
            report(record.source, caseID: record.caseID, field: "case_id", kind: .recordUnknownCase,
                   "案件编号“\(Excerpt.caseID(record.caseID))”在案件数据中不存在。")
        }
        if officers[record.officerCert] == nil {
            report(record.source, caseID: record.caseID, field: "officer", kind: .unknownOfficerCert,
                   "记录人执法证号“\(Excerpt.of(record.officerCert))”不在 officers.csv 中。")
        }
        guard MediaFolder.isPlainFileName(record.file) else {
            report(record.source, caseID: record.caseID, field: "file", kind: .mediaPathEscape,
                   "文件名必须是 media 文件夹中的文件名，不能含路径（/、\\、..）。")
            return false
        }
        guard let media else { return false }
        let file = Excerpt.of(record.file)
        switch media.verify(file: record.file, sha256: record.sha256) {
        case .matches:
            return true
        case .missing:
            report(record.source, caseID: record.caseID, field: "file", kind: .mediaMissing,
                   "media 文件夹中没有文件“\(file)”。")
        case .escapes where media.escapesExport:
            report(record.source, caseID: record.caseID, field: "file", kind: .mediaPathEscape,
                   "media 文件夹是指向导出文件夹之外的符号链接：其中的文件未读取，“\(file)”未能核验。")
        case .escapes:
            report(record.source, caseID: record.caseID, field: "file", kind: .mediaPathEscape,
                   "文件“\(file)”指向导出文件夹之外。")
        case .notRegular(let why):
            report(record.source, caseID: record.caseID, field: "file", kind: .mediaMissing,
                   "media 文件夹中的“\(file)”\(why.reason)")
        case .differs:
            report(record.source, caseID: record.caseID, field: "sha256", kind: .mediaHashMismatch,
                   "文件“\(file)”的 SHA-256 与记录不符：文件在入库后被改动或损坏。")
        }
        return false
    }
}
