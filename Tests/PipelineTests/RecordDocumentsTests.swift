import CaseModel
import Documents
import Foundation
import Ingest
@testable import Pipeline
import TestSupport
import Typesetting
import XCTest

/// The exports the record-family tests read: the sample and two generated ones with other seeds.
enum RecordFixtures {
    static let asOf = CivilDate(iso: "2026-01-06")!

    static let config: PipelineConfig = {
        do { return try ConfigLoader.load(file: Repo.root.appendingPathComponent("pipeline.yml")) } catch {
            fatalError("pipeline.yml: \(error)")
        }
    }()

    static let renderer: DocumentRenderer = {
        do {
            return try DocumentRenderer(fontManifest: Repo.root.appendingPathComponent("Fonts/fonts.yml"),
                                        templates: Repo.root.appendingPathComponent("Templates/documents"))
        } catch {
            fatalError("renderer: \(error)")
        }
    }()

    struct Export {
        let name: String
        let ingest: IngestResult
        let plan: [CaseDocuments]
    }

    static func read(_ folder: URL, name: String) -> Export {
        do {
            let ingest = try ExportReader.read(folder: folder, options: IngestOptions(asOf: asOf))
            return Export(name: name, ingest: ingest, plan: plan(ingest))
        } catch {
            fatalError("export \(folder.path): \(error)")
        }
    }

    static func plan(_ ingest: IngestResult) -> [CaseDocuments] {
        RenderStage.plan(for: ingest, rules: config.documentRules, hearingEligible: config.legalReview.catalogue.hearingEligible,
                         majorCriteria: config.legalReview.catalogue.rules(for:))
    }

    static func generated(seed: Int) -> Export {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sanxiang-records-\(seed)-\(getpid())")
        if !FileManager.default.fileExists(atPath: folder.appendingPathComponent("cases.csv").path) {
            _ = try? Shell.run("/usr/bin/env", ["python3", Repo.generator.path, "--out", folder.path, "--cases", "300",
                                                "--seed", "\(seed)", "--no-media"])
        }
        return read(folder, name: "seed \(seed)")
    }

    static let sample = read(Repo.sample, name: "sample")
    static let exports: [Export] = [sample, generated(seed: 31), generated(seed: 77)]

    /// PDF text with lines and pages joined and spaces dropped: an element may wrap anywhere.
    static func text(_ bytes: [UInt8], firstPage: Int? = nil, lastPage: Int? = nil) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("records-\(UUID().uuidString).pdf")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        var arguments = ["-enc", "UTF-8"]
        if let firstPage { arguments += ["-f", "\(firstPage)"] }
        if let lastPage { arguments += ["-l", "\(lastPage)"] }
        // Page numbers dropped: an element may break across pages anywhere.
        return flat(try Shell.run("/usr/bin/pdftotext", arguments + [file.path, "-"], stderr: false).output)
            .replacingOccurrences(of: #"—\d+—"#, with: "", options: .regularExpression)
            .replacingOccurrences(of: #"第\d+页共\d+页"#, with: "", options: .regularExpression)
    }

    /// The PDF's lines as pdftotext -layout places them, spaces dropped: what a reader sees on
    /// one row of a table, whatever order the cells were drawn in.
    static func rows(_ bytes: [UInt8]) throws -> [String] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("records-\(UUID().uuidString).pdf")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let output = try Shell.run("/usr/bin/pdftotext", ["-enc", "UTF-8", "-layout", file.path, "-"], stderr: false).output
        return output.split(whereSeparator: { $0.isNewline || $0 == "\u{0C}" }).map { flat(String($0)) }
    }

    static func flat(_ text: String) -> String { text.filter { !$0.isWhitespace && $0 != "\u{0C}" } }

    /// 2025年3月14日10时05分, computed here independently of the code under test.
    static func minute(_ time: CivilDateTime) -> String {
        "\(time.date.year)年\(time.date.month)月\(time.date.day)日\(time.hour)时" + String(format: "%02d", time.minute) + "分"
    }

    static func render(_ entry: CaseDocuments, _ names: [String]) throws -> [(instance: DocumentInstance, rendered: RenderedDocument)] {
        try RenderStage.render(entry, renderer: renderer, only: Set(names))
    }
}

/// 法制审核意见书: the proposal reviewed, the catalogue criterion, reviewers with certificates and
/// signature lines, signed by the legal office.
final class ReviewOpinionTests: XCTestCase {
    func testOpinionStatesProposalCriterionReviewersAndLegalOffice() throws {
        var checked = 0
        for export in RecordFixtures.exports {
            let entries = export.plan.filter { !$0.instances(of: "法制审核意见书").isEmpty }.prefix(12)
            XCTAssertFalse(entries.isEmpty, export.name)
            for entry in entries {
                let item = entry.item
                let review = try XCTUnwrap(export.ingest.reviews.first { $0.caseID == item.id })
                let extra = try XCTUnwrap(export.ingest.reviewDetails[review.id])
                let bytes = try XCTUnwrap(RecordFixtures.render(entry, ["法制审核意见书.pdf"]).first).rendered.bytes
                let text = try RecordFixtures.text(bytes)
                let rows = try RecordFixtures.rows(bytes)
                let context = "\(export.name) \(item.id)"
                XCTAssertFalse(extra.proposedDecision.isEmpty, context)
                XCTAssertTrue(text.contains("拟作出的决定：" + RecordFixtures.flat(extra.proposedDecision)), context)
                let criteria = RecordFixtures.config.legalReview.catalogue.rules(for: item)
                XCTAssertEqual(entry.majorCriteria, criteria, context)
                for criterion in criteria { XCTAssertTrue(text.contains(RecordFixtures.flat(criterion)), "\(context): \(criterion)") }
                XCTAssertTrue(text.contains("重大执法决定情形："), context)
                XCTAssertEqual(review.reviewers.count, extra.reviewerCerts.count, context)
                for (name, cert) in zip(review.reviewers, extra.reviewerCerts) {
                    XCTAssertTrue(rows.contains { $0.contains(RecordFixtures.flat(name) + cert) }, "\(context): \(name) \(cert) on one row")
                }
                XCTAssertTrue(rows.contains { $0.contains("审核人员法律职业资格证书编号签名") }, context)
                let office = try XCTUnwrap(export.ingest.agencyDetails[item.agencyCode]?.legalOffice)
                XCTAssertFalse(office.isEmpty)
                XCTAssertTrue(text.hasSuffix(office + review.reviewedOn.chinese), "\(context): signed by \(office): …\(text.suffix(40))")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 20)
    }

    /// Every criterion kind the catalogue knows reaches some opinion: a large fine, a heavy kind, a hearing.
    func testCriteriaOfEveryKindAreNamed() {
        let named = RecordFixtures.exports.flatMap(\.plan).flatMap(\.majorCriteria)
        for prefix in ["较大数额罚款", "处罚种类：", "经过听证程序"] {
            XCTAssertTrue(named.contains { $0.hasPrefix(prefix) }, prefix)
        }
    }

    /// A v1 export (no 法制机构, 审核人员证号 or 拟作出决定): signed by the agency, the decision stands in and says so.
    func testV1OpinionDegradesGracefully() throws {
        let export = RecordFixtures.sample
        let entry = try XCTUnwrap(export.plan.first { !$0.instances(of: "法制审核意见书").isEmpty })
        let item = entry.item
        let agency = try XCTUnwrap(export.ingest.agencies.first { $0.code == item.agencyCode })
        let officers = Dictionary(export.ingest.officers.map { ($0.certNo, $0) }, uniquingKeysWith: { first, _ in first })
        let review = try XCTUnwrap(export.ingest.reviews.first { $0.caseID == item.id })
        let data = DocumentData.context(for: item, context: CaseContext(agency: agency, officers: officers), review: review)
        let text = try RecordFixtures.text(RecordFixtures.renderer.render("法制审核意见书", data: data).bytes)
        XCTAssertTrue(text.hasSuffix(agency.name + review.reviewedOn.chinese), String(text.suffix(40)))
        XCTAssertTrue(text.contains("此处为作出的处理决定"))
        XCTAssertTrue(text.contains("本机关法制审核机构对"))
        XCTAssertTrue(text.contains("法律职业资格证书编号"))
    }

    /// Where the export has certificates, a reviewer without one refuses the opinion naming the element.
    func testMissingCertificateRefusesTheOpinion() throws {
        let entry = try XCTUnwrap(RecordFixtures.sample.plan.first { !$0.instances(of: "法制审核意见书").isEmpty })
        let instance = try XCTUnwrap(entry.instances(of: "法制审核意见书").first)
        guard case .list(var reviewers)? = instance.data["opinion.reviewers"], case .object(var first)? = reviewers.first else {
            return XCTFail("no reviewers")
        }
        first["cert"] = .text("")
        reviewers[0] = .object(first)
        let data = instance.data.replacing("opinion.reviewers", with: .list(reviewers))
        XCTAssertThrowsError(try RecordFixtures.renderer.prepare("法制审核意见书", data: data)) { error in
            XCTAssertEqual((error as? MissingStatutoryElements)?.elements.map(\.name), ["审核人员法律职业资格证书编号"])
        }
    }
}

/// 送达回证: one per deliveries.csv row, each naming its document, number, way, time to the minute,
/// receiver and witnesses; a v1 case gets one from its 送达日期 and never an empty document name.
final class ServiceReceiptTests: XCTestCase {
    func testOneReceiptPerServiceWithEveryElement() throws {
        var receipts = 0
        var methods = Set<DeliveryMethod>()
        for export in RecordFixtures.exports {
            let officers = Dictionary(export.ingest.officers.map { ($0.certNo, $0.name) }, uniquingKeysWith: { first, _ in first })
            let entries = export.plan.prefix(export.name == "sample" ? 1000 : 60)
            for entry in entries {
                let rows = export.ingest.details(of: entry.item).deliveries
                let instances = entry.instances(of: "送达回证")
                XCTAssertEqual(instances.count, rows.isEmpty ? (entry.item.servedDate == nil ? 0 : 1) : rows.count, entry.item.id)
                XCTAssertEqual(instances.map(\.fileName), instances.indices.map { "送达回证-\($0 + 1).pdf" })
                guard !rows.isEmpty else { continue }
                let rendered = try RecordFixtures.render(entry, instances.map(\.fileName))
                XCTAssertEqual(rendered.count, rows.count)
                for (row, document) in zip(rows, rendered) {
                    let text = try RecordFixtures.text(document.rendered.bytes)
                    let context = "\(export.name) \(entry.item.id) \(document.instance.fileName)"
                    for wanted in ["送达文书名称及文号《\(row.document)》（\(row.docNo)）", "受送达人" + row.recipient,
                                   "送达地点" + row.place, "送达方式\(row.method.rawValue)送达",
                                   "送达时间" + RecordFixtures.minute(row.servedAt)] {
                        XCTAssertTrue(text.contains(RecordFixtures.flat(wanted)), "\(context): \(wanted)")
                    }
                    if !row.receiver.isEmpty { XCTAssertTrue(text.contains(RecordFixtures.flat(row.receiver)), "\(context) 代收人") }
                    for witness in row.witnesses { XCTAssertTrue(text.contains(RecordFixtures.flat(witness)), "\(context) 见证人") }
                    if row.method == .lien { XCTAssertFalse(row.witnesses.isEmpty, context) }
                    for cert in row.servers {
                        XCTAssertTrue(text.contains(RecordFixtures.flat(officers[cert] ?? cert)), "\(context) 送达人 \(cert)")
                    }
                    methods.insert(row.method)
                    receipts += 1
                }
            }
        }
        XCTAssertGreaterThan(receipts, 200)
        XCTAssertTrue(methods.isSuperset(of: [.inPerson, .lien, .post]), "\(methods)")
    }

    /// A v1 export (no deliveries.csv): one receipt per served case, for its decision, never with an empty name.
    func testV1ExportKeepsOneReceiptFromTheServedDate() throws {
        let parent = Repo.temporaryFolder("receipts-v1")
        defer { try? FileManager.default.removeItem(at: parent) }
        let export = parent.appendingPathComponent("export")
        try FileManager.default.copyItem(at: Repo.sample, to: export)
        try FileManager.default.removeItem(at: export.appendingPathComponent("deliveries.csv"))
        let v1 = RecordFixtures.read(export, name: "v1")
        let served = v1.plan.filter { $0.item.servedDate != nil }
        XCTAssertGreaterThan(served.count, 30)
        for entry in served {
            let instances = entry.instances(of: "送达回证")
            XCTAssertEqual(instances.map(\.fileName), ["送达回证-1.pdf"], entry.item.id)
            XCTAssertNil(ValidateStage.check(entry, templates: RecordFixtures.renderer.templates), entry.item.id)
            let text = try RecordFixtures.text(try XCTUnwrap(RecordFixtures.render(entry, ["送达回证-1.pdf"]).first).rendered.bytes)
            XCTAssertTrue(text.contains("送达文书名称及文号《"), "\(entry.item.id): \(text.prefix(120))")
            XCTAssertTrue(text.contains("》（\(entry.item.docNo)）"), entry.item.id)
            XCTAssertTrue(text.contains("送达时间" + (entry.item.servedDate?.chinese ?? "-")), entry.item.id)
            XCTAssertTrue(text.contains("□直接送达□留置送达"), entry.item.id)
        }
    }

    /// 留置送达 without a witness is refused naming 见证人.
    func testLienWithoutWitnessIsRefused() throws {
        let lien = RecordFixtures.exports.flatMap(\.plan).flatMap { $0.instances(of: "送达回证") }
            .first { $0.data["delivery.lien"] == .flag(true) }
        let instance = try XCTUnwrap(lien)
        let data = instance.data.replacing("delivery.witnesses_text", with: .text(""))
        XCTAssertThrowsError(try RecordFixtures.renderer.prepare("送达回证", data: data)) { error in
            XCTAssertEqual((error as? MissingStatutoryElements)?.elements.map(\.name), ["见证人"])
        }
    }
}

/// 案卷: cover, 卷内目录 with page ranges that match where each document is bound, record rows
/// with their SHA-256, then the documents as rendered on their own.
final class DossierTests: XCTestCase {
    func testDossierCoverCatalogueAndBoundDocuments() throws {
        var volumes = 0
        for export in RecordFixtures.exports {
            let entries = export.plan.filter { !$0.instances(of: "案卷").isEmpty }.prefix(export.name == "sample" ? 1000 : 8)
            XCTAssertFalse(entries.isEmpty, export.name)
            for entry in entries {
                try checkDossier(entry, export: export)
                volumes += 1
            }
        }
        XCTAssertGreaterThan(volumes, 40)
    }

    private func checkDossier(_ entry: CaseDocuments, export: RecordFixtures.Export) throws {
        let item = entry.item
        let all = try RenderStage.render(entry, renderer: RecordFixtures.renderer)
        let volume = try XCTUnwrap(all.last)
        XCTAssertEqual(volume.instance.kind, "案卷")
        let members = all.dropLast()
        XCTAssertEqual(members.count, entry.instances.count - 1)
        let bodyPages = members.map(\.rendered.pageCount).reduce(0, +)
        let front = volume.rendered.pageCount - bodyPages
        XCTAssertGreaterThanOrEqual(front, 2, item.id)
        let cover = try RecordFixtures.text(volume.rendered.bytes, firstPage: 1, lastPage: front)
        let agency = try XCTUnwrap(export.ingest.agencies.first { $0.code == item.agencyCode })
        for wanted in [agency.name, "案件名称：" + (item.title.hasSuffix("案") ? item.title : item.title + "案"), "文书编号：" + item.docNo,
                       "当事人：" + item.party.name, "立案日期：", "结案日期：", "保管期限：",
                       "卷内文件：\(members.count)件，共\(bodyPages)页", "卷内目录", "序号", "文号", "责任者", "题名", "日期", "页号", "备注"] {
            XCTAssertTrue(cover.contains(RecordFixtures.flat(wanted)), "\(item.id): \(wanted)")
        }
        if let filed = export.ingest.details(of: item).procedure.filedOn { XCTAssertTrue(cover.contains("立案日期：" + filed.chinese), item.id) }
        let records = export.ingest.records.filter { $0.caseID == item.id }
        for record in records {
            XCTAssertTrue(cover.contains(record.sha256), "\(item.id): SHA-256 of \(record.file)")
            XCTAssertTrue(cover.contains(RecordFixtures.flat(record.id)), item.id)
        }
        if !records.isEmpty { XCTAssertTrue(cover.contains("音像记录\(records.count)件"), item.id) }
        // The catalogue's page ranges are where each document really is.
        let catalogued = try members.map { member in
            DossierMember(try RecordFixtures.renderer.prepare(member.instance.kind, data: member.instance.data),
                          data: member.instance.data, pages: member.rendered.pageCount)
        }
        let (data, order) = RenderStage.dossierData(try XCTUnwrap(entry.instances.last), members: catalogued, decisionNo: item.docNo)
        guard case .list(let entries)? = data["dossier.entries"] else { return XCTFail("no entries") }
        XCTAssertEqual(entries.count, members.count + records.count)
        var page = 1
        for (position, index) in order.enumerated() {
            let member = members[members.startIndex + index]
            guard case .text(let range)? = entries[position]["pages"] else { return XCTFail("no pages") }
            let count = member.rendered.pageCount
            XCTAssertEqual(range, count == 1 ? "\(page)" : "\(page)-\(page + count - 1)")
            XCTAssertTrue(cover.contains(RecordFixtures.flat(catalogued[index].title)), "\(item.id) \(catalogued[index].title)")
            for offset in 0..<count {
                let bound = try RecordFixtures.text(volume.rendered.bytes, firstPage: front + page + offset, lastPage: front + page + offset)
                let alone = try RecordFixtures.text(member.rendered.bytes, firstPage: offset + 1, lastPage: offset + 1)
                XCTAssertEqual(bound, "\(page + offset)" + alone, "\(item.id) \(member.instance.fileName) page \(offset + 1)")
            }
            page += count
        }
        // 结论性文书在前: the decision leads when it is bound.
        if catalogued.contains(where: { $0.number == item.docNo && $0.receiptOf == nil }), let first = order.first {
            XCTAssertEqual(catalogued[first].number, item.docNo, item.id)
        }
    }

    /// 结论性文书在前, then by date, each receipt after its document (once, even where two print one number).
    func testBindingOrder() {
        func member(_ title: String, _ number: String, _ date: String, of served: String? = nil) -> DossierMember {
            DossierMember(title: title, number: number, author: "某局", date: date, pages: 1, receiptOf: served)
        }
        let members = [
            member("行政处罚事先告知书", "罚告〔2025〕1号", "2025-11-03"),
            member("送达回证（行政处罚决定书）", "罚〔2025〕1号", "2025-12-09", of: "罚〔２０２５〕１号"),
            member("行政处罚决定书", "罚〔2025〕1号", "2025-12-08"),
            member("听证笔录", "罚〔2025〕1号", "2025-11-20"),
            member("送达回证（听证通知书）", "罚听〔2025〕1号", "2025-11-07", of: "罚听〔2025〕1号"),
            member("送达回证（行政处罚事先告知书）", "罚告〔2025〕1号", "2025-11-03", of: "罚告〔2025〕1号"),
        ]
        let order = Dossier.order(members, decisionNo: "罚〔2025〕1号")
        XCTAssertEqual(order.sorted(), Array(members.indices), "every document once")
        XCTAssertEqual(order, [3, 2, 1, 0, 5, 4])
    }

    func testSampleClosedCasesGetADossierAndItIsDeterministic() throws {
        let plan = RecordFixtures.sample.plan
        let closed = plan.filter { !$0.item.docNo.isEmpty }
        XCTAssertEqual(plan.filter { !$0.instances(of: "案卷").isEmpty }.count, closed.count)
        let entry = try XCTUnwrap(plan.first { $0.instances.count > 4 })
        XCTAssertEqual(try RecordFixtures.render(entry, ["案卷.pdf"]).first?.rendered.bytes,
                       try RecordFixtures.render(entry, ["案卷.pdf"]).first?.rendered.bytes)
        XCTAssertFalse(DocumentKind.publishedDecisions.contains("案卷"))
    }

    func testGoldenDossierCover() throws {
        let folder = Repo.root.appendingPathComponent("Tests/DocumentsTests/Golden")
        let entry = try XCTUnwrap(RecordFixtures.sample.plan.first { $0.item.id == "KQSJ-2025-000002" })
        let rendered = try RenderStage.render(entry, renderer: RecordFixtures.renderer, only: ["案卷.pdf"])
        try Golden.check("案卷", pdf: try XCTUnwrap(rendered.first).rendered.bytes, folder: folder)
    }
}

/// The whole run: files per instance, counts by kind in the summary, kept on the next run; the CLI.
final class RecordRunTests: XCTestCase {
    func testRunWritesOneFilePerInstanceAndCountsThemByKind() throws {
        let output = Repo.temporaryFolder("records-run")
        defer { try? FileManager.default.removeItem(at: output) }
        let config = try Repo.config(input: Repo.sample, output: output, stages: [.ingest, .render])
        let first = try PipelineRunner.run(RunRequest(config: config, asOf: RecordFixtures.asOf)).0
        let documents = try XCTUnwrap(first.documents)
        let root = output.appendingPathComponent("internal/documents")
        let files = try XCTUnwrap(FileManager.default.enumerator(atPath: root.path)).compactMap { $0 as? String }.filter { $0.hasSuffix(".pdf") }
        var byKind: [String: Int] = [:]
        for file in files {
            let name = (file as NSString).lastPathComponent.dropLast(4)
            let kind = name.range(of: #"-\d+$"#, options: .regularExpression).map { String(name[..<$0.lowerBound]) } ?? String(name)
            byKind[kind, default: 0] += 1
        }
        XCTAssertEqual(documents.byKind, byKind)
        XCTAssertEqual(documents.documents, files.count)
        XCTAssertGreaterThan(byKind["案卷"] ?? 0, 40)
        XCTAssertGreaterThan(byKind["送达回证"] ?? 0, 100)
        XCTAssertFalse(files.contains { $0.hasSuffix("/送达回证.pdf") })
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: output.appendingPathComponent("run-summary.json"))) as? [String: Any]
        let written = (summary?["documents"] as? [String: Any])?["by_kind"] as? [String: Int]
        XCTAssertEqual(written, byKind)
        let second = try PipelineRunner.run(RunRequest(config: config, asOf: RecordFixtures.asOf)).0
        XCTAssertEqual(second.documents?.kept, files.count)
        XCTAssertEqual(second.documents?.byKind, byKind)
    }

    func testRenderCommandMakesTheDossierAndEveryReceipt() throws {
        let folder = Repo.temporaryFolder("records-cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let executable = Repo.executable
        let common = ["--config", Repo.root.appendingPathComponent("pipeline.yml").path, "--input", Repo.sample.path,
                      "--as-of", "2026-01-06", "--case", "KQSJ-2025-000002"]
        let dossier = folder.appendingPathComponent("卷.pdf")
        let made = try Repo.run(executable, ["render"] + common + ["--document", "案卷", "-o", dossier.path])
        XCTAssertEqual(made.code, 0, made.output)
        XCTAssertTrue(try RecordFixtures.text([UInt8](Data(contentsOf: dossier))).contains("卷内目录"))
        let receipts = folder.appendingPathComponent("回证.pdf")
        let all = try Repo.run(executable, ["render"] + common + ["--document", "送达回证", "-o", receipts.path])
        XCTAssertEqual(all.code, 0, all.output)
        let count = RecordFixtures.sample.ingest.details.values.first { $0.caseID == "KQSJ-2025-000002" }?.deliveries.count ?? 0
        XCTAssertGreaterThan(count, 1)
        for number in 1...count {
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("回证-\(number).pdf").path), all.output)
        }
        let second = try Repo.run(executable, ["render"] + common + ["--document", "送达回证", "--index", "3", "-o", receipts.path])
        XCTAssertEqual(second.code, 0, second.output)
        XCTAssertTrue(try RecordFixtures.text([UInt8](Data(contentsOf: receipts))).contains("听证通知书"))
        let outOfRange = try Repo.run(executable, ["render"] + common + ["--document", "送达回证", "--index", "99", "-o", receipts.path])
        XCTAssertEqual(outOfRange.code, 1)
        let publicDossier = try Repo.run(executable, ["render"] + common + ["--document", "案卷", "--profile", "public", "-o", dossier.path])
        XCTAssertEqual(publicDossier.code, 1)
        XCTAssertTrue(publicDossier.output.contains("内部文书"), publicDossier.output)
    }
}
