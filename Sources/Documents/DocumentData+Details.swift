import CaseModel
import Foundation

/// What a family of documents reads from export contract v2, gathered once per case.
struct DetailInputs {
    var item: EnforcementCase
    var context: CaseContext
    var details: CaseDetails
    var agency: AgencyDetails
    var review: Review?
    var reviewDetails: ReviewDetails?
}

extension DocumentData {
    /// Top-level template names built from contract v2 data, one builder per family of documents
    /// (each in its own file): `procedure.`, `payment.`, `penalty_rows`, … as Templates/documents/README.md lists them.
    static func detailFields(_ inputs: DetailInputs) -> [String: TemplateValue] {
        var fields: [String: TemplateValue] = [:]
        for builder in [penaltyFamilyFields, coercionFamilyFields, recordFamilyFields] {
            fields.merge(builder(inputs), uniquingKeysWith: { _, new in new })
        }
        return fields
    }
}
