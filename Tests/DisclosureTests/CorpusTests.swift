import CaseModel
@testable import Disclosure
import Foundation
import XCTest

/// The redaction corpus (Corpus/redaction-corpus.json): personal values in every family
/// must vanish, ordinary enforcement sentences must survive verbatim.
final class CorpusTests: XCTestCase {
    struct Corpus: Decodable {
        struct Officer: Decodable { var name: String; var cert: String }
        struct Context: Decodable {
            var officers: [Officer]
            var agency_phone: String
            var agency_code: String
            var doc_no: String
            var organisation_codes: [String]
        }
        struct Leak: Decodable {
            var family: String
            var text: String
            var secrets: [String]
            var people: [String]?
            var must_contain: [String]?
            var must_not_contain: [String]?
        }
        var context: Context
        var leaks: [Leak]
        var keep: [String]
    }

    static func corpus() throws -> Corpus {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "redaction-corpus", withExtension: "json", subdirectory: "Corpus"))
        return try JSONDecoder().decode(Corpus.self, from: Data(contentsOf: url))
    }

    /// Every corpus file (redaction-corpus*.json): later files hold forms written after the
    /// redactor was built, as a held-out check of what it had not seen.
    static func corpora() throws -> [Corpus] {
        let folder = try XCTUnwrap(Bundle.module.url(forResource: "Corpus", withExtension: nil))
        let urls = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.lastPathComponent.hasPrefix("redaction-corpus") && $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        XCTAssertGreaterThanOrEqual(urls.count, 2)
        return try urls.map { try JSONDecoder().decode(Corpus.self, from: Data(contentsOf: $0)) }
    }

    static func redactor(_ corpus: Corpus, texts: [String], people: [String] = [], index: PersonalValueIndex? = nil) throws -> TextRedactor {
        let context = corpus.context
        let shapes = PublicShapes(publicPhones: [context.agency_phone],
                                  publicIdentifiers: context.officers.map(\.cert) + [context.doc_no, context.agency_code],
                                  organisationCodes: context.organisation_codes + [context.agency_code])
        return TextRedactor(texts: texts, people: people, kept: Set(context.officers.map(\.name)), shapes: shapes, tradeSecrets: [],
                            index: index, lexicon: try Lexicon.standard.get())
    }

    /// A value leaks when it is in the output as written or in the gate's canonical form.
    static func leaks(_ secret: String, in output: String) -> Bool {
        if output.contains(secret) { return true }
        let value = CanonicalText.canonical(secret)
        guard value.count >= 2 else { return false }
        let text = CanonicalText.canonical(output)
        guard text.count >= value.count else { return false }
        for start in 0...(text.count - value.count) where text[start..<(start + value.count)].elementsEqual(value) { return true }
        return false
    }

    func testEveryPersonalValueVanishes() throws {
        let corpora = try Self.corpora()
        XCTAssertGreaterThanOrEqual(corpora.map(\.leaks.count).reduce(0, +), 120)
        var failures: [String] = []
        for corpus in corpora {
        for leak in corpus.leaks {
            let redactor = try Self.redactor(corpus, texts: [leak.text], people: leak.people ?? [])
            let output = redactor.redact(leak.text)
            for secret in leak.secrets where Self.leaks(secret, in: output) { failures.append("[\(leak.family)] \(secret) leaks: \(leak.text) → \(output)") }
            for wanted in leak.must_contain ?? [] where !output.contains(wanted) { failures.append("[\(leak.family)] lost \(wanted): \(leak.text) → \(output)") }
            for unwanted in leak.must_not_contain ?? [] where output.contains(unwanted) { failures.append("[\(leak.family)] left \(unwanted): \(leak.text) → \(output)") }
        }
        }
        XCTAssertTrue(failures.isEmpty, "\(failures.count) leaks:\n" + failures.joined(separator: "\n"))
    }

    func testOrdinarySentencesSurviveVerbatim() throws {
        let corpora = try Self.corpora()
        XCTAssertGreaterThanOrEqual(corpora.map(\.keep.count).reduce(0, +), 100)
        var failures: [String] = []
        for corpus in corpora {
            for sentence in corpus.keep {
                let output = try Self.redactor(corpus, texts: [sentence]).redact(sentence)
                if output != sentence { failures.append("\(sentence)\n   → \(output)") }
            }
        }
        XCTAssertTrue(failures.isEmpty, "\(failures.count) changed:\n" + failures.joined(separator: "\n"))
    }

    /// The same corpus through the gate: with every secret in the index, no redacted sentence hits.
    func testTheGateFindsNothingInRedactedText() throws {
        let corpus = try Self.corpus()
        let index = PersonalValueIndex()
        for leak in corpus.leaks {
            for secret in leak.secrets + (leak.people ?? []) {
                if leak.family == "names" || leak.family == "gazetteer" { index.addName(secret) } else { index.addOther(secret) }
            }
        }
        var failures: [String] = []
        for leak in corpus.leaks {
            let output = try Self.redactor(corpus, texts: [leak.text], people: leak.people ?? []).redact(leak.text)
            let hits = index.hits(in: output)
            if !hits.isEmpty { failures.append("\(leak.text) → \(output): \(hits.map(\.kind.rawValue))") }
        }
        XCTAssertTrue(failures.isEmpty, failures.joined(separator: "\n"))
        // And the gate does see them in the raw sentences.
        let seen = corpus.leaks.filter { !index.hits(in: $0.text).isEmpty }.count
        XCTAssertGreaterThan(seen, corpus.leaks.count * 3 / 4)
    }

    /// Every keep sentence at once through the export index of the corpus: no ordinary word is a hit.
    func testTheGateLeavesOrdinarySentencesAlone() throws {
        let corpus = try Self.corpus()
        let index = PersonalValueIndex()
        for leak in corpus.leaks where leak.family == "names" || leak.family == "gazetteer" {
            for secret in leak.secrets + (leak.people ?? []) where !secret.contains("某") { index.addName(secret) }
        }
        for sentence in corpus.keep { XCTAssertEqual(index.hits(in: sentence), [], sentence) }
    }
}
