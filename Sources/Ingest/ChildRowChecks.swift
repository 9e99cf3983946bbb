import CaseModel

/// A row of a contract v2 file that belongs to one case.
protocol CaseChildRow {
    var caseID: String { get }
    var source: SourceRef { get }
}

extension Penalty: CaseChildRow {}
extension SeizedItem: CaseChildRow {}
extension Delivery: CaseChildRow {}

/// Where each case's rows are in a child file: row positions by case id, in row order. Grouping
/// the rows themselves copied every penalty, item and delivery once per grouping (three groupings
/// of 250,000 rows were a second of a 100,000-case ingest, on one core).
struct RowsByCase {
    private let positions: [String: [Int32]]

    init<Row: CaseChildRow>(_ rows: [Row]) {
        var positions: [String: [Int32]] = [:]
        for (position, row) in rows.enumerated() { positions[row.caseID, default: []].append(Int32(position)) }
        self.positions = positions
    }

    /// The case's rows of `rows` (the array this was made from), in row order.
    func rows<Row>(of caseID: String, in rows: [Row]) -> [Row] {
        (positions[caseID] ?? []).map { rows[Int($0)] }
    }
}

/// Cross-file rules of contract v2.
extension CrossChecks {
    /// A child row must belong to a case some case row has (even one set
    /// aside: that row is reported on its own, and fixing it brings its
    /// children back). A row for no case at all is set aside.
    mutating func childRows<Row: CaseChildRow>(_ rows: [Row], caseIDs: Set<String>, kind: ProblemKind, noun: String) {
        for row in rows where !caseIDs.contains(row.caseID) {
            report(row.source, caseID: row.caseID, field: "case_id", kind: kind,
                   "这条\(noun)的案件编号“\(Excerpt.caseID(row.caseID))”在 cases.csv 和 cases.json 中都不存在，无法归入任何案件，已暂存。请核对案件编号，或补充导出该案件。")
        }
    }

    /// 序号 numbers the rows of one list (a case's penalties, one 清单): a
    /// second row with the same number is set aside, the first is kept.
    mutating func sequenceNumbers<Row: CaseChildRow & Numbered>(_ rows: [Row], within list: (Row) -> String, noun: String) {
        var first: [String: SourceRef] = [:]
        for row in rows {
            let key = list(row) + "\u{1}" + String(row.seq)
            if let earlier = first[key] {
                report(row.source, caseID: row.caseID, field: "seq", kind: .duplicateKey,
                       "本案\(noun)的序号 \(row.seq) 与 \(earlier.file) 第\(earlier.row)行重复。")
            } else {
                first[key] = row.source
            }
        }
    }

    /// penalties.csv against the case row (contract v2: every kind of 处罚种类
    /// has exactly one row; 罚款金额 is the 罚款 row's 金额; 没收金额 is the sum
    /// of the 没收 rows). A disagreement is a warning: the case row decides
    /// what was imposed, and the clerk should reconcile the two.
    /// Cases whose row is in `skipping` are not reconciled. Each case is checked on its own, on every core.
    mutating func penalties(_ penalties: [Penalty], of cases: [EnforcementCase], skipping: Set<SourceRef>) {
        let byCase = RowsByCase(penalties)
        onEveryCore(cases, chunkSize: 2048) { checks, item in
            guard item.actionType == .penalty, !skipping.contains(item.source) else { return }
            checks.reconcile(item, with: byCase.rows(of: item.id, in: penalties))
        }
    }

    private mutating func reconcile(_ item: EnforcementCase, with rows: [Penalty]) {
        let listed = Set(rows.map(\.kind))
        let missing = item.penaltyKinds.filter { !listed.contains($0) }
        let surplus = rows.map(\.kind).filter { !item.penaltyKinds.contains($0) }
        if !missing.isEmpty {
            report(item.source, caseID: item.id, field: "penalty_kinds", kind: .penaltiesDisagreeWithCase,
                   "处罚种类中的“\(missing.map(\.rawValue).joined(separator: "、"))”在 penalties.csv 中没有对应的明细行，文书将无法列明该项处罚的内容。",
                   severity: .warning)
        }
        if !surplus.isEmpty {
            report(item.source, caseID: item.id, field: "penalty_kinds", kind: .penaltiesDisagreeWithCase,
                   "penalties.csv 列有“\(surplus.map(\.rawValue).joined(separator: "、"))”，但本案处罚种类中没有。",
                   severity: .warning)
        }
        if let fineRow = rows.first(where: { $0.kind == .fine }), let amount = fineRow.amount, amount != (item.fine ?? .zero) {
            report(item.source, caseID: item.id, field: "fine_amount", kind: .penaltiesDisagreeWithCase,
                   "罚款金额（\((item.fine ?? .zero).decimalString)元）与 penalties.csv 罚款明细的金额（\(amount.decimalString)元）不一致。",
                   severity: .warning)
        }
        let confiscated = rows.filter { $0.kind == .confiscateIllegalGains || $0.kind == .confiscateIllegalProperty }
        if !confiscated.isEmpty {
            let sum = confiscated.reduce(Yuan.zero) { $0 + ($1.amount ?? .zero) }
            if sum != (item.confiscation ?? .zero) {
                report(item.source, caseID: item.id, field: "confiscation_amount", kind: .penaltiesDisagreeWithCase,
                       "没收金额（\((item.confiscation ?? .zero).decimalString)元）与 penalties.csv 没收明细金额之和（\(sum.decimalString)元）不一致。",
                       severity: .warning)
            }
        }
    }
}

extension CrossChecks {
    /// 送达日期 of a case is the day its decision (for a 行政检查 its 责令改正通知书)
    /// was served: the 送达时间 of that document's deliveries.csv row. A case
    /// whose rows disagree is a warning: the service date decides when periods
    /// run (复议 60 日, 诉讼 6 个月, 15 日 to pay), so the clerk should check which is right.
    /// Cases whose row is in `skipping` are not checked. Each case is checked on its own, on every core.
    mutating func servedDates(_ cases: [DecodedCase], deliveries: [Delivery], skipping: Set<SourceRef>) {
        let byCase = RowsByCase(deliveries)
        onEveryCore(cases, chunkSize: 2048) { checks, decoded in
            guard decoded.item.servedDate != nil, !skipping.contains(decoded.item.source) else { return }
            checks.servedDate(of: decoded, rows: byCase.rows(of: decoded.item.id, in: deliveries))
        }
    }

    private mutating func servedDate(of decoded: DecodedCase, rows: [Delivery]) {
        let item = decoded.item
        guard let served = item.servedDate, !rows.isEmpty else { return }
        // A 行政检查's "decision" is its 责令改正通知书; a 行政处罚 may have one too, served earlier.
        let number = item.actionType == .inspection ? (decoded.details.rectification?.docNo ?? item.docNo) : item.docNo
        let days = rows.filter { $0.docNo == number || $0.docNo == item.docNo }.map(\.servedAt.date)
        guard !days.isEmpty, !days.contains(served) else { return }
        let listed = Set(days.map(\.iso)).sorted().joined(separator: "、")
        report(item.source, caseID: item.id, field: "served_date", kind: .servedDateDisagreesWithDelivery,
               "送达日期（\(served.iso)）与 deliveries.csv 中该文书的送达时间（\(listed)）不一致；送达日期决定复议、诉讼和缴款期限的起算，请核对送达回证。",
               severity: .warning)
    }
}

/// A row numbered by 序号 within its list.
protocol Numbered {
    var seq: Int { get }
}

extension Penalty: Numbered {}
extension SeizedItem: Numbered {}
