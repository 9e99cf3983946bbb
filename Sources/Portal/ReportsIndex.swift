import Foundation
import Web

/// reports/index.html: every published annual report by year, newest first, the report
/// over all agencies of the run before each agency's own. Built from `PortalSite.reports`,
/// which the pipeline fills from the reports it has published.
public enum PortalReportsIndex {
    public static func page(_ site: PortalSite) -> String {
        var body = "<h1>行政执法数据年度报告</h1>\n"
        body += "<p>各行政执法主体每年1月底前公开上一年度行政执法数据（《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》）。"
            + "订阅：<a href=\"../feeds/reports.xml\">年度报告 Atom 订阅</a>。</p>\n"
        let years = Set(site.reports.map(\.year)).sorted(by: >)
        if years.isEmpty { body += "<p class=\"meta\">尚未发布年度报告。</p>\n" }
        for year in years {
            body += "<section><h2>\(year)年度</h2>\n<ul>\n"
            for report in site.reports where report.year == year {
                let who = report.agencyCode.map { site.agencyName($0) } ?? "全部执法主体汇总"
                body += "<li><a href=\"../\(HTML.escape(report.path))\">\(HTML.escape(who)) \(year)年度行政执法数据年度报告</a>"
                if let pdf = report.pdfPath { body += "（<a href=\"../\(HTML.escape(pdf))\">PDF</a>）" }
                body += " <span class=\"meta date\">更新于 \(report.updated.iso)</span></li>\n"
            }
            body += "</ul></section>\n"
        }
        let description = "\(site.info.name)发布的行政执法数据年度报告" + (years.isEmpty ? "。" : "（\(years.map(String.init).joined(separator: "、"))年度）。")
        return PageFrame(title: "年度报告", path: "reports/index.html", crumbs: [Crumb("首页", "index.html"), Crumb("年度报告")],
                         description: description).render(site, body: body)
    }
}

extension PortalReportsIndex {
    /// An annual report's page inside the portal's frame (header, navigation, breadcrumbs, footer).
    /// `path` is relative to public/ (reports/2025/index.html); `agencyName` nil for the aggregate.
    public static func reportPage(_ site: PortalSite, path: String, title: String, agencyName: String?, content: String,
                                  extraStyle: String) -> String {
        var crumbs = [Crumb("首页", "index.html"), Crumb("年度报告", "reports/index.html")]
        crumbs.append(Crumb(agencyName.map { "\($0) \(title)" } ?? title))
        let frame = PageFrame(title: agencyName.map { "\($0) \(title)" } ?? title, path: path, crumbs: crumbs,
                              description: (agencyName ?? "各行政执法主体") + "公开的" + title + "：执法决定、处罚、法制审核、公示和执法人员的年度数据。")
        return frame.render(site, body: content, extraStyle: extraStyle)
    }
}
