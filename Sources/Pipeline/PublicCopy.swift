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

    /// The data a template reads for the public copy: the redacted case and the officers as published.
    public static func documentData(_ item: EnforcementCase, _ published: PublicCase, agency: Agency) -> TemplateValue {
        let officers = Dictionary((published.officers ?? []).map { officer in
            (officer.cert, Officer(certNo: officer.cert, name: officer.name, agencyCode: item.agencyCode, field: "",
                                   validUntil: item.decisionDate, status: .active, source: item.source))
        }, uniquingKeysWith: { first, _ in first })
        return DocumentData.context(for: CaseRedaction.publicCopy(of: item, published),
                                    context: CaseContext(agency: agency, officers: officers))
    }
}
