import CaseModel
import Typesetting

/// The report's content once, in order: the PDF and the HTML page are both
/// drawn from it, so they carry the same sentences, tables and charts.
public struct ReportOutline: Sendable {
    public var title: String
    public var introduction: String
    public var sections: [Section]
    /// The closing date line, e.g. 2026年1月6日.
    public var date: String

    public struct Section: Sendable {
        public var heading: String
        public var items: [Item]
    }

    public enum Item: Sendable {
        case paragraph(String)
        /// A numbered table; the caption is set above it.
        case table(caption: String, Table)
        case chart(Chart)
    }
}

extension ReportOutline {
    public init(_ statistics: AnnualStatistics) {
        let builder = OutlineBuilder(statistics: statistics)
        title = "\(statistics.year)年度行政执法数据报告"
        introduction = builder.introduction
        sections = builder.sections
        date = CivilDate(iso: statistics.asOf)?.chinese ?? statistics.asOf
    }
}

private struct OutlineBuilder {
    let statistics: AnnualStatistics
    private var total: AgencyStatistics { statistics.total }
    private var year: Int { statistics.year }
    /// Agencies first, the total as the last row of every per-agency table (an agency's own report has one row).
    private var rowsWithTotal: [AgencyStatistics] { statistics.agencies.count == 1 ? statistics.agencies : statistics.agencies + [statistics.total] }

    var introduction: String {
        "根据《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》（国办发〔2018〕118号），"
            + (statistics.agencies.count == 1 ? "现公开本机关" : "现汇总公开\(statistics.agencies.count)个行政执法主体")
            + "\(year)年度行政执法数据。统计期间为\(year)年1月1日至\(year)年12月31日，"
            + "决定按决定日期所在年度计数，已变更、已撤销的决定计入当年并另行列明。数据取自各执法办案系统导出的数据，统计截至"
            + "\(CivilDate(iso: statistics.asOf)?.chinese ?? statistics.asOf)。"
    }

    var sections: [ReportOutline.Section] {
        [overview, licensing, penalties, coercion, reviews, disclosure, changes, officers, notes]
    }

    // MARK: Sections

    private var overview: ReportOutline.Section {
        let types = ActionType.allCases
        var sentence = "\(year)年共作出行政执法决定\(total.decisions)件，其中"
            + types.map { "\($0.rawValue)\(total.byActionType[$0.rawValue] ?? 0)件" }.joined(separator: "、") + "。"
        sentence += "罚款共计人民币\(total.finesYuan)元（\(total.finesWanYuan)万元），没收违法所得、没收非法财物共计人民币\(total.confiscationsYuan)元（\(total.confiscationsWanYuan)万元）。"
        if let previous = total.previousYear {
            sentence += "与\(previous.year)年（\(previous.decisions)件）相比，" + change(previous) + "。"
        } else {
            sentence += "数据中没有\(year - 1)年的决定，不作同比。"
        }
        let byType = Table(columns: [.init("执法类别", width: 3), .init("\(year)年（件）", width: 2, alignment: .trailing),
                                     .init("\(year - 1)年（件）", width: 2, alignment: .trailing),
                                     .init("增减（件）", width: 2, alignment: .trailing)],
                           rows: types.map { type in
                               let now = total.byActionType[type.rawValue] ?? 0
                               let before = total.previousYear?.byActionType[type.rawValue]
                               return [type.rawValue, "\(now)", before.map(String.init) ?? "—", before.map { signed(now - $0) } ?? "—"]
                           } + [["合计", "\(total.decisions)", total.previousYear.map { "\($0.decisions)" } ?? "—",
                                 total.previousYear.map { signed($0.decisionsChange) } ?? "—"]],
                           fontSize: 12)
        let short: [ActionType] = [.licensing, .penalty, .coercion, .inspection]
        let perAgency = Table(columns: [.init("执法主体", width: 4)] + (short.map(\.rawValue) + ["其他类别", "合计"]).map {
            .init($0, width: 1.3, alignment: .trailing) },
                              rows: rowsWithTotal.map { agency in
                                  let counts = short.map { agency.byActionType[$0.rawValue] ?? 0 }
                                  return [agency.name] + counts.map(String.init)
                                      + ["\(agency.decisions - counts.reduce(0, +))", "\(agency.decisions)"]
                              }, fontSize: 10.5)
        return .init(heading: "一、总体情况", items: [
            .paragraph(sentence),
            .table(caption: "表1  各类行政执法决定数量及同比", byType),
            .chart(Chart(kind: .bars, caption: "图1  \(year)年各类行政执法决定数量", labels: types.map(\.rawValue),
                         values: types.map { total.byActionType[$0.rawValue] ?? 0 }, unit: "件", height: 70)),
            .chart(Chart(kind: .line, caption: "图2  \(year)年行政执法决定月度数量", labels: (1...12).map { "\($0)月" },
                         values: total.byMonth, unit: "件", height: 60)),
            .table(caption: "表2  各执法主体行政执法决定数量（件）", perAgency),
        ])
    }

    private var licensing: ReportOutline.Section {
        let table = Table(columns: [.init("执法主体", width: 4)] + ["申请", "受理", "不予受理", "准予许可", "不予许可", "撤销许可"].map {
            .init($0, width: 1.3, alignment: .trailing) },
                          rows: rowsWithTotal.map { agency in
                              let l = agency.licensing
                              return [agency.name] + [l.applied, l.accepted, l.notAccepted, l.granted, l.refused,
                                                      withdrawnPermits(agency)].map(String.init)
                          }, fontSize: 10.5)
        let l = total.licensing
        return .init(heading: "二、行政许可", items: [
            .paragraph("\(year)年共收到行政许可申请\(l.applied)件，受理\(l.accepted)件；作出不予受理决定\(l.notAccepted)件、"
                + "准予许可决定\(l.granted)件、不予许可决定\(l.refused)件。"
                + "各项按其发生日期所在年度计：申请数按申请日期，受理数按受理日期，不予受理、准予许可和不予许可按决定日期，"
                + "因此跨年度办理的申请分别计入不同年度；撤销许可按撤销日期计（\(withdrawnPermits(total))件）。"),
            .table(caption: "表3  行政许可办理情况（件）", table),
        ])
    }

    private var penalties: ReportOutline.Section {
        let kinds = StatisticsCalculator.penaltyOrder + [.other]
        let byKind = Table(columns: [.init("处罚种类", width: 4), .init("件数", width: 2, alignment: .trailing)],
                           rows: kinds.map { [$0.rawValue, "\(total.penaltiesByHeaviestKind[$0.rawValue] ?? 0)"] }
                               + [["合计", "\(total.penalties)"]], fontSize: 12)
        let money = Table(columns: [.init("执法主体", width: 4)] + ["处罚（件）", "简易程序", "普通程序", "听证", "罚款（元）", "没收（元）", "罚没（万元）"].map {
            .init($0, width: $0.hasSuffix("元）") ? 2.2 : 1.3, alignment: .trailing) },
                          rows: rowsWithTotal.map { agency in
                              [agency.name, "\(agency.penalties)", "\(agency.penaltiesByProcedure[Procedure.simple.rawValue] ?? 0)",
                               "\(agency.penaltiesByProcedure[Procedure.ordinary.rawValue] ?? 0)", "\(agency.hearingsHeld)",
                               agency.finesYuan, agency.confiscationsYuan, wanSum(agency)]
                          }, fontSize: 10.5)
        let agencyKinds = Table(columns: [.init("执法主体", width: 4), .init("最重处罚种类", width: 3), .init("件数", width: 1.5, alignment: .trailing)],
                                rows: statistics.agencies.flatMap { agency in
                                    kinds.compactMap { kind -> [String]? in
                                        let count = agency.penaltiesByHeaviestKind[kind.rawValue] ?? 0
                                        return count > 0 ? [agency.name, kind.rawValue, "\(count)"] : nil
                                    }
                                }, fontSize: 10.5)
        let procedures = total.penaltiesByProcedure
        return .init(heading: "三、行政处罚", items: [
            .paragraph("\(year)年共作出行政处罚决定\(total.penalties)件，其中简易程序\(procedures[Procedure.simple.rawValue] ?? 0)件、"
                + "普通程序\(procedures[Procedure.ordinary.rawValue] ?? 0)件；举行听证\(total.hearingsHeld)次（按听证日期所在年度计）。同时给予多种处罚的，"
                + "按其中最重的处罚种类计一件，仅有“其他”处罚的计入“其他”。罚款\(total.finesYuan)元，没收\(total.confiscationsYuan)元。"),
            .table(caption: "表4  行政处罚决定按最重处罚种类（件）", byKind),
            .table(caption: "表5  各执法主体行政处罚及罚没金额", money),
            .table(caption: "表6  各执法主体行政处罚按最重处罚种类", agencyKinds),
        ])
    }

    private var coercion: ReportOutline.Section {
        let c = total.coercion
        let measures = AgencyStatistics.Coercion.measures
        let showUnspecified = c.unspecified > 0
        let columns = measures + (showUnspecified ? ["未注明措施"] : [])
        let perAgency = Table(columns: [.init("执法主体", width: 4), .init("行政强制决定", width: 1.8, alignment: .trailing)]
                                + columns.map { .init($0, width: 1.4, alignment: .trailing) },
                              rows: rowsWithTotal.map { agency in
                                  [agency.name, "\(agency.byActionType[ActionType.coercion.rawValue] ?? 0)"]
                                      + measures.map { "\(agency.coercion.byMeasure[$0] ?? 0)" }
                                      + (showUnspecified ? ["\(agency.coercion.unspecified)"] : [])
                              }, fontSize: 10.5)
        let methods = EnforcementMethod.allCases.map(\.rawValue)
        let byMethod = Table(columns: [.init("强制执行方式", width: 4), .init("件数", width: 2, alignment: .trailing)],
                             rows: methods.map { [$0, "\(c.enforcementByMethod[$0] ?? 0)"] }
                                 + [["合计", "\(c.byMeasure[AgencyStatistics.Coercion.enforcement] ?? 0)"]], fontSize: 12)
        let named = methods.compactMap { method in (c.enforcementByMethod[method] ?? 0) > 0 ? "\(method)\(c.enforcementByMethod[method] ?? 0)件" : nil }
        return .init(heading: "四、行政强制", items: [
            .paragraph("\(year)年作出行政强制决定\(total.byActionType[ActionType.coercion.rawValue] ?? 0)件，"
                + "其中查封\(c.byMeasure[ItemPurpose.sealUp.rawValue] ?? 0)件、扣押\(c.byMeasure[ItemPurpose.seize.rawValue] ?? 0)件"
                + "（同时查封、扣押的分别计入），强制执行\(c.byMeasure[AgencyStatistics.Coercion.enforcement] ?? 0)件"
                + (named.isEmpty ? "" : "（" + named.joined(separator: "、") + "）")
                + (showUnspecified ? "；另有\(c.unspecified)件导出数据未注明强制措施或执行方式" : "") + "。按决定日期所在年度计。"),
            .table(caption: "表7  各执法主体行政强制决定（件）", perAgency),
            .table(caption: "表8  强制执行按执行方式（件）", byMethod),
        ])
    }

    private var reviews: ReportOutline.Section {
        let conclusions = ReviewConclusion.allCases.map(\.rawValue)
        let table = Table(columns: [.init("执法主体", width: 4)] + (["重大决定", "法制审核"] + conclusions + ["未经审核"]).map {
            .init($0, width: 1.4, alignment: .trailing) },
                          rows: rowsWithTotal.map { agency in
                              [agency.name, "\(agency.majorDecisions)", "\(agency.reviews)"]
                                  + conclusions.map { "\(agency.reviewsByConclusion[$0] ?? 0)" }
                                  + ["\(agency.majorDecisionsWithoutReview)"]
                          }, fontSize: 10.5)
        return .init(heading: "五、重大执法决定法制审核", items: [
            .paragraph("\(year)年作出重大执法决定\(total.majorDecisions)件，开展法制审核\(total.reviews)件，"
                + conclusions.map { "\($0)\(total.reviewsByConclusion[$0] ?? 0)件" }.joined(separator: "、")
                + "（有复核的按复核结论计）；未经法制审核或审核未通过的重大执法决定\(total.majorDecisionsWithoutReview)件。"
                + "重大执法决定按本机关重大执法决定法制审核目录清单认定，与执法监督报告一致。"),
            .table(caption: "表9  重大执法决定法制审核情况（件）", table),
        ])
    }

    private var disclosure: ReportOutline.Section {
        let table = Table(columns: [.init("执法主体", width: 3.4)]
                            + ["应主动公开", "按期公示", "逾期公示", "逾期未公示", "未到期", "时间无法确认", "依申请公开", "不予公开"].map {
            .init($0, width: 1.3, alignment: .trailing) },
                          rows: rowsWithTotal.map { agency in
                              let d = agency.disclosure
                              return [agency.name] + [d.due, d.onTime, d.late, d.overdueUnpublished, d.pending, d.timingUnknown, d.onRequest,
                                                      d.withheld].map(String.init)
                          }, fontSize: 10.5)
        let d = total.disclosure
        let reasons = d.withheldByReason.sorted { $0.key < $1.key }.map { "\($0.key)\($0.value)件" }
        return .init(heading: "六、行政执法公示", items: [
            .paragraph("\(year)年应主动公开的行政执法决定\(d.due)件，在规定期限内公示\(d.onTime)件，逾期公示\(d.late)件，"
                + "已过期限仍未公示\(d.overdueUnpublished)件，尚在期限内\(d.pending)件"
                + (d.timingUnknown == 0 ? "" : "，应公示日期在本系统上线之前、原公示日期无记录而无法确认是否按期的\(d.timingUnknown)件")
                + "；依申请公开\(d.onRequest)件；不予公开\(d.withheld)件"
                + (reasons.isEmpty ? "" : "（" + reasons.joined(separator: "、") + "）") + "。"
                + "公示期限为行政许可、行政处罚决定作出之日起7个工作日、其他决定20个工作日（以各主体设置为准），按国务院办公厅节假日安排计算工作日；"
                + "公示日期以本系统门户的发布记录为准。"),
            .table(caption: "表10  行政执法决定公示情况（件）", table),
        ])
    }

    private var changes: ReportOutline.Section {
        let table = Table(columns: [.init("执法主体", width: 3.6)] + ["本年决定中已变更", "本年决定中已撤销", "撤销决定的罚款（元）",
                                                                    "年内变更", "年内撤销"].map {
            .init($0, width: $0.hasSuffix("（元）") ? 2.2 : 1.6, alignment: .trailing) },
                          rows: rowsWithTotal.map {
                              [$0.name, "\($0.changed)", "\($0.withdrawn.count)", $0.withdrawn.finesYuan,
                               "\($0.statusChanges.changed)", "\($0.statusChanges.withdrawn)"]
                          }, fontSize: 10.5)
        let changes = total.statusChanges
        let reasons = StatusReason.allCases.map(\.rawValue)
        let byReason = Table(columns: [.init("原因", width: 4), .init("变更（件）", width: 2, alignment: .trailing),
                                       .init("撤销（件）", width: 2, alignment: .trailing)],
                             rows: reasons.map { [$0, "\(changes.changedByReason[$0] ?? 0)", "\(changes.withdrawnByReason[$0] ?? 0)"] }
                                 + [["合计", "\(changes.changed)", "\(changes.withdrawn)"]], fontSize: 12)
        let types = total.withdrawn.byActionType.sorted { $0.key < $1.key }.map { "\($0.key)\($0.value)件" }
        return .init(heading: "七、决定的变更和撤销", items: [
            .paragraph("\(year)年作出的决定中，已变更\(total.changed)件，已撤销\(total.withdrawn.count)件"
                + (types.isEmpty ? "" : "（" + types.joined(separator: "、") + "）")
                + "，撤销决定涉及罚款\(total.withdrawn.finesYuan)元。上述决定已计入前文各项数据。"),
            .paragraph("按变更、撤销日期计，\(year)年内变更决定\(changes.changed)件、撤销决定\(changes.withdrawn)件（含以前年度作出的决定）。"
                + "原因按类别统计：" + reasonSentence(changes) + "。"),
            .table(caption: "表11  决定的变更和撤销（件）", table),
            .table(caption: "表12  年内变更、撤销决定的原因（件）", byReason),
        ])
    }

    private var officers: ReportOutline.Section {
        let table = Table(columns: [.init("执法主体", width: 4), .init("执法人员（人）", width: 2, alignment: .trailing),
                                    .init("持有效执法证（人）", width: 2.2, alignment: .trailing), .init("持证率", width: 1.6, alignment: .trailing)],
                          rows: rowsWithTotal.map { agency in
                              [agency.name, "\(agency.officers.total)", "\(agency.officers.withValidCertificate)",
                               agency.officers.validCertificateShare + "%"]
                          }, fontSize: 10.5)
        let judged = CivilDate(iso: total.officers.judgedOn)?.chinese ?? total.officers.judgedOn
        return .init(heading: "八、行政执法人员", items: [
            .paragraph("共有行政执法人员\(total.officers.total)人，截至\(judged)持有效执法证件\(total.officers.withValidCertificate)人，"
                + "持证率\(total.officers.validCertificateShare)%。执法证件在有效期内且状态为在岗的计为有效。"),
            .table(caption: "表13  行政执法人员持证情况", table),
        ])
    }

    private var notes: ReportOutline.Section {
        let setAside = statistics.setAside
        var text = "本报告只统计通过数据核查的记录。"
        if setAside.total == 0 {
            text += statistics.agencies.count == 1 ? "本机关的导出数据全部通过核查，没有被搁置的记录。" : "本次导出数据全部通过核查，没有被搁置的记录。"
        } else {
            text += (statistics.agencies.count == 1 ? "办案系统导出的本机关数据中" : "办案系统导出的数据中")
                + "有\(setAside.total)行未通过数据核查，暂未计入本报告；更正后将计入并更新本报告。"
        }
        return .init(heading: "九、数据说明", items: [
            .paragraph(text),
            .paragraph("金额以元为单位精确到分，万元数四舍五入保留两位小数。全部数据另以 statistics.json 和 statistics.csv 公开。"),
        ])
    }

    // MARK: Helpers

    private func change(_ previous: AgencyStatistics.PreviousYear) -> String {
        let amount = previous.decisionsChange
        let percent = previous.decisionsChangePercent.map { "（\($0.hasPrefix("-") ? String($0.dropFirst()) : $0)%）" } ?? ""
        if amount == 0 { return "持平" }
        return (amount > 0 ? "增加" : "减少") + "\(abs(amount))件" + percent
    }

    /// 撤销许可: permits withdrawn in the year (by 状态日期).
    private func withdrawnPermits(_ agency: AgencyStatistics) -> Int {
        agency.statusChanges.withdrawnByActionType[ActionType.licensing.rawValue] ?? 0
    }

    /// "行政复议决定变更1件、撤销2件，…" over the categories that occurred, or 无 when none did.
    private func reasonSentence(_ changes: AgencyStatistics.StatusChanges) -> String {
        let parts = StatusReason.allCases.compactMap { category -> String? in
            let reason = category.rawValue
            let changed = changes.changedByReason[reason] ?? 0, withdrawn = changes.withdrawnByReason[reason] ?? 0
            guard changed + withdrawn > 0 else { return nil }
            let counts: [String] = (changed > 0 ? ["变更\(changed)件"] : []) + (withdrawn > 0 ? ["撤销\(withdrawn)件"] : [])
            return reason + counts.joined(separator: "、")
        }
        return parts.isEmpty ? "无" : parts.joined(separator: "，")
    }

    private func signed(_ value: Int) -> String { value > 0 ? "+\(value)" : "\(value)" }

    private func wanSum(_ agency: AgencyStatistics) -> String {
        let fen = (Yuan(decimal: agency.finesYuan)?.fen ?? 0) + (Yuan(decimal: agency.confiscationsYuan)?.fen ?? 0)
        return StatisticsCalculator.wan(Yuan(fen: fen))
    }
}
