import CaseModel
import Foundation
import WorkingDays

/// Counts the year's figures per agency and in total, by the national counting rules:
/// a decision counts in the year of its decision date; a 行政处罚 counts once,
/// under its heaviest kind; withdrawn decisions count and are also shown apart.
public enum StatisticsCalculator {
    public static let totalName = "合计"

    public static func compute(_ input: StatisticsInput) throws -> AnnualStatistics {
        let reviewsByID = Dictionary(input.reviews.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        // The cases counted are read where they are, by position: copies of them, one list per year and agency, were
        // about 200 MB at 100,000 cases.
        let everyCase = CaseSelection(input.cases)
        let thisYear = everyCase.filtered { $0.decisionDate.year == input.year }
        let lastYear = everyCase.filtered { $0.decisionDate.year == input.year - 1 }
        let judgedOn = min(CivilDate(year: input.year, month: 12, day: 31) ?? input.asOf, input.asOf)
        let context = Context(input: input, reviewsByID: reviewsByID, judgedOn: judgedOn)

        let casesByAgency = thisYear.grouped()
        let previousByAgency = lastYear.grouped()
        // Hearings, permits and status changes count in the year of their own event, whatever the decision's year.
        let allByAgency = everyCase.grouped()
        let officersByAgency = Dictionary(grouping: input.officers, by: \.agencyCode)
        // The total (as much work as all agencies together) at position 0, then each agency's figures, on every
        // core. The total is begun first: begun last, it ran alone on one core after the agencies.
        let agencies = input.agencies.sorted(by: { $0.code < $1.code })
        let computed = try concurrentMap(Array(0...agencies.count), chunkSize: 1) { position in
            Result { () -> AgencyStatistics in
                guard position > 0 else {
                    return try context.figures(code: "", name: totalName, cases: thisYear, all: everyCase, previous: lastYear,
                                               officers: input.officers)
                }
                let agency = agencies[position - 1]
                return try context.figures(code: agency.code, name: agency.name,
                                           cases: casesByAgency[agency.code] ?? everyCase.none, all: allByAgency[agency.code] ?? everyCase.none,
                                           previous: previousByAgency[agency.code] ?? everyCase.none,
                                           officers: officersByAgency[agency.code] ?? [])
            }
        }.map { try $0.get() }
        return AnnualStatistics(year: input.year, asOf: input.asOf.iso,
                                period: "\(input.year)-01-01/\(input.year)-12-31",
                                agencies: Array(computed.dropFirst()), total: computed[0], setAside: input.setAside)
    }

    /// The kind a decision counts under: its heaviest listed kind, or 其他 when it names none of the thirteen.
    public static func heaviestKind(_ kinds: [PenaltyKind]) -> PenaltyKind {
        kinds.filter { $0 != .other }.max { rank($0) < rank($1) } ?? .other
    }

    /// Lightest first: the order of 行政处罚法 第九条 as the statistics count it.
    public static let penaltyOrder: [PenaltyKind] = PenaltyKind.allCases.filter { $0 != .other }

    /// `part / whole` as a percentage with two decimals, rounded half up; nil when `whole` is 0.
    static func percent(_ part: Int, of whole: Int) -> String? {
        guard whole > 0 else { return nil }
        let hundredths = (part * 20_000 + whole) / (2 * whole)
        return "\(hundredths / 100)." + String(format: "%02d", hundredths % 100)
    }

    /// 万元 with two decimals, rounded half up: 1万元 is 1,000,000 fen.
    static func wan(_ amount: Yuan) -> String {
        let hundredths = (amount.fen + 5_000) / 10_000
        return "\(hundredths / 100)." + String(format: "%02d", Int(hundredths % 100))
    }

    private static func rank(_ kind: PenaltyKind) -> Int { penaltyOrder.firstIndex(of: kind) ?? -1 }

    /// Whether a licensing decision refused the application.
    public static func isRefusal(_ decision: String) -> Bool {
        let text = decision.trimmingCharacters(in: .whitespaces)
        return text.hasPrefix("不予") || text.contains("不予许可") || text.contains("不予行政许可") || text.contains("不准予")
    }

    private struct Context {
        let input: StatisticsInput
        let reviewsByID: [String: Review]
        let judgedOn: CivilDate

        func figures(code: String, name: String, cases: CaseSelection, all: CaseSelection,
                     previous: CaseSelection, officers: [Officer]) throws -> AgencyStatistics {
            var byType = Dictionary(uniqueKeysWithValues: ActionType.allCases.map { ($0.rawValue, 0) })
            var byMonth = Array(repeating: 0, count: 12)
            var heaviest = Dictionary(uniqueKeysWithValues: PenaltyKind.allCases.map { ($0.rawValue, 0) })
            var procedures = Dictionary(uniqueKeysWithValues: Procedure.allCases.map { ($0.rawValue, 0) })
            var conclusions = Dictionary(uniqueKeysWithValues: ReviewConclusion.allCases.map { ($0.rawValue, 0) })
            var fines = Yuan.zero, confiscations = Yuan.zero
            var penalties = 0, hearings = 0, major = 0, reviews = 0, majorWithoutReview = 0, changed = 0
            var withdrawn = AgencyStatistics.Withdrawn()
            var withdrawnFines = Yuan.zero
            var disclosure = AgencyStatistics.Disclosure()
            for item in cases {
                byType[item.actionType.rawValue, default: 0] += 1
                byMonth[item.decisionDate.month - 1] += 1
                fines = fines + (item.fine ?? .zero)
                confiscations = confiscations + (item.confiscation ?? .zero)
                if item.actionType == .penalty {
                    penalties += 1
                    heaviest[StatisticsCalculator.heaviestKind(item.penaltyKinds).rawValue, default: 0] += 1
                    if let procedure = item.procedure { procedures[procedure.rawValue, default: 0] += 1 }
                }
                if item.hearing { hearings += 1 }
                let review = item.reviewID.flatMap { reviewsByID[$0] }
                if let review {
                    reviews += 1
                    let final = ReviewConclusion(rawValue: review.recheckConclusion) ?? review.conclusion
                    conclusions[final.rawValue, default: 0] += 1
                }
                if let judged = input.reviewJudgement {
                    if judged[item.id]?.major == true { major += 1 }
                    if judged[item.id]?.unreviewed == true { majorWithoutReview += 1 }
                } else if item.major {
                    major += 1
                    if review == nil { majorWithoutReview += 1 }
                }
                switch item.status {
                case .inForce: break
                case .changed: changed += 1
                case .withdrawn:
                    withdrawn.count += 1
                    withdrawn.byActionType[item.actionType.rawValue, default: 0] += 1
                    withdrawnFines = withdrawnFines + (item.fine ?? .zero)
                }
                try count(disclosureOf: item, into: &disclosure)
            }
            withdrawn.finesYuan = withdrawnFines.decimalString
            let events = eventFigures(all)
            return AgencyStatistics(
                agencyCode: code, name: name, decisions: cases.count, byActionType: byType, byMonth: byMonth,
                licensing: events.licensing, penalties: penalties, penaltiesByHeaviestKind: heaviest,
                penaltiesByProcedure: procedures, finesYuan: fines.decimalString, finesWanYuan: StatisticsCalculator.wan(fines),
                confiscationsYuan: confiscations.decimalString, confiscationsWanYuan: StatisticsCalculator.wan(confiscations),
                hearings: hearings, hearingsHeld: events.hearingsHeld, coercion: coercionFigures(cases),
                majorDecisions: major, reviews: reviews, reviewsByConclusion: conclusions,
                majorDecisionsWithoutReview: majorWithoutReview, disclosure: disclosure, changed: changed,
                withdrawn: withdrawn, statusChanges: events.statusChanges, officers: officerFigures(officers),
                previousYear: previousYear(previous, current: cases.count))
        }

        private func count(disclosureOf item: EnforcementCase, into figures: inout AgencyStatistics.Disclosure) throws {
            if item.disclosure == .withheld {
                figures.withheld += 1
                figures.withheldByReason[item.nondisclosureReason?.rawValue ?? "未说明理由", default: 0] += 1
                return
            }
            if item.party.isMinor {
                // 未成年人 cases never reach the portal, whatever the case system says.
                figures.withheld += 1
                figures.withheldByReason[Self.minorReason, default: 0] += 1
                return
            }
            if item.disclosure == .onRequest {
                figures.onRequest += 1
                return
            }
            figures.due += 1
            let days = input.disclosureWorkingDays(item.agencyCode, item.actionType)
            let deadline = try input.calendar.date(workingDays: days, after: item.decisionDate)
            if input.timingUnknown.contains(item.id) {
                figures.timingUnknown += 1
            } else if let published = input.publishedOn[item.id] {
                if published <= deadline { figures.onTime += 1 } else { figures.late += 1 }
            } else if input.asOf > deadline {
                figures.overdueUnpublished += 1
            } else {
                figures.pending += 1
            }
        }

        static let minorReason = "涉及未成年人"

        /// Figures counted by the date of their own event (听证, 申请, 受理, 状态日期) over all of an agency's cases.
        private func eventFigures(_ cases: CaseSelection)
            -> (licensing: AgencyStatistics.Licensing, hearingsHeld: Int, statusChanges: AgencyStatistics.StatusChanges) {
            var licensing = AgencyStatistics.Licensing()
            var hearingsHeld = 0
            var changes = AgencyStatistics.StatusChanges()
            for item in cases {
                let details = input.details[item.id]
                if item.actionType == .licensing { count(licensingOf: item, permit: details?.permit, into: &licensing) }
                // A v1 case has a hearing flag but no 听证日期: the decision's year stands in.
                if let held = details?.hearingHeldOn ?? (item.hearing ? item.decisionDate : nil), held.year == input.year {
                    hearingsHeld += 1
                }
                count(statusOf: item, into: &changes)
            }
            return (licensing, hearingsHeld, changes)
        }

        /// 申请 by 申请日期, 受理 by 受理日期, the outcome by 决定日期; a v1 case (no 许可 columns) all by 决定日期
        /// with the outcome read from its decision text.
        private func count(licensingOf item: EnforcementCase, permit: PermitDetails?, into figures: inout AgencyStatistics.Licensing) {
            let year = input.year
            let applied = permit?.appliedOn ?? permit?.acceptedOn ?? item.decisionDate
            let accepted = permit == nil ? item.decisionDate : permit?.acceptedOn
            if applied.year == year { figures.applied += 1 }
            if accepted?.year == year { figures.accepted += 1 }
            guard item.decisionDate.year == year else { return }
            switch permit?.outcome ?? (StatisticsCalculator.isRefusal(item.decision) ? .refused : .granted) {
            case .notAccepted: figures.notAccepted += 1
            case .granted: figures.granted += 1
            case .refused: figures.refused += 1
            }
        }

        /// A change or withdrawal made in the year (by 状态日期), its reason as a category.
        private func count(statusOf item: EnforcementCase, into figures: inout AgencyStatistics.StatusChanges) {
            guard item.status != .inForce, item.statusDate?.year == input.year else { return }
            let reason = StatusReason.of(item.statusReason).rawValue
            if item.status == .changed {
                figures.changed += 1
                figures.changedByReason[reason, default: 0] += 1
            } else {
                figures.withdrawn += 1
                figures.withdrawnByReason[reason, default: 0] += 1
                figures.withdrawnByActionType[item.actionType.rawValue, default: 0] += 1
            }
        }

        /// 行政强制 decisions of the year by measure: 查封、扣押 counts under both.
        private func coercionFigures(_ cases: CaseSelection) -> AgencyStatistics.Coercion {
            var figures = AgencyStatistics.Coercion()
            for item in cases where item.actionType == .coercion {
                let coercion = input.details[item.id]?.coercion
                let measures = coercion?.measure?.measures.map(\.rawValue) ?? []
                for measure in measures { figures.byMeasure[measure, default: 0] += 1 }
                if let method = coercion?.enforcementMethod {
                    figures.byMeasure[AgencyStatistics.Coercion.enforcement, default: 0] += 1
                    figures.enforcementByMethod[method.rawValue, default: 0] += 1
                } else if measures.isEmpty {
                    figures.unspecified += 1
                }
            }
            return figures
        }

        private func officerFigures(_ officers: [Officer]) -> AgencyStatistics.Officers {
            let valid = officers.filter { $0.status == .active && $0.validUntil >= judgedOn }.count
            return AgencyStatistics.Officers(total: officers.count, withValidCertificate: valid,
                                             validCertificateShare: StatisticsCalculator.percent(valid, of: officers.count) ?? "0.00",
                                             judgedOn: judgedOn.iso)
        }

        private func previousYear(_ cases: CaseSelection, current: Int) -> AgencyStatistics.PreviousYear? {
            guard !cases.isEmpty else { return nil }
            var byType = Dictionary(uniqueKeysWithValues: ActionType.allCases.map { ($0.rawValue, 0) })
            var fines = Yuan.zero
            for item in cases {
                byType[item.actionType.rawValue, default: 0] += 1
                fines = fines + (item.fine ?? .zero)
            }
            let change = current - cases.count
            let percent = StatisticsCalculator.percent(abs(change), of: cases.count).map { (change < 0 ? "-" : "") + $0 }
            return AgencyStatistics.PreviousYear(
                year: input.year - 1, decisions: cases.count, byActionType: byType,
                penalties: cases.count { $0.actionType == .penalty }, finesYuan: fines.decimalString,
                decisionsChange: change, decisionsChangePercent: percent)
        }
    }
}

/// Some of the input's cases, by their positions in it: a collection of cases that holds no case of its own.
struct CaseSelection: RandomAccessCollection {
    private let all: [EnforcementCase]
    private let positions: [Int32]

    /// Every case of `all`.
    init(_ all: [EnforcementCase]) {
        self.init(all, positions: Array(0..<Int32(clamping: all.count)))
    }

    private init(_ all: [EnforcementCase], positions: [Int32]) {
        self.all = all
        self.positions = positions
    }

    var startIndex: Int { positions.startIndex }
    var endIndex: Int { positions.endIndex }
    subscript(position: Int) -> EnforcementCase { all[Int(positions[position])] }

    /// None of the cases.
    var none: CaseSelection { CaseSelection(all, positions: []) }

    /// The cases of this selection for which `include` holds, in its order.
    func filtered(_ include: (EnforcementCase) -> Bool) -> CaseSelection {
        CaseSelection(all, positions: positions.filter { include(all[Int($0)]) })
    }

    /// The cases of this selection by agency code, each agency's in this selection's order.
    func grouped() -> [String: CaseSelection] {
        var out: [String: [Int32]] = [:]
        for position in positions { out[all[Int(position)].agencyCode, default: []].append(position) }
        return out.mapValues { CaseSelection(all, positions: $0) }
    }
}
