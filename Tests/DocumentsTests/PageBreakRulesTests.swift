import CaseModel
@testable import Documents
import Foundation
import Ingest
import TestSupport
import Typesetting
import XCTest

/// GB/T 9704's page-break rules on the PDFs of every kind, over the sample export and
/// a generated one, page by page as pdftotext reads them: the page holding the
/// signature holds at least two lines of text besides it (7.3.5), and no page ends
/// with a heading.
final class PageBreakRulesTests: XCTestCase {
    /// The export the layout issue was found on: 300 generated cases, seed 5.
    static let generated: IngestResult = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sanxiang-page-rules-\(getpid())")
        if !FileManager.default.fileExists(atPath: folder.appendingPathComponent("cases.csv").path) {
            _ = try? Shell.run("/usr/bin/env", ["python3", DocumentFixtures.root.appendingPathComponent("Tests/Fixtures/gen_export.py").path,
                                                "--out", folder.path, "--cases", "300", "--seed", "5", "--no-media"])
        }
        return DocumentFixtures.read(folder)
    }()

    func testSignatureNeverAloneAndNoHeadingEndsAPage() throws {
        var documents = 0
        var pages = 0
        var problems: [String] = []
        for plan in DocumentFixtures.plans(of: [DocumentFixtures.ingest, Self.generated]) {
            for kind in plan.kinds where DocumentKindTests.allKinds.contains(kind) {
                guard let prepared = try? DocumentFixtures.renderer.prepare(kind, data: plan.data) else { continue }
                let bytes = try DocumentFixtures.renderer.render(prepared).bytes
                let text = try Self.pages(bytes)
                documents += 1
                pages += text.count
                let found = Self.problems(text, blocks: prepared.document.blocks)
                if !found.isEmpty { Self.keep(bytes, name: "\(plan.item.id)-\(kind).pdf") }
                problems += found.map { "\(plan.item.id) \(kind)：\($0)" }
            }
        }
        XCTAssertGreaterThan(documents, 500)
        XCTAssertGreaterThan(pages, documents, "some documents run over a page")
        XCTAssertEqual(problems, [], "\(problems.count) of \(documents) documents, \(pages) pages")
    }

    /// A failing document is left in $TMPDIR/sanxiang-page-rules/ to look at.
    private static func keep(_ bytes: [UInt8], name: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sanxiang-page-rules")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try? Data(bytes).write(to: folder.appendingPathComponent(name))
    }

    /// What breaks a rule, per page of one document.
    static func problems(_ pages: [[String]], blocks: [Block]) -> [String] {
        var found: [String] = []
        let headings = blocks.compactMap { block -> String? in
            if case .heading(_, let text) = block { return squeezed(text) }
            return nil
        }
        for (index, page) in pages.enumerated() {
            if let last = page.last, isHeading(last, headings) { found.append("第\(index + 1)页以标题结束：\(last)") }
        }
        for case .signature(let signature) in blocks {
            let own = Set(signature.names.map(squeezed) + [squeezed(signature.date), "（印章）"])
            guard let index = pages.lastIndex(where: { $0.contains(squeezed(signature.date)) }) else {
                found.append("找不到落款日期 \(signature.date)")
                continue
            }
            let others = pages[index].filter { !own.contains($0) }
            if others.count < 2 { found.append("第\(index + 1)页只有落款和日期之外的 \(others.count) 行") }
        }
        return found
    }

    /// A line that is a heading or a piece of one (a heading may wrap).
    private static func isHeading(_ line: String, _ headings: [String]) -> Bool {
        headings.contains { $0 == line || (line.count >= 6 && ($0.hasPrefix(line) || $0.hasSuffix(line))) }
    }

    static func squeezed(_ text: String) -> String { text.filter { !$0.isWhitespace } }

    /// Each page's lines as `pdftotext` gives them (pages end in a form feed, which is
    /// what `-f N -l N` cuts on), without blank lines and page numbers.
    static func pages(_ bytes: [UInt8]) throws -> [[String]] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString).pdf")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let text = try Shell.run("/usr/bin/pdftotext", ["-enc", "UTF-8", file.path, "-"], stderr: false).output
        var pages = text.components(separatedBy: "\u{0C}").map { page in
            page.split(separator: "\n").map { squeezed(String($0)) }.filter {
                !$0.isEmpty && $0.range(of: #"^(—\d+—|第\d+页共\d+页)$"#, options: .regularExpression) == nil
            }
        }
        if pages.last?.isEmpty == true { pages.removeLast() }
        return pages
    }

    func testPerPageTextMatchesPdftotextPageByPage() throws {
        let plan = try XCTUnwrap(DocumentFixtures.plans.first { $0.kinds.contains("行政处罚决定书") })
        let bytes = try DocumentFixtures.renderer.render("行政处罚决定书", data: plan.data).bytes
        let pages = try Self.pages(bytes)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString).pdf")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        for number in pages.indices {
            let single = try Shell.run("/usr/bin/pdftotext", ["-enc", "UTF-8", "-f", "\(number + 1)", "-l", "\(number + 1)",
                                                              file.path, "-"], stderr: false).output
            XCTAssertEqual(single.split(separator: "\n").map { Self.squeezed(String($0)) }.filter {
                !$0.isEmpty && $0.range(of: #"^(—\d+—|第\d+页共\d+页)$"#, options: .regularExpression) == nil && $0 != "\u{0C}"
            }, pages[number])
        }
    }
}
