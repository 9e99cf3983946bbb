import Foundation
@testable import Portal
import XCTest

/// The split index answers as the page does (this reader follows the script of
/// search.html step by step), and folding makes bracket and width variants one term.
final class SearchIndexTests: XCTestCase {
    /// Reads the index from the portal's files as the browser does.
    struct Reader {
        var files: [String: String]
        var manifest: [String: Any]

        init(_ files: [String: String], manifest: String) throws {
            self.files = files
            self.manifest = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(manifest.utf8)) as? [String: Any])
        }

        func json(_ path: String) throws -> Any {
            try JSONSerialization.jsonObject(with: Data(try XCTUnwrap(files[path], "missing \(path)").utf8))
        }

        func postings(_ token: String) throws -> (short: [Int], body: [Int]) {
            let shards = try XCTUnwrap(manifest["key_shards"] as? Int)
            let shard = try XCTUnwrap(try json("search/k-\(SearchText.bucket(token, of: shards)).json") as? [String: [String]])
            let entry = shard[token] ?? ["", ""]
            return (decode(entry[0]), decode(entry[1]))
        }

        func decode(_ text: String) -> [Int] {
            var value = 0
            return text.isEmpty ? [] : text.split(separator: ",").enumerated().map { index, part in
                let gap = Int(part, radix: 36) ?? 0
                value = index == 0 ? gap : value + gap
                return value
            }
        }

        func document(_ id: Int) throws -> [Any] {
            let size = try XCTUnwrap(manifest["document_shard_size"] as? Int)
            let shard = try XCTUnwrap(try json("search/d-\(id / size).json") as? [[Any]])
            return shard[id % size]
        }

        func shortText(_ d: [Any]) throws -> String {
            let agencies = try XCTUnwrap(manifest["agencies"] as? [[String]])
            let types = try XCTUnwrap(manifest["types"] as? [String])
            let agency = (d[3] as? Int).flatMap { agencies.indices.contains($0) ? agencies[$0][1] : nil } ?? ""
            let type = (d[4] as? Int).flatMap { types.indices.contains($0) ? types[$0] : nil } ?? ""
            return SearchText.fold([d[1], d[2], d[6], agency, type, d[7], d[8], d[5]].map { "\($0)" }.joined(separator: " "))
        }

        /// Document numbers matching every term of `query` and the filter keys.
        func search(_ query: String, filters: [String] = []) throws -> [Int] {
            var sets: [[Int]] = []
            for run in SearchText.runs(SearchText.fold(query)) where run.count > 1 {
                let lists = try SearchText.tokens(run).map(postings)
                let body = lists.map(\.body).reduce(lists[0].body) { and($0, $1) }
                let short = lists.map(\.short).reduce(lists[0].short) { and($0, $1) }
                let text = String(String.UnicodeScalarView(run))
                var sure: [Int] = []
                for id in short {
                    if body.contains(id) || lists.count < 2 { sure.append(id); continue }
                    if try shortText(document(id)).contains(text) { sure.append(id) }
                }
                sets.append(Array(Set(body).union(sure)).sorted())
            }
            for key in filters { sets.append(try postings(key).short) }
            let count = try XCTUnwrap(manifest["count"] as? Int)
            return sets.reduce(Array(0..<count)) { and($0, $1) }
        }

        func and(_ a: [Int], _ b: [Int]) -> [Int] { let set = Set(b); return a.filter(set.contains) }
    }

    func reader(_ site: PortalSite) throws -> Reader {
        try Reader(try Fixture.files(site), manifest: try PortalPages.searchIndex(site))
    }

    func docNos(_ reader: Reader, _ ids: [Int]) throws -> [String] {
        try ids.map { try XCTUnwrap(reader.document($0)[2] as? String) }
    }

    /// Postings are gathered as LEB128 gaps: every ascending list reads back as it went in, gaps of every width.
    func testPostingsReadBackAsGathered() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var ids: [Int32] = []
            var next: Int32 = Int32.random(in: 0...3, using: &generator)
            for _ in 0..<Int.random(in: 0...300, using: &generator) {
                ids.append(next)
                let width = [1, 127, 128, 16_383, 16_384, 2_097_152][Int.random(in: 0...5, using: &generator)]
                guard next < Int32.max - Int32(width) else { break }
                next += Int32.random(in: 1...Int32(width), using: &generator)
            }
            var postings = PortalSearchIndex.Postings()
            for id in ids { postings.append(id) }
            XCTAssertEqual(postings.ids, ids)
        }
        var single = PortalSearchIndex.Postings()
        single.append(Int32.max)
        XCTAssertEqual(single.ids, [Int32.max])
    }

    /// A posting list is written as base-36 gaps ("0,1,1,2s"), as `String(_:radix:)` writes each.
    func testPostingListsAreWrittenAsBase36Gaps() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            var ids: [Int32] = []
            var next = Int32.random(in: 0...1_000_000, using: &generator)
            for _ in 0..<Int.random(in: 0...50, using: &generator) {
                ids.append(next)
                let width = [1, 35, 36, 1_295, 1_296, 60_466_175, Int32.max / 2][Int.random(in: 0...6, using: &generator)]
                guard next < Int32.max - width else { break }
                next += Int32.random(in: 1...width, using: &generator)
            }
            let expected = ids.indices.map { String(Int(ids[$0]) - ($0 == 0 ? 0 : Int(ids[$0 - 1])), radix: 36) }.joined(separator: ",")
            var out: [UInt8] = []
            PortalSearchIndex.encode(ids, into: &out)
            XCTAssertEqual(String(decoding: out, as: UTF8.self), expected)
        }
        var out: [UInt8] = []
        PortalSearchIndex.encode([Int32.max], into: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), String(Int32.max, radix: 36))
    }

    func testFoldingMakesBracketAndWidthVariantsOneTerm() {
        let folded = "玉水罚〔2025〕2号"
        for variant in ["玉水罚[2025]2号", "玉水罚(2025)2号", "玉水罚（2025）2号", "玉水罚【2025】2号", "玉水罚〔２０２５〕２号",
                        "玉水罚［2025］2号", "玉水罚〖2025〗2号"] {
            XCTAssertEqual(SearchText.fold(variant), folded, variant)
        }
        XCTAssertEqual(SearchText.fold("ＱＱ号ABC"), "qq号abc")
        XCTAssertEqual(SearchText.runs(SearchText.fold("吊销 许可证、罚款")).map { String(String.UnicodeScalarView($0)) }, ["吊销", "许可证", "罚款"])
        XCTAssertEqual(SearchText.tokens(Array("罚款".unicodeScalars)), ["罚款"])
        XCTAssertEqual(SearchText.tokens(Array("玉水罚".unicodeScalars)), ["玉水", "水罚"])
    }

    /// The same FNV-1a as the page's script: reference values computed by hand from the spec.
    func testBucketIsFNV1aOverUTF16() {
        XCTAssertEqual(SearchText.bucket("", of: 1 << 30), Int(0x811C_9DC5 % (1 << 30)))
        XCTAssertEqual(SearchText.bucket("a", of: Int(UInt32.max)), Int(0xE40C_292C % UInt32.max))
    }

    func testFindsDocumentNumbersInAnyBracketsAndNotTheirNeighbours() throws {
        let reader = try reader(try Fixture.site())
        for query in ["玉水罚[2025]2号", "玉水罚(2025)2号", "玉水罚〔2025〕2号", "玉水罚（２０２５）２号"] {
            XCTAssertEqual(try docNos(reader, try reader.search(query)), ["玉水罚〔2025〕2号"], query)
        }
        // 12号, 22号 contain every pair of 〔2025〕2号 but not the number itself.
        XCTAssertEqual(try reader.search("〔2025〕12号").count, 1)
    }

    func testCoversTheRedactedTextAndFilters() throws {
        let site = try Fixture.site()
        let reader = try reader(site)
        let penalties = site.current.filter { $0.decision.actionType == "行政处罚" }
        XCTAssertEqual(try reader.search("水法").count, penalties.filter { $0.decision.penaltyProvisions != nil }.count, "laws cited")
        XCTAssertEqual(try reader.search("采砂").count, 30, "facts")
        XCTAssertEqual(try reader.search("吊销许可证件").count, 6, "penalty kinds")
        XCTAssertEqual(try reader.search("准予许可").count, 1, "decision text")
        XCTAssertEqual(try reader.search("罚款", filters: ["@y:2024"]).count, 15)
        XCTAssertEqual(try reader.search("", filters: ["@a:" + Fixture.agencyB]).count, 1)
        XCTAssertEqual(try reader.search("", filters: ["@k:吊销许可证件", "@y:2025"]).count, 3)
        XCTAssertEqual(try reader.search("", filters: ["@t:行政许可"]).count, 1)
        XCTAssertEqual(try reader.search("擅自取水 罚款").count, 10, "every word must match")
        XCTAssertTrue(try reader.search("901号").isEmpty, "withdrawn decisions are not searchable")
    }

    /// True counts, no cap: 1,200 decisions, all found, in three store shards.
    func testSplitsTheIndexAndCountsEverything() throws {
        let site = try Fixture.site(count: 1_200)
        let reader = try reader(site)
        XCTAssertEqual(reader.manifest["count"] as? Int, site.current.count)
        XCTAssertEqual(reader.manifest["document_shards"] as? Int, (site.current.count + 499) / 500)
        let keyShards = try XCTUnwrap(reader.manifest["key_shards"] as? Int)
        XCTAssertGreaterThan(keyShards, 1, "the keys are split")
        let shardFiles = reader.files.keys.filter { $0.hasPrefix("search/k-") }
        XCTAssertEqual(shardFiles.count, keyShards)
        let largest = shardFiles.compactMap { reader.files[$0]?.utf8.count }.max() ?? 0
        XCTAssertLessThan(largest, 4 * PortalSearchIndex.targetKeyShardBytes, "no shard far over the target")
        XCTAssertEqual(try reader.search("罚款").count, 1_200)
        // Newest first: the store's order is the site's.
        XCTAssertEqual(try reader.document(0)[0] as? String, site.current.first?.pagePath)
    }

    func testSameSiteSameBytes() throws {
        let first = try Fixture.files(try Fixture.site(count: 60))
        let second = try Fixture.files(try Fixture.site(count: 60))
        XCTAssertEqual(first, second)
        XCTAssertEqual(try PortalPages.searchIndex(try Fixture.site(count: 60)), try PortalPages.searchIndex(try Fixture.site(count: 60)))
    }

    /// The shards' builder writes the manifest with the key-shard count of the characters it indexed: it must be
    /// the manifest worked out on its own, and the key shards it names must be the ones written.
    func testTheManifestWrittenWithTheShardsIsTheOneWorkedOutAlone() throws {
        for count in [1, 7, 60, 250] {
            let site = try Fixture.site(count: count)
            let files = try PortalSearchIndex.shards(site)
            XCTAssertEqual(files.last?.path, PortalSearchIndex.manifestPath, "\(count) decisions")
            let manifest = String(decoding: try XCTUnwrap(files.last).bytes, as: UTF8.self)
            XCTAssertEqual(manifest, try PortalPages.searchIndex(site), "\(count) decisions")
            XCTAssertEqual(files.filter { $0.path.hasPrefix("search/k-") }.count, PortalSearchIndex.keyShardCount(site), "\(count) decisions")
        }
    }

    func testSearchPageWorksAsAPlainFormAndSaysWhatToDoWithoutScript() throws {
        let page = try XCTUnwrap(try Fixture.files(try Fixture.site())["search.html"])
        XCTAssertTrue(page.contains("<form id=\"search\" role=\"search\" action=\"search.html\" method=\"get\">"))
        XCTAssertTrue(page.contains("name=\"q\""))
        for name in ["agency", "type", "year", "kind"] { XCTAssertTrue(page.contains("<select name=\"\(name)\""), name) }
        XCTAssertTrue(page.contains("<noscript>") && page.contains("需要启用 JavaScript"))
        XCTAssertTrue(page.contains("history.replaceState"), "a search is a link")
        XCTAssertFalse(page.contains(">= 200"), "no cap on results")
    }
}
