import CaseModel
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

    /// A decision's entry in the store.
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

        init(_ site: PortalSite, current: [PublishedDecision]? = nil) {
            let current = current ?? site.current
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

    /// What is searched of a decision: the fields the store carries (`short`, where a term
    /// is checked exactly) and the redacted text it does not (`body`: facts, evidence, laws,
    /// discretion, decision, address, status reason).
    static func texts(_ site: PortalSite, _ item: PublishedDecision) -> (short: String, body: String) {
        let d = item.decision
        let short = shortText(title: d.title ?? "", docNo: d.docNo ?? "", party: d.partyName ?? "", agency: site.agencyName(d.agencyCode),
                              type: d.actionType, kinds: (d.penaltyKinds ?? []).joined(separator: "、"), indexNo: item.indexNo,
                              date: d.decisionDate)
        let body = [d.facts, d.evidence?.joined(separator: "；"), d.violatedProvisions, d.penaltyProvisions, d.discretion, d.decision,
                    d.partyAddress, d.legalRepresentative, d.partyCreditCode, d.statusReason].compactMap { $0 }.joined(separator: "\n")
        return (short, body)
    }

    /// How many key shards: a power of two that keeps shards near the target size, from
    /// the length of the text (about one byte of keys and postings per character indexed,
    /// measured on a generated 2,000-case export). The shards' builder counts the characters as it
    /// goes and writes the manifest itself; this count, which derives every decision's text again,
    /// is for a manifest asked for on its own.
    static func keyShardCount(_ site: PortalSite) -> Int {
        var characters = 0
        for item in site.current {
            let (short, body) = texts(site, item)
            characters += short.unicodeScalars.count + body.unicodeScalars.count
        }
        return keyShardCount(characters: characters)
    }

    static func keyShardCount(characters: Int) -> Int {
        let estimate = characters + 64 * 1024
        var shards = 1
        while estimate / shards > targetKeyShardBytes && shards < 8192 { shards *= 2 }
        return shards
    }

    /// The manifest's path under the site, beside search/.
    public static let manifestPath = "search-index.json"

    /// The manifest, search-index.json. `keyShards`: the count the shards were built with (else worked out).
    public static func manifest(_ site: PortalSite, keyShards: Int? = nil) throws -> String {
        try manifest(Vocabulary(site), count: site.current.count, keyShards: keyShards ?? keyShardCount(site))
    }

    static func manifest(_ vocabulary: Vocabulary, count: Int, keyShards: Int) throws -> String {
        try json(Manifest(format: format, count: count, keyShards: keyShards, documentShardSize: documentShardSize,
                             documentShards: (count + documentShardSize - 1) / documentShardSize,
                             agencies: vocabulary.agencies.map { [$0.code, $0.name] }, types: vocabulary.types, years: vocabulary.years,
                             kinds: vocabulary.kinds))
    }

    /// The shards under search/ (written with the pages): keys, then the decision store, then the manifest.
    public static func shards(_ site: PortalSite) throws -> [PortalFile] {
        var files: [PortalFile] = []
        try shards(site) { files.append($0) }
        return files
    }

    /// A decision's numbers under one key as they are gathered: gaps in LEB128 bytes (one or two bytes
    /// per decision instead of four, with no spare capacity of four-byte arrays), decoded once to be written.
    struct Postings {
        private(set) var bytes: [UInt8] = []
        private var last: Int32 = -1

        mutating func append(_ id: Int32) {
            var gap = UInt32(id - (last < 0 ? 0 : last))
            last = id
            while gap >= 0x80 {
                bytes.append(UInt8(gap & 0x7F) | 0x80)
                gap >>= 7
            }
            bytes.append(UInt8(gap))
        }

        var ids: [Int32] {
            var out: [Int32] = []
            var value: UInt32 = 0, shift: UInt32 = 0, previous: Int32 = 0
            for byte in bytes {
                value |= UInt32(byte & 0x7F) << shift
                if byte & 0x80 != 0 { shift += 7; continue }
                let id = out.isEmpty ? Int32(value) : previous + Int32(value)
                out.append(id)
                previous = id
                value = 0
                shift = 0
            }
            return out
        }
    }

    /// The same, each file handed over as soon as it is made (the key shards of 100,000 decisions are tens of megabytes).
    /// The manifest comes last, with the number of key shards the characters just counted gave.
    public static func shards(_ site: PortalSite, _ emit: (PortalFile) throws -> Void) throws {
        let current = site.current
        let vocabulary = Vocabulary(site, current: current)
        let agencyIndex = Dictionary(vocabulary.agencies.enumerated().map { ($1.code, $0) }, uniquingKeysWith: { a, _ in a })
        let typeIndex = Dictionary(vocabulary.types.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var short: [UInt64: Postings] = [:]
        var body: [UInt64: Postings] = [:]
        var filters: [String: [Int32]] = [:]
        var store: [[SearchField]] = []
        store.reserveCapacity(current.count)
        var characters = 0
        // A batch at a time: every decision's keys at once held hundreds of megabytes at 20,000 decisions.
        for batch in stride(from: 0, to: current.count, by: keyBatch) {
            let decisionKeys = keys(site, Array(current[batch..<min(current.count, batch + keyBatch)]))
            for (offset, keys) in decisionKeys.enumerated() {
                let id = Int32(batch + offset)
                for key in keys.short { short[key, default: Postings()].append(id) }
                for key in keys.body { body[key, default: Postings()].append(id) }
                characters += keys.characters
            }
        }
        for (number, item) in current.enumerated() {
            let id = Int32(number)
            let d = item.decision
            for key in ["@a:" + d.agencyCode, "@t:" + d.actionType, "@y:" + item.year] + (d.penaltyKinds ?? []).map({ "@k:" + $0 }) {
                filters[key, default: []].append(id)
            }
            store.append([.text(item.pagePath), .text(d.title ?? ""), .text(d.docNo ?? ""), .number(agencyIndex[d.agencyCode] ?? -1),
                          .number(typeIndex[d.actionType] ?? -1), .text(d.decisionDate), .text(d.partyName ?? ""),
                          .text((d.penaltyKinds ?? []).joined(separator: "、")), .text(item.indexNo)])
        }
        let keyShards = keyShardCount(characters: characters)
        // Each key's lists stay compact until its shard is written.
        var buckets = [[(key: String, short: UInt64?, body: UInt64?, filter: [Int32])]](repeating: [], count: keyShards)
        for key in Set(short.keys).union(body.keys) {
            let text = SearchText.string(ofKey: key)
            buckets[SearchText.bucket(text, of: keyShards)].append((text, short[key] == nil ? nil : key, body[key] == nil ? nil : key, []))
        }
        for (key, ids) in filters { buckets[SearchText.bucket(key, of: keyShards)].append((key, nil, nil, ids)) }

        for (number, bucket) in buckets.enumerated() {
            var out: [UInt8] = [UInt8(ascii: "{")]
            for (position, entry) in bucket.sorted(by: { $0.key < $1.key }).enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                appendEncoded(entry.key, into: &out)
                out += Array(":[\"".utf8)
                encode(entry.short.flatMap { short[$0]?.ids } ?? entry.filter, into: &out)
                out += Array("\",\"".utf8)
                encode(entry.body.flatMap { body[$0]?.ids } ?? [], into: &out)
                out += Array("\"]".utf8)
            }
            out += Array("}\n".utf8)
            try emit(PortalFile(path: "search/k-\(number).json", bytes: out))
        }
        for (number, start) in stride(from: 0, to: store.count, by: documentShardSize).enumerated() {
            try emit(PortalFile(path: "search/d-\(number).json", text: documentShard(store[start..<min(store.count, start + documentShardSize)])))
        }
        try emit(PortalFile(path: manifestPath, text: try manifest(vocabulary, count: current.count, keyShards: keyShards)))
    }

    /// Decisions whose keys are worked out at once (on every core) before they join the postings.
    static let keyBatch = 2048

    /// Each decision's keys in its short fields and in its text, and how many characters those hold,
    /// worked out on every core: folding and pairing every decision's text was the longest one-core
    /// step of a night's portal. (Within a decision the keys' order does not matter: each posting list
    /// grows in decision order.)
    static func keys(_ site: PortalSite, _ current: [PublishedDecision]) -> [(short: [UInt64], body: [UInt64], characters: Int)] {
        // A chunk of decisions per task, each with its own collector.
        concurrentBlocks(count: current.count, size: 256) { range -> [(short: [UInt64], body: [UInt64], characters: Int)] in
            var collector = SearchText.KeyCollector()
            return range.map { position in
                let (shortText, bodyText) = texts(site, current[position])
                let short = collector.keys(of: shortText)
                let body = collector.keys(of: bodyText)
                return (short.keys, body.keys, short.scalars + body.scalars)
            }
        }.flatMap { $0 }
    }

    /// Ascending numbers as base-36 gaps ("0,1,1,2s"): a few bytes per decision even for keys
    /// in nearly every decision.
    static func encode(_ ids: [Int32], into out: inout [UInt8]) {
        var previous: Int32 = 0
        // An Int32's base-36 digits, least significant first: seven at most.
        var digits = [UInt8](repeating: 0, count: 8)
        for (position, id) in ids.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            var value = Int(position == 0 ? id : id - previous)
            previous = id
            var count = 0
            repeat {
                let digit = UInt8(value % 36)
                digits[count] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10
                value /= 36
                count += 1
            } while value > 0
            while count > 0 {
                count -= 1
                out.append(digits[count])
            }
        }
    }

    /// A document shard, byte for byte what `json` makes of it, written directly: JSONEncoder took a tenth of the
    /// search index (200 shards, 100,000 decisions' nine fields).
    static func documentShard(_ rows: ArraySlice<[SearchField]>) -> String {
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (position, row) in rows.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "["))
            for (index, field) in row.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                switch field {
                case .text(let text): appendEncoded(text, into: &out)
                case .number(let number): out += String(number).utf8
                }
            }
            out.append(UInt8(ascii: "]"))
        }
        out += Array("]\n".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A JSON string literal as `json` writes one: as JSONEncoder does (\", \\, \b \t \n \f \r, other control
    /// characters as \u00xx), then with `json`'s escapes of <, > and &. The key shards' keys and the document shards use it.
    private static func appendEncoded(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case 0x22, 0x5C: out += [0x5C, byte]
            case 0x08: out += [0x5C, UInt8(ascii: "b")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0C: out += [0x5C, UInt8(ascii: "f")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            case 0..<0x20, 0x3C, 0x3E, 0x26: out += Array("\\u00".utf8) + [hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Sorted keys and no escaped slashes: the same site gives the same bytes. <, > and &
    /// (only ever inside strings) are written as \u003c, \u003e, \u0026, so a payload in the
    /// data stays inert even where a file is taken for HTML. Throws what the encoder throws: an empty
    /// object in its place would be served as an index that finds nothing.
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
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
