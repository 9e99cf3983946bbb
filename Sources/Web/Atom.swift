/// Atom feeds (RFC 4287) in the one layout the portal and the reports use; dates are
/// YYYY-MM-DD, written as midnight China time. Everything from the data is escaped.
public enum Atom {
    public struct Link: Sendable {
        public var rel: String
        public var type: String
        public var href: String

        public init(rel: String, type: String, href: String) {
            self.rel = rel
            self.type = type
            self.href = href
        }
    }

    public struct Entry: Sendable {
        public var id: String
        public var title: String
        public var updated: String
        public var links: [Link]
        public var summary: String

        public init(id: String, title: String, updated: String, links: [Link], summary: String) {
            self.id = id
            self.title = title
            self.updated = updated
            self.links = links
            self.summary = summary
        }
    }

    /// Entries in the order given.
    public static func feed(id: String, title: String, updated: String, selfLink: String, entries: [Entry]) -> String {
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">
            <id>\(HTML.escape(id))</id>
            <title>\(HTML.escape(title))</title>
            <updated>\(updated)T00:00:00+08:00</updated>
            <author><name>行政执法公示平台</name></author>
            <link rel="self" href="\(HTML.escape(selfLink))"/>

            """
        for entry in entries {
            let links = entry.links.map { "<link rel=\"\($0.rel)\" type=\"\($0.type)\" href=\"\(HTML.escape($0.href))\"/>\n" }.joined()
            xml += """
                <entry>
                <id>\(HTML.escape(entry.id))</id>
                <title>\(HTML.escape(entry.title))</title>
                <updated>\(entry.updated)T00:00:00+08:00</updated>
                \(links)<summary>\(HTML.escape(entry.summary))</summary>
                </entry>

                """
        }
        return xml + "</feed>\n"
    }
}
