import Web

/// internal/supervision/index.html: the supervision report for the 法制科.
public enum SupervisionPage {
    public static func html(_ report: SupervisionReport, agencyNames: [String: String]) -> String {
        func agency(_ code: String) -> String { agencyNames[code] ?? code }
        var body = "<h1>行政执法监督报告</h1>\n<p>数据基准日 \(HTML.escape(report.asOf))。本报告仅供内部使用（含执法人员及当事人信息），"
            + "共 \(report.total) 项需要跟进。</p>\n"
        body += section("一、重大执法决定法制审核", empty: "所有重大执法决定均经法制审核并通过。",
                        isEmpty: report.reviewViolations.isEmpty, HTML.table(caption: "未经法制审核或审核未通过的重大执法决定（\(report.reviewViolations.count)件）",
                       columns: [.init("案件编号"), .init("执法主体"), .init("决定日期"), .init("属于重大决定的依据"), .init("违反的规则")],
                       rows: report.reviewViolations.map { item in
                           [item.caseID, agency(item.agencyCode), item.decisionDate, item.rules.joined(separator: "；"),
                            item.violations.map { "\($0.rule.label)（\($0.detail)）" }.joined(separator: "；")]
                       }))
        body += section("二、重大决定标记与目录清单不一致", empty: "办案系统的重大决定标记与目录清单一致。",
                        isEmpty: report.majorFlagDisagreements.isEmpty, HTML.table(caption: "标记不一致的决定（\(report.majorFlagDisagreements.count)件）",
                       columns: [.init("案件编号"), .init("执法主体"), .init("办案系统标记"), .init("按目录清单"), .init("依据")],
                       rows: report.majorFlagDisagreements.map { item in
                           [item.caseID, agency(item.agencyCode), item.flaggedMajor ? "重大" : "非重大", item.major ? "重大" : "非重大",
                            item.rules.isEmpty ? "不符合目录清单任何一项" : item.rules.joined(separator: "；")]
                       }))
        body += disclosureSection("三、逾期公示和未公示", report.lateDisclosures + report.missingDisclosures, agency)
        if report.disclosuresOfUnknownTiming > 0 {
            body += "<p>另有\(report.disclosuresOfUnknownTiming)件决定的应公示日期在本系统上线之前，公示历史文件中没有其首次公示日期，"
                + "是否按期公示无法判断，未计入逾期（可在 pipeline.yml 的 disclosure.history 中导入原公示记录）。</p>"
        }
        body += disclosureSection("四、已撤销仍在公示", report.withdrawnStillPublished, agency)
        body += findings("五、执法证件失效或状态异常的执法人员", report.officerCertificateProblems)
        body += findings("六、普通程序执法人员少于两人", report.ordinaryWithFewerThanTwoOfficers)
        body += findings("七、音像记录文件缺失或不一致", report.recordsWithMissingMedia)
        body += timeLimits("八、超过九十日办案期限作出处罚决定", report.decisionTimeLimitOverruns, agency,
                           columns: ["立案日期", "期限届满", "决定日期", "超过（自然日）"],
                           law: "行政处罚法第六十条：自行政处罚案件立案之日起九十日内作出行政处罚决定（普通程序）；法律、法规、规章另有规定的，从其规定。"
                               + "导出数据不含延期审批，请逐件核对。")
        body += timeLimits("九、处罚决定书未在七个工作日内送达", report.lateServices, agency,
                           columns: ["决定日期", "送达期限", "送达日期", "超过（工作日）"],
                           law: "行政处罚法第六十一条：决定书应当在宣告后当场交付当事人；当事人不在场的，应当在七日内送达（第八十五条：工作日）。")
        body += timeLimits("十、听证通知不足七个工作日", report.lateHearingNotices, agency,
                           columns: ["听证通知日期", "最早可举行听证日", "听证日期", "不足（工作日）"],
                           law: "行政处罚法第六十四条第二项：行政机关应当在举行听证的七日前，通知当事人及有关人员听证的时间、地点（第八十五条：工作日）。")
        return HTML.page(title: "行政执法监督报告 \(report.asOf)", body: body)
    }

    private static func section(_ heading: String, empty: String, isEmpty: Bool, _ table: @autoclosure () -> String) -> String {
        "<section>\n<h2>\(HTML.escape(heading))</h2>\n" + (isEmpty ? "<p>\(HTML.escape(empty))</p>\n" : table()) + "</section>\n"
    }

    private static func disclosureSection(_ heading: String, _ items: [SupervisionReport.Disclosure],
                                          _ agency: (String) -> String) -> String {
        section(heading, empty: "无。", isEmpty: items.isEmpty,
            HTML.table(caption: "\(heading.dropFirst(2))（\(items.count)件）",
                       columns: [.init("案件编号"), .init("执法主体"), .init("文书编号"), .init("起算日"), .init("期限"),
                                 .init("公示日期"), .init("逾期天数", numeric: true)],
                       rows: items.map { [$0.caseID, agency($0.agencyCode), $0.docNo, $0.from, $0.deadline,
                                          $0.publishedOn ?? "未公示", "\($0.daysLate)"] }))
    }

    private static func timeLimits(_ heading: String, _ items: [TimeLimitFinding], _ agency: (String) -> String,
                                   columns: [String], law: String) -> String {
        "<section>\n<h2>\(HTML.escape(heading))</h2>\n<p>\(HTML.escape(law))</p>\n"
            + (items.isEmpty ? "<p>无。</p>\n" : HTML.table(
                caption: "\(heading.dropFirst(2))（\(items.count)件）",
                columns: [.init("案件编号"), .init("执法主体"), .init("文书编号")] + columns.dropLast().map { .init($0) }
                    + [.init(columns.last ?? "", numeric: true), .init("说明")],
                rows: items.map { [$0.caseID, agency($0.agencyCode), $0.docNo, $0.from, $0.deadline, $0.done ?? "未送达", "\($0.days)", $0.note] }))
            + "</section>\n"
    }

    private static func findings(_ heading: String, _ items: [SupervisionReport.Finding]) -> String {
        section(heading, empty: "无。", isEmpty: items.isEmpty,
            HTML.table(caption: "\(heading.dropFirst(2))（\(items.count)项）",
                       columns: [.init("案件编号"), .init("数据来源"), .init("情况")],
                       rows: items.map { [$0.caseID, $0.source, $0.detail] }))
    }
}
