import CaseModel
import Foundation
@testable import Portal
import TestSupport
import XCTest

/// What a government site must carry on every page, and the files around the pages.
final class SiteFurnitureTests: XCTestCase {
    func pages(_ site: PortalSite) throws -> [String: String] { try Fixture.files(site).filter { $0.key.hasSuffix(".html") } }

    /// Addresses are each segment percent-encoded as Foundation encodes a URL path segment, whether or not the
    /// path takes the quick way (unreserved characters and slashes only): random paths of both kinds and of
    /// the characters between (reserved, space, %, Chinese, empty segments).
    func testAbsoluteURLsAreEachSegmentPercentEncoded() throws {
        let site = PortalSite(asOf: CivilDate(iso: "2026-01-10")!, baseURL: "https://gs.example.gov.cn/zf", agencies: [], officers: [], decisions: [])
        let allowed = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))
        func reference(_ path: String) -> String {
            site.baseURL + path.split(separator: "/", omittingEmptySubsequences: false).map {
                String($0).addingPercentEncoding(withAllowedCharacters: allowed) ?? String($0)
            }.joined(separator: "/")
        }
        let pool = Array("abcXYZ059-._~/") + Array("/ %?#[]@!$&'()*+,;=:行政处罚é")
        var random = SplitMix64(seed: 20261205)
        var quick = 0
        for round in 0..<3_000 {
            let plain = round % 2 == 0
            let length = random.next(below: 30)
            let path = String((0..<length).map { _ in pool[random.next(below: plain ? 14 : pool.count)] })
            if path.utf8.allSatisfy(PortalSite.isUnreservedOrSlash) { quick += 1 }
            XCTAssertEqual(site.absoluteURL(path), reference(path), path)
        }
        XCTAssertGreaterThan(quick, 1_000)
        XCTAssertEqual(site.absoluteURL("decisions/11530400MA8602299H/2024-00003.html"),
                       "https://gs.example.gov.cn/zf/decisions/11530400MA8602299H/2024-00003.html")
        XCTAssertEqual(site.absoluteURL("agencies/A/行政处罚/1.html"),
                       "https://gs.example.gov.cn/zf/agencies/A/%E8%A1%8C%E6%94%BF%E5%A4%84%E7%BD%9A/1.html")
    }

    func testEveryPageHasTheFooterBreadcrumbsIconAndFeedLinks() throws {
        let pages = try pages(try Fixture.site())
        XCTAssertGreaterThan(pages.count, 30)
        let info = Fixture.info
        for (path, html) in pages {
            for field in [info.name, info.jurisdiction, "主办单位：" + info.sponsor, "联系方式：" + info.contact,
                          "网站标识码：" + info.siteCode, info.icp, info.policeRecord] {
                XCTAssertTrue(html.contains(field), "\(path) lacks \(field)")
            }
            XCTAssertTrue(html.contains("<footer>"), path)
            XCTAssertTrue(html.contains("favicon.svg\" type=\"image/svg+xml\""), path)
            XCTAssertTrue(html.contains("type=\"application/atom+xml\" title=\"行政执法决定公示\""), path)
            XCTAssertTrue(html.contains("feeds/reports.xml\">"), path)
            XCTAssertTrue(html.contains("reports/index.html\">年度报告</a>"), "\(path): navigation reaches the reports")
            XCTAssertTrue(html.contains("<meta name=\"description\" content=\""), path)
            if path != "404.html" {
                XCTAssertTrue(html.contains("<link rel=\"canonical\" href=\"https://gs.example.gov.cn/zf/"), path)
            }
            if path != "index.html" && path != "404.html" {
                XCTAssertTrue(html.contains("<nav class=\"crumbs\" aria-label=\"当前位置\">"), "\(path) has breadcrumbs")
            }
        }
        XCTAssertTrue(pages["index.html"]?.contains("<link rel=\"canonical\" href=\"https://gs.example.gov.cn/zf/\">") ?? false)
    }

    func testDecisionPagesHaveUniqueTitlesLinkTheirAgencyAndSay应公示日期() throws {
        let site = try Fixture.site()
        let pages = try pages(site)
        var titles: [String: String] = [:]
        for item in site.decisions {
            let html = try XCTUnwrap(pages[item.pagePath], item.pagePath)
            let title = try XCTUnwrap(html.components(separatedBy: "<title>").last?.components(separatedBy: "</title>").first)
            XCTAssertNil(titles[title], "\(item.pagePath) shares its title with \(titles[title] ?? "")")
            titles[title] = item.pagePath
            XCTAssertTrue(html.contains("agencies/\(item.decision.agencyCode)/index.html\">"), "\(item.pagePath) links its agency")
            XCTAssertFalse(html.contains("公示期限"), item.pagePath)
            if !item.isWithdrawn { XCTAssertTrue(html.contains("<th scope=\"row\">应公示日期</th>"), item.pagePath) }
        }
        XCTAssertTrue(titles.keys.contains { $0.hasPrefix("未经批准擅自取水案 玉水罚〔2025〕6号") }, "\(titles.keys.sorted().prefix(3))")
    }

    func testScriptPayloadsAreEscapedEverywhere() throws {
        let site = try Fixture.site()
        for (path, text) in try Fixture.files(site) {
            XCTAssertFalse(text.contains("<script>alert"), path)
            XCTAssertFalse(text.contains("<b>公司"), path)
        }
        for text in [PortalFeeds.atom(site), PortalFeeds.decisionsXML(site), try PortalPages.searchIndex(site)] {
            XCTAssertFalse(text.contains("<script>alert"))
        }
        let store = try XCTUnwrap(try Fixture.files(site)["search/d-0.json"])
        XCTAssertTrue(store.contains("\\u003cscript\\u003ealert(1)"), "JSON carries the payload as inert text")
        let decoded = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(store.utf8)) as? [[Any]])
        XCTAssertTrue(decoded.contains { ($0[1] as? String) == "<script>alert(1)</script>营业执照核发" }, "and gives it back as it was")
        let page = try XCTUnwrap(try Fixture.files(site)["decisions/\(Fixture.agencyB)/2025-00001.html"])
        XCTAssertTrue(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;营业执照核发"))
    }

    func testPhoneListsStayCompleteAndDatesDoNotWrap() throws {
        let home = try XCTUnwrap(pages(try Fixture.site())["index.html"])
        XCTAssertFalse(home.contains("class=\"wide\""), "no column is hidden on a phone")
        XCTAssertTrue(home.contains("<td data-label=\"执法主体\">"), "each cell is labelled for the card layout")
        XCTAssertTrue(home.contains("<td data-label=\"决定日期\" class=\"date\">"))
        XCTAssertTrue(home.contains(".date{white-space:nowrap}"))
        XCTAssertTrue(home.contains("thead th{background:#eee;white-space:nowrap}"))
        XCTAssertTrue(home.contains("@media print{") && home.contains("本页网址：https://gs.example.gov.cn/zf/"), "printing shows the source")
        XCTAssertTrue(home.contains("本页更新日期：<span class=\"date\">2026-02-12</span>"), "and the date")
        let site = try Fixture.site()
        let changed = try XCTUnwrap(site.decisions.first { $0.decision.id == "A-changed" })
        XCTAssertTrue(try XCTUnwrap(try pages(site)[changed.pagePath]).contains("本页更新日期：<span class=\"date\">2026-02-03</span>"),
                      "a decision page, kept between runs, carries its own date, not the run's")
    }

    func testNotFoundRobotsAndIcon() throws {
        let files = try Fixture.files(try Fixture.site())
        XCTAssertEqual(files["robots.txt"], "User-agent: *\nAllow: /\nSitemap: https://gs.example.gov.cn/zf/sitemap.xml\n")
        let notFound = try XCTUnwrap(files["404.html"])
        XCTAssertTrue(notFound.contains("<a href=\"/zf/index.html\">返回首页</a>"), "links from the site's root, at any depth")
        XCTAssertTrue(notFound.contains("href=\"/zf/favicon.svg\""))
        XCTAssertFalse(notFound.contains("rel=\"canonical\""))
        XCTAssertTrue(files["favicon.svg"]?.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\"") ?? false)
    }

    func testReportsIndexListsTheYearsAndIsInTheSitemap() throws {
        let reports = [PortalReport(year: 2025, path: "reports/2025/index.html", pdfPath: "reports/2025/report.pdf", updated: try Fixture.day("2026-01-15")),
                       PortalReport(year: 2024, path: "reports/2024/index.html", updated: try Fixture.day("2025-01-10")),
                       PortalReport(year: 2025, agencyCode: Fixture.agencyA, path: "reports/2025/\(Fixture.agencyA)/index.html",
                                    updated: try Fixture.day("2026-01-16"))]
        let site = try Fixture.site(reports: reports)
        let index = try XCTUnwrap(try Fixture.files(site)["reports/index.html"])
        XCTAssertTrue(index.contains("<h2>2025年度</h2>") && index.contains("<h2>2024年度</h2>"))
        XCTAssertTrue(index.contains("<a href=\"../reports/2025/index.html\">全部执法主体汇总 2025年度行政执法数据年度报告</a>"))
        XCTAssertTrue(index.contains("玉溪市水利局 2025年度行政执法数据年度报告"))
        XCTAssertTrue(index.contains("<a href=\"../reports/2025/report.pdf\">PDF</a>"))
        XCTAssertLessThan(try XCTUnwrap(index.range(of: "2025年度</h2>")).lowerBound, try XCTUnwrap(index.range(of: "2024年度</h2>")).lowerBound)
        let sitemap = PortalFeeds.sitemap(site, pages: [])
        XCTAssertTrue(sitemap.contains("<url><loc>https://gs.example.gov.cn/zf/reports/2025/index.html</loc><lastmod>2026-01-15</lastmod></url>"))
        XCTAssertTrue(sitemap.contains("<url><loc>https://gs.example.gov.cn/zf/reports/index.html</loc><lastmod>2026-01-16</lastmod></url>"))
        let empty = try XCTUnwrap(try Fixture.files(try Fixture.site())["reports/index.html"])
        XCTAssertTrue(empty.contains("尚未发布年度报告"))
    }

    func testSitemapHasLastmodFromTheDataAndBecomesAnIndexAboveTheLimit() throws {
        let site = try Fixture.site()
        let sitemap = PortalFeeds.sitemap(site, pages: [])
        let changed = try XCTUnwrap(site.decisions.first { $0.decision.id == "A-changed" })
        XCTAssertTrue(sitemap.contains("<url><loc>\(site.absoluteURL(changed.pagePath))</loc><lastmod>2026-02-03</lastmod></url>"), "a change dates the page")
        let withdrawn = try XCTUnwrap(site.decisions.first { $0.decision.id == "A-withdrawn" })
        XCTAssertTrue(sitemap.contains("<url><loc>\(site.absoluteURL(withdrawn.pagePath))</loc><lastmod>2026-02-11</lastmod></url>"))
        XCTAssertTrue(sitemap.contains("<url><loc>https://gs.example.gov.cn/zf/</loc><lastmod>2026-02-11</lastmod></url>"), "home: latest change")
        XCTAssertFalse(sitemap.contains("404.html"))
        let urls = sitemap.components(separatedBy: "<url>").count - 1
        XCTAssertEqual(urls, PortalSitemap.entries(site).count)
        XCTAssertEqual(PortalSitemap.entries(site).filter { $0.lastModified == nil }.map(\.path), ["reports/index.html"],
                       "every page has a lastmod but the reports index, which lists no report here")

        XCTAssertEqual(PortalFeeds.sitemap(site, pages: [], entries: PortalSitemap.entries(site)), sitemap,
                       "entries handed over by the sitemap's part make the same sitemap")

        let small = try Fixture.site(sitemapLimit: 10)
        let index = PortalFeeds.sitemap(small, pages: [])
        XCTAssertEqual(PortalFeeds.sitemap(small, pages: [], entries: PortalSitemap.entries(small)), index)
        XCTAssertTrue(index.contains("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"))
        let parts = PortalSitemap.parts(small)
        XCTAssertEqual(parts.count, (urls + 9) / 10)
        XCTAssertEqual(index.components(separatedBy: "<sitemap>").count - 1, parts.count)
        XCTAssertTrue(index.contains("<loc>https://gs.example.gov.cn/zf/sitemaps/sitemap-1.xml</loc><lastmod>"))
        let listed = parts.map { String(decoding: $0.bytes, as: UTF8.self).components(separatedBy: "<url>").count - 1 }
        XCTAssertEqual(listed.reduce(0, +), urls)
        XCTAssertTrue(Set(try Fixture.files(small).keys).isSuperset(of: parts.map(\.path)), "the parts come with the pages")
    }

    func testEachAgencyHasItsOwnFeed() throws {
        let site = try Fixture.site()
        let files = try Fixture.files(site)
        for agency in site.agencies {
            let feed = try XCTUnwrap(files["feeds/agencies/\(agency.code).xml"], agency.code)
            XCTAssertTrue(feed.contains("<title>\(agency.name) 行政执法决定公示</title>"))
            XCTAssertTrue(feed.contains("<link rel=\"self\" href=\"https://gs.example.gov.cn/zf/feeds/agencies/\(agency.code).xml\"/>"))
            for other in site.agencies where other.code != agency.code {
                XCTAssertFalse(feed.contains("decisions/\(other.code)/"), "\(agency.code)'s feed holds only its decisions")
            }
            let page = try XCTUnwrap(files["agencies/\(agency.code)/index.html"])
            XCTAssertTrue(page.contains("href=\"../../feeds/agencies/\(agency.code).xml\""), "autodiscovery of the agency's feed")
        }
        let a = try XCTUnwrap(files["feeds/agencies/\(Fixture.agencyA).xml"])
        XCTAssertTrue(a.contains("【撤销】撤销公告 玉水罚〔2025〕901号") && a.contains("【变更】"))
    }
}
