import CaseModel

/// What a government website must say about itself (《政府网站发展指引》): its name and
/// jurisdiction, the body that runs it (主办单位), how to reach it, its 网站标识码 and
/// its two registrations (ICP备案号, 公安机关互联网站安全备案号). The pipeline reads it
/// from `portal.site` in pipeline.yml; an empty field is left out of the footer.
public struct PortalSiteInfo: Sendable, Equatable {
    /// 网站名称, e.g. 某某县行政执法公示平台.
    public var name: String
    /// 辖区, e.g. 某某省某某市某某县.
    public var jurisdiction: String
    /// 主办单位.
    public var sponsor: String
    /// 联系方式: a telephone number, an address or an e-mail address, as written.
    public var contact: String
    /// 网站标识码 (10 characters, issued by the State Council's office).
    public var siteCode: String
    /// ICP备案号, e.g. 某ICP备00000000号.
    public var icp: String
    /// 公安备案号, e.g. 某公网安备00000000000000号.
    public var policeRecord: String

    public init(name: String = "行政执法公示", jurisdiction: String = "", sponsor: String = "", contact: String = "",
                siteCode: String = "", icp: String = "", policeRecord: String = "") {
        self.name = name
        self.jurisdiction = jurisdiction
        self.sponsor = sponsor
        self.contact = contact
        self.siteCode = siteCode
        self.icp = icp
        self.policeRecord = policeRecord
    }
}

/// A published annual report the portal links to. The report stage writes the report
/// itself; the portal only lists it (reports/index.html, the sitemap, navigation).
public struct PortalReport: Sendable, Equatable {
    /// The year the report covers.
    public var year: Int
    /// The agency's 统一社会信用代码, or nil for the report over all agencies of the run.
    public var agencyCode: String?
    /// The report's page, relative to public/, e.g. reports/2025/index.html.
    public var path: String
    /// The PDF, relative to public/, when there is one.
    public var pdfPath: String?
    /// Last change of the report (its lastmod in the sitemap).
    public var updated: CivilDate

    public init(year: Int, agencyCode: String? = nil, path: String, pdfPath: String? = nil, updated: CivilDate) {
        self.year = year
        self.agencyCode = agencyCode
        self.path = path
        self.pdfPath = pdfPath
        self.updated = updated
    }
}
