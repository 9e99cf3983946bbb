import CaseModel
@testable import Documents
import Foundation
import Ingest
import Typesetting
import XCTest

enum DocumentFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let sample = root.appendingPathComponent("Examples/sample-export")

    static let renderer: DocumentRenderer = {
        do { return try DocumentRenderer(fontManifest: root.appendingPathComponent("Fonts/fonts.yml")) } catch {
            fatalError("fonts: \(error)")
        }
    }()

    static let ingest: IngestResult = {
        do { return try ExportReader.read(folder: sample, options: IngestOptions(asOf: CivilDate(iso: "2026-01-06")!)) } catch {
            fatalError("sample: \(error)")
        }
    }()

    static func context(for item: EnforcementCase) -> CaseContext {
        CaseContext(agency: ingest.agencies.first { $0.code == item.agencyCode }!,
                    officers: Dictionary(uniqueKeysWithValues: ingest.officers.map { ($0.certNo, $0) }))
    }

    static func text(_ bytes: [UInt8]) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("doc-\(UUID().uuidString).pdf")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/pdftotext")
        process.arguments = ["-enc", "UTF-8", file.path, "-"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        // Lines and pages are joined and page numbers dropped: an element may
        // wrap or break across pages anywhere.
        let text = String(decoding: data, as: UTF8.self)
            .replacingOccurrences(of: #"— ?\d+ ?—"#, with: "", options: .regularExpression)
        return text.filter { $0 != "\n" && $0 != "\u{0C}" }
    }
}

final class PenaltyDecisionTests: XCTestCase {
    /// 行政处罚法 第五十九条: every element appears in the PDF's text.
    func testStatutoryElementsAppearInThePDF() throws {
        let cases = DocumentFixtures.ingest.cases.filter { $0.actionType == .penalty && $0.procedure == .ordinary }
        XCTAssertGreaterThan(cases.count, 10)
        for item in cases {
            let context = DocumentFixtures.context(for: item)
            let text = try DocumentFixtures.text(DocumentFixtures.renderer.penaltyDecision(item, context: context).bytes)
            let agency = context.agency
            XCTAssertTrue(text.contains(agency.name + "行政处罚决定书"), item.id)
            XCTAssertTrue(text.contains(item.docNo), "\(item.id) 文书编号")
            XCTAssertTrue(text.contains("当事人：" + item.party.name), "\(item.id) 当事人")
            XCTAssertTrue(text.contains(item.facts), "\(item.id) 违法事实")
            for evidence in item.evidence { XCTAssertTrue(text.contains(evidence), "\(item.id) 证据 \(evidence)") }
            XCTAssertTrue(text.contains(item.penaltyProvisions), "\(item.id) 处罚依据")
            for kind in item.penaltyKinds { XCTAssertTrue(text.contains(kind.rawValue), "\(item.id) 种类 \(kind)") }
            if let fine = item.fine, item.penaltyKinds.contains(.fine) {
                XCTAssertTrue(text.contains("罚款" + fine.chineseUppercase + "（¥"), "\(item.id) 罚款大写")
                XCTAssertTrue(text.contains("十五日内") && text.contains("百分之三"), "\(item.id) 履行方式和期限")
            }
            XCTAssertTrue(text.contains("六十日内向\(agency.reconsiderationBody)申请行政复议"), "\(item.id) 复议")
            XCTAssertTrue(text.contains("六个月内依法向\(agency.court)提起行政诉讼"), "\(item.id) 诉讼")
            XCTAssertTrue(text.contains(item.decisionDate.chinese), "\(item.id) 日期")
            for cert in item.officerCerts { XCTAssertTrue(text.contains(cert), "\(item.id) 执法证号") }
        }
    }

    func testAmountsBesideTheFigure() {
        XCTAssertEqual(PenaltyDecision.amount(Yuan(yuan: 50000)), "人民币伍万元整（¥50,000.00）")
        XCTAssertEqual(PenaltyDecision.amount(Yuan(fen: 123_456_789)), "人民币壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分（¥1,234,567.89）")
        XCTAssertEqual(PenaltyDecision.amount(Yuan(yuan: 200)), "人民币贰佰元整（¥200.00）")
    }

    /// The case system writes the amount in uppercase inside its decision text;
    /// that independent rendering must agree with ours for every fine.
    func testUppercaseAgreesWithTheCaseSystem() throws {
        let pattern = try NSRegularExpression(pattern: "罚款人民币([0-9.]+)元（大写：([^）]+)）")
        var checked = 0
        for item in DocumentFixtures.ingest.cases {
            let range = NSRange(item.decision.startIndex..., in: item.decision)
            for match in pattern.matches(in: item.decision, range: range) {
                let figure = String(item.decision[Range(match.range(at: 1), in: item.decision)!])
                let words = String(item.decision[Range(match.range(at: 2), in: item.decision)!])
                XCTAssertEqual(Yuan(decimal: figure)?.chineseUppercaseWithoutCurrency, words, "\(item.id) \(figure)")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 15)
    }

    func testSameCaseSameBytes() throws {
        let item = try XCTUnwrap(DocumentFixtures.ingest.cases.first { $0.actionType == .penalty && $0.procedure == .ordinary })
        let context = DocumentFixtures.context(for: item)
        XCTAssertEqual(try DocumentFixtures.renderer.penaltyDecision(item, context: context).bytes,
                       try DocumentFixtures.renderer.penaltyDecision(item, context: context).bytes)
    }
}
