import CaseModel
import Disclosure
import Documents
import Foundation
import Ingest
@testable import Pipeline
import TestSupport
import XCTest

/// The public copy of a 行政处罚决定书 made from contract v2 data: the penalties' particulars reach it
/// only through the redaction, and nothing personal of v2 (guardian, 清单, procedure) reaches it at all.
final class PenaltyPublicCopyTests: XCTestCase {
    static let parent = Repo.temporaryFolder("penalty-public")
    static let renderer: Result<DocumentRenderer, Error> = Result {
        try DocumentRenderer(fontManifest: Repo.root.appendingPathComponent("Fonts/fonts.yml"),
                             templates: Repo.root.appendingPathComponent("Templates/documents"))
    }

    private func load(seed: Int) throws -> (PipelineConfig, IngestResult) {
        let folder = try Repo.generate(cases: 400, seed: seed, broken: 0, into: Self.parent)
        let config = try Repo.config(input: folder, output: Self.parent.appendingPathComponent("out"))
        let asOf = try XCTUnwrap(CivilDate(iso: "2026-01-06"))
        return (config, try ExportReader.read(folder: folder, options: IngestOptions(asOf: asOf)))
    }

    /// The public PDF text of the case's decision, made as the portal makes it. A minor's case is never
    /// published; `asIfPublished` redacts it as an adult's so its public copy can be checked all the same.
    private func publicText(_ item: EnforcementCase, _ details: CaseDetails, _ config: PipelineConfig,
                            _ ingest: IngestResult) throws -> (text: String, hits: [GateHit]) {
        let agency = try XCTUnwrap(ingest.agencies.first { $0.code == item.agencyCode })
        let officers = Dictionary(ingest.officers.map { ($0.certNo, $0) }, uniquingKeysWith: { first, _ in first })
        let redaction = PublicCopy.redaction(config, ingest)
        var asIfPublished = item
        asIfPublished.party.isMinor = false
        let published = try XCTUnwrap(redaction.redact(asIfPublished, agency: agency, officers: officers).publicCase, item.id)
        let extras = PublicCopy.Extras(details: details, agency: ingest.agencyDetails[item.agencyCode], redaction: redaction,
                                       officers: officers)
        let data = PublicCopy.documentData(item, published, agency: agency, extras: extras)
        let renderer = try Self.renderer.get()
        let prepared = try renderer.prepare("行政处罚决定书", data: data)
        let hits = PublicationGate(index: PublicationGate.index(for: ingest)).check(prepared.document)
        let bytes = try renderer.render(prepared, profile: .publicCopy).bytes
        let file = Self.parent.appendingPathComponent("\(item.id).pdf")
        try Data(bytes).write(to: file)
        let text = try Shell.run("/usr/bin/pdftotext", ["-enc", "UTF-8", file.path, "-"], stderr: false).output
        return (text.filter { !$0.isWhitespace }, hits)
    }

    func testPublicCopyOfMinorsCaseWithItemsShowsNoGuardianNorList() throws {
        let (config, ingest) = try load(seed: 31)
        let minors = ingest.cases.filter { item in
            item.actionType == .penalty && item.procedure == .ordinary && !item.penaltyKinds.isEmpty && item.party.isMinor
                && !ingest.details(of: item).guardian.isEmpty
        }
        let item = try XCTUnwrap(minors.first { !ingest.details(of: $0).items.isEmpty } ?? minors.first, "a minor's penalty case")
        var details = ingest.details(of: item)
        if details.items(for: .confiscate).isEmpty {
            // Give it a 清单 with a plate in 特征: the generated minors' cases rarely confiscate.
            let quantity = try XCTUnwrap(Quantity(decimal: "1"))
            details.items.append(SeizedItem(caseID: item.id, purpose: .confiscate, seq: 1, name: "二轮摩托车", spec: "豪爵HJ125型",
                                            quantity: quantity, unit: "辆", features: "号牌云A7K3Q9", storage: "本局涉案财物保管室",
                                            source: SourceRef(file: "items.csv", row: 1)))
        }
        // The internal decision names the guardian and lists the items…
        let internalData = DocumentData.context(
            for: item, context: CaseContext(agency: try XCTUnwrap(ingest.agencies.first { $0.code == item.agencyCode }),
                                            officers: Dictionary(ingest.officers.map { ($0.certNo, $0) }, uniquingKeysWith: { a, _ in a })),
            details: details, agencyDetails: ingest.agencyDetails[item.agencyCode])
        let renderer = try Self.renderer.get()
        let internalFile = Self.parent.appendingPathComponent("\(item.id)-internal.pdf")
        try Data(renderer.render("行政处罚决定书", data: internalData).bytes).write(to: internalFile)
        let internalText = try Shell.run("/usr/bin/pdftotext", ["-enc", "UTF-8", internalFile.path, "-"], stderr: false).output
            .filter { !$0.isWhitespace }
        XCTAssertTrue(internalText.contains("法定代理人：" + details.guardian), item.id)
        XCTAssertTrue(internalText.contains(try XCTUnwrap(details.items(for: .confiscate).first).name), item.id)
        // …the public copy neither.
        let (text, hits) = try publicText(item, details, config, ingest)
        XCTAssertFalse(text.contains(details.guardian), "\(item.id): guardian in the public PDF")
        XCTAssertFalse(text.contains("法定代理人"), item.id)
        XCTAssertFalse(text.contains("没收物品清单序号"), item.id)
        for listed in details.items where !listed.features.isEmpty {
            XCTAssertFalse(text.contains(listed.features.filter { !$0.isWhitespace }), "\(item.id): 特征 in the public PDF")
        }
        XCTAssertFalse(text.contains(item.party.name), item.id)
        XCTAssertTrue(hits.isEmpty, "\(item.id): \(hits.map(\.kind.rawValue))")
    }

    /// The particulars of penalties.csv and the payment account reach the public copy, redacted.
    func testPublicCopyCarriesThePenaltiesParticularsAndAccount() throws {
        let (config, ingest) = try load(seed: 8)
        var checked = 0
        for item in ingest.cases where item.actionType == .penalty && item.procedure == .ordinary && !item.party.isMinor
            && item.disclosure == .proactive && item.status == .inForce {
            let details = ingest.details(of: item)
            guard let particular = details.penalties.first(where: { [.other, .downgradeQualification, .restrictBusiness].contains($0.kind) })
            else { continue }
            let (text, hits) = try publicText(item, details, config, ingest)
            XCTAssertTrue(hits.isEmpty, "\(item.id): \(hits.map(\.kind.rawValue))")
            XCTAssertFalse(text.contains("2.其他。") || text.contains("其他。"), item.id)
            XCTAssertTrue(text.contains(String(particular.detail.filter { !$0.isWhitespace }.prefix(8))), "\(item.id): \(particular.detail)")
            if let account = ingest.agencyDetails[item.agencyCode]?.paymentAccount, !account.isEmpty, item.penaltyKinds.contains(.fine) {
                XCTAssertTrue(text.contains(account), item.id)
            }
            XCTAssertFalse(text.contains("立案调查，现已") && details.procedure.filedOn.map { text.contains($0.chinese + "立案") } == true,
                           "\(item.id): procedure dates stay internal")
            checked += 1
            if checked >= 4 { break }
        }
        XCTAssertGreaterThan(checked, 0)
    }
}
