import CaseModel
import Disclosure
import Documents
import Ingest

/// What the portal, `sanxiang render --profile public` and `sanxiang preview` share:
/// the same redaction, and public documents made from its output alone.
public enum PublicCopy {
    /// The export's redaction: the field policy, with every minor party's name private in all cases,
    /// and every personal value of the export (the gate's index) removed wherever it appears.
    public static func redaction(_ config: PipelineConfig, _ ingest: IngestResult,
                                 index: PersonalValueIndex? = nil) -> CaseRedaction {
        CaseRedaction(policy: config.disclosurePolicy, privateNames: CaseRedaction.minors(in: ingest.cases),
                      shapes: config.publicShapes, index: index ?? PublicationGate.index(for: ingest))
    }

    /// What contract v2 adds that the public copy may show, and how to make it public.
    public struct Extras: Sendable {
        /// The case's contract v2 data (internal): only its penalties reach the public copy, redacted.
        public var details: CaseDetails?
        /// agencies.csv v2 columns: all public (收缴银行, 缴款账户名, 缴款账号, 法制机构).
        public var agency: AgencyDetails?
        public var redaction: CaseRedaction
        public var officers: [String: Officer]

        public init(details: CaseDetails?, agency: AgencyDetails?, redaction: CaseRedaction, officers: [String: Officer]) {
            self.details = details
            self.agency = agency
            self.redaction = redaction
            self.officers = officers
        }
    }

    /// The data a template reads for the public copy: the redacted case and the officers as published;
    /// with `extras`, the payment account and the penalties' particulars, redacted like the case text.
    public static func documentData(_ item: EnforcementCase, _ published: PublicCase, agency: Agency,
                                    extras: Extras? = nil) -> TemplateValue {
        let officers = Dictionary((published.officers ?? []).map { officer in
            (officer.cert, Officer(certNo: officer.cert, name: officer.name, agencyCode: item.agencyCode, field: "",
                                   validUntil: item.decisionDate, status: .active, source: item.source))
        }, uniquingKeysWith: { first, _ in first })
        let copy = CaseRedaction.publicCopy(of: item, published)
        let data = DocumentData.context(for: copy, context: CaseContext(agency: agency, officers: officers),
                                        details: extras.map { publicDetails(item, published, agency: agency, $0) },
                                        agencyDetails: extras?.agency)
        // Templates leave out what only the internal copy carries (fill-in lines for the officers on site).
        return data.replacing("public_copy", with: .flag(true))
    }

    /// The v2 data a public document may print: the penalties (penalties.csv is public) with their
    /// particulars redacted like the 处理决定 they belong to, or dropped when the policy drops it.
    /// Never the guardian, the procedure (过程性信息, and 办案经过/陈述申辩处理 quote people),
    /// the 清单 (特征 may hold a plate) or the deliveries.
    static func publicDetails(_ item: EnforcementCase, _ published: PublicCase, agency: Agency,
                              _ extras: Extras) -> CaseDetails {
        var details = CaseDetails(caseID: item.id)
        guard let source = extras.details, published.penaltyKinds != nil else { return details }
        let texts = redactedTexts(source.penalties.map(\.detail), item, agency: agency, extras)
        details.penalties = source.penalties.enumerated().map { index, penalty in
            var copy = penalty
            copy.detail = texts?[index] ?? ""
            copy.extra = [:]
            return copy
        }
        return details
    }

    /// Each text redacted by the case's own redactor (same people, same pseudonyms as the case text),
    /// or nil when the policy does not publish the decision or the redactor withholds the case.
    private static func redactedTexts(_ texts: [String], _ item: EnforcementCase, agency: Agency,
                                      _ extras: Extras) -> [String]? {
        guard texts.contains(where: { !$0.isEmpty }) else { return texts }
        var redaction = extras.redaction
        guard redaction.policy.treatment("decision") != .drop else { return nil }
        // The redactor transforms each evidence item separately: the texts ride in that slot.
        redaction.policy.fields["evidence"] = .transform
        var probe = item
        probe.evidence = texts
        let redacted = redaction.redact(probe, agency: agency, officers: extras.officers).publicCase?.evidence
        return redacted?.count == texts.count ? redacted : nil
    }
}
