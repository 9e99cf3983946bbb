import CaseModel
import Disclosure
import Foundation
import Web

/// The portal's HTML pages: home, one page per agency (事前公开 and its decision
/// lists by year and type, paginated), one per decision, and the search page.
public enum PortalPages {
    public static let pageSize = 20

    /// Every page; decision pages only for `decisionsToWrite` (the rest are kept from the last run).
    public static func pages(_ site: PortalSite, decisionsToWrite: Set<String>) -> [PortalFile] {
        var files = [PortalFile(path: "index.html", text: home(site)), PortalFile(path: "search.html", text: search(site))]
        for agency in site.agencies { files += agencyPages(site, agency) }
        for item in site.decisions where decisionsToWrite.contains(item.decision.id) {
            files.append(PortalFile(path: item.pagePath, text: decisionPage(site, item)))
        }
        return files
    }

    // MARK: Frame

    /// `depth`: how many folders below public/ the page sits, for relative links.
    static func frame(title: String, depth: Int, body: String) -> String {
        let up = String(repeating: "../", count: depth)
        let nav = """
            <header><nav aria-label="主导航"><ul>
            <li><a href="\(up)index.html">首页</a></li>
            <li><a href="\(up)search.html">检索</a></li>
            <li><a href="\(up)feeds/decisions.xml">数据</a></li>
            <li><a href="\(up)feeds/atom.xml">订阅</a></li>
            </ul></nav></header>

            """
        return HTML.page(title: title + " — 行政执法公示", body: nav + body, extraStyle: style)
    }

    static let style = """
        header nav ul{list-style:none;display:flex;gap:1.2rem;padding:.5rem 0;margin:0;border-bottom:2px solid #a00}\
        header a{color:#a00;font-weight:bold;text-decoration:none}\
        .meta{color:#555;text-indent:0}\
        .notice{border:2px solid #a00;padding:1rem;background:#fff5f5}\
        .change{border:1px solid #a60;padding:.5rem 1rem;background:#fffaf0}\
        .pager{display:flex;gap:1rem;flex-wrap:wrap}\
        input[type=search]{width:100%;font-size:1.1rem;padding:.4rem}\
        @media (max-width:600px){.wide{display:none}main{padding:.5rem}}
        """

    static func link(_ text: String, _ href: String) -> String { "<a href=\"\(HTML.escape(href))\">\(HTML.escape(text))</a>" }

    // MARK: Home

    static func home(_ site: PortalSite) -> String {
        let latest = site.decisions.filter { !$0.isWithdrawn }.prefix(20)
        var body = "<h1>行政执法公示</h1>\n<p class=\"meta\">更新日期：\(site.asOf.chinese)。共公示行政执法决定 \(site.decisions.filter { !$0.isWithdrawn }.count) 件。</p>\n"
        body += "<section><h2>最新公示的行政执法决定</h2>\n" + decisionTable(Array(latest), site: site, depth: 0, caption: "最新 \(latest.count) 件") + "</section>\n"
        body += "<section><h2>执法主体</h2>\n<ul>\n"
        for agency in site.agencies {
            let count = site.decisions.filter { $0.decision.agencyCode == agency.code && !$0.isWithdrawn }.count
            body += "<li>\(link(agency.name, "agencies/\(agency.code)/index.html"))（\(count) 件）</li>\n"
        }
        body += "</ul></section>\n<section><h2>年度报告</h2><p>\(link("行政执法数据年度报告", "reports/"))（每年1月发布上一年度数据）。</p></section>\n"
        return frame(title: "首页", depth: 0, body: body)
    }

    static func decisionTable(_ items: [PublishedDecision], site: PortalSite, depth: Int, caption: String) -> String {
        let up = String(repeating: "../", count: depth)
        var rows = ""
        for item in items {
            let d = item.decision
            rows += "<tr><th scope=\"row\">\(link(d.title ?? d.docNo ?? item.indexNo, up + item.pagePath))</th>"
                + "<td>\(HTML.escape(d.docNo ?? ""))</td><td class=\"wide\">\(HTML.escape(d.actionType))</td>"
                + "<td class=\"wide\">\(HTML.escape(site.agencyName(d.agencyCode)))</td><td>\(HTML.escape(d.decisionDate))</td>"
                + "<td class=\"wide\">\(HTML.escape(d.status))</td></tr>\n"
        }
        return "<div class=\"table\"><table>\n<caption>\(HTML.escape(caption))</caption>\n<thead><tr><th scope=\"col\">案由</th>"
            + "<th scope=\"col\">文书编号</th><th scope=\"col\" class=\"wide\">类别</th><th scope=\"col\" class=\"wide\">执法主体</th>"
            + "<th scope=\"col\">决定日期</th><th scope=\"col\" class=\"wide\">状态</th></tr></thead>\n<tbody>\n\(rows)</tbody></table></div>\n"
    }

    // MARK: Agencies

    static func agencyPages(_ site: PortalSite, _ agency: PortalSite.PublicAgency) -> [PortalFile] {
        let own = site.decisions.filter { $0.decision.agencyCode == agency.code && !$0.isWithdrawn }
        var groups: [String: [PublishedDecision]] = [:]
        for item in own { groups["\(item.decision.decisionDate.prefix(4))|\(item.decision.actionType)", default: []].append(item) }
        let keys = groups.keys.sorted { $0 > $1 }
        var body = "<h1>\(HTML.escape(agency.name))</h1>\n<section><h2>事前公开</h2>\n"
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
            let base = "\(parts[0])-\(PortalSite.slug(parts[1]))"
            body += "<li>\(link("\(parts[0])年 \(parts[1])（\(items.count) 件）", "\(base)-1.html"))</li>\n"
            for (index, page) in pages.enumerated() {
                files.append(PortalFile(path: "agencies/\(agency.code)/\(base)-\(index + 1).html",
                                        text: listPage(site, agency, year: parts[0], type: parts[1], page: page, number: index + 1,
                                                       of: pages.count, base: base)))
            }
        }
        body += "</ul></section>\n"
        files.append(PortalFile(path: "agencies/\(agency.code)/index.html", text: frame(title: agency.name, depth: 2, body: body)))
        return files
    }

    static func listPage(_ site: PortalSite, _ agency: PortalSite.PublicAgency, year: String, type: String,
                         page: [PublishedDecision], number: Int, of total: Int, base: String) -> String {
        var body = "<h1>\(HTML.escape(agency.name)) \(HTML.escape(year))年\(HTML.escape(type))决定</h1>\n"
        body += decisionTable(page, site: site, depth: 2, caption: "第 \(number) 页，共 \(total) 页")
        var pager = "<nav class=\"pager\" aria-label=\"分页\">" + link("返回执法主体", "index.html")
        if number > 1 { pager += link("上一页", "\(base)-\(number - 1).html") }
        if number < total { pager += link("下一页", "\(base)-\(number + 1).html") }
        body += pager + "</nav>\n"
        return frame(title: "\(agency.name) \(year)年\(type)", depth: 2, body: body)
    }

    // MARK: Decisions

    static func decisionPage(_ site: PortalSite, _ item: PublishedDecision) -> String {
        let d = item.decision
        let agency = site.agencyName(d.agencyCode)
        var body = "<h1>\(HTML.escape(d.title ?? "行政执法决定"))</h1>\n"
        if let withdrawn = item.withdrawnOn {
            let number = d.docNo.map { "文书编号 \($0)，" } ?? ""
            let revoked = d.status == CaseStatus.withdrawn.rawValue
            let heading = revoked ? "撤销公告" : "撤下公告"
            let when = revoked ? (d.statusDate.flatMap(CivilDate.init(iso:))?.chinese ?? withdrawn.chinese) : withdrawn.chinese
            body += "<section class=\"notice\"><h2>\(heading)</h2><p>\(HTML.escape(agency))作出的该行政执法决定（\(HTML.escape(number))索引号 \(HTML.escape(item.indexNo))）"
                + (revoked ? "已于\(HTML.escape(when))撤销，原公示内容已撤下。" : "的公示内容已于\(HTML.escape(when))撤下。") + "</p>"
                + "<p>理由：\(HTML.escape(item.withdrawalReason ?? d.statusReason ?? "依法撤销"))</p></section>\n"
            return frame(title: heading, depth: 2, body: body)
        }
        if d.status == CaseStatus.changed.rawValue {
            body += "<section class=\"change\"><h2>变更说明</h2><p>该决定已于\(HTML.escape(d.statusDate.flatMap(CivilDate.init(iso:))?.chinese ?? ""))变更，"
                + "以下为变更后的现行内容。\(HTML.escape(d.statusReason.map { "变更理由：" + $0 } ?? ""))</p></section>\n"
        }
        var facts: [[String]] = [["索引号", item.indexNo], ["执法主体", agency], ["执法类别", d.actionType + (d.procedure.map { "（\($0)）" } ?? "")]]
        if let docNo = d.docNo { facts.append(["文书编号", docNo]) }
        if let party = d.partyName { facts.append(["当事人", party + (d.partyType.map { "（\($0)）" } ?? "")]) }
        if let code = d.partyCreditCode { facts.append(["统一社会信用代码", code]) }
        if let rep = d.legalRepresentative { facts.append(["法定代表人（负责人）", rep]) }
        if let address = d.partyAddress { facts.append(["住所（所在地）", address]) }
        if let kinds = d.penaltyKinds, !kinds.isEmpty { facts.append(["处罚种类", kinds.joined(separator: "、")]) }
        if let fine = d.fineYuan, fine != "0.00" {
            facts.append(["罚款金额", (Yuan(decimal: fine)?.chineseUppercase).map { "\($0)（¥\(fine)）" } ?? fine])
        }
        if let amount = d.confiscationYuan, amount != "0.00" { facts.append(["没收金额", "¥" + amount]) }
        facts.append(["决定日期", CivilDate(iso: d.decisionDate)?.chinese ?? d.decisionDate])
        facts.append(["公示日期", item.publishedOn.chinese])
        facts.append(["公示期限", item.deadline.chinese])
        if let officers = d.officers, !officers.isEmpty {
            facts.append(["执法人员", officers.map { "\($0.name)（\($0.cert)）" }.joined(separator: "、")])
        }
        body += HTML.table(caption: "主要信息", columns: [.init("项目"), .init("内容")], rows: facts)
        for (heading, text) in [("违法事实", d.facts), ("证据", d.evidence.map { $0.joined(separator: "；") }),
                                ("违反的规定", d.violatedProvisions), ("处罚依据", d.penaltyProvisions), ("裁量说明", d.discretion),
                                ("处理决定", d.decision)] {
            guard let text, !text.isEmpty else { continue }
            body += "<section><h2>\(HTML.escape(heading))</h2><p>\(HTML.escape(text))</p></section>\n"
        }
        if let pdf = item.pdfPath {
            body += "<p>\(link("下载决定书（PDF，已作技术处理）", "../../" + pdf))</p>\n"
        }
        return frame(title: d.title ?? item.indexNo, depth: 2, body: body)
    }

    // MARK: Search

    /// The search index: what the search page filters in the browser.
    public static func searchIndex(_ site: PortalSite) -> String {
        struct Entry: Encodable {
            var index_no: String, title: String, doc_no: String, agency: String, type: String, date: String, party: String, url: String
        }
        let entries = site.decisions.filter { !$0.isWithdrawn }.map { item in
            Entry(index_no: item.indexNo, title: item.decision.title ?? "", doc_no: item.decision.docNo ?? "",
                  agency: site.agencyName(item.decision.agencyCode), type: item.decision.actionType, date: item.decision.decisionDate,
                  party: item.decision.partyName ?? "", url: item.pagePath)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return ((try? encoder.encode(entries)).map { String(decoding: $0, as: UTF8.self) } ?? "[]") + "\n"
    }

    static func search(_ site: PortalSite) -> String {
        let body = """
            <h1>检索行政执法决定</h1>
            <form role="search" onsubmit="return false"><label for="q">案由、文书编号、当事人或执法主体</label>
            <input type="search" id="q" autocomplete="off"></form>
            <p id="count" class="meta" aria-live="polite"></p>
            <ul id="results"></ul>
            <script>
            (function () {
              var list = [], q = document.getElementById('q'), out = document.getElementById('results'),
                  count = document.getElementById('count');
              function show() {
                var words = q.value.trim().split(/\\s+/).filter(Boolean), shown = 0;
                out.textContent = '';
                list.forEach(function (d) {
                  var hay = [d.title, d.doc_no, d.party, d.agency, d.type, d.index_no, d.date].join(' ');
                  if (!words.every(function (w) { return hay.indexOf(w) >= 0; }) || shown >= 200) return;
                  shown++;
                  var li = document.createElement('li'), a = document.createElement('a');
                  a.href = d.url; a.textContent = d.title || d.doc_no || d.index_no;
                  li.appendChild(a);
                  li.appendChild(document.createTextNode(' ' + d.doc_no + ' ' + d.agency + ' ' + d.date));
                  out.appendChild(li);
                });
                count.textContent = '找到 ' + shown + ' 件' + (shown >= 200 ? '（只显示前 200 件）' : '');
              }
              fetch('search-index.json').then(function (r) { return r.json(); }).then(function (data) { list = data; show(); });
              q.addEventListener('input', show);
            })();
            </script>

            """
        return frame(title: "检索", depth: 0, body: body)
    }
}
