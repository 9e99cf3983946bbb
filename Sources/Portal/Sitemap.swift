import CaseModel
import Foundation
import Web

/// sitemap.xml with <lastmod> from the data (publication, change, withdrawal), so the
/// same input gives the same bytes and a crawler re-reads only what changed. Above
/// `site.sitemapLimit` URLs (50,000 in the protocol) sitemap.xml is a sitemap index over
/// sitemaps/sitemap-1.xml, sitemaps/sitemap-2.xml, …
public enum PortalSitemap {
    public struct Entry: Equatable, Sendable {
        public var path: String
        public var lastModified: CivilDate?
    }

    /// Every page of the site with its last change; lists and indexes take the latest
    /// change of what they list.
    /// `byAgency`: `site.decisionsByAgency()`, when the caller has it already.
    public static func entries(_ site: PortalSite, byAgency: [String: [PublishedDecision]]? = nil) -> [Entry] {
        let byAgency = byAgency ?? site.decisionsByAgency()
        var dates: [String: CivilDate] = [:]
        func note(_ path: String, _ date: CivilDate?) {
            guard let date else { return }
            dates[path] = max(dates[path] ?? date, date)
        }
        var paths = Set(["index.html", "search.html", "reports/index.html"])
        for item in site.decisions {
            paths.insert(item.pagePath)
            note(item.pagePath, item.lastModified)
            note("index.html", item.lastModified)
            note("search.html", item.lastModified)
            note("agencies/\(item.decision.agencyCode)/index.html", item.lastModified)
        }
        for agency in site.agencies {
            let path = "agencies/\(agency.code)/index.html"
            paths.insert(path)
            var groups: [String: [PublishedDecision]] = [:]
            for item in byAgency[agency.code] ?? [] where !item.isWithdrawn {
                groups["\(item.year)|\(item.decision.actionType)", default: []].append(item)
            }
            for (key, items) in groups {
                let parts = key.split(separator: "|").map(String.init)
                for (number, start) in stride(from: 0, to: items.count, by: PortalPages.pageSize).enumerated() {
                    let listPath = PortalSite.listPath(agency: agency.code, year: parts[0], type: parts[1], page: number + 1)
                    paths.insert(listPath)
                    note(listPath, items[start..<min(items.count, start + PortalPages.pageSize)].map(\.lastModified).max())
                }
            }
        }
        for report in site.reports {
            paths.insert(report.path)
            note(report.path, report.updated)
            note("reports/index.html", report.updated)
        }
        return paths.sorted().map { Entry(path: $0, lastModified: dates[$0]) }
    }

    /// sitemap.xml: the URL set, or the index of the parts.
    /// `entries`: `entries(site)`, when the caller has them already.
    static func main(_ site: PortalSite, extra: [String], entries known: [Entry]? = nil) -> String {
        var all = known ?? entries(site)
        let known = Set(all.map(\.path))
        let added = extra.filter { $0.hasSuffix(".html") && $0 != "404.html" && !known.contains($0) }
        if !added.isEmpty {
            all = (all + Set(added).map { Entry(path: $0, lastModified: nil) }).sorted { $0.path < $1.path }
        }
        guard all.count > site.sitemapLimit else { return urlset(site, all) }
        let parts = chunks(all, site.sitemapLimit)
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
        for (number, part) in parts.enumerated() {
            xml += "<sitemap><loc>\(HTML.escape(site.absoluteURL(partPath(number))))</loc>"
                + (part.compactMap(\.lastModified).max().map { "<lastmod>\($0.iso)</lastmod>" } ?? "") + "</sitemap>\n"
        }
        return xml + "</sitemapindex>\n"
    }

    /// The parts when the site is over the limit, else none.
    public static func parts(_ site: PortalSite, entries known: [Entry]? = nil) -> [PortalFile] {
        let all = known ?? entries(site)
        guard all.count > site.sitemapLimit else { return [] }
        return chunks(all, site.sitemapLimit).enumerated().map { PortalFile(path: partPath($0.offset), text: urlset(site, $0.element)) }
    }

    static func partPath(_ number: Int) -> String { "sitemaps/sitemap-\(number + 1).xml" }

    static func chunks(_ entries: [Entry], _ size: Int) -> [[Entry]] {
        stride(from: 0, to: entries.count, by: size).map { Array(entries[$0..<min(entries.count, $0 + size)]) }
    }

    static func urlset(_ site: PortalSite, _ entries: [Entry]) -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
        for entry in entries {
            xml += "<url><loc>\(HTML.escape(site.canonicalURL(entry.path)))</loc>"
                + (entry.lastModified.map { "<lastmod>\($0.iso)</lastmod>" } ?? "") + "</url>\n"
        }
        return xml + "</urlset>\n"
    }
}
