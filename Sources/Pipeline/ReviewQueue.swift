import CaseModel
import Disclosure
import Foundation
import Web
import WorkingDays

/// The 法制科's review queue (internal/redaction/queue.html): every case whose public text
/// the redactor changed, with its public text and each removal marked, so a person can
/// read what will be published before or after it is. With `disclosure.require_approval`
/// such a case waits until the approvals file lists it; the run warns as its deadline nears.
struct ReviewQueue {
    struct Entry {
        var item: EnforcementCase
        var published: PublicCase
        var removed: [String: Int]
        var held: Bool
        var deadline: CivilDate
    }

    static let path = "internal/redaction/queue.html"
    static let heldReason = "待法制科审核"
    /// What the redactor writes where it removed something: the page marks each of them.
    static let removalMarks = [TextRedactor.marker, "（涉及商业秘密，不予公开）"]

    /// Case ids the 法制科 approved (one per line; # starts a comment; blank lines ignored).
    static func approvals(_ url: URL?, sourceName: String) throws -> Set<String> {
        guard let url else { return [] }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            // No approvals yet is an ordinary state on the first night, not an error.
            if !FileManager.default.fileExists(atPath: url.path) { return [] }
            throw ConfigError(file: sourceName, line: nil, key: "disclosure.approvals", problem: "无法读取审核通过清单 \(url.path)。")
        }
        var out = Set<String>()
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let id = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)?
                .trimmingCharacters(in: .whitespaces) ?? ""
            if !id.isEmpty { out.insert(id) }
        }
        return out
    }

    /// A held case whose deadline is at most this many working days away is warned about.
    static let warningWorkingDays = 2

    static func warnings(_ entries: [Entry], asOf: CivilDate, calendar: WorkingCalendar) throws -> [String] {
        var out: [String] = []
        let soon = try calendar.date(workingDays: warningWorkingDays, after: asOf)
        for entry in entries where entry.held && entry.deadline <= soon {
            let when = entry.deadline < asOf ? "已过应公示日期（\(entry.deadline.chinese)）" : "应公示日期为\(entry.deadline.chinese)"
            out.append("案件 \(entry.item.id) 等待法制科审核后公示，\(when)；请尽快审核并在审核通过清单中列出。")
        }
        return out
    }

    static func page(_ entries: [Entry], asOf: CivilDate) -> String {
        var body = "<h1>公示前人工审核清单</h1>\n<p>数据基准日 \(asOf.chinese)。下列决定的公开文本经过技术处理，"
            + "标黄处为删除或替换个人信息的位置；请核对公开文本中是否仍有个人信息、有无误删。"
            + "“待审核”的决定在审核通过清单列出之前不公示。</p>\n"
        if entries.isEmpty { return HTML.page(title: "公示前人工审核清单", body: body + "<p>本次没有需要审核的决定。</p>\n") }
        for entry in entries.sorted(by: { ($0.held ? 0 : 1, $0.deadline, $0.item.id) < ($1.held ? 0 : 1, $1.deadline, $1.item.id) }) {
            let removed = entry.removed.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value) 处" }.joined(separator: "，")
            body += "<section>\n<h2>\(HTML.escape(entry.item.id))（\(entry.held ? "待审核" : "已公示或无需审核")）</h2>\n"
                + "<p>文书编号 \(HTML.escape(entry.published.docNo ?? "")) · 应公示日期 \(entry.deadline.chinese) · 处理：\(HTML.escape(removed))</p>\n"
            let fields: [(String, String?)] = [("案由", entry.published.title), ("当事人", entry.published.partyName),
                                               ("地址", entry.published.partyAddress), ("违法事实", entry.published.facts),
                                               ("证据", entry.published.evidence?.joined(separator: "；")),
                                               ("裁量说明", entry.published.discretion), ("处理决定", entry.published.decision),
                                               ("状态说明", entry.published.statusReason)]
            body += "<dl>\n"
            for (label, text) in fields {
                guard let text, !text.isEmpty else { continue }
                body += "<dt>\(label)</dt><dd>\(marked(text))</dd>\n"
            }
            body += "</dl>\n</section>\n"
        }
        return HTML.page(title: "公示前人工审核清单", body: body, extraStyle: "mark{background:#ffe58a}dd{margin:0 0 .6em 1em}")
    }

    /// The public text, escaped, with every removal mark and pseudonym (张某, 某甲) highlighted.
    static func marked(_ text: String) -> String {
        var html = HTML.escape(text)
        for mark in removalMarks { html = html.replacingOccurrences(of: HTML.escape(mark), with: "<mark>\(HTML.escape(mark))</mark>") }
        // Pseudonyms: a character (the surname) followed by 某 and an optional 甲乙丙丁…
        var out = ""
        let characters = Array(html)
        var index = 0
        while index < characters.count {
            if index + 1 < characters.count, characters[index + 1] == "某", characters[index].unicodeScalars.first.map({ (0x4E00...0x9FFF).contains($0.value) }) == true {
                var end = index + 2
                if end < characters.count, "甲乙丙丁戊己庚辛壬癸".contains(characters[end]) { end += 1 }
                out += "<mark>" + String(characters[index..<end]) + "</mark>"
                index = end
            } else {
                out.append(characters[index])
                index += 1
            }
        }
        return out
    }
}
