import CaseModel
@testable import Disclosure

enum Fixtures {
    static let agency = Agency(code: "11530400MB0123456R", name: "玉溪市水利局", docPrefix: "玉水罚", address: "云南省玉溪市红塔区聂耳路1号",
                               phone: "0877-2058123", reconsiderationBody: "玉溪市人民政府", court: "红塔区人民法院",
                               portalURL: "https://www.yuxi.gov.cn", source: SourceRef(file: "agencies.csv", row: 1))
    static let officers = [
        Officer(certNo: "53040021671", name: "李振华", agencyCode: agency.code, field: "水利", validUntil: CivilDate(year: 2028, month: 1, day: 1) ?? CivilDate(dayNumber: 0),
                status: .active, source: SourceRef(file: "officers.csv", row: 1)),
        Officer(certNo: "53040021672", name: "赵明", agencyCode: agency.code, field: "水利", validUntil: CivilDate(year: 2028, month: 1, day: 1) ?? CivilDate(dayNumber: 0),
                status: .active, source: SourceRef(file: "officers.csv", row: 2)),
    ]
    static let officersByCert = Dictionary(uniqueKeysWithValues: officers.map { ($0.certNo, $0) })

    static func `case`(id: String = "C-1", partyType: PartyType, name: String, idType: PartyIDType?, idNumber: String, legalRep: String = "",
                       address: String = "云南省玉溪市红塔区北苑路174号3栋2单元501室", phone: String = "13987654321", title: String? = nil,
                       facts: String, evidence: [String] = [], minor: Bool = false, disclosure: DisclosureMode = .proactive) -> EnforcementCase {
        EnforcementCase(
            id: id, agencyCode: agency.code, actionType: .penalty, procedure: .ordinary, docNo: "玉水罚〔2025〕17号",
            title: title ?? "\(name)未经许可取水案",
            party: Party(type: partyType, name: name, idType: idType, idNumber: idNumber, legalRepresentative: legalRep, address: address,
                         phone: phone, isMinor: minor),
            facts: facts, evidence: evidence, violatedProvisions: "《中华人民共和国水法》第四十八条", penaltyProvisions: "《中华人民共和国水法》第六十九条",
            discretion: "", decision: "罚款人民币20000元。", penaltyKinds: [.fine], fine: Yuan(yuan: 20000), confiscation: nil,
            decisionDate: CivilDate(year: 2025, month: 4, day: 2) ?? CivilDate(dayNumber: 0), servedDate: nil,
            officerCerts: officers.map(\.certNo), major: false, hearing: false, reviewID: nil, disclosure: disclosure, nondisclosureReason: nil,
            tradeSecretSpans: [], status: .inForce, statusDate: nil, statusReason: "", updatedAt: nil, extra: [:],
            source: SourceRef(file: "cases.csv", row: 1))
    }
}
