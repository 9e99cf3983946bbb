import CaseModel
import Foundation
import Typesetting
import Web

/// report.pdf: the outline set as a GB/T 9704 document.
public enum ReportDocument {
    public static func document(_ outline: ReportOutline, statistics: AnnualStatistics) -> Document {
        var blocks: [Block] = [.title([outline.title]), .paragraph(outline.introduction)]
        for section in outline.sections {
            blocks.append(.heading(.one, section.heading))
            for item in section.items {
                switch item {
                case .paragraph(let text): blocks.append(.paragraph(text))
                case .table(let caption, let table):
                    blocks.append(.centered(caption))
                    blocks.append(.table(table))
                case .chart(let chart): blocks.append(.chart(chart))
                }
            }
        }
        blocks.append(.signature(Signature(names: [author(statistics)], date: outline.date)))
        let metadata = Document.Metadata(
            title: outline.title, subject: "行政执法数据年度报告（统计期间 \(statistics.period)）",
            author: author(statistics), keywords: ["行政执法数据", "年度报告", "\(statistics.year)", "三项制度"],
            created: statistics.asOf)
        return Document(metadata: metadata, blocks: blocks)
    }

    /// The issuing body: the agency itself for its own report; the aggregate of several agencies
    /// (for the 司法行政部门 that runs the pipeline for them) is a compilation, not a legal body's report.
    static func author(_ statistics: AnnualStatistics) -> String {
        statistics.agencies.count == 1 ? statistics.agencies[0].name : "\(statistics.agencies.count)个行政执法主体数据汇总"
    }
}

/// index.html: the same outline as an accessible, self-contained page.
public enum ReportPage {
    public static func html(_ outline: ReportOutline, statistics: AnnualStatistics) -> String {
        HTML.page(title: outline.title, body: content(outline, statistics: statistics), extraStyle: style)
    }

    /// Chart text stays legible on a phone: the SVG scales down with the page, so its
    /// labels are drawn larger than 12 units there; wide tables scroll in their own region.
    public static let style = "@media (max-width:40rem){figure svg text{font-size:20px}}"

    /// The report's content (headings, text, tables, charts, download links), for a page of its own or framed by the portal.
    public static func content(_ outline: ReportOutline, statistics: AnnualStatistics) -> String {
        var body = ""
        var figure = 0
        for section in outline.sections {
            body += "<section>\n<h2>\(escape(section.heading))</h2>\n"
            for item in section.items {
                switch item {
                case .paragraph(let text): body += "<p>\(escape(text))</p>\n"
                case .table(let caption, let table): body += html(table, caption: caption)
                case .chart(let chart):
                    figure += 1
                    body += ChartSVG.figure(chart, id: "chart\(figure)")
                }
            }
            body += "</section>\n"
        }
        let links = "<nav aria-label=\"下载\"><ul>\n<li><a href=\"report.pdf\">报告 PDF</a></li>\n"
            + "<li><a href=\"statistics.json\">全部数据（JSON）</a></li>\n<li><a href=\"statistics.csv\">全部数据（CSV）</a></li>\n</ul></nav>\n"
        return "<h1>\(escape(outline.title))</h1>\n<p>\(escape(outline.introduction))</p>\n" + links + body
            + "<p class=\"date\">\(escape(ReportDocument.author(statistics)))<br>\(escape(outline.date))</p>\n"
    }

    private static func html(_ table: Table, caption: String) -> String {
        HTML.table(caption: caption, columns: table.columns.map { HTML.Column($0.title, numeric: $0.alignment == .trailing) },
                   rows: table.rows)
    }

    static func escape(_ text: String) -> String { HTML.escape(text) }
}

/// The report's charts as inline SVG, laid out like the PDF's.
enum ChartSVG {
    static func figure(_ chart: Chart, id: String) -> String {
        // Room under the axis for two-line labels: a phone draws labels larger (`style`).
        let width = 720.0, height = 330.0
        let left = 56.0, right = width - 12, top = 28.0, bottom = height - 70
        let ticks = chart.ticks
        let maxTick = Double(ticks.last ?? 1)
        func y(_ value: Int) -> Double { bottom - (bottom - top) * Double(value) / maxTick }
        func number(_ value: Double) -> String { String(format: "%.1f", value) }
        let summary = zip(chart.labels, chart.values).map { "\($0)\($1)\(chart.unit)" }.joined(separator: "，")
        var svg = "<figure>\n<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-labelledby=\"\(id)\">\n"
        svg += "<title id=\"\(id)\">\(ReportPage.escape(chart.caption))：\(ReportPage.escape(summary))</title>\n"
        svg += "<text x=\"\(number(left - 8))\" y=\"\(number(top - 12))\" font-size=\"12\" text-anchor=\"end\">（\(ReportPage.escape(chart.unit))）</text>\n"
        for tick in ticks {
            let tickY = number(y(tick))
            if tick > 0 { svg += "<line x1=\"\(number(left))\" y1=\"\(tickY)\" x2=\"\(number(right))\" y2=\"\(tickY)\" stroke=\"#bbb\" stroke-width=\"0.6\"/>\n" }
            svg += "<text x=\"\(number(left - 8))\" y=\"\(number(y(tick) + 4))\" font-size=\"12\" text-anchor=\"end\">\(tick)</text>\n"
        }
        svg += "<line x1=\"\(number(left))\" y1=\"\(number(top))\" x2=\"\(number(left))\" y2=\"\(number(bottom))\" stroke=\"#000\"/>\n"
        svg += "<line x1=\"\(number(left))\" y1=\"\(number(bottom))\" x2=\"\(number(right))\" y2=\"\(number(bottom))\" stroke=\"#000\"/>\n"
        let slot = (right - left) / Double(max(chart.labels.count, 1))
        var points: [String] = []
        for (index, label) in chart.labels.enumerated() {
            let value = index < chart.values.count ? chart.values[index] : 0
            let center = left + slot * (Double(index) + 0.5)
            switch chart.kind {
            case .bars:
                let barWidth = slot * 0.6
                svg += "<rect x=\"\(number(center - barWidth / 2))\" y=\"\(number(y(value)))\" width=\"\(number(barWidth))\" height=\"\(number(bottom - y(value)))\" fill=\"#737373\"/>\n"
            case .line:
                points.append("\(number(center)),\(number(y(value)))")
                svg += "<circle cx=\"\(number(center))\" cy=\"\(number(y(value)))\" r=\"3\"/>\n"
            }
            svg += "<text x=\"\(number(center))\" y=\"\(number(y(value) - 6))\" font-size=\"13\" text-anchor=\"middle\">\(value)</text>\n"
            svg += "<text x=\"\(number(center))\" y=\"\(number(bottom + 20))\" font-size=\"12\" text-anchor=\"middle\">"
                + axisLabel(label, x: number(center)) + "</text>\n"
        }
        if chart.kind == .line {
            svg += "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"#000\" stroke-width=\"1.6\"/>\n"
        }
        return svg + "</svg>\n<figcaption>\(ReportPage.escape(chart.caption))</figcaption>\n</figure>\n"
    }
}

extension ChartSVG {
    /// A category name of more than three characters (行政许可) is set on two lines: on a phone the
    /// labels are drawn at 20 units (`ReportPage.style`) and four characters side by side would run
    /// into the next bar's; two stay inside their slot. The text content reads the same.
    static func axisLabel(_ label: String, x: String) -> String {
        let characters = Array(label)
        guard characters.count > 3 else { return ReportPage.escape(label) }
        let half = (characters.count + 1) / 2
        return "<tspan x=\"\(x)\">\(ReportPage.escape(String(characters[..<half])))</tspan>"
            + "<tspan x=\"\(x)\" dy=\"1.15em\">\(ReportPage.escape(String(characters[half...])))</tspan>"
    }
}

/// public/feeds/reports.xml: an Atom feed with one entry per published annual report.
public enum ReportFeed {
    public struct Entry: Sendable {
        public var year: Int
        public var title: String
        public var summary: String
        /// The report date, YYYY-MM-DD.
        public var updated: String

        public init(year: Int, title: String, summary: String, updated: String) {
            self.year = year
            self.title = title
            self.summary = summary
            self.updated = updated
        }

        public init(_ statistics: AnnualStatistics) {
            self.init(year: statistics.year, title: "\(statistics.year)年度行政执法数据报告",
                      summary: "\(statistics.year)年共作出行政执法决定\(statistics.total.decisions)件，其中行政处罚\(statistics.total.penalties)件，罚款\(statistics.total.finesYuan)元。",
                      updated: statistics.asOf)
        }
    }

    /// Entries newest year first; links are relative to the feed (`../reports/2025/`).
    public static func atom(_ entries: [Entry]) -> String {
        let sorted = entries.sorted { $0.year > $1.year }
        return Atom.feed(id: "urn:sanxiang:reports", title: "行政执法数据年度报告", updated: sorted.map(\.updated).max() ?? "1970-01-01",
                         selfLink: "reports.xml", entries: sorted.map { entry in
            Atom.Entry(id: "urn:sanxiang:reports:\(entry.year)", title: entry.title, updated: entry.updated, links: [
                Atom.Link(rel: "alternate", type: "text/html", href: "../reports/\(entry.year)/index.html"),
                Atom.Link(rel: "enclosure", type: "application/pdf", href: "../reports/\(entry.year)/report.pdf"),
            ], summary: entry.summary)
        })
    }
}
