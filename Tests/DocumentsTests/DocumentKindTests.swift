import CaseModel
@testable import Documents
import Foundation
import Ingest
import Review
import TestSupport
import Typesetting
import XCTest

enum DocumentFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let sample = root.appendingPathComponent("Examples/sample-export")
    static let templatesFolder = root.appendingPathComponent("Templates/documents")
    static let goldenFolder = root.appendingPathComponent("Tests/DocumentsTests/Golden")

    static let renderer: DocumentRenderer = {
        do {
            return try DocumentRenderer(fontManifest: root.appendingPathComponent("Fonts/fonts.yml"), templates: templatesFolder)
        } catch {
            fatalError("renderer: \(error)")
        }
    }()

    static func read(_ folder: URL) -> IngestResult {
        do { return try ExportReader.read(folder: folder, options: IngestOptions(asOf: CivilDate(iso: "2026-01-06")!)) } catch {
            fatalError("export \(folder.path): \(error)")
        }
    }

    static let ingest = read(sample)

    /// A generated export adds the kinds the small sample lacks (行政强制执行决定书).
    static let generated: IngestResult = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sanxiang-doc-kinds-\(getpid())")
        if !FileManager.default.fileExists(atPath: folder.appendingPathComponent("cases.csv").path) {
            _ = try? Shell.run("/usr/bin/env", ["python3", root.appendingPathComponent("Tests/Fixtures/gen_export.py").path, "--out",
                                                folder.path, "--cases", "600", "--seed", "8", "--no-media"])
        }
        return read(folder)
    }()

    /// Every case's documents by the default mapping, in both exports.
    static let plans = plans(of: [ingest, generated])

    /// Every case's documents by the default mapping in the exports.
    static func plans(of results: [IngestResult]) -> [(item: EnforcementCase, kinds: [String], data: TemplateValue)] {
        results.flatMap { result -> [(item: EnforcementCase, kinds: [String], data: TemplateValue)] in
            let agencies = Dictionary(result.agencies.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
            let officers = Dictionary(result.officers.map { ($0.certNo, $0) }, uniquingKeysWith: { a, _ in a })
            let reviews = Dictionary(result.reviews.map { ($0.caseID, $0) }, uniquingKeysWith: { a, _ in a })
            let catalogue = MajorDecisionCatalogue()
            return result.cases.compactMap { item in
                guard let agency = agencies[item.agencyCode] else { return nil }
                let details = result.details(of: item)
                let kinds = DocumentRule.defaults.filter { $0.applies(to: item, reviewed: reviews[item.id] != nil, details: details) }
                    .map(\.kind)
                let context = CaseContext(agency: agency, officers: officers)
                let data = DocumentData.context(for: item, context: context,
                                                review: reviews[item.id], documents: ["《行政处罚决定书》（\(item.docNo)）"],
                                                hearingEligible: catalogue.hearingEligible(item), details: details,
                                                agencyDetails: result.agencyDetails[item.agencyCode],
                                                reviewDetails: reviews[item.id].flatMap { result.reviewDetails[$0.id] })
                // A receipt reads one service (the pipeline makes one per service: RecordDocumentsTests).
                let receipt = DocumentData.receipts(for: item, context: context, details: details,
                                                    decisionKind: DocumentData.decisionDocumentName(item, kinds: kinds)).first
                return (item, kinds, receipt.map { data.replacing("delivery", with: $0) } ?? data)
            }
        }
    }

    static func text(_ bytes: [UInt8]) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("doc-\(UUID().uuidString).pdf")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        // Lines and pages are joined and page numbers dropped: an element may
        // wrap or break across pages anywhere.
        let text = try Shell.run("/usr/bin/pdftotext", ["-enc", "UTF-8", file.path, "-"], stderr: false).output
            .replacingOccurrences(of: #"— ?\d+ ?—"#, with: "", options: .regularExpression)
            .replacingOccurrences(of: #"第 \d+ 页 共 \d+ 页"#, with: "", options: .regularExpression)
        return text.filter { $0 != "\n" && $0 != "\u{0C}" }
    }

    /// The data names a template's `<element name="…">` reads.
    static func paths(ofElement name: String, kind: String) throws -> [String] {
        let source = try String(contentsOf: templatesFolder.appendingPathComponent(kind + ".xml"), encoding: .utf8)
        guard let start = source.range(of: "<element name=\"\(name)\""),
              let end = source.range(of: "</element>", range: start.upperBound..<source.endIndex) else { return [] }
        let body = String(source[start.upperBound..<end.lowerBound])
        let regex = try NSRegularExpression(pattern: #"\{\{[#^/]?\s*([a-z_.]+)\s*\}\}"#)
        return Set(regex.matches(in: body, range: NSRange(body.startIndex..., in: body)).compactMap {
            Range($0.range(at: 1), in: body).map { String(body[$0]) }
        }).filter { $0 != "." }.sorted()
    }
}

final class DocumentKindTests: XCTestCase {
    static let allKinds = ["行政处罚决定书", "当场行政处罚决定书", "行政处罚事先告知书", "听证通知书", "不予行政处罚决定书", "责令改正通知书",
                           "查封扣押决定书", "催告书", "行政强制执行决定书", "行政许可决定书", "不予行政许可决定书", "撤销决定书", "变更决定书",
                           "送达回证", "法制审核意见书"]

    private func cases(of kind: String, limit: Int = 4) -> [(item: EnforcementCase, kinds: [String], data: TemplateValue)] {
        Array(DocumentFixtures.plans.filter { $0.kinds.contains(kind) }.prefix(limit))
    }

    func testEveryKindHasATemplateAndCasesThatGetIt() {
        // 案卷 binds the others: its own tests (PipelineTests/RecordDocumentsTests) render it through the render stage.
        XCTAssertEqual(Set(DocumentFixtures.renderer.templates.kinds), Set(Self.allKinds + ["案卷"]))
        XCTAssertEqual(Set(DocumentRule.defaults.map(\.kind)), Set(Self.allKinds + ["案卷"]))
        for kind in Self.allKinds { XCTAssertFalse(cases(of: kind).isEmpty, "no case gets \(kind)") }
        // A penalty case gets its notice and its decision; a licence refusal never gets a grant.
        for plan in DocumentFixtures.plans {
            if plan.kinds.contains("行政处罚决定书") { XCTAssertTrue(plan.kinds.contains("行政处罚事先告知书"), plan.item.id) }
            XCTAssertFalse(plan.kinds.contains("行政许可决定书") && plan.kinds.contains("不予行政许可决定书"), plan.item.id)
        }
    }

    /// For each kind, every statutory element its template declares is in the PDF's text.
    func testEveryDeclaredElementAppearsInThePDF() throws {
        for kind in Self.allKinds {
            for plan in cases(of: kind) {
                let prepared = try DocumentFixtures.renderer.prepare(kind, data: plan.data)
                XCTAssertGreaterThanOrEqual(prepared.elements.count, 4, kind)
                let text = try DocumentFixtures.text(DocumentFixtures.renderer.render(prepared).bytes)
                for element in prepared.elements {
                    for part in element.parts {
                        let wanted = part.filter { $0 != "\n" }
                        XCTAssertTrue(text.contains(wanted), "\(kind) \(plan.item.id): \(element.name) “\(wanted.prefix(40))” not in the PDF")
                    }
                }
            }
        }
    }

    /// For each kind and each of its elements: blank the data the element reads, and the case is refused naming it.
    func testRemovingAnyElementRefusesTheDocumentNamingIt() throws {
        for kind in Self.allKinds {
            let plan = try XCTUnwrap(cases(of: kind, limit: 1).first, kind)
            let elements = try DocumentFixtures.renderer.prepare(kind, data: plan.data).elements
            for element in elements {
                let paths = try DocumentFixtures.paths(ofElement: element.name, kind: kind)
                XCTAssertFalse(paths.isEmpty, "\(kind) \(element.name)")
                var data = plan.data
                for path in paths {
                    let blank: TemplateValue = { if case .list = data[path] { return .list([]) } else { return .text("") } }()
                    data = data.replacing(path, with: blank)
                }
                XCTAssertThrowsError(try DocumentFixtures.renderer.prepare(kind, data: data), "\(kind) \(element.name)") { error in
                    let missing = error as? MissingStatutoryElements
                    XCTAssertTrue(missing?.elements.contains { $0.name == element.name } ?? false, "\(kind): \(error)")
                    XCTAssertTrue(missing?.message.contains(element.name) ?? false)
                }
            }
        }
    }

    /// What users check first: the fine in uppercase beside the figure, dates, numbers, relief and performance.
    func testPenaltyDecisionCarriesWhatUsersCheckFirst() throws {
        for plan in cases(of: "行政处罚决定书", limit: 40) {
            let item = plan.item
            let text = try DocumentFixtures.text(DocumentFixtures.renderer.render("行政处罚决定书", data: plan.data).bytes)
            if let fine = item.fine, item.penaltyKinds.contains(.fine) {
                XCTAssertTrue(text.contains("罚款" + fine.chineseUppercase + "（¥"), "\(item.id) 罚款大写")
                XCTAssertTrue(text.contains("十五日内") && text.contains("百分之三") && text.contains("不超出罚款的数额"), item.id)
            }
            XCTAssertTrue(text.contains(item.decisionDate.chinese), item.id)
            XCTAssertTrue(text.contains("六十日内向"), item.id)
            XCTAssertTrue(text.contains("六个月内依法向"), item.id)
            XCTAssertFalse(item.docNo.contains("〔") && text.contains("〔0"), "no zero padding in \(item.docNo)")
        }
    }

    func testHearingIsOfferedOnlyWhereArticle63Applies() throws {
        let plans = DocumentFixtures.plans.filter { $0.kinds.contains("行政处罚事先告知书") }
        let catalogue = MajorDecisionCatalogue()
        var offered = 0, notOffered = 0
        for plan in plans.prefix(30) {
            let text = try DocumentFixtures.text(DocumentFixtures.renderer.render("行政处罚事先告知书", data: plan.data).bytes)
            XCTAssertTrue(text.contains("陈述和申辩"), plan.item.id)
            // A party who asked for a hearing was offered one, whatever the catalogue's thresholds.
            let eligible = catalogue.hearingEligible(plan.item) || plan.item.hearing
            XCTAssertEqual(text.contains("要求举行听证"), eligible, plan.item.id)
            if eligible { offered += 1 } else { notOffered += 1 }
        }
        XCTAssertGreaterThan(offered, 0)
        XCTAssertGreaterThan(notOffered, 0)
    }

    func testAmountsBesideTheFigure() {
        XCTAssertEqual(LegalText.amount(Yuan(yuan: 50000)), "人民币伍万元整（¥50,000.00）")
        XCTAssertEqual(LegalText.amount(Yuan(fen: 123_456_789)), "人民币壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分（¥1,234,567.89）")
        XCTAssertEqual(LegalText.amount(Yuan(yuan: 200)), "人民币贰佰元整（¥200.00）")
    }

    /// The case system writes the amount in uppercase inside its decision text;
    /// that independent rendering must agree with ours for every fine.
    func testUppercaseAgreesWithTheCaseSystem() throws {
        let pattern = try NSRegularExpression(pattern: "罚款人民币([0-9.]+)元（大写：([^）]+)）")
        var checked = 0
        for item in DocumentFixtures.ingest.cases + DocumentFixtures.generated.cases {
            let range = NSRange(item.decision.startIndex..., in: item.decision)
            for match in pattern.matches(in: item.decision, range: range) {
                let figure = String(item.decision[Range(match.range(at: 1), in: item.decision)!])
                let words = String(item.decision[Range(match.range(at: 2), in: item.decision)!])
                XCTAssertEqual(Yuan(decimal: figure)?.chineseUppercaseWithoutCurrency, words, "\(item.id) \(figure)")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 100)
    }

    func testSameCaseSameBytes() throws {
        let plan = try XCTUnwrap(cases(of: "行政处罚决定书", limit: 1).first)
        XCTAssertEqual(try DocumentFixtures.renderer.render("行政处罚决定书", data: plan.data).bytes,
                       try DocumentFixtures.renderer.render("行政处罚决定书", data: plan.data).bytes)
    }

    /// First pages of every kind, looked at by eye against GB/T 9704; `make golden` re-records them.
    func testGoldenFirstPageOfEveryKind() throws {
        for kind in Self.allKinds {
            let plan = try XCTUnwrap(cases(of: kind, limit: 1).first, kind)
            try Golden.check(kind, pdf: DocumentFixtures.renderer.render(kind, data: plan.data).bytes,
                             folder: DocumentFixtures.goldenFolder)
        }
    }
}
