import CaseModel
import Foundation
import TestSupport
import Ingest
import XCTest

/// A small, valid, hand-written export that each test bends in one place.
struct ExportFixture {
    static let agencyCode = "91350100M000100Y43"

    var agencies: [[String: String]] = [[
        "主体代码": agencyCode, "主体名称": "玉溪市水利局", "文号简称": "玉水", "地址": "云南省玉溪市红塔区珊瑚路18号",
        "联系电话": "0877-2021234", "复议机关": "玉溪市人民政府", "管辖法院": "玉溪市红塔区人民法院", "门户网址": "https://example.gov.cn/",
    ]]
    var officers: [[String: String]] = [
        ["执法证号": "A001", "姓名": "李明", "主体代码": agencyCode, "执法类别": "水行政执法", "证件有效期至": "2030-12-31", "状态": "在岗"],
        ["执法证号": "A002", "姓名": "王芳", "主体代码": agencyCode, "执法类别": "水行政执法", "证件有效期至": "2030-12-31", "状态": "在岗"],
        ["执法证号": "A003", "姓名": "赵强", "主体代码": agencyCode, "执法类别": "水行政执法", "证件有效期至": "2024-06-30", "状态": "在岗"],
        ["执法证号": "A004", "姓名": "孙丽", "主体代码": agencyCode, "执法类别": "水行政执法", "证件有效期至": "2030-12-31", "状态": "注销"],
    ]
    var cases: [[String: String]] = [ExportFixture.validCase(id: "YXSL-2025-000001")]
    var json: [Any]? = nil
    var reviews: [[String: String]] = []
    var records: [[String: String]] = []
    var media: [String: Data] = [:]
    // Contract v2 files, written only when they have rows.
    var penalties: [[String: String]] = []
    var items: [[String: String]] = []
    var deliveries: [[String: String]] = []

    static func validCase(id: String) -> [String: String] {
        [
            "案件编号": id, "主体代码": agencyCode, "执法类别": "行政处罚", "程序": "普通程序", "文书编号": "玉水罚〔2025〕17号",
            "案由": "未经批准擅自取水案", "当事人类型": "自然人", "当事人": "张三", "证件类型": "居民身份证",
            "证件号码": "11010519491231002X", "住所": "云南省玉溪市红塔区某路1号", "联系电话": "13800000000", "未成年人": "否",
            "违法事实": "当事人未经批准擅自取水。", "证据": "询问笔录1份；现场照片3张", "违法依据": "《中华人民共和国水法》第四十八条第一款",
            "处罚依据": "《中华人民共和国水法》第六十九条", "裁量说明": "初次违法。", "处理决定": "罚款人民币伍仟元。",
            "处罚种类": "罚款", "罚款金额": "5000", "没收金额": "", "决定日期": "2025-03-14", "送达日期": "2025-03-15",
            "执法人员": "A001;A002", "重大决定": "否", "听证": "否", "审核编号": "", "公开方式": "主动公开",
            "不公开理由": "", "商业秘密段落": "", "状态": "有效", "状态日期": "", "状态说明": "", "更新时间": "2025-03-15 10:00:00",
        ]
    }

    static func validReview(id: String, caseID: String) -> [String: String] {
        var row: [String: String] = ["审核编号": id, "案件编号": caseID, "送审日期": "2025-03-01", "审核人员": "周律;吴法",
                                     "涉嫌犯罪移送": "无需移送", "审核结论": "同意", "审核意见": "同意。", "审核日期": "2025-03-05",
                                     "复核申请日期": "", "复核结论": "", "复核日期": ""]
        for header in ["主体合法", "人员资格", "事实清楚", "证据确凿", "适用法律", "裁量适当", "程序合法", "未超越职权", "文书规范"] {
            row[header] = "符合"
        }
        return row
    }

    static func validRecord(id: String, caseID: String, file: String, content: Data) -> [String: String] {
        ["记录编号": id, "案件编号": caseID, "环节": "调查取证", "形式": "照片", "文件名": file,
         "SHA256": sha256Hex(content), "记录时间": "2025-03-10 09:30:00", "记录人": "A001"]
    }

    static func sha256Hex(_ data: Data) -> String {
        // sha256sum, an implementation independent of the project's.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID().uuidString)")
        try? data.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let output = (try? Shell.run("/usr/bin/sha256sum", [file.path], stderr: false).output) ?? ""
        return String(output.prefix(64))
    }

    func write(to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Self.csv(agencies).write(to: folder.appendingPathComponent("agencies.csv"))
        try Self.csv(officers).write(to: folder.appendingPathComponent("officers.csv"))
        if !cases.isEmpty { try Self.csv(cases).write(to: folder.appendingPathComponent("cases.csv")) }
        if let json {
            try JSONSerialization.data(withJSONObject: json).write(to: folder.appendingPathComponent("cases.json"))
        }
        if !reviews.isEmpty { try Self.csv(reviews).write(to: folder.appendingPathComponent("reviews.csv")) }
        if !records.isEmpty { try Self.csv(records).write(to: folder.appendingPathComponent("records.csv")) }
        if !penalties.isEmpty { try Self.csv(penalties).write(to: folder.appendingPathComponent("penalties.csv")) }
        if !items.isEmpty { try Self.csv(items).write(to: folder.appendingPathComponent("items.csv")) }
        if !deliveries.isEmpty { try Self.csv(deliveries).write(to: folder.appendingPathComponent("deliveries.csv")) }
        if !media.isEmpty {
            let mediaFolder = folder.appendingPathComponent("media")
            try FileManager.default.createDirectory(at: mediaFolder, withIntermediateDirectories: true)
            for (name, data) in media { try data.write(to: mediaFolder.appendingPathComponent(name)) }
        }
    }

    /// Columns in the order of the first row, every field quoted.
    static func csv(_ rows: [[String: String]]) -> Data {
        guard let first = rows.first else { return Data() }
        let headers = first.keys.sorted()
        func quote(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        var lines = [headers.map(quote).joined(separator: ",")]
        for row in rows { lines.append(headers.map { quote(row[$0] ?? "") }.joined(separator: ",")) }
        return Data((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    func read(asOf: String = "2026-01-06") throws -> IngestResult {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fixture-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(to: folder)
        return try ExportReader.read(folder: folder, options: IngestOptions(asOf: CivilDate(iso: asOf)!))
    }
}

extension IngestResult {
    /// The kinds of the errors on one row.
    func errorKinds(file: String = "cases.csv", row: Int) -> [ProblemKind] {
        errors.filter { $0.file == file && $0.row == row }.map(\.kind)
    }
}
