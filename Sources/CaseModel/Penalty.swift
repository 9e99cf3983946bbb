/// One penalty of a 行政处罚 decision (penalties.csv, contract v2): every
/// kind in the case's 处罚种类 has exactly one, in the same order.
public struct Penalty: Hashable, Codable, Sendable {
    public var caseID: String
    /// 序号: 1, 2, … within the case, the order of the numbered list in 处理决定.
    public var seq: Int
    public var kind: PenaltyKind
    /// 罚款, 没收违法所得, and 没收非法财物 where an assessed value (估值) exists.
    public var amount: Yuan?
    /// For 暂扣许可证件, 责令停产停业, 限制开展生产经营活动, 限制从业, 行政拘留:
    /// the first day (= the day of service) and the last day.
    public var periodFrom: CivilDate?
    public var periodTo: CivilDate?
    /// The period in days, where the export gives it.
    public var periodDays: Int?
    /// What exactly, e.g. 将当事人建筑工程施工总承包资质由二级降为三级; for 其他 the actual measure.
    public var detail: String
    public var extra: [String: String]
    public var source: SourceRef

    public init(caseID: String, seq: Int, kind: PenaltyKind, amount: Yuan?, periodFrom: CivilDate?, periodTo: CivilDate?,
                periodDays: Int?, detail: String, extra: [String: String] = [:], source: SourceRef) {
        self.caseID = caseID
        self.seq = seq
        self.kind = kind
        self.amount = amount
        self.periodFrom = periodFrom
        self.periodTo = periodTo
        self.periodDays = periodDays
        self.detail = detail
        self.extra = extra
        self.source = source
    }
}
