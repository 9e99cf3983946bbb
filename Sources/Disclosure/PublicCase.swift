import CaseModel
import Foundation

/// How a field reaches the portal.
public enum FieldTreatment: String, Codable, Sendable {
    case publish
    /// Published after its own processing: free text scanned, addresses cut to the county, names anonymised.
    case transform
    case drop
}

/// pipeline.yml's `disclosure.fields`: default-deny, a field not listed is dropped.
public struct FieldPolicy: Equatable, Sendable {
    public var fields: [String: FieldTreatment]

    /// Fields the portal cannot do without (it files, dates and withdraws by them).
    public static let structural: Set<String> = ["case_id", "agency_code", "action_type", "decision_date", "status", "status_date"]
    /// Fields that may only be transformed or dropped: publishing them as they are would leak.
    public static let neverAsIs: Set<String> = ["party_name", "party_id_no", "party_address", "party_phone", "facts", "evidence",
                                                "discretion", "decision", "status_reason", "title", "trade_secret_spans", "party_minor"]
    public static let known: Set<String> = [
        "case_id", "agency_code", "action_type", "procedure", "doc_no", "title", "party_type", "party_name", "party_id_type",
        "party_id_no", "legal_rep", "party_address", "party_phone", "party_minor", "facts", "evidence", "violated_provisions",
        "penalty_provisions", "discretion", "decision", "penalty_kinds", "fine_amount", "confiscation_amount", "decision_date",
        "served_date", "officers", "major", "hearing", "review_id", "disclosure", "nondisclosure_reason", "trade_secret_spans",
        "status", "status_date", "status_reason", "updated_at",
    ]

    public init(fields: [String: FieldTreatment]) { self.fields = fields }

    public static let defaults = FieldPolicy(fields: [
        "case_id": .publish, "agency_code": .publish, "action_type": .publish, "procedure": .publish, "doc_no": .publish,
        "title": .transform, "party_type": .publish, "party_name": .transform, "party_id_no": .transform, "legal_rep": .publish,
        "party_address": .transform, "facts": .transform, "evidence": .transform, "violated_provisions": .publish,
        "penalty_provisions": .publish, "discretion": .transform, "decision": .transform, "penalty_kinds": .publish,
        "fine_amount": .publish, "confiscation_amount": .publish, "decision_date": .publish, "officers": .publish,
        "status": .publish, "status_date": .publish, "status_reason": .transform,
    ])

    public func treatment(_ field: String) -> FieldTreatment { fields[field] ?? .drop }

    /// What is wrong with a field's setting, for the configuration error; nil when fine.
    public static func problem(field: String, treatment: FieldTreatment) -> String? {
        if !known.contains(field) { return "不是导出契约中的字段" }
        if structural.contains(field), treatment == .drop { return "门户归档和撤下依赖该字段，不能 drop" }
        if neverAsIs.contains(field), treatment == .publish { return "含个人信息或商业秘密，只能 transform 或 drop" }
        return nil
    }
}

/// A decision as the portal may show it: built only from redacted data.
public struct PublicCase: Codable, Equatable, Sendable {
    public struct PublicOfficer: Codable, Equatable, Sendable {
        public var name: String
        public var cert: String
    }

    public var id: String
    public var agencyCode: String
    public var actionType: String
    public var procedure: String?
    public var docNo: String?
    public var title: String?
    public var partyType: String?
    public var partyName: String?
    /// Only an organisation's 统一社会信用代码; a person's ID number is never published.
    public var partyCreditCode: String?
    public var legalRepresentative: String?
    public var partyAddress: String?
    public var facts: String?
    public var evidence: [String]?
    public var violatedProvisions: String?
    public var penaltyProvisions: String?
    public var discretion: String?
    public var decision: String?
    public var penaltyKinds: [String]?
    public var fineYuan: String?
    public var confiscationYuan: String?
    public var decisionDate: String
    public var officers: [PublicOfficer]?
    public var status: String
    public var statusDate: String?
    public var statusReason: String?

    enum CodingKeys: String, CodingKey {
        case id = "case_id", agencyCode = "agency_code", actionType = "action_type", procedure, docNo = "doc_no", title,
             partyType = "party_type", partyName = "party_name", partyCreditCode = "party_credit_code",
             legalRepresentative = "legal_rep", partyAddress = "party_address", facts, evidence,
             violatedProvisions = "violated_provisions", penaltyProvisions = "penalty_provisions", discretion, decision,
             penaltyKinds = "penalty_kinds", fineYuan = "fine_yuan", confiscationYuan = "confiscation_yuan",
             decisionDate = "decision_date", officers, status, statusDate = "status_date", statusReason = "status_reason"
    }
}

/// The outcome for one case: its public form, or why it stays off the portal, and the report.
public struct RedactedCase: Sendable {
    public var publicCase: PublicCase?
    public var report: RedactionReport
}

/// Default-deny redaction of a case for the portal.
public struct CaseRedaction: Sendable {
    public var policy: FieldPolicy
    /// Names private wherever they appear, in any case: minors who are parties anywhere in the export.
    public var privateNames: [String] {
        didSet { privateSearch = PrivateNames(privateNames) }
    }
    /// `privateNames` made ready for every case's redactor once.
    private var privateSearch: PrivateNames
    /// The allow-list of identifier shapes (pipeline.yml may set it); each case adds its own public values.
    public var shapes: PublicShapes {
        didSet { generalShapes = IdentifierScanner.General(shapes) }
    }
    /// `shapes` as the identifier scanner reads them, made once rather than for every case.
    private var generalShapes: IdentifierScanner.General
    /// Every personal value of the export (see `PersonalValueIndex.export`): removed from
    /// public text wherever found, so the publication gate, which uses the same index, finds none.
    public var index: PersonalValueIndex?
    /// The word and name model; when it cannot be loaded no case is published (fail closed).
    public var lexicon: Result<Lexicon, DisclosureDataError>

    public init(policy: FieldPolicy, privateNames: [String] = [], shapes: PublicShapes = .defaults, index: PersonalValueIndex? = nil,
                lexicon: Result<Lexicon, DisclosureDataError> = Lexicon.standard) {
        self.policy = policy
        self.privateNames = privateNames
        privateSearch = PrivateNames(privateNames)
        self.shapes = shapes
        generalShapes = IdentifierScanner.General(shapes)
        self.index = index
        self.lexicon = lexicon
    }

    /// The names of every minor party in the export: anonymised in every case that mentions them.
    public static func minors(in cases: [EnforcementCase]) -> [String] {
        Array(Set(cases.filter { $0.party.isMinor && PartyNature.isNaturalPerson($0.party) && $0.party.name.count >= 2 }.map(\.party.name))).sorted()
    }

    /// Why a case is not published proactively, or nil when it is.
    public static func withheldReason(_ item: EnforcementCase) -> String? {
        if item.party.isMinor { return "涉及未成年人" }
        switch item.disclosure {
        case .withheld: return "不予公开（\(item.nondisclosureReason?.rawValue ?? "未说明理由")）"
        case .onRequest: return "依申请公开"
        case .proactive: return nil
        }
    }

    /// The case's own allow-list: the agency's phone and code, the officers' certificates,
    /// the document number, and the party's credit code when it is an organisation's.
    public func shapes(for item: EnforcementCase, agency: Agency?) -> PublicShapes {
        shapes(for: item, agency: agency, party: PartyFacts(item.party))
    }

    /// What the party is, worked out once per case: each check compacts and validates its ID number.
    struct PartyFacts {
        var person: Bool
        var creditCode: String?

        init(_ party: Party) {
            person = PartyNature.isNaturalPerson(party)
            creditCode = PartyNature.publicCreditCode(party, naturalPerson: person)
        }
    }

    func shapes(for item: EnforcementCase, agency: Agency?, party: PartyFacts) -> PublicShapes {
        var shapes = self.shapes
        shapes.publicIdentifiers += item.officerCerts + [item.docNo]
        if let agency {
            shapes.publicPhones.append(agency.phone)
            shapes.publicIdentifiers.append(agency.code)
            shapes.organisationCodes.append(agency.code)
        }
        if let code = party.creditCode { shapes.organisationCodes.append(code) }
        return shapes
    }

    /// The case's text redactor: its private people, its public names and its allow-list.
    func textRedactor(_ item: EnforcementCase, agency: Agency?, officers: [String: Officer], lexicon: Lexicon,
                      facts: PartyFacts? = nil) -> TextRedactor {
        let party = item.party
        let facts = facts ?? PartyFacts(party)
        let person = facts.person
        let officerNames = item.officerCerts.compactMap { officers[$0]?.name }
        // The export's private names come from `privateSearch`, without the party's own name.
        var people: [String] = []
        if person {
            people.append(party.name)
            // The operator of a 个体工商户 who is a person is as private as the party.
            if !party.legalRepresentative.isEmpty { people.append(party.legalRepresentative) }
        }
        var kept = Set(officerNames).union(DocumentNumbers.issuerAbbreviations(item.docNo))
        if let agency { kept.formUnion(DocumentNumbers.issuerAbbreviations(agency.docPrefix + "〔")) }
        if !person, !party.legalRepresentative.isEmpty { kept.insert(party.legalRepresentative) }
        let texts = [item.title, item.facts, item.discretion, item.decision, item.statusReason] + item.evidence
        let scanner = IdentifierScanner(general: generalShapes, shapes: shapes(for: item, agency: agency, party: facts))
        return TextRedactor(texts: texts, privateNames: privateSearch, party: party.name, people: people, kept: kept, scanner: scanner,
                            tradeSecrets: item.tradeSecretSpans, index: index, lexicon: lexicon)
    }

    /// One free-text field as the review page shows it.
    public struct FieldReview: Sendable {
        public var field: String
        public var segments: [TextRedactor.ReviewSegment]
    }

    /// The case's free text cut into segments for the 法制科's internal review page: what was
    /// removed or replaced, and which names the model was unsure of. Empty when the case is
    /// not published or the word model is missing.
    public func review(_ item: EnforcementCase, agency: Agency?, officers: [String: Officer]) -> [FieldReview] {
        guard Self.withheldReason(item) == nil, case .success(let lexicon) = self.lexicon else { return [] }
        return Self.fieldReviews(item, textRedactor(item, agency: agency, officers: officers, lexicon: lexicon))
    }

    /// `redact`, and the review page's segments when `wanted` asks for them once it sees the result: made from
    /// the redactor that made the public text (a second one would analyse every text of the case again, and
    /// could name people otherwise than the published text does).
    public func redact(_ item: EnforcementCase, agency: Agency?, officers: [String: Officer],
                       review wanted: (RedactedCase) -> Bool) -> (redacted: RedactedCase, review: [FieldReview]?) {
        let (redacted, redactor) = redactCase(item, agency: agency, officers: officers)
        guard wanted(redacted) else { return (redacted, nil) }
        return (redacted, redactor.map { Self.fieldReviews(item, $0) } ?? [])
    }

    private static func fieldReviews(_ item: EnforcementCase, _ redactor: TextRedactor) -> [FieldReview] {
        var out: [FieldReview] = []
        for (field, text) in [("title", item.title), ("facts", item.facts), ("discretion", item.discretion), ("decision", item.decision),
                              ("status_reason", item.statusReason)] + item.evidence.enumerated().map({ ("evidence[\($0.offset)]", $0.element) })
            where !text.isEmpty {
            out.append(FieldReview(field: field, segments: redactor.review(text)))
        }
        return out
    }

    public func redact(_ item: EnforcementCase, agency: Agency?, officers: [String: Officer]) -> RedactedCase {
        redactCase(item, agency: agency, officers: officers).redacted
    }

    /// The redacted case, and the redactor that made it (nil when the case is not redacted at all).
    private func redactCase(_ item: EnforcementCase, agency: Agency?, officers: [String: Officer]) -> (redacted: RedactedCase, redactor: TextRedactor?) {
        if let reason = Self.withheldReason(item) {
            return (RedactedCase(publicCase: nil, report: RedactionReport(caseID: item.id, removed: [:], withheld: reason)), nil)
        }
        let lexicon: Lexicon
        switch self.lexicon {
        case .success(let loaded): lexicon = loaded
        case .failure(let error):
            return (RedactedCase(publicCase: nil, report: RedactionReport(caseID: item.id, removed: [:], withheld: "无法作技术处理：\(error.description)")), nil)
        }
        let party = item.party
        let facts = PartyFacts(party)
        let person = facts.person
        let redactor = textRedactor(item, agency: agency, officers: officers, lexicon: lexicon, facts: facts)

        func field<T>(_ name: String, _ publish: () -> T?, _ transform: () -> T?) -> T? {
            switch policy.treatment(name) {
            case .publish: return FieldPolicy.neverAsIs.contains(name) ? transform() : publish()
            case .transform: return transform()
            case .drop: return nil
            }
        }
        // A person's name is anonymised the way the redactor writes it in the text (张某, 张某甲).
        let anonymousParty = person ? (party.name.isEmpty ? "当事人" : redactor.redact(party.name)) : party.name
        let result = PublicCase(
            id: item.id, agencyCode: item.agencyCode, actionType: item.actionType.rawValue,
            procedure: field("procedure", { item.procedure?.rawValue }, { item.procedure?.rawValue }),
            docNo: field("doc_no", { item.docNo }, { item.docNo }),
            title: field("title", { item.title }, { redactor.redact(item.title) }),
            partyType: field("party_type", { party.type.rawValue }, { party.type.rawValue }),
            partyName: field("party_name", { anonymousParty }, { anonymousParty }),
            partyCreditCode: field("party_id_no", { nil }, { facts.creditCode }),
            legalRepresentative: person ? nil : field("legal_rep", { party.legalRepresentative.nilIfEmpty }, { party.legalRepresentative.nilIfEmpty }),
            partyAddress: field("party_address", { nil }, { party.address.isEmpty ? nil : (person ? redactor.redactAddress(party.address) : party.address) }),
            facts: field("facts", { nil }, { redactor.redact(item.facts) }),
            evidence: field("evidence", { nil }, { item.evidence.map(redactor.redact) }),
            violatedProvisions: field("violated_provisions", { item.violatedProvisions }, { item.violatedProvisions }),
            penaltyProvisions: field("penalty_provisions", { item.penaltyProvisions }, { item.penaltyProvisions }),
            discretion: field("discretion", { nil }, { redactor.redact(item.discretion) }),
            decision: field("decision", { nil }, { redactor.redact(item.decision) }),
            penaltyKinds: field("penalty_kinds", { item.penaltyKinds.map(\.rawValue) }, { item.penaltyKinds.map(\.rawValue) }),
            fineYuan: field("fine_amount", { item.fine?.decimalString }, { item.fine?.decimalString }),
            confiscationYuan: field("confiscation_amount", { item.confiscation?.decimalString }, { item.confiscation?.decimalString }),
            decisionDate: item.decisionDate.iso,
            officers: field("officers", { publicOfficers(item, officers) }, { publicOfficers(item, officers) }),
            status: item.status.rawValue, statusDate: item.statusDate?.iso,
            statusReason: field("status_reason", { nil }, { item.statusReason.isEmpty ? nil : redactor.redact(item.statusReason) }))
        var report = RedactionReport(caseID: item.id, removed: redactor.removedByKind, withheld: nil)
        report.uncertain = redactor.uncertainCount > 0 ? redactor.uncertainCount : nil
        return (RedactedCase(publicCase: result, report: report), redactor)
    }

    private func publicOfficers(_ item: EnforcementCase, _ officers: [String: Officer]) -> [PublicCase.PublicOfficer] {
        item.officerCerts.map { PublicCase.PublicOfficer(name: officers[$0]?.name ?? "", cert: $0) }
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}

extension CaseRedaction {
    /// The case with only its public content, for rendering the public copy of its documents:
    /// fields the policy dropped are empty, so a template that needs one refuses the copy.
    public static func publicCopy(of item: EnforcementCase, _ published: PublicCase) -> EnforcementCase {
        var copy = item
        copy.title = published.title ?? ""
        copy.docNo = published.docNo ?? ""
        copy.party = Party(type: item.party.type, name: published.partyName ?? "", idType: published.partyCreditCode == nil ? nil : .creditCode,
                           idNumber: published.partyCreditCode ?? "", legalRepresentative: published.legalRepresentative ?? "",
                           address: published.partyAddress ?? "", phone: "", isMinor: false)
        copy.facts = published.facts ?? ""
        copy.evidence = published.evidence ?? []
        copy.violatedProvisions = published.violatedProvisions ?? ""
        copy.penaltyProvisions = published.penaltyProvisions ?? ""
        copy.discretion = published.discretion ?? ""
        copy.decision = published.decision ?? ""
        copy.statusReason = published.statusReason ?? ""
        copy.tradeSecretSpans = []
        copy.extra = [:]
        if published.officers == nil { copy.officerCerts = [] }
        return copy
    }
}

extension PublicCase {
    /// The same case, each of its strings passed through `share` with the number of the member it is in (a
    /// `StringInterner` column): the portal decodes every published case of the log each night, and the
    /// values they repeat (agency code, 案由, legal bases, 裁量说明, a decision's common wording) were a
    /// heap allocation in every case.
    public func sharingStrings(_ share: (String, Int) -> String) -> PublicCase {
        var out = self
        func one(_ value: String?, _ column: Int) -> String? { value.map { share($0, column) } }
        out.id = share(id, 0)
        out.agencyCode = share(agencyCode, 1)
        out.actionType = share(actionType, 2)
        out.procedure = one(procedure, 3)
        out.docNo = one(docNo, 4)
        out.title = one(title, 5)
        out.partyType = one(partyType, 6)
        out.partyName = one(partyName, 7)
        out.partyCreditCode = one(partyCreditCode, 8)
        out.legalRepresentative = one(legalRepresentative, 9)
        out.partyAddress = one(partyAddress, 10)
        out.facts = one(facts, 11)
        out.evidence = evidence?.map { share($0, 12) }
        out.violatedProvisions = one(violatedProvisions, 13)
        out.penaltyProvisions = one(penaltyProvisions, 14)
        out.discretion = one(discretion, 15)
        out.decision = one(decision, 16)
        out.penaltyKinds = penaltyKinds?.map { share($0, 17) }
        out.fineYuan = one(fineYuan, 18)
        out.confiscationYuan = one(confiscationYuan, 19)
        out.decisionDate = share(decisionDate, 20)
        out.officers = officers?.map { PublicOfficer(name: share($0.name, 21), cert: share($0.cert, 22)) }
        out.status = share(status, 23)
        out.statusDate = one(statusDate, 24)
        out.statusReason = one(statusReason, 25)
        return out
    }
}
