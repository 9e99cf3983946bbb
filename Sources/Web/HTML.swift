/// Small builders for the static pages the pipeline writes (reports, the
/// supervision report, the portal): everything from the data goes through `escape`.
public enum HTML {
    /// Works on UTF-8 bytes (the five marks are ASCII and never part of a
    /// longer UTF-8 sequence); text without them comes back as it is.
    public static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            switch byte {
            case 0x26: out += "&amp;".utf8
            case 0x3C: out += "&lt;".utf8
            case 0x3E: out += "&gt;".utf8
            case 0x22: out += "&quot;".utf8
            case 0x27: out += "&#39;".utf8
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public struct Column: Sendable {
        public var title: String
        public var numeric: Bool

        public init(_ title: String, numeric: Bool = false) {
            self.title = title
            self.numeric = numeric
        }
    }

    /// A captioned table; the first cell of each row is its row header. Cells are escaped.
    /// The wrapper that lets a wide table scroll sideways on a phone. A region that scrolls must
    /// be reachable with the keyboard (WCAG 2.1.1; axe's scrollable-region-focusable), so it is
    /// focusable and named after its table.
    public static func scrollingTable(_ caption: String) -> String {
        "<div class=\"table\" tabindex=\"0\" role=\"region\" aria-label=\"\(escape(caption))\">"
    }

    public static func table(caption: String, columns: [Column], rows: [[String]]) -> String {
        func cell(_ tag: String, _ text: String, numeric: Bool, scope: String? = nil) -> String {
            "<\(tag)\(scope.map { " scope=\"\($0)\"" } ?? "")\(numeric ? " class=\"num\"" : "")>\(escape(text))</\(tag)>"
        }
        var out = scrollingTable(caption) + "<table>\n<caption>\(escape(caption))</caption>\n<thead><tr>"
        out += columns.map { cell("th", $0.title, numeric: $0.numeric, scope: "col") }.joined() + "</tr></thead>\n<tbody>\n"
        for row in rows {
            out += "<tr>"
            for (index, column) in columns.enumerated() {
                let text = index < row.count ? row[index] : ""
                out += index == 0 ? cell("th", text, numeric: column.numeric, scope: "row") : cell("td", text, numeric: column.numeric)
            }
            out += "</tr>\n"
        }
        return out + "</tbody></table></div>\n"
    }

    /// A whole self-contained page in Chinese: no external resource of any kind.
    /// `head` is extra markup for <head> (meta description, canonical and alternate
    /// links, icon), `header` and `footer` go outside <main> so they stay landmarks of
    /// their own; all three are markup the caller has already escaped.
    public static func page(title: String, body: String, extraStyle: String = "", head: String = "",
                            header: String = "", footer: String = "") -> String {
        let (opening, closing) = pageAround(title: title, extraStyle: extraStyle, head: head, header: header, footer: footer)
        return opening + body + closing
    }

    /// What `page` puts before and after its body, for a page written a piece at a time (one too large to hold whole).
    public static func pageAround(title: String, extraStyle: String = "", head: String = "",
                                  header: String = "", footer: String = "") -> (opening: String, closing: String) {
        ("""
         <!DOCTYPE html>
         <html lang="zh-CN">
         <head>
         <meta charset="utf-8">
         <meta name="viewport" content="width=device-width, initial-scale=1">
         <title>\(escape(title))</title>
         \(head)<style>\(style)\(extraStyle)</style>
         </head>
         <body>
         \(header)<main>

         """,
         """
         </main>
         \(footer)</body>
         </html>

         """)
    }

    static let style = """
        body{margin:0;font-family:"Noto Serif CJK SC","Source Han Serif SC","SimSun",serif;line-height:1.7;color:#111;background:#fff}\
        main{max-width:60rem;margin:0 auto;padding:1rem}\
        h1{font-size:1.6rem;text-align:center}h2{font-size:1.25rem;margin-top:2rem}\
        p{text-indent:2em}p.date{text-align:right;text-indent:0}\
        nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:1rem}\
        a{color:#0645ad}\
        .table{overflow-x:auto;margin:1rem 0}\
        table{border-collapse:collapse;min-width:100%;font-size:.95rem}\
        caption{font-weight:bold;text-align:left;padding:.3rem 0}\
        th,td{border:1px solid #555;padding:.25rem .5rem;text-align:left;vertical-align:top}thead th{background:#eee;white-space:nowrap}\
        th[scope=row]{min-width:5em}\
        .num{text-align:right;font-variant-numeric:tabular-nums}\
        figure{margin:1.5rem 0}figcaption{text-align:center}svg{width:100%;height:auto}\
        svg text{font-family:"Noto Sans CJK SC","Source Han Sans SC",sans-serif}
        """
}
