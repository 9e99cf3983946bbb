import Foundation
import Web

/// The files every website is asked for besides its pages: the icon, robots.txt (which
/// tells crawlers where the sitemap is) and the page a web server shows for an unknown
/// address (configure it as the 404 page, e.g. nginx `error_page 404 /404.html;`).
public enum PortalStaticFiles {
    public static func files(_ site: PortalSite) -> [PortalFile] {
        [PortalFile(path: "favicon.svg", text: favicon), PortalFile(path: "robots.txt", text: robots(site)),
         PortalFile(path: "404.html", text: notFound(site))]
    }

    static func robots(_ site: PortalSite) -> String {
        "User-agent: *\nAllow: /\nSitemap: \(site.absoluteURL("sitemap.xml"))\n"
    }

    /// Served at any address, so its links start from the site's root (PageFrame, path nil).
    static func notFound(_ site: PortalSite) -> String {
        let root = site.rootPath
        let body = """
            <h1>没有找到该页面</h1>
            <p>您访问的网页不存在，可能是网址输入有误，或该页面已调整。行政执法决定撤销或撤下后，原网址显示撤销（撤下）公告，不会成为本页。</p>
            <ul>
            <li><a href="\(HTML.escape(root))index.html">返回首页</a></li>
            <li><a href="\(HTML.escape(root))search.html">检索行政执法决定</a>（可按文书编号、案由或当事人检索）</li>
            <li><a href="\(HTML.escape(root))reports/index.html">行政执法数据年度报告</a></li>
            </ul>

            """
        return PageFrame(title: "页面不存在", path: nil, crumbs: [], description: "页面不存在。").render(site, body: body)
    }

    /// A red seal-like disc with 公 (publication), drawn for this portal; no font is needed
    /// for it to look the same everywhere, so the character is a path.
    static let favicon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">
        <title>行政执法公示</title>
        <circle cx="32" cy="32" r="30" fill="#b00"/>
        <circle cx="32" cy="32" r="25" fill="none" stroke="#fff" stroke-width="3"/>
        <path d="M25 14 L14 31 M39 14 L50 31 M29 24 L19 45 L46 42 M38 33 L47 45" fill="none" stroke="#fff" stroke-width="5" stroke-linecap="round" stroke-linejoin="round"/>
        </svg>

        """
}
