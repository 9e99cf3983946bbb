import CaseModel
import Foundation
@testable import Pipeline
import XCTest

/// Secrets planted in every form the disclosure rules name must appear nowhere the
/// portal serves — HTML, XML, JSON, PDF text and PDF metadata — while what must
/// stay public is still there.
final class DisclosureLeakTests: XCTestCase {
    static let secrets = [
        "530402199702042895", "530402 19970204 2895", "53040219970204289x", "530402970204289", "１３８１２３４５６７８",
        "13812345678", "+86 139 1234 5678", "(0871)63123456", "0871-63123457", "6222020200000000006", "6217 0000 0000 0000 005",
        "zhang.secret@example.com", "云A·8K5Q2", "E98765432", "C12345678", "QQ号778899001", "微信号 secret_wx_2025",
        "北苑路174号3栋2单元501室", "泉交河镇石桥村委会六组66号", "吴秘密", "欧阳秘密", "司马秘密", "夏侯秘密", "上官秘密",
        "配方为硫酸铜12%", "未成年人专用标记", "不予公开专用标记", "钱小未成",
    ]

    func testPlantedSecretsAppearNowhereThePortalServes() throws {
        let parent = Repo.temporaryFolder("leak")
        defer { try? FileManager.default.removeItem(at: parent) }
        let export = parent.appendingPathComponent("export")
        try FileManager.default.copyItem(at: Repo.sample, to: export)
        let url = export.appendingPathComponent("cases.json")
        var cases = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String: Any]])
        let target = try XCTUnwrap(cases.firstIndex {
            $0["procedure"] as? String == "普通程序" && $0["party_type"] as? String == "自然人" && $0["disclosure"] as? String == "主动公开"
        })
        var item = cases[target]
        item["party_name"] = "吴秘密"
        item["party_address"] = "云南省玉溪市红塔区北苑路174号3栋2单元501室"
        item["facts"] = (item["facts"] as? String ?? "") + "当事人吴秘密（身份证号码530402199702042895，旧证530402970204289，"
            + "另登记为53040219970204289x、530402 19970204 2895），联系电话13812345678、１３８１２３４５６７８，手机+86 139 1234 5678，"
            + "座机(0871)63123456、0871-63123457，家住湖南省益阳市赫山区泉交河镇石桥村委会六组66号。经查其妻子欧阳秘密、"
            + "驾驶员司马秘密（驾驶云A·8K5Q2货车）、证人夏侯秘密、邻居上官秘密在场。相关款项经银行卡6222020200000000006、"
            + "账号6217 0000 0000 0000 005收取。其邮箱zhang.secret@example.com，护照号码E98765432，港澳通行证C12345678，"
            + "QQ号778899001，微信号 secret_wx_2025。其核心工艺配方为硫酸铜12%、石灰88%。"
        item["trade_secret_spans"] = ["其核心工艺配方为硫酸铜12%、石灰88%"]
        item["discretion"] = (item["discretion"] as? String ?? "") + "证人夏侯秘密陈述属实。钱小未成也在现场。"
        cases[target] = item
        // A case about a minor and one not to be published must not reach the portal at all.
        if let minor = cases.indices.first(where: { $0 != target && cases[$0]["disclosure"] as? String == "主动公开" }) {
            cases[minor]["facts"] = (cases[minor]["facts"] as? String ?? "") + "未成年人专用标记"
            cases[minor]["party_minor"] = "是"
            cases[minor]["party_type"] = "自然人"
            cases[minor]["party_name"] = "钱小未成"
        }
        if let withheld = cases.indices.last(where: { $0 != target && cases[$0]["disclosure"] as? String == "主动公开" }) {
            cases[withheld]["facts"] = (cases[withheld]["facts"] as? String ?? "") + "不予公开专用标记"
            cases[withheld]["disclosure"] = "不予公开"
            cases[withheld]["nondisclosure_reason"] = "个人隐私"
        }
        try JSONSerialization.data(withJSONObject: cases).write(to: url)

        let config = try Repo.config(input: export, output: parent.appendingPathComponent("out"), stages: [.ingest, .portal])
        let summary = try PipelineRunner.run(RunRequest(config: config, asOf: CivilDate(iso: "2026-01-06")!)).0
        XCTAssertGreaterThan(summary.portal?.published ?? 0, 40)
        let served = try Self.servedText(URL(fileURLWithPath: config.output).appendingPathComponent("public"))
        XCTAssertGreaterThan(served.count, 50)
        let files = served.mapValues { Data($0.utf8) }
        for secret in Self.secrets {
            let forms = [secret, secret.replacingOccurrences(of: " ", with: "")].map { Data($0.utf8) }
            let hits = files.filter { file in forms.contains { Self.bytes(file.value, contain: $0) } }.map(\.key).sorted()
            XCTAssertEqual(hits, [], "“\(secret)” is served in \(hits.prefix(3))")
        }
        // The planted case is published, anonymised, with what stays public.
        let caseID = try XCTUnwrap(item["case_id"] as? String)
        let docNo = try XCTUnwrap(item["doc_no"] as? String)
        let page = try XCTUnwrap(served.first { $0.key.hasPrefix("decisions/") && $0.value.contains(docNo) }, caseID)
        for kept in ["吴某", "欧阳某", "司马某", "夏侯某", "上官某", "云南省玉溪市红塔区", "涉及商业秘密"] {
            XCTAssertTrue(page.value.contains(kept), "\(kept) missing in \(page.key)")
        }
        XCTAssertTrue(page.value.contains("依据") || page.value.contains("《"), "law citations stay")
        XCTAssertTrue(page.value.contains("执法人员"), "officers stay")
        let pdfs = served.filter { $0.key.hasSuffix(".pdf") && $0.value.contains("吴某") }
        XCTAssertFalse(pdfs.isEmpty, "the public PDF of the planted case exists and is anonymised")
    }

    /// The personal data the generator writes into realistic prose (witnesses, phones, IDs, cards)
    /// is found by an independent script and must be nowhere under public/.
    func testGeneratedExportsLeakNothing() throws {
        let parent = Repo.temporaryFolder("leak-generated")
        defer { try? FileManager.default.removeItem(at: parent) }
        let export = try Repo.generate(cases: 300, seed: 77, broken: 0, into: parent)
        let config = try Repo.config(input: export, output: parent.appendingPathComponent("out"), stages: [.ingest, .portal])
        _ = try PipelineRunner.run(RunRequest(config: config, asOf: CivilDate(iso: "2026-01-06")!))
        let result = try Repo.run("/usr/bin/env", ["python3", Repo.root.appendingPathComponent("Tests/Fixtures/leak_oracle.py").path,
                                                   "--export", export.path, "--public",
                                                   URL(fileURLWithPath: config.output).appendingPathComponent("public").path])
        XCTAssertEqual(result.code, 0, result.output)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        XCTAssertGreaterThan(report["secrets"] as? Int ?? 0, 300)
        XCTAssertGreaterThan(report["files"] as? Int ?? 0, 300)
        XCTAssertEqual((report["leaks"] as? [Any])?.count, 0, "\(report["leaks"] ?? [])")
    }

    /// Byte search: String.contains is far too slow for thousands of searches in a test.
    static func bytes(_ haystack: Data, contain needle: Data) -> Bool { haystack.range(of: needle) != nil }

    /// Every file under public/ as text: PDFs by pdftotext, pdfinfo's metadata and their raw bytes.
    static func servedText(_ folder: URL) throws -> [String: String] {
        var out: [String: String] = [:]
        let paths = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []
        var pdfs: [String] = []
        for path in paths {
            let url = folder.appendingPathComponent(path)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            if path.hasSuffix(".pdf") {
                pdfs.append(path)
                out[path] = String(decoding: try Data(contentsOf: url), as: UTF8.self)
            } else {
                out[path] = try String(contentsOf: url, encoding: .utf8)
            }
        }
        // One shell for all PDFs: text (lines joined too) and metadata, between markers.
        let script = "cd '\(folder.path)' && for f in \"$@\"; do echo \"@@@FILE $f\"; pdftotext \"$f\" -; pdfinfo \"$f\"; done"
        let output = try Repo.run("/bin/bash", ["-c", script, "bash"] + pdfs).output
        for chunk in output.components(separatedBy: "@@@FILE ").dropFirst() {
            guard let newline = chunk.firstIndex(of: "\n") else { continue }
            let path = String(chunk[..<newline])
            let text = String(chunk[newline...])
            out[path, default: ""] += text + text.replacingOccurrences(of: "\n", with: "")
        }
        return out
    }
}
