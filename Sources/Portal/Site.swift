import CaseModel
import Disclosure
import Foundation
import Web

/// A decision as the portal carries it: the redacted case and its publication facts.
public struct PublishedDecision: Sendable, Equatable {
    public var decision: PublicCase
    /// 索引号: 机构代码/YYYY-NNNNN.
    public var indexNo: String
    public var publishedOn: CivilDate
    public var deadline: CivilDate
    /// Set when the decision left the portal (撤销, or no longer to be published).
    public var withdrawnOn: CivilDate?
    public var withdrawalReason: String?
    /// Relative to public/, when a public copy of the document exists.
    public var pdfPath: String?

    public init(decision: PublicCase, indexNo: String, publishedOn: CivilDate, deadline: CivilDate, withdrawnOn: CivilDate?,
                withdrawalReason: String?, pdfPath: String?) {
        self.decision = decision
        self.indexNo = indexNo
        self.publishedOn = publishedOn
        self.deadline = deadline
        self.withdrawnOn = withdrawnOn
        self.withdrawalReason = withdrawalReason
        self.pdfPath = pdfPath
    }

    /// Relative to public/: decisions/<机构代码>/<YYYY-NNNNN>.html.
    public var pagePath: String {
        let parts = indexNo.split(separator: "/")
        return "decisions/\(parts.first ?? "")/\(parts.last ?? "").html"
    }

    public var isWithdrawn: Bool { withdrawnOn != nil }
}

/// Everything the static portal is made from. Nothing here carries unredacted data.
public struct PortalSite: Sendable {
    public struct PublicAgency: Sendable {
        public var code: String
        public var name: String
        public var address: String
        public var phone: String
        public var reconsiderationBody: String
        public var court: String
        public var portalURL: String

        public init(_ agency: Agency) {
            code = agency.code
            name = agency.name
            address = agency.address
            phone = agency.phone
            reconsiderationBody = agency.reconsiderationBody
            court = agency.court
            portalURL = agency.portalURL
        }
    }

    public struct PublicOfficer: Sendable {
        public var name: String
        public var cert: String
        public var field: String
        public var validUntil: String
        public var status: String
    }

    public var asOf: CivilDate
    /// Absolute base of the portal (for the sitemap and feed ids), ending in /.
    public var baseURL: String
    public var agencies: [PublicAgency]
    public var officers: [String: [PublicOfficer]]
    public var decisions: [PublishedDecision]

    public init(asOf: CivilDate, baseURL: String, agencies: [Agency], officers: [Officer], decisions: [PublishedDecision]) {
        self.asOf = asOf
        self.baseURL = baseURL.hasSuffix("/") ? baseURL : baseURL + "/"
        self.agencies = agencies.sorted { $0.code < $1.code }.map(PublicAgency.init)
        var byAgency: [String: [PublicOfficer]] = [:]
        for officer in officers.sorted(by: { $0.certNo < $1.certNo }) {
            byAgency[officer.agencyCode, default: []].append(PublicOfficer(
                name: officer.name, cert: officer.certNo, field: officer.field, validUntil: officer.validUntil.iso,
                status: officer.status.rawValue))
        }
        self.officers = byAgency
        self.decisions = decisions.sorted { ($0.decision.decisionDate, $0.indexNo) > ($1.decision.decisionDate, $1.indexNo) }
    }

    public func agencyName(_ code: String) -> String { agencies.first { $0.code == code }?.name ?? code }

    /// The action types by slug, for file names.
    public static func slug(_ type: String) -> String {
        switch ActionType(rawValue: type) {
        case .licensing?: return "licensing"
        case .penalty?: return "penalty"
        case .coercion?: return "coercion"
        case .inspection?: return "inspection"
        case .levy?: return "levy"
        case .charge?: return "charge"
        case .confirmation?: return "confirmation"
        case .benefit?: return "benefit"
        case .adjudication?: return "adjudication"
        default: return "other"
        }
    }
}

/// A file of the portal: its path under public/ and its bytes.
public struct PortalFile: Sendable {
    public var path: String
    public var bytes: [UInt8]

    public init(path: String, text: String) {
        self.path = path
        bytes = Array(text.utf8)
    }
}
