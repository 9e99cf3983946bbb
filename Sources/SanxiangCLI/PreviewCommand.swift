import ArgumentParser
import Disclosure
import Foundation
import Ingest
import Pipeline

/// `sanxiang preview`: what the portal would show of one case, and what was removed.
struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview", abstract: "显示一个案件经技术处理后的公开内容，以及删除了哪些信息（只列种类和数量）。")

    @OptionGroup var options: ExportOptions

    @Option(name: .customLong("case"), help: "案件编号。")
    var caseID: String

    func run() throws {
        let config = try options.loadConfig()
        let ingest = try ExportReader.read(folder: config.inputURL, options: IngestOptions(asOf: try options.resolvedAsOf()))
        guard let item = ingest.cases.first(where: { $0.id == caseID }) else {
            let problems = ingest.errors.filter { $0.caseID == caseID }
            throw UserFacingError(message: problems.isEmpty ? "导出数据中没有案件 \(caseID)。"
                                  : "案件 \(caseID) 的数据有问题，已暂存：\n" + problems.map { "  · " + $0.message }.joined(separator: "\n"))
        }
        let agency = ingest.agencies.first { $0.code == item.agencyCode }
        let officers = Dictionary(ingest.officers.map { ($0.certNo, $0) }, uniquingKeysWith: { first, _ in first })
        let redacted = PublicCopy.redaction(config, ingest).redact(item, agency: agency, officers: officers)
        guard let published = redacted.publicCase else {
            print("案件 \(caseID) 不上门户：\(redacted.report.withheld ?? "")。")
            return
        }
        let fields: [(String, String?)] = [
            ("案由", published.title), ("文书编号", published.docNo), ("执法类别", published.actionType), ("程序", published.procedure),
            ("当事人", published.partyName), ("当事人类型", published.partyType), ("统一社会信用代码", published.partyCreditCode),
            ("法定代表人（负责人）", published.legalRepresentative), ("住所", published.partyAddress), ("违法事实", published.facts),
            ("证据", published.evidence?.joined(separator: "；")), ("违反的规定", published.violatedProvisions),
            ("处罚依据", published.penaltyProvisions), ("裁量说明", published.discretion), ("处理决定", published.decision),
            ("处罚种类", published.penaltyKinds?.joined(separator: "、")), ("罚款（元）", published.fineYuan),
            ("没收（元）", published.confiscationYuan), ("决定日期", published.decisionDate),
            ("执法人员", published.officers?.map { "\($0.name)（\($0.cert)）" }.joined(separator: "、")),
            ("状态", published.status), ("状态说明", published.statusReason),
        ]
        for (label, value) in fields {
            guard let value, !value.isEmpty else { continue }
            print("\(label)：\(value)")
        }
        let removed = redacted.report.removed.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value) 处" }
        print("")
        print(removed.isEmpty ? "技术处理：未发现需删除的信息。" : "技术处理：删除或替换了 " + removed.joined(separator: "，") + "。")
    }
}
