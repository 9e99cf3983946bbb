import CaseModel
import Disclosure
import Foundation
import Web

/// decisions.xml (schema: Templates/feeds/decisions.xsd), the Atom feed of new,
/// changed and withdrawn decisions, and sitemap.xml.
public enum PortalFeeds {
    public static func decisionsXML(_ site: PortalSite) -> String {
        var xml = ""
        decisionsXML(site) { xml += $0 }
        return xml
    }

    /// The same feed in pieces, one per decision, for writing it straight to a file: at 100,000 decisions
    /// the whole text is over 100 MB, and held as one string while it grew it took three times that.
    public static func decisionsXML(_ site: PortalSite, emit: (String) throws -> Void) rethrows {
        try emit("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<decisions xmlns=\"urn:sanxiang:decisions:1\" generated=\"\(site.asOf.iso)\" count=\"\(site.decisions.count)\">\n")
        for item in site.decisions.sorted(by: { $0.indexNo < $1.indexNo }) {
            try emit(decisionXML(item, site: site))
        }
        try emit("</decisions>\n")
    }

    private static func decisionXML(_ item: PublishedDecision, site: PortalSite) -> String {
        let d = item.decision
        var xml = "<decision index-no=\"\(x(item.indexNo))\" case-id=\"\(x(d.id))\" status=\"\(x(d.status))\">\n"
        xml += "<agency code=\"\(x(d.agencyCode))\">\(x(site.agencyName(d.agencyCode)))</agency>\n"
        xml += "<action-type>\(x(d.actionType))</action-type>\n<decision-date>\(x(d.decisionDate))</decision-date>\n"
        xml += "<published>\(item.publishedOn.iso)</published>\n<deadline>\(item.deadline.iso)</deadline>\n"
        if let withdrawn = item.withdrawnOn {
            return xml + "<withdrawn date=\"\(withdrawn.iso)\">\(x(item.withdrawalReason ?? ""))</withdrawn>\n</decision>\n"
        }
        if let procedure = d.procedure { xml += "<procedure>\(x(procedure))</procedure>\n" }
        if let docNo = d.docNo { xml += "<doc-no>\(x(docNo))</doc-no>\n" }
        if let title = d.title { xml += "<title>\(x(title))</title>\n" }
        if let party = d.partyName {
            xml += "<party" + (d.partyType.map { " type=\"\(x($0))\"" } ?? "")
                + (d.partyCreditCode.map { " credit-code=\"\(x($0))\"" } ?? "") + ">\(x(party))</party>\n"
        }
        for kind in d.penaltyKinds ?? [] { xml += "<penalty-kind>\(x(kind))</penalty-kind>\n" }
        if let fine = d.fineYuan { xml += "<fine-yuan>\(x(fine))</fine-yuan>\n" }
        if let amount = d.confiscationYuan { xml += "<confiscation-yuan>\(x(amount))</confiscation-yuan>\n" }
        if let decision = d.decision { xml += "<decision>\(x(decision))</decision>\n" }
        if d.status == CaseStatus.changed.rawValue, let date = d.statusDate {
            xml += "<changed date=\"\(x(date))\">\(x(d.statusReason ?? ""))</changed>\n"
        }
        xml += "<page>\(x(site.baseURL + item.pagePath))</page>\n"
        if let pdf = item.pdfPath { xml += "<pdf>\(x(site.baseURL + pdf))</pdf>\n" }
        return xml + "</decision>\n"
    }

    /// The latest 100 events: publications, changes and withdrawals, newest first.
    public static func atom(_ site: PortalSite) -> String {
        atom(site, decisions: site.decisions, path: "feeds/atom.xml", title: "\(site.info.name) 行政执法决定公示")
    }

    /// One feed per agency (feeds/agencies/<机构代码>.xml), for who follows one agency only.
    /// `byAgency`: `site.decisionsByAgency()`, when the caller has it already.
    public static func agencyFeeds(_ site: PortalSite, byAgency: [String: [PublishedDecision]]? = nil) -> [PortalFile] {
        let byAgency = byAgency ?? site.decisionsByAgency()
        return site.agencies.map { agency in
            let path = PortalSite.agencyFeedPath(agency.code)
            return PortalFile(path: path, text: atom(site, decisions: byAgency[agency.code] ?? [],
                                                     path: path, title: "\(agency.name) 行政执法决定公示"))
        }
    }

    static func atom(_ site: PortalSite, decisions: [PublishedDecision], path: String, title: String) -> String {
        struct Event { var date: CivilDate; var kind: String; var item: PublishedDecision }
        var events: [Event] = []
        for item in decisions {
            if let withdrawn = item.withdrawnOn {
                events.append(Event(date: withdrawn, kind: "撤销", item: item))
            } else if item.decision.status == CaseStatus.changed.rawValue,
                      let changed = item.decision.statusDate.flatMap(CivilDate.init(iso:)), changed >= item.publishedOn {
                events.append(Event(date: max(changed, item.publishedOn), kind: "变更", item: item))
            } else {
                events.append(Event(date: item.publishedOn, kind: "公示", item: item))
            }
        }
        events.sort { ($0.date, $0.item.indexNo) > ($1.date, $1.item.indexNo) }
        let entries = events.prefix(100).map { event -> Atom.Entry in
            let d = event.item.decision
            let page = site.baseURL + event.item.pagePath
            return Atom.Entry(id: "\(page)#\(event.date.iso)-\(event.kind)", title: "【\(event.kind)】" + PortalPages.decisionTitle(event.item),
                              updated: event.date.iso, links: [Atom.Link(rel: "alternate", type: "text/html", href: page)],
                              summary: "\(site.agencyName(d.agencyCode)) \(d.docNo ?? "") 索引号 \(event.item.indexNo)")
        }
        return Atom.feed(id: site.baseURL + path, title: title, updated: events.first?.date.iso ?? site.asOf.iso,
                         selfLink: site.baseURL + path, entries: Array(entries))
    }

    /// sitemap.xml: the URL set, or the index of its parts when the site is over
    /// `site.sitemapLimit` (the parts come with `PortalPages.pages`). `pages` are the
    /// paths the stage wrote; the sitemap lists every page of the site from `site` itself,
    /// kept pages included, so `pages` only adds HTML pages the site does not know of.
    public static func sitemap(_ site: PortalSite, pages: [String], entries: [PortalSitemap.Entry]? = nil) -> String {
        PortalSitemap.main(site, extra: pages, entries: entries)
    }

    static func x(_ text: String) -> String { HTML.escape(text) }
}
