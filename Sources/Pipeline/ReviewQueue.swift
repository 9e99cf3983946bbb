import CaseModel
import Disclosure
import ErrorReporting
import Foundation
import Native
import Web
import WorkingDays

/// The 法制科's review queue (internal/redaction/queue.html, internal: it shows the text as
/// written): every case whose public text the redactor changed or in which it found a name it
/// was unsure of, each removal shown beside what the portal prints instead and each uncertain
/// name flagged. With `disclosure.require_approval` a case with uncertain names waits until
/// the approvals file lists it; the run warns as its deadline nears.
struct ReviewQueue {
    /// One case of the page. Its section is made when the entry is and waits in the staging area (`StagedSections`): the queue
    /// holds every case with a removal until the page is written, and their segments (each free-text field as written, with
    /// what the portal shows instead) took several times the page's own size.
    struct Entry {
        var caseID: String
        /// Names the model found without a clear cue: the 法制科 should confirm them.
        var uncertain: Int
        var held: Bool
        var deadline: CivilDate
        var section: Section

        init(item: EnforcementCase, published: PublicCase, removed: [String: Int], uncertain: Int, held: Bool, deadline: CivilDate,
             fields: [CaseRedaction.FieldReview], stagedIn sections: StagedSections) throws {
            caseID = item.id
            self.uncertain = uncertain
            self.held = held
            self.deadline = deadline
            section = try sections.stage(ReviewQueue.section(item: item, published: published, removed: removed, uncertain: uncertain,
                                                             held: held, deadline: deadline, fields: fields))
        }
        /// A case whose section is last night's (its redaction reused, its deadline the same).
        init(caseID: String, uncertain: Int, deadline: CivilDate, section: Section) {
            self.caseID = caseID
            self.uncertain = uncertain
            held = false
            self.deadline = deadline
            self.section = section
        }
    }

    /// A case's section of the page: made tonight (and staged), or last night's as that night's page holds it.
    enum Section: Sendable {
        case staged(StagedSections, Range<UInt64>)
        case lastNight(LastPage, Range<Int>)

        func text() throws -> String {
            switch self {
            case .staged(let sections, let range): return try sections.text(range)
            case .lastNight(let page, let range): return try page.text(range)
            }
        }
    }

    /// Tonight's sections, each written to a file of the staging area as it is made and read back as the page is written. On a
    /// cold night every case with a removal has one made tonight (≈ 94 MB at 100,000 cases), held in memory from its redaction
    /// until the page was written, past the drawing of every public copy. The file goes when this is let go of.
    final class StagedSections: Sendable {
        static let fileName = ".review-sections"
        private let file: StateStore.PayloadFile

        init(path: String) throws {
            file = try StateStore.PayloadFile(creating: path, holding: "公示前人工审核清单")
        }

        func stage(_ text: String) throws -> Section {
            .staged(self, try file.append(Data(text.utf8)))
        }

        func text(_ range: Range<UInt64>) throws -> String {
            String(decoding: try file.read(range), as: UTF8.self)
        }
    }

    /// Last night's page, kept open with where each case's section lies in it: the sections of the cases whose redaction
    /// is reused are read from it one at a time as tonight's page is written. Read whole, the page (about 97 MB at
    /// 100,000 cases) stood beside the last run's publication log at the portal stage's peak.
    final class LastPage: Sendable {
        let file: FileSystem.OpenFile
        /// Case id (as its heading escapes it) → its section's bytes in the file.
        let sections: [String: Range<Int>]

        /// Nil when the file cannot be opened or read.
        init?(path: String) {
            guard let file = FileSystem.OpenFile(path), let sections = ReviewQueue.sections(reading: file) else { return nil }
            self.file = file
            self.sections = sections
        }

        func section(_ escapedID: String) -> Section? { sections[escapedID].map { .lastNight(self, $0) } }

        /// A section's text; a read that fails or comes up short (the file changed under the run) stops the stage.
        func text(_ range: Range<Int>) throws -> String {
            guard let bytes = file.bytes(in: range), bytes.count == range.count else {
                throw FileSystemError(path: file.path, action: "读取上次的公示前人工审核清单", code: EIO)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Where the sections of a page `page` wrote lie, by the case id as its heading escapes it (`HTML.escape`).
    /// Text inside a section is escaped, so its own "<section>" and "</section>" are the only ones. An id
    /// read from two sections (an id holding "（" reads as a shorter one) is left out: neither is reused.
    static func sections(in page: [UInt8]) -> [String: Range<Int>] {
        var scanner = SectionScanner()
        _ = scanner.scan(page, base: 0, atEnd: true)
        return scanner.result
    }

    /// The same, read from the file a piece of `chunk` bytes at a time; nil on a read error.
    static func sections(reading file: FileSystem.OpenFile, chunk: Int = 1 << 22) -> [String: Range<Int>]? {
        var scanner = SectionScanner()
        var window: [UInt8] = []
        var base = 0
        var next = 0
        while true {
            guard let piece = file.bytes(in: next..<(next + chunk)) else { return nil }
            next += piece.count
            window += piece
            let atEnd = piece.count < chunk
            let consumed = scanner.scan(window, base: base, atEnd: atEnd)
            if atEnd || scanner.stopped { break }
            window.removeSubrange(..<consumed)
            base += consumed
        }
        return scanner.result
    }

    /// Finds the sections in a page read a window at a time: a section not yet whole in the window waits for the
    /// next piece; the first malformed one (or one the page ends inside) ends the scan, as it ends a scan of the whole page.
    private struct SectionScanner {
        private static let open = Array("<section>\n<h2>".utf8), close = Array("</section>\n".utf8), idEnd = Array("（".utf8)
        private var found: [String: Range<Int>] = [:]
        private var ambiguous = Set<String>()
        private(set) var stopped = false

        var result: [String: Range<Int>] {
            var out = found
            for id in ambiguous { out[id] = nil }
            return out
        }

        /// Scans `window` (the file's bytes from offset `base`); returns how many of its first bytes are done with.
        mutating func scan(_ window: [UInt8], base: Int, atEnd: Bool) -> Int {
            var position = 0
            while !stopped {
                guard let start = find(Self.open, in: window, from: position) else {
                    // An opening may straddle the window's end: its first bytes are kept.
                    return max(position, window.count - (Self.open.count - 1))
                }
                let idStart = start + Self.open.count
                guard let end = find(Self.close, in: window, from: idStart) else {
                    if atEnd { stopped = true }
                    return start
                }
                guard let idStop = find(Self.idEnd, in: window, from: idStart), idStop < end else {
                    stopped = true
                    return start
                }
                let id = String(decoding: window[idStart..<idStop], as: UTF8.self)
                if found.updateValue((base + start)..<(base + end + Self.close.count), forKey: id) != nil { ambiguous.insert(id) }
                position = end + Self.close.count
            }
            return position
        }

        private func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
            guard let first = needle.first, needle.count <= bytes.count else { return nil }
            var index = start
            let last = bytes.count - needle.count
            while index <= last {
                if bytes[index] == first, bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
                index += 1
            }
            return nil
        }
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
            out.append("案件 \(entry.caseID) 等待法制科审核后公示，\(when)；请尽快审核并在审核通过清单中列出。")
        }
        return out
    }

    /// The page a piece at a time (its sections one by one): at 100,000 cases it is about 100 MB, and made whole, then
    /// encoded for the file, two copies of it stood beside the sections at the portal stage's peak.
    static func page(_ entries: [Entry], asOf: CivilDate, emit: (String) throws -> Void) throws {
        let intro = "<h1>公示前人工审核清单</h1>\n<p>数据基准日 \(asOf.chinese)。下列决定的文本经过技术处理："
            + "<del>删除线</del>为原文，其后<ins>标黄</ins>为门户显示的内容；<mark class=\"uncertain\">红框</mark>为系统不能确定是否为人名、按人名处理的词，请确认。"
            + "“待审核”的决定在审核通过清单列出之前不公示。本页含原文，仅供内部使用。</p>\n"
        if entries.isEmpty {
            try emit(HTML.page(title: "公示前人工审核清单", body: intro + "<p>本次没有需要审核的决定。</p>\n"))
            return
        }
        let (opening, closing) = HTML.pageAround(title: "公示前人工审核清单",
                                                 extraStyle: "ins{background:#ffe58a;text-decoration:none}del{color:#666}"
                                                    + "mark.uncertain{background:none;outline:2px solid #c00}dd{margin:0 0 .6em 1em}")
        try emit(opening + intro)
        let sorted = entries.indices.sorted {
            let (a, b) = (entries[$0], entries[$1])
            return (a.held ? 0 : 1, a.deadline, a.caseID) < (b.held ? 0 : 1, b.deadline, b.caseID)
        }
        for position in sorted { try emit(try entries[position].section.text()) }
        try emit(closing)
    }

    static func section(item: EnforcementCase, published: PublicCase, removed: [String: Int], uncertain: Int, held: Bool,
                        deadline: CivilDate, fields: [CaseRedaction.FieldReview]) -> String {
        let removed = removed.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value) 处" }.joined(separator: "，")
        var section = "<section>\n<h2>\(HTML.escape(item.id))（\(held ? "待审核" : "已公示或无需审核")）</h2>\n"
            + "<p>文书编号 \(HTML.escape(published.docNo ?? "")) · 应公示日期 \(deadline.chinese) · 处理：\(HTML.escape(removed))"
            + (uncertain > 0 ? " · 不确定的人名 \(uncertain) 处" : "") + "</p>\n<dl>\n"
        for field in fields where field.segments.contains(where: { $0.published != nil || $0.uncertain }) {
            section += "<dt>\(HTML.escape(fieldLabels[field.field] ?? field.field))</dt><dd>\(segments(field.segments))</dd>\n"
        }
        return section + "</dl>\n</section>\n"
    }

    static let fieldLabels = ["title": "案由", "facts": "违法事实", "discretion": "裁量说明", "decision": "处理决定", "status_reason": "状态说明"]

    /// One field: plain text as it is, each removal as the original struck through and what is printed instead.
    static func segments(_ segments: [TextRedactor.ReviewSegment]) -> String {
        segments.map { segment in
            let original = HTML.escape(segment.original)
            guard let published = segment.published else { return original }
            let shown = published.isEmpty ? "（删除）" : HTML.escape(published)
            let change = "<del>\(original)</del><ins>\(shown)</ins>"
            return segment.uncertain ? "<mark class=\"uncertain\" title=\"不确定是否为人名\">\(change)</mark>" : change
        }.joined()
    }
}
