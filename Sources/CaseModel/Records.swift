/// Where a record came from: the export file and its 1-based data row
/// (for cases.json, the 1-based array index).
public struct SourceRef: Hashable, Codable, Sendable, CustomStringConvertible {
    public let file: String
    public let row: Int

    public init(file: String, row: Int) {
        self.file = file
        self.row = row
    }

    public var description: String { "\(file) 第\(row)行" }
}

/// 执法主体.
public struct Agency: Hashable, Codable, Sendable {
    public var code: String
    public var name: String
    public var docPrefix: String
    public var address: String
    public var phone: String
    public var reconsiderationBody: String
    public var court: String
    public var portalURL: String
    public var extra: [String: String]
    public var source: SourceRef

    public init(code: String, name: String, docPrefix: String, address: String, phone: String,
                reconsiderationBody: String, court: String, portalURL: String,
                extra: [String: String] = [:], source: SourceRef) {
        self.code = code
        self.name = name
        self.docPrefix = docPrefix
        self.address = address
        self.phone = phone
        self.reconsiderationBody = reconsiderationBody
        self.court = court
        self.portalURL = portalURL
        self.extra = extra
        self.source = source
    }
}

/// 执法人员.
public struct Officer: Hashable, Codable, Sendable {
    public var certNo: String
    public var name: String
    public var agencyCode: String
    public var field: String
    public var validUntil: CivilDate
    public var status: OfficerStatus
    public var extra: [String: String]
    public var source: SourceRef

    public init(certNo: String, name: String, agencyCode: String, field: String, validUntil: CivilDate,
                status: OfficerStatus, extra: [String: String] = [:], source: SourceRef) {
        self.certNo = certNo
        self.name = name
        self.agencyCode = agencyCode
        self.field = field
        self.validUntil = validUntil
        self.status = status
        self.extra = extra
        self.source = source
    }

    /// Whether the certificate was valid on `date` as far as the export can tell:
    /// the expiry is known, the date of a 注销/暂扣 is not.
    public func certificateValid(on date: CivilDate) -> Bool { date <= validUntil }
}

/// 当事人.
public struct Party: Hashable, Codable, Sendable {
    public var type: PartyType
    public var name: String
    public var idType: PartyIDType?
    public var idNumber: String
    public var legalRepresentative: String
    public var address: String
    public var phone: String
    /// True when the export says so or the ID number shows the party under 18 on the decision date.
    public var isMinor: Bool

    public init(type: PartyType, name: String, idType: PartyIDType?, idNumber: String,
                legalRepresentative: String, address: String, phone: String, isMinor: Bool) {
        self.type = type
        self.name = name
        self.idType = idType
        self.idNumber = idNumber
        self.legalRepresentative = legalRepresentative
        self.address = address
        self.phone = phone
        self.isMinor = isMinor
    }
}

/// 执法决定: one row of cases.csv or one object of cases.json, normalised.
public struct EnforcementCase: Hashable, Codable, Sendable {
    public var id: String
    public var agencyCode: String
    public var actionType: ActionType
    public var procedure: Procedure?
    public var docNo: String
    public var title: String
    public var party: Party
    /// 违法事实 (`factsText` holds it, in memory or in a `TextStore`).
    public var facts: String {
        get { factsText.string }
        set { factsText = ExportText(newValue) }
    }
    public var factsText: ExportText
    public var evidence: [String]
    public var violatedProvisions: String
    public var penaltyProvisions: String
    public var discretion: String
    /// 处理决定 (`decisionText` holds it, in memory or in a `TextStore`).
    public var decision: String {
        get { decisionText.string }
        set { decisionText = ExportText(newValue) }
    }
    public var decisionText: ExportText
    public var penaltyKinds: [PenaltyKind]
    public var fine: Yuan?
    public var confiscation: Yuan?
    public var decisionDate: CivilDate
    public var servedDate: CivilDate?
    public var officerCerts: [String]
    public var major: Bool
    public var hearing: Bool
    public var reviewID: String?
    public var disclosure: DisclosureMode
    public var nondisclosureReason: NondisclosureReason?
    public var tradeSecretSpans: [String]
    public var status: CaseStatus
    public var statusDate: CivilDate?
    public var statusReason: String
    public var updatedAt: CivilDateTime?
    public var extra: [String: String]
    public var source: SourceRef

    /// The members' names as before the long texts became `ExportText`: the state store's content hash of a case
    /// and the render keys are made from its encoding.
    enum CodingKeys: String, CodingKey {
        case id, agencyCode, actionType, procedure, docNo, title, party, factsText = "facts", evidence, violatedProvisions,
             penaltyProvisions, discretion, decisionText = "decision", penaltyKinds, fine, confiscation, decisionDate,
             servedDate, officerCerts, major, hearing, reviewID, disclosure, nondisclosureReason, tradeSecretSpans, status,
             statusDate, statusReason, updatedAt, extra, source
    }

    /// Moves the long free texts into `store` (`ExportText.store(in:)`).
    public mutating func storeTexts(in store: any TextStore) {
        factsText.store(in: store)
        decisionText.store(in: store)
    }

    public init(id: String, agencyCode: String, actionType: ActionType, procedure: Procedure?, docNo: String,
                title: String, party: Party, facts: String, evidence: [String], violatedProvisions: String,
                penaltyProvisions: String, discretion: String, decision: String, penaltyKinds: [PenaltyKind],
                fine: Yuan?, confiscation: Yuan?, decisionDate: CivilDate, servedDate: CivilDate?,
                officerCerts: [String], major: Bool, hearing: Bool, reviewID: String?,
                disclosure: DisclosureMode, nondisclosureReason: NondisclosureReason?, tradeSecretSpans: [String],
                status: CaseStatus, statusDate: CivilDate?, statusReason: String, updatedAt: CivilDateTime?,
                extra: [String: String], source: SourceRef) {
        self.id = id
        self.agencyCode = agencyCode
        self.actionType = actionType
        self.procedure = procedure
        self.docNo = docNo
        self.title = title
        self.party = party
        self.factsText = ExportText(facts)
        self.evidence = evidence
        self.violatedProvisions = violatedProvisions
        self.penaltyProvisions = penaltyProvisions
        self.discretion = discretion
        self.decisionText = ExportText(decision)
        self.penaltyKinds = penaltyKinds
        self.fine = fine
        self.confiscation = confiscation
        self.decisionDate = decisionDate
        self.servedDate = servedDate
        self.officerCerts = officerCerts
        self.major = major
        self.hearing = hearing
        self.reviewID = reviewID
        self.disclosure = disclosure
        self.nondisclosureReason = nondisclosureReason
        self.tradeSecretSpans = tradeSecretSpans
        self.status = status
        self.statusDate = statusDate
        self.statusReason = statusReason
        self.updatedAt = updatedAt
        self.extra = extra
        self.source = source
    }
}

/// 法制审核: one row of reviews.csv.
public struct Review: Hashable, Codable, Sendable {
    public var id: String
    public var caseID: String
    public var submittedOn: CivilDate
    public var reviewers: [String]
    public var items: [ReviewItem: ReviewItemResult]
    public var criminalReferral: CriminalReferral
    public var conclusion: ReviewConclusion
    public var opinion: String
    public var reviewedOn: CivilDate
    public var recheckRequestedOn: CivilDate?
    public var recheckConclusion: String
    public var recheckedOn: CivilDate?
    public var extra: [String: String]
    public var source: SourceRef

    public init(id: String, caseID: String, submittedOn: CivilDate, reviewers: [String],
                items: [ReviewItem: ReviewItemResult], criminalReferral: CriminalReferral,
                conclusion: ReviewConclusion, opinion: String, reviewedOn: CivilDate,
                recheckRequestedOn: CivilDate?, recheckConclusion: String, recheckedOn: CivilDate?,
                extra: [String: String], source: SourceRef) {
        self.id = id
        self.caseID = caseID
        self.submittedOn = submittedOn
        self.reviewers = reviewers
        self.items = items
        self.criminalReferral = criminalReferral
        self.conclusion = conclusion
        self.opinion = opinion
        self.reviewedOn = reviewedOn
        self.recheckRequestedOn = recheckRequestedOn
        self.recheckConclusion = recheckConclusion
        self.recheckedOn = recheckedOn
        self.extra = extra
        self.source = source
    }
}

/// 全过程记录: one row of records.csv.
public struct ProcessRecord: Hashable, Codable, Sendable {
    public var id: String
    public var caseID: String
    public var stage: RecordStage
    public var kind: RecordKind
    public var file: String
    public var sha256: String
    public var recordedAt: CivilDateTime
    public var officerCert: String
    /// False when the export came without its media/ folder, so the file could not be checked.
    public var mediaVerified: Bool
    public var extra: [String: String]
    public var source: SourceRef

    public init(id: String, caseID: String, stage: RecordStage, kind: RecordKind, file: String, sha256: String,
                recordedAt: CivilDateTime, officerCert: String, mediaVerified: Bool,
                extra: [String: String], source: SourceRef) {
        self.id = id
        self.caseID = caseID
        self.stage = stage
        self.kind = kind
        self.file = file
        self.sha256 = sha256
        self.recordedAt = recordedAt
        self.officerCert = officerCert
        self.mediaVerified = mediaVerified
        self.extra = extra
        self.source = source
    }
}
