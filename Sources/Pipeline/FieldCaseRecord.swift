import CaseModel
import ErrorReporting
import Foundation
import Native

/// A field case as the outbox keeps it (`<outbox>/<case_id>.json`, format
/// `sanxiang-field-case` version 1, README “现场录入的案件”): the case in the keys of
/// the export contract's cases.json and penalties.csv, so the next export or sync can
/// take it as it is, plus what the form printed that the contract has no column for.
public struct FieldCaseRecord: Codable, Equatable, Sendable {
    public static let formatName = "sanxiang-field-case"

    public var format = FieldCaseRecord.formatName
    public var version = 1
    /// issued, printed or void, as in the number store.
    public var status: String
    /// Why the number was voided.
    public var statusNote: String
    public var number: String
    /// The officer whose block the number came from.
    public var numberOfficer: String
    public var issuedAt: String
    public var `case`: ContractCase
    public var penalties: [ContractPenalty]
    public var field: FieldFacts
    public var agency: FieldAgency
    /// Certificate number → name, as officers.csv had them when the form was printed.
    public var officerNames: [String: String]

    enum CodingKeys: String, CodingKey {
        case format, version, status, number, penalties, field, agency
        case statusNote = "status_note", numberOfficer = "number_officer", issuedAt = "issued_at"
        case `case` = "case", officerNames = "officer_names"
    }

    /// Canonical bytes: sorted keys, so the same case gives the same file.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    public static func decoded(_ data: Data) throws -> FieldCaseRecord {
        try JSONDecoder().decode(FieldCaseRecord.self, from: data)
    }
}

/// One object of cases.json (export contract v2), for a 简易程序 行政处罚 decided on the spot.
public struct ContractCase: Codable, Equatable, Sendable {
    public var caseID: String
    public var agencyCode: String
    public var actionType = ActionType.penalty.rawValue
    public var procedure = Procedure.simple.rawValue
    public var docNo: String
    public var title: String
    public var partyType: String
    public var partyName: String
    public var partyIDType: String
    public var partyIDNumber: String
    public var legalRep: String
    public var partyAddress: String
    public var partyPhone: String
    public var partyMinor: String
    public var facts: String
    public var evidence: [String]
    public var violatedProvisions: String
    public var penaltyProvisions: String
    public var decision: String
    public var penaltyKinds: [String]
    public var fineAmount: String
    public var decisionDate: String
    /// 简易程序: the party is told on the spot, on the decision date.
    public var notifiedOn: String
    public var officers: [String]
    public var major = "否"
    public var hearing = "否"
    public var disclosure = DisclosureMode.proactive.rawValue
    public var status = CaseStatus.inForce.rawValue
    public var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case title, facts, evidence, decision, officers, major, hearing, disclosure, status, procedure
        case caseID = "case_id", agencyCode = "agency_code", actionType = "action_type", docNo = "doc_no"
        case partyType = "party_type", partyName = "party_name", partyIDType = "party_id_type", partyIDNumber = "party_id_no"
        case legalRep = "legal_rep", partyAddress = "party_address", partyPhone = "party_phone", partyMinor = "party_minor"
        case violatedProvisions = "violated_provisions", penaltyProvisions = "penalty_provisions"
        case penaltyKinds = "penalty_kinds", fineAmount = "fine_amount", decisionDate = "decision_date"
        case notifiedOn = "notified_on", updatedAt = "updated_at"
    }
}

/// One row of penalties.csv.
public struct ContractPenalty: Codable, Equatable, Sendable {
    public var caseID: String
    public var seq: Int
    public var kind: String
    public var amount: String

    enum CodingKeys: String, CodingKey {
        case seq, kind, amount
        case caseID = "case_id"
    }
}

/// What the form prints beyond the contract's columns (第五十二条: time and place of the violation).
public struct FieldFacts: Codable, Equatable, Sendable {
    /// YYYY-MM-DDThh:mm
    public var occurredAt: String
    public var place: String
    /// The facts as entered, without the time and place the contract's 违法事实 leads with.
    public var facts: String
    /// 银行缴纳 or 当场收缴.
    public var payment: String

    enum CodingKeys: String, CodingKey {
        case place, facts, payment
        case occurredAt = "occurred_at"
    }
}

/// The agency as agencies.csv had it when the form was printed (a reprint needs no export).
public struct FieldAgency: Codable, Equatable, Sendable {
    public var code: String
    public var name: String
    public var reconsiderationBody: String
    public var court: String
    public var paymentBank: String
    public var paymentAccountName: String
    public var paymentAccount: String

    enum CodingKeys: String, CodingKey {
        case name, court
        case code = "agency_code", reconsiderationBody = "reconsideration_body", paymentBank = "payment_bank"
        case paymentAccountName = "payment_account_name", paymentAccount = "payment_account"
    }
}

extension FieldCaseRecord {
    /// The case in the model the document data is built from.
    public var enforcementCase: EnforcementCase {
        let party = Party(type: PartyType(rawValue: `case`.partyType) ?? .naturalPerson, name: `case`.partyName,
                          idType: PartyIDType(rawValue: `case`.partyIDType), idNumber: `case`.partyIDNumber,
                          legalRepresentative: `case`.legalRep, address: `case`.partyAddress, phone: `case`.partyPhone,
                          isMinor: `case`.partyMinor == "是")
        let date = CivilDate(iso: `case`.decisionDate) ?? CivilDate(dayNumber: 0)
        return EnforcementCase(
            id: `case`.caseID, agencyCode: `case`.agencyCode, actionType: .penalty, procedure: .simple, docNo: `case`.docNo,
            title: `case`.title, party: party, facts: `case`.facts, evidence: `case`.evidence,
            violatedProvisions: `case`.violatedProvisions, penaltyProvisions: `case`.penaltyProvisions, discretion: "",
            decision: `case`.decision, penaltyKinds: `case`.penaltyKinds.compactMap(PenaltyKind.init(rawValue:)),
            fine: `case`.fineAmount.isEmpty ? nil : Yuan(decimal: `case`.fineAmount), confiscation: nil, decisionDate: date,
            servedDate: nil, officerCerts: `case`.officers, major: false, hearing: false, reviewID: nil, disclosure: .proactive,
            nondisclosureReason: nil, tradeSecretSpans: [], status: .inForce, statusDate: nil, statusReason: "",
            updatedAt: nil, extra: [:], source: SourceRef(file: "outbox", row: 0))
    }

    /// The record with its number: the number is the case's 文书编号.
    public func numbered(_ number: String, caseID: String, issuedAt: String) -> FieldCaseRecord {
        var copy = self
        copy.number = number
        copy.case.docNo = number
        copy.case.caseID = caseID
        copy.penalties = penalties.map { var row = $0; row.caseID = caseID; return row }
        copy.issuedAt = issuedAt
        return copy
    }
}

/// The outbox: one JSON file per field case, written whole (temporary file, fsync,
/// rename), so a sync never reads half a case.
public enum FieldOutbox {
    public static func write(_ record: FieldCaseRecord, to folder: URL) throws -> URL {
        let url = folder.appendingPathComponent(record.case.caseID + ".json")
        do {
            try FieldFiles.writeDurably(try record.encoded(), to: url)
        } catch {
            throw FieldFormError(problems: [FieldFormProblem(field: nil, message: "无法写入待同步文件夹 \(folder.path)：\(error.localizedDescription)")])
        }
        return url
    }
}

enum FieldFiles {
    /// Whole or absent after a power cut: `FileSystem.replaceDurably` (temporary file, fsync,
    /// rename, fsync of the folder), in a folder made on first use.
    static func writeDurably(_ data: Data, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileSystem.replaceDurably(url.path, bytes: [UInt8](data))
    }
}
