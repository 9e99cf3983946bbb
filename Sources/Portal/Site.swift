import CaseModel
import Disclosure
import Foundation
import Web

/// A decision as the portal carries it: the redacted case and its publication facts.
public struct PublishedDecision: Sendable, Equatable {
    /// Everything held by one reference: the site orders, filters and groups every decision (80,000 on a night at
    /// 100,000 cases) several times over, and each copy of a list of inline decisions — the redacted case and the
    /// index number, dates and paths, about 140 bytes each — cost 11–17 MB at the stage's peak (five such lists).
    @usableFromInline let box: Box
    @inlinable public var decision: PublicCase { box.value }
    /// 索引号: 机构代码/YYYY-NNNNN.
    @inlinable public var indexNo: String { box.indexNo }
    @inlinable public var publishedOn: CivilDate { box.publishedOn }
    @inlinable public var deadline: CivilDate { box.deadline }
    /// Set when the decision left the portal (撤销, or no longer to be published).
    @inlinable public var withdrawnOn: CivilDate? { box.withdrawnOn }
    @inlinable public var withdrawalReason: String? { box.withdrawalReason }
    /// Relative to public/, when a public copy of the document exists.
    @inlinable public var pdfPath: String? { box.pdfPath }

    public init(decision: PublicCase, indexNo: String, publishedOn: CivilDate, deadline: CivilDate, withdrawnOn: CivilDate?,
                withdrawalReason: String?, pdfPath: String?) {
        box = Box(value: decision, indexNo: indexNo, publishedOn: publishedOn, deadline: deadline, withdrawnOn: withdrawnOn,
                  withdrawalReason: withdrawalReason, pdfPath: pdfPath)
    }

    /// The decision behind the reference; never changed once made.
    @usableFromInline final class Box: Sendable {
        @usableFromInline let value: PublicCase
        @usableFromInline let indexNo: String
        @usableFromInline let publishedOn: CivilDate
        @usableFromInline let deadline: CivilDate
        @usableFromInline let withdrawnOn: CivilDate?
        @usableFromInline let withdrawalReason: String?
        @usableFromInline let pdfPath: String?
        /// Made once: the search store, the sitemap and the kept pages each asked for it, and each answer was a String of its own.
        @usableFromInline let pagePath: String

        init(value: PublicCase, indexNo: String, publishedOn: CivilDate, deadline: CivilDate, withdrawnOn: CivilDate?,
             withdrawalReason: String?, pdfPath: String?) {
            self.value = value
            self.indexNo = indexNo
            self.publishedOn = publishedOn
            self.deadline = deadline
            self.withdrawnOn = withdrawnOn
            self.withdrawalReason = withdrawalReason
            self.pdfPath = pdfPath
            pagePath = PublishedDecision.pagePath(indexNo: indexNo)
        }
    }

    public static func == (left: PublishedDecision, right: PublishedDecision) -> Bool {
        left.box === right.box || (left.decision == right.decision && left.indexNo == right.indexNo
            && left.publishedOn == right.publishedOn && left.deadline == right.deadline && left.withdrawnOn == right.withdrawnOn
            && left.withdrawalReason == right.withdrawalReason && left.pdfPath == right.pdfPath)
    }

    /// Relative to public/: decisions/<机构代码>/<YYYY-NNNNN>.html.
    @inlinable public var pagePath: String { box.pagePath }

    /// The page of the decision with this 索引号 (机构代码/YYYY-NNNNN), under public/.
    public static func pagePath(indexNo: String) -> String {
        let parts = indexNo.split(separator: "/")
        return "decisions/\(parts.first ?? "")/\(parts.last ?? "").html"
    }

    public var isWithdrawn: Bool { withdrawnOn != nil }

    /// The last day the page's content changed: publication, change or withdrawal
    /// (the sitemap's lastmod; from the data, so the same input gives the same sitemap).
    public var lastModified: CivilDate {
        var date = publishedOn
        if let withdrawnOn { date = max(date, withdrawnOn) }
        if decision.status == CaseStatus.changed.rawValue, let changed = decision.statusDate.flatMap(CivilDate.init(iso:)) {
            date = max(date, changed)
        }
        return date
    }

    /// The decision's year (from its decision date), for list pages and search filters.
    public var year: String { String(decision.decisionDate.prefix(4)) }
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
    /// Name, jurisdiction, sponsor and registrations for every page's footer.
    public var info: PortalSiteInfo
    /// The annual reports published so far (listed on reports/index.html and in the sitemap).
    public var reports: [PortalReport]
    /// Above this many URLs sitemap.xml becomes a sitemap index over sitemaps/sitemap-N.xml
    /// (the protocol allows 50,000 per file; tests set a small number).
    public var sitemapLimit: Int

    public init(asOf: CivilDate, baseURL: String, agencies: [Agency], officers: [Officer], decisions: [PublishedDecision],
                info: PortalSiteInfo = PortalSiteInfo(), reports: [PortalReport] = [], sitemapLimit: Int = 50_000) {
        self.asOf = asOf
        self.info = info
        self.reports = reports.sorted { ($0.year, $0.agencyCode ?? "") > ($1.year, $1.agencyCode ?? "") }
        self.sitemapLimit = max(1, sitemapLimit)
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

    /// The path part of the base URL ("/" or "/gs/"): the 404 page is served at any depth,
    /// so its links start from the site's root instead of being relative.
    public var rootPath: String {
        guard let scheme = baseURL.range(of: "://"),
              let slash = baseURL[scheme.upperBound...].firstIndex(of: "/") else { return "/" }
        return String(baseURL[slash...])
    }

    /// The absolute address of a page, percent-encoded per path segment.
    public func absoluteURL(_ path: String) -> String {
        // A path of unreserved characters and slashes (every decision page) is its own encoding: Foundation's
        // encoder, asked for each of 100,000 sitemap entries, was half the cost of the sitemap.
        if path.utf8.allSatisfy(Self.isUnreservedOrSlash) { return baseURL + path }
        return baseURL + path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            String(segment).addingPercentEncoding(withAllowedCharacters: Self.segmentAllowed) ?? String(segment)
        }.joined(separator: "/")
    }

    private static let segmentAllowed = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))

    /// RFC 3986 unreserved (A–Z a–z 0–9 - . _ ~), which percent-encoding leaves as they are, or "/".
    static func isUnreservedOrSlash(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
            return true
        default:
            return false
        }
    }

    /// The one address of a page (its canonical link and its sitemap entry): the home page
    /// is the site's address itself, not …/index.html.
    public func canonicalURL(_ path: String) -> String { absoluteURL(path == "index.html" ? "" : path) }

    /// The decisions on the portal (withdrawn ones are notices, not decisions).
    public var current: [PublishedDecision] { decisions.filter { !$0.isWithdrawn } }

    /// Each agency's decisions (withdrawn ones included), in the site's order: made once for all
    /// agencies, since filtering every decision once per agency grows with agencies × decisions (a
    /// province's portal has hundreds of agencies).
    public func decisionsByAgency() -> [String: [PublishedDecision]] {
        var out: [String: [PublishedDecision]] = [:]
        for item in decisions { out[item.decision.agencyCode, default: []].append(item) }
        return out
    }

    /// An agency's own Atom feed, relative to public/.
    public static func agencyFeedPath(_ code: String) -> String { "feeds/agencies/\(code).xml" }

    /// First page of an agency's list of one year and action type, relative to public/.
    public static func listPath(agency code: String, year: String, type: String, page: Int = 1) -> String {
        "agencies/\(code)/\(year)-\(slug(type))-\(page).html"
    }

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

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }
}
