import Archive
import CaseModel
import Disclosure
import ErrorReporting
import Foundation
import Ingest
import Native
import Typesetting

/// What the publication gate found, for the 法制科: the case, the channel and the kind
/// of personal value — never the value itself.
public struct GateFinding: Codable, Equatable, Sendable {
    /// The case whose public items were withheld; nil for a file no case owns.
    public var caseID: String?
    /// Where it was found: 公示数据 (the redacted case behind every channel), 公开版文书,
    /// or the public file's path (page, feed, search index …).
    public var channel: String
    public var kinds: [String]

    enum CodingKeys: String, CodingKey { case caseID = "case_id", channel, kinds }
}

/// Public output of a run still holds personal data in a file no single case owns
/// (a feed, the home page …): nothing of the portal is published this run.
public struct PublicationGateError: SanxiangError {
    public var findings: [GateFinding]
    public var message: String {
        "公示前检查在不属于单个案件的公开文件中发现个人信息（"
            + findings.prefix(5).map { "\($0.channel)：\($0.kinds.joined(separator: "、"))" }.joined(separator: "；")
            + "），本次不更新门户，上次的门户保持不变；请检查这些文件的来源（执法主体信息、模板或站点设置）后重新运行。"
    }
}

/// The last line of defence, independent of the redactor: every public byte of a
/// case is checked against an index of every personal value of the whole export
/// (natural persons' names, ID numbers, phones, street addresses, accounts),
/// matched canonically (NFKC, widths, spaces and punctuation, digits-only forms,
/// X/x/×). A hit withholds that case's public items in this run.
struct PublicationGate {
    let index: PersonalValueIndex

    /// How the run summary names cases the gate stopped.
    static let withheldReason = "公示前检查发现个人信息"

    /// Names of the hits' kinds, sorted, each once.
    static func kinds(_ hits: [GateHit]) -> [String] { Array(Set(hits.map(\.kind.rawValue))).sorted() }

    /// The redacted case as published: every field a page, feed, index entry or PDF is made from.
    /// Nil when it cannot even be read: the caller withholds it (the gate fails closed).
    func check(_ published: PublicCase) -> [GateHit]? {
        guard let json = try? PublicCaseJSON.encode(published) else { return nil }
        return index.hits(inMarkup: String(decoding: json, as: UTF8.self))
    }

    /// A public PDF's text layer and metadata, read from the document it is rendered from.
    func check(_ document: Document) -> [GateHit] {
        index.hits(in: document.textContent)
    }

    /// Every public file of the staged portal (text files read as markup; file names and
    /// URLs too), on all cores. `owner` maps a path under public/ to the case it belongs to; it is asked on this thread,
    /// for the findings only (the map of every page and copy to its case is made only when something is found).
    /// `alreadyPassed`: files whose bytes a sweep by a gate with the same key passed (see
    /// `passedLastNight`); their names are still checked, their content is not read again.
    /// `only`: the files to check (relative to `folder`, every folder of their paths named in them), instead of all of `folder`.
    /// The findings come in the order of their paths (of `only`, when given).
    /// `batch`: entries of the listing checked at once.
    func sweep(folder: URL, only: [String]? = nil, batch: Int = sweepBatch, owner: (String) -> String?,
               alreadyPassed: (String) -> Bool = { _ in false }) -> [GateFinding] {
        let root = folder.standardizedFileURL.path
        var found: [(path: String, kinds: [String])] = []
        if let only {
            found = findings(in: only.map { ($0, false) }, root: root, alreadyPassed: alreadyPassed)
        } else {
            do {
                // A batch of the listing at a time: the whole listing of a 100,000-case portal (≈ 40 MB of paths) stood
                // beside the night's peak.
                try FileWalker.forEachEntryBatch(root: folder, size: batch) { batch in
                    found += findings(in: batch, root: root, alreadyPassed: alreadyPassed)
                }
            } catch {
                // A folder the sweep cannot list is not passed.
                return [GateFinding(caseID: nil, channel: folder.lastPathComponent + "/", kinds: ["无法读取"])]
            }
            FileWalker.sortByPath(&found) { $0.path }
        }
        return found.map { GateFinding(caseID: owner($0.path), channel: $0.path, kinds: $0.kinds) }
    }

    /// Entries of the staged portal checked at once by `sweep`.
    static let sweepBatch = 16_384

    /// The entries of `entries` (paths relative to `root`) the gate stops, with the kinds of their hits, in `entries`' order.
    private func findings(in entries: [(path: String, isFolder: Bool)], root: String,
                          alreadyPassed: (String) -> Bool) -> [(path: String, kinds: [String])] {
        let checked = concurrentMap(entries) { entry -> [String]? in
            let path = entry.path
            var hits = index.hits(in: path)
            guard !entry.isFolder else { return hits.isEmpty ? nil : Self.kinds(hits) }
            if Self.textExtensions.contains(Self.pathExtension(path)), !Self.isPostingKeys(path), !alreadyPassed(path) {
                // Read a piece at a time (the feed of every decision is over 100 MB at 100,000); a file that
                // cannot be read is not passed.
                guard let found = index.hits(inMarkupFile: root + "/" + path) else { return Self.kinds(hits) + ["无法读取"] }
                hits += found
            }
            return hits.isEmpty ? nil : Self.kinds(hits)
        }
        return zip(entries, checked).compactMap { entry, kinds in kinds.map { (entry.path, $0) } }
    }

    /// A staged public file that is the very file of last night's portal (kept as a hard link) and
    /// not changed since that run recorded it: last night's sweep read these bytes, and with the same
    /// gate key (program, lexicon, every indexed value) reading them again finds the same nothing.
    /// `path` is relative to public/.
    static func passedLastNight(_ path: String, writer: OutputWriter) -> Bool {
        let relative = "public/" + path
        guard !writer.damaged.contains(relative), let live = FileSystem.inode(writer.path(of: relative)) else { return false }
        return FileSystem.inode(writer.stagedPath(of: relative)) == live
    }

    /// The search index's key shards (search/k-*.json) map pairs of neighbouring characters of
    /// the body text to decisions; the text itself is not shipped. Every pair comes from a case
    /// the gate has already read whole, and a pair alone (高峰 of 用水高峰期) is no name: read
    /// as text it would stop cases for words. Their file names are still checked.
    static func isPostingKeys(_ path: String) -> Bool {
        path.hasPrefix("search/k-") && path.hasSuffix(".json")
    }

    /// What follows the last "." of the file's name ("" without one). Unlike URL's pathExtension, a name
    /// that starts with its only dot (".json") has one: a hidden file a server may still send is read too.
    static func pathExtension(_ path: String) -> Substring {
        let name = path.lastIndex(of: "/").map { path[path.index(after: $0)...] } ?? path[...]
        guard let dot = name.lastIndex(of: ".") else { return "" }
        return name[name.index(after: dot)...]
    }

    /// Files a browser shows as text. PDFs are checked through the document they are rendered from.
    static let textExtensions: Set<Substring> = ["html", "htm", "xml", "json", "txt", "svg", "csv", "js", "css"]

    /// The index of the export: every natural person named anywhere in it (parties,
    /// operators, persons of withheld and minors' cases, names read in the free text).
    /// What decides every hit of the gate: the program, the redaction lexicon and the index's values.
    /// A file a sweep passed under one key passes every later sweep under the same key.
    static func key(_ index: PersonalValueIndex) throws -> String {
        let head = Array("sanxiang-gate-v1\n\(UnchangedRun.programStamp())\n\(try UnchangedRun.lexiconIdentity())\n".utf8)
        return StateStore.contentHash { emit in
            emit(head)
            index.contentBytes(emit)
        }
    }

    /// `textNames`: each case's names read in its texts (`Publisher.textNames`), when known.
    static func index(for ingest: IngestResult, textNames: [TextNames]? = nil) -> PersonalValueIndex {
        // An agency's own address and phone are on its public page: a person living at the same street number
        // (人民路66号 in another county), or whose phone was entered as the agency's, must not stop that page, and with
        // it the whole portal.
        PersonalValueIndex.export(cases: ingest.cases, officers: ingest.officers, publicSeats: ingest.agencies.map(\.address),
                                  publicPhones: ingest.agencies.map(\.phone), namesInText: true, textNames: textNames)
    }
}

/// The JSON form of a public case the gate reads (sorted keys, so the same every run).
enum PublicCaseJSON {
    static func encode(_ published: PublicCase) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(published)
    }
}
