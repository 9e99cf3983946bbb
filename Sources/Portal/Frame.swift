import CaseModel
import Foundation
import Web

/// One step of the breadcrumb trail; the last step is the page itself and has no link.
struct Crumb {
    var text: String
    /// Relative to public/; nil for the current page.
    var path: String?

    init(_ text: String, _ path: String? = nil) {
        self.text = text
        self.path = path
    }
}

/// What every portal page has around its content: head (description, canonical URL,
/// icon, feed autodiscovery), the site's header and navigation, breadcrumbs, and the
/// footer a government site must carry.
struct PageFrame {
    var title: String
    /// Where the page sits, relative to public/ (for relative links and its canonical URL);
    /// nil for the 404 page, which is served at any address and links from the root.
    var path: String?
    var crumbs: [Crumb]
    var description: String
    /// Feeds besides the site-wide ones (e.g. an agency's own feed), as (title, path).
    var feeds: [(String, String)] = []
    /// The page's own last change, for its printed date; nil for pages rewritten every run
    /// (their date is the run's). A decision page is kept unchanged between runs, so it
    /// must not carry the run's date.
    var updated: CivilDate? = nil

    func render(_ site: PortalSite, body: String, extraStyle: String = "") -> String {
        let up = path.map { String(repeating: "../", count: $0.split(separator: "/").count - 1) } ?? site.rootPath
        let canonical = path.map(site.canonicalURL)
        var head = "<meta name=\"description\" content=\"\(HTML.escape(description))\">\n"
        if let canonical { head += "<link rel=\"canonical\" href=\"\(HTML.escape(canonical))\">\n" }
        head += "<link rel=\"icon\" href=\"\(up)favicon.svg\" type=\"image/svg+xml\">\n"
        for (feedTitle, feedPath) in [("行政执法决定公示", "feeds/atom.xml"), ("行政执法数据年度报告", "feeds/reports.xml")] + feeds {
            head += "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"\(HTML.escape(feedTitle))\" href=\"\(up)\(HTML.escape(feedPath))\">\n"
        }
        let header = """
            <header>
            <p class="site"><a href="\(up)index.html">\(HTML.escape(site.info.name))</a>\(site.info.jurisdiction.isEmpty ? "" : "<span>\(HTML.escape(site.info.jurisdiction))</span>")</p>
            <nav aria-label="主导航"><ul>
            <li><a href="\(up)index.html">首页</a></li>
            <li><a href="\(up)search.html">检索</a></li>
            <li><a href="\(up)reports/index.html">年度报告</a></li>
            <li><a href="\(up)feeds/decisions.xml">数据</a></li>
            <li><a href="\(up)feeds/atom.xml">订阅</a></li>
            </ul></nav>
            </header>

            """
        var trail = ""
        if crumbs.count > 1 {
            trail = "<nav class=\"crumbs\" aria-label=\"当前位置\"><ol>"
            for crumb in crumbs {
                if let target = crumb.path {
                    trail += "<li><a href=\"\(up)\(HTML.escape(target))\">\(HTML.escape(crumb.text))</a></li>"
                } else {
                    trail += "<li aria-current=\"page\">\(HTML.escape(crumb.text))</li>"
                }
            }
            trail += "</ol></nav>\n"
        }
        return HTML.page(title: title + " — " + site.info.name, body: trail + body, extraStyle: Self.style + extraStyle, head: head,
                         header: header, footer: footer(site, canonical: canonical))
    }

    /// The footer of every page: who runs the site and its registrations. Empty fields are
    /// left out; the print-only line gives a printed page its source and date.
    private func footer(_ site: PortalSite, canonical: String?) -> String {
        let info = site.info
        var lines: [String] = []
        lines.append(HTML.escape(info.name) + (info.jurisdiction.isEmpty ? "" : "（\(HTML.escape(info.jurisdiction))）"))
        var who: [String] = []
        if !info.sponsor.isEmpty { who.append("主办单位：\(HTML.escape(info.sponsor))") }
        if !info.contact.isEmpty { who.append("联系方式：\(HTML.escape(info.contact))") }
        if !who.isEmpty { lines.append(who.joined(separator: "　")) }
        var records: [String] = []
        if !info.siteCode.isEmpty { records.append("网站标识码：\(HTML.escape(info.siteCode))") }
        // The registrations link to where anyone can check them, as the rules for filing ask.
        if !info.icp.isEmpty { records.append("<a href=\"https://beian.miit.gov.cn/\">\(HTML.escape(info.icp))</a>") }
        if !info.policeRecord.isEmpty {
            let digits = info.policeRecord.filter(\.isASCII).filter(\.isNumber)
            records.append("<a href=\"https://beian.mps.gov.cn/#/query/webSearch?code=\(digits)\">\(HTML.escape(info.policeRecord))</a>")
        }
        if !records.isEmpty { lines.append(records.joined(separator: "　")) }
        var out = "<footer>\n" + lines.map { "<p>\($0)</p>\n" }.joined()
        out += "<p class=\"print-only\">" + (canonical.map { "本页网址：\(HTML.escape($0))　" } ?? "")
            + "本页更新日期：<span class=\"date\">\((updated ?? site.asOf).iso)</span></p>\n"
        return out + "</footer>\n"
    }

    static let style = """
        header{border-bottom:3px solid #a00;padding:.5rem 1rem 0;max-width:60rem;margin:0 auto}\
        header .site{margin:0;text-indent:0;font-size:1.25rem;font-weight:bold}\
        header .site span{display:inline-block;font-size:.9rem;font-weight:normal;color:#444;margin-left:.8rem}\
        header nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;padding:.4rem 0;margin:0}\
        header a{color:#a00;font-weight:bold;text-decoration:none}\
        .crumbs ol{list-style:none;display:flex;flex-wrap:wrap;padding:0;margin:0 0 .5rem;font-size:.9rem}\
        .crumbs li+li::before{content:"›";padding:0 .4rem;color:#777}\
        footer{border-top:1px solid #bbb;margin-top:2rem;padding:1rem;color:#444;font-size:.9rem;text-align:center}\
        footer p{text-indent:0;margin:.2rem 0}\
        .print-only{display:none}\
        .meta{color:#555;text-indent:0}\
        .date{white-space:nowrap}\
        .notice{border:2px solid #a00;padding:1rem;background:#fff5f5}\
        .change{border:1px solid #a60;padding:.5rem 1rem;background:#fffaf0}\
        .pager{display:flex;gap:1rem;flex-wrap:wrap;align-items:center}\
        .filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;margin:.5rem 0}\
        .filters label{display:flex;flex-direction:column;font-size:.9rem}\
        .filters select{font-size:1rem;max-width:16rem}\
        input[type=search]{width:100%;box-sizing:border-box;font-size:1.1rem;padding:.4rem}\
        button{font-size:1rem;padding:.3rem 1rem}\
        ol.results{list-style:none;padding:0}\
        ol.results li{border-bottom:1px solid #ddd;padding:.6rem 0}\
        ol.results a{font-size:1.1rem;font-weight:bold}\
        ol.results p{text-indent:0;margin:.2rem 0;color:#444}\
        mark{background:#fe6}\
        @media (max-width:600px){main{padding:.5rem}header{padding:.5rem}\
        table.list{min-width:0}\
        table.list thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}\
        table.list,table.list tbody,table.list tr,table.list th,table.list td{display:block}\
        table.list caption{display:block}\
        table.list tr{border:1px solid #999;margin:.6rem 0;padding:.4rem .6rem}\
        table.list th,table.list td{border:0;padding:.1rem 0}\
        table.list td::before{content:attr(data-label) "：";color:#555}}\
        @media print{header nav,.crumbs,form,.pager,.filters{display:none}.print-only{display:block}\
        body{font-size:11pt}a{color:#000;text-decoration:none}.table{overflow:visible}}
        """
}
