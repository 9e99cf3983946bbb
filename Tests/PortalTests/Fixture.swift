import CaseModel
import Disclosure
import Foundation
import Portal
import XCTest

/// A small portal built in memory: agencies, decisions with shared 案由, a changed and a
/// withdrawn one, and a script payload in the text, so the builders run without a pipeline.
enum Fixture {
    static let info = PortalSiteInfo(name: "测试县行政执法公示平台", jurisdiction: "测试省测试市测试县", sponsor: "测试县司法局",
                                     contact: "0000-12345678", siteCode: "1234567890", icp: "测ICP备12345678号",
                                     policeRecord: "测公网安备11010502000001号")
    static let agencyA = "11530400MA8602299H"
    static let agencyB = "11650203260413207A"

    static func agency(_ code: String, _ name: String) -> Agency {
        Agency(code: code, name: name, docPrefix: "", address: "测试路1号", phone: "0000-1111", reconsiderationBody: "测试市人民政府",
               court: "测试区人民法院", portalURL: "https://example.gov.cn/", source: SourceRef(file: "agencies.csv", row: 1))
    }

    static func publicCase(_ fields: [String: Any]) -> PublicCase? {
        var all: [String: Any] = ["case_id": "X-1", "agency_code": agencyA, "action_type": "行政处罚", "decision_date": "2025-03-01",
                                  "status": "有效"]
        all.merge(fields) { _, new in new }
        guard let data = try? JSONSerialization.data(withJSONObject: all) else { return nil }
        return try? JSONDecoder().decode(PublicCase.self, from: data)
    }

    /// `count` penalty decisions of agency A (two 案由 only), one of agency B with a payload,
    /// one changed and one withdrawn.
    static func site(count: Int = 30, sitemapLimit: Int = 50_000, reports: [PortalReport] = []) throws -> PortalSite {
        let published = try day("2026-01-06")
        var decisions: [PublishedDecision] = []
        for n in 1...count {
            let year = n % 2 == 0 ? 2025 : 2024
            let month = 1 + n % 12
            guard let d = publicCase([
                "case_id": "A-\(n)", "doc_no": "玉水罚〔\(year)〕\(n)号", "title": n % 3 == 0 ? "未经批准擅自取水案" : "在堤防上放牧案",
                "decision_date": String(format: "%04d-%02d-%02d", year, month, 1 + n % 28), "party_name": "测试公司\(n)",
                "facts": "当事人在河道管理范围内采砂\(n)立方米。", "decision": "罚款人民币\(n * 100)元。",
                "penalty_provisions": "《中华人民共和国水法》第六十五条", "penalty_kinds": n % 5 == 0 ? ["罚款", "吊销许可证件"] : ["罚款"],
            ]), let deadline = CivilDate(iso: "2025-01-10") else { continue }
            decisions.append(PublishedDecision(decision: d, indexNo: "\(agencyA)/\(year)-\(String(format: "%05d", n))", publishedOn: published,
                                               deadline: deadline, withdrawnOn: nil, withdrawalReason: nil, pdfPath: nil))
        }
        if let payload = publicCase(["case_id": "B-1", "agency_code": agencyB, "action_type": "行政许可", "doc_no": "克区市监许〔2025〕1号",
                                     "title": "<script>alert(1)</script>营业执照核发", "party_name": "\"测试\"&<b>公司</b>",
                                     "decision": "准予许可。</script><script>alert(2)</script>", "decision_date": "2025-06-01"]),
           let deadline = CivilDate(iso: "2025-06-20") {
            decisions.append(PublishedDecision(decision: payload, indexNo: "\(agencyB)/2025-00001", publishedOn: published, deadline: deadline,
                                               withdrawnOn: nil, withdrawalReason: nil, pdfPath: nil))
        }
        if let changed = publicCase(["case_id": "A-changed", "doc_no": "玉水罚〔2025〕900号", "title": "在堤防上放牧案", "status": "已变更",
                                     "status_date": "2026-02-03", "status_reason": "复议变更", "decision_date": "2025-09-01"]),
           let deadline = CivilDate(iso: "2025-09-10") {
            decisions.append(PublishedDecision(decision: changed, indexNo: "\(agencyA)/2025-00900", publishedOn: published, deadline: deadline,
                                               withdrawnOn: nil, withdrawalReason: nil, pdfPath: nil))
        }
        if let withdrawn = publicCase(["case_id": "A-withdrawn", "doc_no": "玉水罚〔2025〕901号", "title": "在堤防上放牧案", "status": "已撤销",
                                       "status_date": "2026-02-10", "decision_date": "2025-09-02"]),
           let deadline = CivilDate(iso: "2025-09-11") {
            decisions.append(PublishedDecision(decision: withdrawn, indexNo: "\(agencyA)/2025-00901", publishedOn: published,
                                               deadline: deadline, withdrawnOn: CivilDate(iso: "2026-02-11"), withdrawalReason: "依法撤销",
                                               pdfPath: nil))
        }
        return PortalSite(asOf: try day("2026-02-12"), baseURL: "https://gs.example.gov.cn/zf",
                          agencies: [agency(agencyA, "玉溪市水利局"), agency(agencyB, "克拉玛依区市场监督管理局")], officers: [],
                          decisions: decisions, info: info, reports: reports, sitemapLimit: sitemapLimit)
    }

    static func day(_ iso: String) throws -> CivilDate { try XCTUnwrap(CivilDate(iso: iso)) }

    static func files(_ site: PortalSite) throws -> [String: String] {
        var out: [String: String] = [:]
        for file in try PortalPages.pages(site, decisionsToWrite: Set(site.decisions.map(\.decision.id))) {
            out[file.path] = String(decoding: file.bytes, as: UTF8.self)
        }
        return out
    }
}
