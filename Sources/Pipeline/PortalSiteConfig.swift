import Portal
import Yams

/// The `portal:` section of pipeline.yml: the address the portal is served at and what
/// the site says about itself in every page's footer (`portal.site`).
extension ConfigLoader {
    static func portal(_ node: Node, _ reader: NodeReader, into config: inout PipelineConfig) throws {
        for (key, value) in try reader.mapping(node, key: "portal") {
            switch key.string ?? "" {
            case "base_url":
                let url = try reader.string(value, key: "portal.base_url")
                guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
                    throw reader.error(value, key: "portal.base_url", "应为以 https:// 开头的网址。")
                }
                config.portalBaseURL = url
            case "site":
                config.portalSite = try site(value, reader)
            case "sitemap_limit":
                config.portalSitemapLimit = try reader.integer(value, key: "portal.sitemap_limit", range: 1...50_000)
            default:
                throw reader.unknown(key, in: "portal", allowed: ["base_url", "site", "sitemap_limit"])
            }
        }
    }

    private static func site(_ node: Node, _ reader: NodeReader) throws -> PortalSiteInfo {
        var info = PortalSiteInfo()
        let fields: [String: WritableKeyPath<PortalSiteInfo, String>] = [
            "name": \.name, "jurisdiction": \.jurisdiction, "sponsor": \.sponsor, "contact": \.contact,
            "site_code": \.siteCode, "icp": \.icp, "police_record": \.policeRecord,
        ]
        for (key, value) in try reader.mapping(node, key: "portal.site") {
            let name = key.string ?? ""
            guard let field = fields[name] else { throw reader.unknown(key, in: "portal.site", allowed: fields.keys.sorted()) }
            let text = try reader.string(value, key: "portal.site.\(name)")
            if name == "name", text.isEmpty { throw reader.error(value, key: "portal.site.name", "网站名称不能为空。") }
            info[keyPath: field] = text
        }
        return info
    }
}
