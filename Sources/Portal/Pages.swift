import CaseModel
import Disclosure
import Foundation
import Web

/// The portal's HTML pages: home, one page per agency (事前公开 and its decision
/// lists by year and type, paginated), one per decision, and the search page.
public enum PortalPages {
    public static let pageSize = 20

    /// Every file of the portal but the three the portal stage writes itself (decisions.xml,
    /// which it validates, atom.xml and sitemap.xml): the pages, the 404 page, robots.txt, the
    /// icon, the reports index, each agency's feed, the search index's shards and manifest and,
    /// when the site is over `sitemapLimit`, the sitemap's parts.
    /// Decision pages only for `decisionsToWrite` (the rest are kept from the last run).
    public static func pages(_ site: PortalSite, decisionsToWrite: Set<String>) throws -> [PortalFile] {
        var files: [PortalFile] = []
        try forEachPage(site, decisionsToWrite: decisionsToWrite) { files.append($0) }
        return files
    }

    /// The same files as `pages`, handed over one at a time, so a caller that writes them never holds
    /// every decision page at once (a first run of 100,000 decisions makes as many pages).
    public static func forEachPage(_ site: PortalSite, decisionsToWrite: Set<String>, _ body: (PortalFile) throws -> Void) throws {
        for part in parts(site, decisionsToWrite: decisionsToWrite) { try part(body) }
    }

    /// One part of the site: it hands each of its files to the body it is given, in its own order.
    public typealias Part = @Sendable ((PortalFile) throws -> Void) throws -> Void

    /// The pages of `forEachPage` as independent parts, in its order, so that a caller may make them on
    /// every core (the search index and the sitemap of 100,000 decisions took seconds each, one after the other).
    /// `sitemapEntries` is given the sitemap's entries once its part has worked them out, for sitemap.xml.
    public static func parts(_ site: PortalSite, decisionsToWrite: Set<String>,
                             sitemapEntries: (@Sendable ([PortalSitemap.Entry]) -> Void)? = nil) -> [Part] {
        var all = siteParts(site, sitemapEntries: sitemapEntries)
        all.insert({ body in
            for item in site.decisions where decisionsToWrite.contains(item.decision.id) { try body(decisionPageFile(site, item)) }
        }, at: 2)
        return all
    }

    /// Every part of `parts` but the decisions' own pages: what is made from the whole publication log (lists, feeds,
    /// search, sitemap), while each decision's page is made from its own row alone (`decisionPageFile`). The pipeline
    /// writes the two apart: the decisions' pages are the only files that can take a case off the portal.
    public static func siteParts(_ site: PortalSite, sitemapEntries: (@Sendable ([PortalSitemap.Entry]) -> Void)? = nil) -> [Part] {
        let byAgency = site.decisionsByAgency()
        return [
            { body in
                for file in [PortalFile(path: "index.html", text: home(site)), PortalFile(path: "search.html", text: search(site)),
                             PortalFile(path: "reports/index.html", text: PortalReportsIndex.page(site))] { try body(file) }
                for file in PortalStaticFiles.files(site) { try body(file) }
            },
            { body in
                for agency in site.agencies {
                    for file in agencyPages(site, agency, current: (byAgency[agency.code] ?? []).filter { !$0.isWithdrawn }) { try body(file) }
                }
            },
            { body in for file in PortalFeeds.agencyFeeds(site, byAgency: byAgency) { try body(file) } },
            { body in try PortalSearchIndex.shards(site) { try body($0) } },
            { body in
                let entries = PortalSitemap.entries(site, byAgency: byAgency)
                sitemapEntries?(entries)
                for file in PortalSitemap.parts(site, entries: entries) { try body(file) }
            },
        ]
    }

    /// A decision's own page. It reads of the site only its frame (name, footer, address) and the agencies' names, so
    /// a site holding just the decisions to write makes the same bytes as the whole site.
    public static func decisionPageFile(_ site: PortalSite, _ item: PublishedDecision) -> PortalFile {
        PortalFile(path: item.pagePath, text: decisionPage(site, item))
    }

    /// Changes whenever every decision page must be rewritten although its decision did not
    /// change: the page layout (bump `layoutVersion` with it), the site's footer or address.
    /// The portal stage mixes it into each page's hash, so pages kept from a run before this
    /// layout or with another footer are written again.
    public static func frameSignature(_ site: PortalSite) -> String {
        let info = site.info
        return [layoutVersion, site.baseURL, info.name, info.jurisdiction, info.sponsor, info.contact, info.siteCode, info.icp,
                info.policeRecord].joined(separator: "\u{1F}")
    }

    /// The version of the pages' layout (furniture, titles, search).
    public static let layoutVersion = "portal-2"

    static func link(_ text: String, _ href: String) -> String { "<a href=\"\(HTML.escape(href))\">\(HTML.escape(text))</a>" }

    // MARK: Home

    static func home(_ site: PortalSite) -> String {
        let current = site.current
        let latest = current.prefix(20)
        var body = "<h1>\(HTML.escape(site.info.name))</h1>\n<p class=\"meta\">更新日期：\(site.asOf.chinese)。共公示行政执法决定 \(current.count) 件。</p>\n"
        body += "<form class=\"quick\" role=\"search\" action=\"search.html\" method=\"get\"><label for=\"home-q\">检索案由、文书编号、当事人、处罚种类或法律依据</label>"
            + "<input type=\"search\" id=\"home-q\" name=\"q\"><button type=\"submit\">检索</button></form>\n"
        body += "<section><h2>最新公示的行政执法决定</h2>\n" + decisionTable(Array(latest), site: site, depth: 0, caption: "最新 \(latest.count) 件") + "</section>\n"
        body += "<section><h2>执法主体</h2>\n<ul>\n"
        for agency in site.agencies {
            let count = current.filter { $0.decision.agencyCode == agency.code }.count
            body += "<li>\(link(agency.name, "agencies/\(agency.code)/index.html"))（\(count) 件）</li>\n"
        }
        body += "</ul></section>\n<section><h2>年度报告</h2><p>\(link("行政执法数据年度报告", "reports/index.html"))（每年1月发布上一年度数据）。</p></section>\n"
        let description = "\(site.info.name)：\(site.info.jurisdiction)行政执法主体的执法信息、行政执法决定（共 \(current.count) 件）、检索和年度报告。"
        return PageFrame(title: "首页", path: "index.html", crumbs: [Crumb("首页")], description: description).render(site, body: body)
    }

    /// A list of decisions; on a phone each row becomes a card with its labels (data-label).
    static func decisionTable(_ items: [PublishedDecision], site: PortalSite, depth: Int, caption: String) -> String {
        let up = String(repeating: "../", count: depth)
        var rows = ""
        for item in items {
            let d = item.decision
            rows += "<tr><th scope=\"row\">\(link(d.title ?? d.docNo ?? item.indexNo, up + item.pagePath))</th>"
                + "<td data-label=\"文书编号\">\(HTML.escape(d.docNo ?? ""))</td><td data-label=\"类别\">\(HTML.escape(d.actionType))</td>"
                + "<td data-label=\"执法主体\">\(link(site.agencyName(d.agencyCode), up + "agencies/\(d.agencyCode)/index.html"))</td>"
                + "<td data-label=\"决定日期\" class=\"date\">\(HTML.escape(d.decisionDate))</td>"
                + "<td data-label=\"状态\">\(HTML.escape(d.status))</td></tr>\n"
        }
        return HTML.scrollingTable(caption) + "<table class=\"list\">\n<caption>\(HTML.escape(caption))</caption>\n<thead><tr><th scope=\"col\">案由</th>"
            + "<th scope=\"col\">文书编号</th><th scope=\"col\">类别</th><th scope=\"col\">执法主体</th>"
            + "<th scope=\"col\">决定日期</th><th scope=\"col\">状态</th></tr></thead>\n<tbody>\n\(rows)</tbody></table></div>\n"
    }

    // MARK: Agencies

    /// `current`: the agency's decisions on the portal (not withdrawn), in the site's order.
    static func agencyPages(_ site: PortalSite, _ agency: PortalSite.PublicAgency, current own: [PublishedDecision]) -> [PortalFile] {
        var groups: [String: [PublishedDecision]] = [:]
        for item in own { groups["\(item.year)|\(item.decision.actionType)", default: []].append(item) }
        let keys = groups.keys.sorted { $0 > $1 }
        let feed = PortalSite.agencyFeedPath(agency.code)
        var body = "<h1>\(HTML.escape(agency.name))</h1>\n<p class=\"meta\">\(link("订阅本机关的行政执法决定（Atom）", "../../" + feed))</p>\n"
        body += "<section><h2>事前公开</h2>\n"
        body += HTML.table(caption: "执法主体信息", columns: [.init("项目"), .init("内容")], rows: [
            ["名称", agency.name], ["统一社会信用代码", agency.code], ["地址", agency.address], ["联系电话", agency.phone],
            ["行政复议机关", agency.reconsiderationBody], ["管辖法院", agency.court], ["本机关公示网址", agency.portalURL],
        ])
        let officers = site.officers[agency.code] ?? []
        body += HTML.table(caption: "执法人员（\(officers.count) 人）", columns: [.init("姓名"), .init("执法证号"), .init("执法类别"),
                                                                          .init("证件有效期至"), .init("状态")],
                           rows: officers.map { [$0.name, $0.cert, $0.field, $0.validUntil, $0.status] })
        body += "</section>\n<section><h2>执法决定</h2>\n<ul>\n"
        var files: [PortalFile] = []
        for key in keys {
            let parts = key.split(separator: "|").map(String.init)
            let items = groups[key] ?? []
            let pages = stride(from: 0, to: items.count, by: pageSize).map { Array(items[$0..<min(items.count, $0 + pageSize)]) }
            body += "<li>\(link("\(parts[0])年 \(parts[1])（\(items.count) 件）", String(PortalSite.listPath(agency: agency.code, year: parts[0], type: parts[1]).dropFirst("agencies/\(agency.code)/".count))))</li>\n"
            for (index, page) in pages.enumerated() {
                let path = PortalSite.listPath(agency: agency.code, year: parts[0], type: parts[1], page: index + 1)
                files.append(PortalFile(path: path, text: listPage(site, agency, year: parts[0], type: parts[1], page: page, number: index + 1,
                                                                   of: pages.count, path: path)))
            }
        }
        body += "</ul></section>\n"
        let frame = PageFrame(title: agency.name, path: "agencies/\(agency.code)/index.html", crumbs: [Crumb("首页", "index.html"), Crumb(agency.name)],
                              description: "\(agency.name)的事前公开信息（主体信息、执法人员及执法证号）和作出的行政执法决定（\(own.count) 件）。",
                              feeds: [("\(agency.name) 行政执法决定", feed)])
        files.append(PortalFile(path: "agencies/\(agency.code)/index.html", text: frame.render(site, body: body)))
        return files
    }

    static func listPage(_ site: PortalSite, _ agency: PortalSite.PublicAgency, year: String, type: String,
                         page: [PublishedDecision], number: Int, of total: Int, path: String) -> String {
        let heading = "\(agency.name) \(year)年\(type)决定"
        var body = "<h1>\(HTML.escape(heading))</h1>\n"
        body += decisionTable(page, site: site, depth: 2, caption: "第 \(number) 页，共 \(total) 页")
        var pager = "<nav class=\"pager\" aria-label=\"分页\">" + link("返回执法主体", "index.html")
        let name = { (n: Int) in String(PortalSite.listPath(agency: agency.code, year: year, type: type, page: n).split(separator: "/").last ?? "") }
        if number > 1 { pager += link("上一页", name(number - 1)) }
        if number < total { pager += link("下一页", name(number + 1)) }
        body += pager + "</nav>\n"
        let title = "\(year)年\(type)" + (total > 1 ? " 第\(number)页" : "")
        let frame = PageFrame(title: "\(agency.name) \(title)", path: path,
                              crumbs: [Crumb("首页", "index.html"), Crumb(agency.name, "agencies/\(agency.code)/index.html"), Crumb(title)],
                              description: "\(heading)列表，第 \(number) 页，共 \(total) 页。",
                              feeds: [("\(agency.name) 行政执法决定", PortalSite.agencyFeedPath(agency.code))])
        return frame.render(site, body: body)
    }

    // MARK: Decisions

    /// 案由 and 文书编号 (索引号 when there is no number): unique per decision, so no two of
    /// hundreds of pages with the same 案由 share a title in a browser tab or a search engine.
    public static func decisionTitle(_ item: PublishedDecision) -> String {
        let d = item.decision
        let number = d.docNo.flatMap { $0.isEmpty ? nil : $0 } ?? "索引号 " + item.indexNo
        if item.isWithdrawn { return (d.status == CaseStatus.withdrawn.rawValue ? "撤销公告 " : "撤下公告 ") + number }
        return (d.title.flatMap { $0.isEmpty ? nil : $0 } ?? "行政执法决定") + " " + number
    }

    /// The meta description: who decided what, when, in one sentence of at most about 150 characters.
    static func decisionDescription(_ site: PortalSite, _ item: PublishedDecision) -> String {
        let d = item.decision
        var text = "\(site.agencyName(d.agencyCode))\(CivilDate(iso: d.decisionDate)?.chinese ?? d.decisionDate)作出的\(d.actionType)决定"
        if let docNo = d.docNo { text += "（\(docNo)）" }
        if item.isWithdrawn { return text + "已撤下。" }
        if let title = d.title { text += "：\(title)" }
        if let kinds = d.penaltyKinds, !kinds.isEmpty { text += "；处罚种类：\(kinds.joined(separator: "、"))" }
        text += "。"
        if let decision = d.decision, !decision.isEmpty { text += decision }
        return text.count > 150 ? String(text.prefix(149)) + "…" : text
    }

    static func decisionPage(_ site: PortalSite, _ item: PublishedDecision) -> String {
        let d = item.decision
        let agency = site.agencyName(d.agencyCode)
        let agencyLink = link(agency, "../../agencies/\(d.agencyCode)/index.html")
        let listTitle = "\(item.year)年\(d.actionType)"
        var crumbs = [Crumb("首页", "index.html"), Crumb(agency, "agencies/\(d.agencyCode)/index.html")]
        if !item.isWithdrawn { crumbs.append(Crumb(listTitle, PortalSite.listPath(agency: d.agencyCode, year: item.year, type: d.actionType))) }
        let title = decisionTitle(item)
        crumbs.append(Crumb(d.docNo ?? item.indexNo))
        let frame = PageFrame(title: title, path: item.pagePath, crumbs: crumbs, description: decisionDescription(site, item),
                              feeds: [("\(agency) 行政执法决定", PortalSite.agencyFeedPath(d.agencyCode))], updated: item.lastModified)
        var body = "<h1>\(HTML.escape(d.title ?? "行政执法决定"))</h1>\n"
        if let withdrawn = item.withdrawnOn {
            let number = d.docNo.map { "文书编号 \($0)，" } ?? ""
            let revoked = d.status == CaseStatus.withdrawn.rawValue
            let heading = revoked ? "撤销公告" : "撤下公告"
            let when = revoked ? (d.statusDate.flatMap(CivilDate.init(iso:))?.chinese ?? withdrawn.chinese) : withdrawn.chinese
            body += "<section class=\"notice\"><h2>\(heading)</h2><p>\(agencyLink)作出的该行政执法决定（\(HTML.escape(number))索引号 \(HTML.escape(item.indexNo))）"
                + (revoked ? "已于\(HTML.escape(when))撤销，原公示内容已撤下。" : "的公示内容已于\(HTML.escape(when))撤下。") + "</p>"
                + "<p>理由：\(HTML.escape(item.withdrawalReason ?? d.statusReason ?? "依法撤销"))</p></section>\n"
            return frame.render(site, body: body)
        }
        if d.status == CaseStatus.changed.rawValue {
            body += "<section class=\"change\"><h2>变更说明</h2><p>该决定已于\(HTML.escape(d.statusDate.flatMap(CivilDate.init(iso:))?.chinese ?? ""))变更，"
                + "以下为变更后的现行内容。\(HTML.escape(d.statusReason.map { "变更理由：" + $0 } ?? ""))</p></section>\n"
        }
        // Cells are escaped here, except the agency's link, which is built from escaped parts.
        var facts: [(String, String)] = [("索引号", HTML.escape(item.indexNo)), ("执法主体", agencyLink),
                                         ("执法类别", HTML.escape(d.actionType + (d.procedure.map { "（\($0)）" } ?? "")))]
        func add(_ label: String, _ text: String) { facts.append((label, HTML.escape(text))) }
        if let docNo = d.docNo { add("文书编号", docNo) }
        if let party = d.partyName { add("当事人", party + (d.partyType.map { "（\($0)）" } ?? "")) }
        if let code = d.partyCreditCode { add("统一社会信用代码", code) }
        if let rep = d.legalRepresentative { add("法定代表人（负责人）", rep) }
        if let address = d.partyAddress { add("住所（所在地）", address) }
        if let kinds = d.penaltyKinds, !kinds.isEmpty { add("处罚种类", kinds.joined(separator: "、")) }
        if let fine = d.fineYuan, fine != "0.00" {
            add("罚款金额", (Yuan(decimal: fine)?.chineseUppercase).map { "\($0)（¥\(fine)）" } ?? fine)
        }
        if let amount = d.confiscationYuan, amount != "0.00" { add("没收金额", "¥" + amount) }
        add("决定日期", CivilDate(iso: d.decisionDate)?.chinese ?? d.decisionDate)
        add("公示日期", item.publishedOn.chinese)
        // Not 公示期限, which a reader takes for "shown until": the date by which the law
        // required the decision to be published (7 or 20 working days after the decision).
        add("应公示日期", item.deadline.chinese)
        if let officers = d.officers, !officers.isEmpty {
            add("执法人员", officers.map { "\($0.name)（\($0.cert)）" }.joined(separator: "、"))
        }
        body += HTML.scrollingTable("主要信息") + "<table>\n<caption>主要信息</caption>\n<thead><tr><th scope=\"col\">项目</th><th scope=\"col\">内容</th></tr></thead>\n<tbody>\n"
        body += facts.map { "<tr><th scope=\"row\">\(HTML.escape($0.0))</th><td>\($0.1)</td></tr>\n" }.joined() + "</tbody></table></div>\n"
        for (heading, text) in [("违法事实", d.facts), ("证据", d.evidence.map { $0.joined(separator: "；") }),
                                ("违反的规定", d.violatedProvisions), ("处罚依据", d.penaltyProvisions), ("裁量说明", d.discretion),
                                ("处理决定", d.decision)] {
            guard let text, !text.isEmpty else { continue }
            body += "<section><h2>\(HTML.escape(heading))</h2><p>\(HTML.escape(text))</p></section>\n"
        }
        if let pdf = item.pdfPath {
            body += "<p>\(link("下载决定书（PDF，已作技术处理）", "../../" + pdf))</p>\n"
        }
        return frame.render(site, body: body)
    }
}
