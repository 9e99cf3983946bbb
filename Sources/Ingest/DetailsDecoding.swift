import CaseModel

/// The v2 columns of agencies.csv and reviews.csv, read beside the v1 record
/// of the same row (which does all the row's validation).
extension RowDecoding {
    static func agencyDetails(_ row: RawRow) -> AgencyDetails {
        let reader = FieldReader(row: row, layout: TableLayout(.agencies))
        return AgencyDetails(agencyCode: Normalize.code(reader.text("agency_code")),
                             paymentBank: reader.text("payment_bank"),
                             paymentAccountName: reader.text("payment_account_name"),
                             // An account number is a code: half-width, spaces kept out.
                             paymentAccount: Normalize.withoutSpaces(Normalize.code(reader.text("payment_account"))),
                             legalOffice: reader.text("legal_office"))
    }

    static func reviewDetails(_ row: RawRow) -> ReviewDetails {
        let reader = FieldReader(row: row, layout: TableLayout(.reviews))
        return ReviewDetails(reviewID: Normalize.code(reader.text("review_id")),
                             reviewerCerts: reader.list("reviewer_certs", separators: .items).map(Normalize.code),
                             proposedDecision: reader.text("proposed_decision"))
    }
}
