import CaseModel
import Foundation
import Typesetting

/// One document bound into a 案卷, as its catalogue (卷内目录) lists it.
public struct DossierMember: Sendable, Equatable {
    /// 题名, e.g. 行政处罚决定书, 送达回证（行政处罚决定书）.
    public var title: String
    /// 文号: the document's number as it prints it (without a label such as 审核编号：).
    public var number: String
    /// 责任者: who signed it.
    public var author: String
    /// The document's own date (its template's `created`), `YYYY-MM-DD`.
    public var date: String
    public var pages: Int
    /// For a 送达回证: the number of the document it receipts.
    public var receiptOf: String?

    public init(title: String, number: String, author: String, date: String, pages: Int, receiptOf: String? = nil) {
        self.title = title
        self.number = number
        self.author = author
        self.date = date
        self.pages = pages
        self.receiptOf = receiptOf
    }

    /// What the catalogue says of a prepared document; `data` is what it was made from (a receipt's `delivery`).
    public init(_ prepared: PreparedDocument, data: TemplateValue, pages: Int) {
        let blocks = prepared.document.blocks
        let signer = blocks.lazy.compactMap { block -> String? in
            if case .signature(let signature) = block { return signature.names.joined(separator: "、") }
            return nil
        }.first
        let printed = blocks.lazy.compactMap { block -> String? in
            if case .documentNumber(let number) = block { return number }
            return nil
        }.first ?? ""
        let label = printed.range(of: "：", options: .backwards).map { String(printed[$0.upperBound...]) } ?? printed
        if case .text(let served)? = data["delivery.doc_no"] {
            let document = data["delivery.document"].flatMap { if case .text(let text) = $0 { return text } else { return nil } } ?? ""
            self.init(title: prepared.kind + (document.isEmpty ? "" : "（\(document)）"), number: served,
                      author: signer ?? prepared.document.metadata.author, date: String(prepared.document.metadata.created.prefix(10)),
                      pages: pages, receiptOf: served)
        } else {
            self.init(title: prepared.kind, number: label, author: signer ?? prepared.document.metadata.author,
                      date: String(prepared.document.metadata.created.prefix(10)), pages: pages)
        }
    }
}

/// The 案卷 of a closed case: a cover and a catalogue (the `案卷` template), then every other
/// document of the case as rendered on its own, pages numbered from the first document on
/// (cover and catalogue are not numbered, as archives do).
public enum Dossier {
    /// The binding order: the decision and its receipts first (结论性文书在前, as 案卷评查 expects),
    /// then every other document by its date, each followed by its own receipts; a receipt of a
    /// document not in the volume (a 听证通知书, a 受理通知书) stands by its own date.
    public static func order(_ members: [DossierMember], decisionNo: String) -> [Int] {
        let decision = fold(decisionNo)
        let heads = members.indices.filter { members[$0].receiptOf == nil }
        // Each receipt follows the first document bound with its number (two documents may print one number).
        var owner: [String: Int] = [:]
        for head in heads where !members[head].number.isEmpty { owner[fold(members[head].number)] = owner[fold(members[head].number)] ?? head }
        var receipts: [Int: [Int]] = [:]
        var loose: [Int] = []
        for index in members.indices {
            guard let served = members[index].receiptOf else { continue }
            if let head = owner[fold(served)] { receipts[head, default: []].append(index) } else { loose.append(index) }
        }
        func byDate(_ items: [Int]) -> [Int] { items.sorted { (members[$0].date, $0) < (members[$1].date, $1) } }
        var groups: [(first: Bool, date: String, index: Int, items: [Int])] = heads.map { head in
            (!decision.isEmpty && fold(members[head].number) == decision, members[head].date, head,
             [head] + byDate(receipts[head] ?? []))
        }
        groups += loose.map { (false, members[$0].date, $0, [$0]) }
        groups.sort { ($0.first ? 0 : 1, $0.date, $0.index) < ($1.first ? 0 : 1, $1.date, $1.index) }
        return groups.flatMap(\.items)
    }

    /// Document numbers compared across files: full-width digits folded, spaces dropped.
    static func fold(_ number: String) -> String {
        number.precomposedStringWithCompatibilityMapping.filter { !$0.isWhitespace }
    }

    /// `1` or `3-5`: the pages a member takes in the volume.
    static func pageRange(start: Int, count: Int) -> String {
        count <= 1 ? "\(start)" : "\(start)-\(start + count - 1)"
    }
}

extension DocumentData {
    /// `dossier.` fields known before anything is laid out: the cover's dates, the retention and
    /// the case's records (records.csv) with their media SHA-256.
    public static func dossierFields(for item: EnforcementCase, context: CaseContext, details: CaseDetails?,
                                     records: [ProcessRecord], reviewed: Bool) -> TemplateValue {
        let details = details ?? CaseDetails(caseID: item.id)
        let media = records.sorted { ($0.recordedAt, $0.id) < ($1.recordedAt, $1.id) }.map { record in
            TemplateValue.object([
                "id": .text(record.id), "file": .text(record.file), "sha256": .text(record.sha256),
                "stage": .text(record.stage.rawValue), "kind": .text(record.kind.rawValue),
                "recorded_at": .text(chineseTime(record.recordedAt)), "recorded_on": .text(record.recordedAt.date.chinese),
                "officer": .text(context.officers[record.officerCert]?.name ?? record.officerCert),
                "verified": .flag(record.mediaVerified),
            ])
        }
        let closed = closedOn(item, details, records)
        return .object([
            "title": .text(item.actionType.rawValue + "案卷"),
            "filed_on": .text(filedOn(item, details)?.chinese ?? "未载明"),
            "closed_on": .text(closed.chinese), "closed_on_iso": .text(closed.iso),
            "retention": .text(retention(item, reviewed: reviewed)),
            "media": .list(media), "record_count": .text("\(media.count)"),
            "has_media": .flag(!media.isEmpty),
            "entries": .list([]), "document_count": .text("0"), "page_count": .text("0"),
        ])
    }

    /// 立案日期 (v2); for a 行政许可 the 受理 (or 申请) date; a 简易程序 case is decided on the spot.
    /// A v1 export has none: the cover says 未载明 rather than guess.
    static func filedOn(_ item: EnforcementCase, _ details: CaseDetails) -> CivilDate? {
        if let filed = details.procedure.filedOn { return filed }
        if let permit = details.permit, let day = permit.acceptedOn ?? permit.appliedOn { return day }
        return item.procedure == .simple ? item.decisionDate : nil
    }

    /// 结案日期: the last thing the volume records: the decision, its service, any other service or record.
    static func closedOn(_ item: EnforcementCase, _ details: CaseDetails, _ records: [ProcessRecord]) -> CivilDate {
        let dates = [item.decisionDate] + [item.servedDate].compactMap { $0 } + details.deliveries.map(\.servedAt.date)
            + records.map(\.recordedAt.date)
        return dates.max() ?? item.decisionDate
    }

    /// 保管期限 by default (机关文件材料归档范围和文书档案保管期限规定: 永久, 定期30年, 定期10年): a reviewed
    /// (major) decision or one after a hearing 永久; other 普通程序 penalties, coercion and licences 30年;
    /// the rest 10年. An agency with its own rule writes it into the 案卷 template instead.
    static func retention(_ item: EnforcementCase, reviewed: Bool) -> String {
        if reviewed || item.major || item.hearing { return "永久" }
        switch item.actionType {
        case .penalty: return item.procedure == .simple ? "10年" : "30年"
        case .coercion, .licensing: return "30年"
        default: return "10年"
        }
    }

    /// The catalogue (卷内目录): every member in binding order with its page range, then every record
    /// (kept apart from the paper: 页号 另存), numbered on.
    public static func addingCatalogue(_ members: [DossierMember], to data: TemplateValue) -> TemplateValue {
        var entries: [TemplateValue] = []
        var page = 1
        for member in members {
            entries.append(.object([
                "index": .text("\(entries.count + 1)"), "number": .text(member.number), "author": .text(member.author),
                "title": .text(member.title), "date": .text(CivilDate(iso: member.date)?.chinese ?? member.date),
                "pages": .text(Dossier.pageRange(start: page, count: member.pages)), "note": .text(""),
            ]))
            page += member.pages
        }
        var media: [TemplateValue] = []
        if case .list(let records)? = data["dossier.media"] {
            for case .object(var record) in records {
                let index = "\(entries.count + 1)"
                record["index"] = .text(index)
                media.append(.object(record))
                entries.append(recordEntry(record, index: index))
            }
        }
        return data.replacing("dossier.entries", with: .list(entries))
            .replacing("dossier.media", with: .list(media))
            .replacing("dossier.has_media", with: .flag(!media.isEmpty))
            .replacing("dossier.document_count", with: .text("\(members.count)"))
            .replacing("dossier.page_count", with: .text("\(page - 1)"))
    }

    private static func recordEntry(_ record: [String: TemplateValue], index: String) -> TemplateValue {
        func text(_ key: String) -> String { if case .text(let value)? = record[key] { return value } else { return "" } }
        let verified = record["verified"] == .flag(true)
        return .object([
            "index": .text(index), "number": .text(text("id")), "author": .text(text("officer")),
            "title": .text("\(text("stage"))\(text("kind"))记录"), "date": .text(text("recorded_on")),
            // The file and its SHA-256 are in the table below the catalogue, under the same 序号.
            "pages": .text("另存"), "note": .text(verified ? "已核验" : "未附文件"),
        ])
    }
}
