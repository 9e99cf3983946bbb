import Foundation

/// The static search index, split so that a query loads only what it needs: at 100,000
/// decisions the whole text is far too big for a phone, while a query of a few words
/// touches a few small files. The format is described in Templates/portal/README.md.
///
/// - `search-index.json`, the manifest: counts, the number of key shards, the shard size
///   of the decision store, and the values of the filters.
/// - `search/k-<n>.json`: key → [postings in the short fields, postings in the text].
///   Keys are pairs of folded characters (SearchText) and the filter keys `@a:<机构代码>`,
///   `@t:<类别>`, `@y:<年度>`, `@k:<处罚种类>`.
/// - `search/d-<n>.json`: the decisions in numbers n·size ..< (n+1)·size, newest first, as
///   [page, 案由, 文书编号, agency (index into the manifest), type (index), date, party,
///   penalty kinds, 索引号]: what a result shows and what a term is checked against.
public enum PortalSearchIndex {
    /// The format's name in the manifest; the page refuses another.
    public static let format = "sanxiang-search-2"
    /// Decisions per store shard: a page of 20 results newest first usually needs one.
    public static let documentShardSize = 500
    /// Target size of a key shard in bytes before compression: a query of ten pairs loads
    /// about ten of them, some hundreds of kilobytes at most, gzipped by the web server.
    public static let targetKeyShardBytes = 48 * 1024

    /// A decision's entry in the store and its keys.
    struct Document {
        var fields: [SearchField]
        /// Folded text of the fields the store carries: a term found here is certain.
        var shortKeys: Set<String>
        /// The redacted text the store does not carry (facts, decision, laws, …).
        var bodyKeys: Set<String>
        var filterKeys: [String]
    }

    enum SearchField: Encodable {
        case text(String)
        case number(Int)

        func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .text(let text): try container.encode(text)
            case .number(let number): try container.encode(number)
            }
        }
    }

    struct Manifest: Encodable {
        var format: String
        var count: Int
        var keyShards: Int
        var documentShardSize: Int
        var documentShards: Int
        var agencies: [[String]]
        var types: [String]
        var years: [String]
        var kinds: [String]

        enum CodingKeys: String, CodingKey {
            case format, count, keyShards = "key_shards", documentShardSize = "document_shard_size",
                 documentShards = "document_shards", agencies, types, years, kinds
        }
    }

    /// The filters' values, as the search form offers them.
    struct Vocabulary {
        var agencies: [(code: String, name: String)]
        var types: [String]
        var years: [String]
        var kinds: [String]

        init(_ site: PortalSite) {
            let current = site.current
            agencies = site.agencies.map { ($0.code, $0.name) }
            types = Set(current.map(\.decision.actionType)).sorted()
            years = Set(current.map(\.year)).sorted(by: >)
            kinds = Set(current.flatMap { $0.decision.penaltyKinds ?? [] }).sorted()
        }
    }

    /// The short fields as one string, in the order the page joins them for its check.
    static func shortText(title: String, docNo: String, party: String, agency: String, type: String, kinds: String,
                          indexNo: String, date: String) -> String {
        [title, docNo, party, agency, type, kinds, indexNo, date].joined(separator: " ")
    }

    static func documents(_ site: PortalSite, _ vocabulary: Vocabulary) -> [Document] {
        let agencyIndex = Dictionary(vocabulary.agencies.enumerated().map { ($1.code, $0) }, uniquingKeysWith: { a, _ in a })
        let typeIndex = Dictionary(vocabulary.types.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        return site.current.map { item in
            let d = item.decision
            let kinds = (d.penaltyKinds ?? []).joined(separator: "、")
            let short = shortText(title: d.title ?? "", docNo: d.docNo ?? "", party: d.partyName ?? "", agency: site.agencyName(d.agencyCode),
                                  type: d.actionType, kinds: kinds, indexNo: item.indexNo, date: d.decisionDate)
            let body = [d.facts, d.evidence?.joined(separator: "；"), d.violatedProvisions, d.penaltyProvisions, d.discretion, d.decision,
                        d.partyAddress, d.legalRepresentative, d.partyCreditCode, d.statusReason].compactMap { $0 }.joined(separator: "\n")
            var filters = ["@a:" + d.agencyCode, "@t:" + d.actionType, "@y:" + item.year]
            filters += (d.penaltyKinds ?? []).map { "@k:" + $0 }
            return Document(fields: [.text(item.pagePath), .text(d.title ?? ""), .text(d.docNo ?? ""), .number(agencyIndex[d.agencyCode] ?? -1),
                                     .number(typeIndex[d.actionType] ?? -1), .text(d.decisionDate), .text(d.partyName ?? ""), .text(kinds),
                                     .text(item.indexNo)],
                            shortKeys: SearchText.tokens(of: short), bodyKeys: SearchText.tokens(of: body), filterKeys: filters)
        }
    }

    /// Ascending numbers as base-36 gaps ("0,1,1,2s"): a few bytes per decision even for keys
    /// in nearly every decision.
    static func encode(_ ids: [Int]) -> String {
        var previous = 0
        var parts: [String] = []
        parts.reserveCapacity(ids.count)
        for (position, id) in ids.enumerated() {
            parts.append(String(position == 0 ? id : id - previous, radix: 36))
            previous = id
        }
        return parts.joined(separator: ",")
    }

    /// The manifest (search-index.json) and every shard, from the same pass over the site.
    static func build(_ site: PortalSite) -> (manifest: String, shards: [PortalFile]) {
        let vocabulary = Vocabulary(site)
        let documents = documents(site, vocabulary)
        var short: [String: [Int]] = [:]
        var body: [String: [Int]] = [:]
        for (id, document) in documents.enumerated() {
            for key in document.shortKeys { short[key, default: []].append(id) }
            for key in document.filterKeys { short[key, default: []].append(id) }
            for key in document.bodyKeys { body[key, default: []].append(id) }
        }
        let keys = Set(short.keys).union(body.keys).sorted()
        var entries: [(key: String, value: [String])] = []
        var bytes = 0
        for key in keys {
            let value = [encode(short[key] ?? []), encode(body[key] ?? [])]
            bytes += key.utf8.count + value[0].utf8.count + value[1].utf8.count + 10
            entries.append((key, value))
        }
        var keyShards = 1
        while bytes / keyShards > targetKeyShardBytes && keyShards < 8192 { keyShards *= 2 }
        var buckets = [[String: [String]]](repeating: [:], count: keyShards)
        for entry in entries { buckets[SearchText.bucket(entry.key, of: keyShards)][entry.key] = entry.value }

        var shards: [PortalFile] = []
        for (number, bucket) in buckets.enumerated() { shards.append(PortalFile(path: "search/k-\(number).json", text: json(bucket))) }
        let documentShards = (documents.count + documentShardSize - 1) / documentShardSize
        for number in 0..<documentShards {
            let slice = documents[(number * documentShardSize)..<min(documents.count, (number + 1) * documentShardSize)]
            shards.append(PortalFile(path: "search/d-\(number).json", text: json(slice.map(\.fields))))
        }
        let manifest = Manifest(format: format, count: documents.count, keyShards: keyShards, documentShardSize: documentShardSize,
                                documentShards: documentShards, agencies: vocabulary.agencies.map { [$0.code, $0.name] },
                                types: vocabulary.types, years: vocabulary.years, kinds: vocabulary.kinds)
        return (json(manifest), shards)
    }

    /// The shards under search/ (written with the pages).
    public static func shards(_ site: PortalSite) -> [PortalFile] { build(site).shards }

    /// The manifest, search-index.json.
    public static func manifest(_ site: PortalSite) -> String { build(site).manifest }

    /// Sorted keys and no escaped slashes: the same site gives the same bytes. <, > and &
    /// (only ever inside strings) are written as \u003c, \u003e, \u0026, so a payload in the
    /// data stays inert even where a file is taken for HTML.
    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}\n" }
        var out: [UInt8] = []
        out.reserveCapacity(data.count + 16)
        for byte in data {
            switch byte {
            case 0x3C: out += Array("\\u003c".utf8)
            case 0x3E: out += Array("\\u003e".utf8)
            case 0x26: out += Array("\\u0026".utf8)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self) + "\n"
    }
}
