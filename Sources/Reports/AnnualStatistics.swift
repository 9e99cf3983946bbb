import CaseModel
import WorkingDays

/// Everything one agency (or all of them) did in a statistical year.
/// Field names are those of statistics.json; `Templates/reports/statistics.md` documents each.
public struct AgencyStatistics: Codable, Equatable, Sendable {
    public var agencyCode: String
    public var name: String
    /// Decisions dated in the year, withdrawn ones included.
    public var decisions: Int
    public var byActionType: [String: Int]
    public var byMonth: [Int]
    public var licensing: Licensing
    public var penalties: Int
    public var penaltiesByHeaviestKind: [String: Int]
    public var penaltiesByProcedure: [String: Int]
    public var finesYuan: String
    public var finesWanYuan: String
    public var confiscationsYuan: String
    public var confiscationsWanYuan: String
    public var hearings: Int
    /// Contract v2: hearings held in the year, by 听证日期 (a v1 case without one: its decision date).
    public var hearingsHeld: Int
    /// Contract v2: 行政强制 decisions of the year by measure and by enforcement method.
    public var coercion: Coercion
    public var majorDecisions: Int
    public var reviews: Int
    public var reviewsByConclusion: [String: Int]
    public var majorDecisionsWithoutReview: Int
    public var disclosure: Disclosure
    public var changed: Int
    public var withdrawn: Withdrawn
    /// Contract v2: changes and withdrawals made in the year (by 状态日期), whatever the decision's year.
    public var statusChanges: StatusChanges
    public var officers: Officers
    /// The previous year's figures, when the data holds decisions of that year.
    public var previousYear: PreviousYear?

    /// Each figure counted in the year of its own event: applied by 申请日期, accepted by 受理日期,
    /// not accepted, granted and refused by 决定日期 (a v1 case without 许可 columns: all by 决定日期).
    public struct Licensing: Codable, Equatable, Sendable {
        public var applied = 0
        public var accepted = 0
        /// 不予受理 (行政许可法 第三十二条): applied, never accepted.
        public var notAccepted = 0
        public var granted = 0
        public var refused = 0

        public init(applied: Int = 0, accepted: Int = 0, notAccepted: Int = 0, granted: Int = 0, refused: Int = 0) {
            self.applied = applied
            self.accepted = accepted
            self.notAccepted = notAccepted
            self.granted = granted
            self.refused = refused
        }

        enum CodingKeys: String, CodingKey {
            case applied, accepted, notAccepted = "not_accepted", granted, refused
        }
    }

    /// 行政强制 by measure: a 查封、扣押 decision counts under both, an enforcement under 强制执行
    /// and its method; `unspecified` has neither (a v1 export).
    public struct Coercion: Codable, Equatable, Sendable {
        /// 查封 / 扣押 / 强制执行 → decisions.
        public var byMeasure: [String: Int] = Dictionary(uniqueKeysWithValues: Self.measures.map { ($0, 0) })
        /// 强制执行 by 执行方式 (强制拆除, 代履行, …).
        public var enforcementByMethod: [String: Int] = Dictionary(uniqueKeysWithValues: EnforcementMethod.allCases.map { ($0.rawValue, 0) })
        public var unspecified = 0

        public static let enforcement = "强制执行"
        public static let measures = [ItemPurpose.sealUp.rawValue, ItemPurpose.seize.rawValue, enforcement]

        public init() {}

        enum CodingKeys: String, CodingKey {
            case byMeasure = "by_measure", enforcementByMethod = "enforcement_by_method", unspecified
        }
    }

    /// Decisions changed or withdrawn in the year, with the reasons as categories only:
    /// the 状态说明 itself may name people and is never published.
    public struct StatusChanges: Codable, Equatable, Sendable {
        public var changed = 0
        public var withdrawn = 0
        public var changedByReason: [String: Int] = StatusReason.zeros
        public var withdrawnByReason: [String: Int] = StatusReason.zeros
        public var withdrawnByActionType: [String: Int] = Dictionary(uniqueKeysWithValues: ActionType.allCases.map { ($0.rawValue, 0) })

        public init() {}

        enum CodingKeys: String, CodingKey {
            case changed, withdrawn, changedByReason = "changed_by_reason", withdrawnByReason = "withdrawn_by_reason",
                 withdrawnByActionType = "withdrawn_by_action_type"
        }
    }

    public struct Disclosure: Codable, Equatable, Sendable {
        /// 主动公开 decisions the portal must carry (minors' cases excluded).
        public var due = 0
        public var onTime = 0
        public var late = 0
        /// Past the deadline on the report date without a publication on record.
        public var overdueUnpublished = 0
        /// Not yet published and still within the deadline.
        public var pending = 0
        /// Published, but due before the installation went live with no history of when: neither on time nor late.
        public var timingUnknown = 0
        public var onRequest = 0
        public var withheld = 0
        public var withheldByReason: [String: Int] = [:]

        enum CodingKeys: String, CodingKey {
            case due, onTime = "on_time", late, overdueUnpublished = "overdue_unpublished", pending, timingUnknown = "timing_unknown",
                 onRequest = "on_request", withheld, withheldByReason = "withheld_by_reason"
        }
    }

    public struct Withdrawn: Codable, Equatable, Sendable {
        public var count = 0
        public var byActionType: [String: Int] = [:]
        public var finesYuan = "0.00"

        enum CodingKeys: String, CodingKey {
            case count, byActionType = "by_action_type", finesYuan = "fines_yuan"
        }
    }

    public struct Officers: Codable, Equatable, Sendable {
        public var total = 0
        public var withValidCertificate = 0
        /// Per cent with two decimals, e.g. "87.50"; "0.00" when there are no officers.
        public var validCertificateShare = "0.00"
        /// The day the certificates were judged on: the year's last day, or the report date if earlier.
        public var judgedOn = ""

        enum CodingKeys: String, CodingKey {
            case total, withValidCertificate = "with_valid_certificate",
                 validCertificateShare = "valid_certificate_share_percent", judgedOn = "judged_on"
        }
    }

    public struct PreviousYear: Codable, Equatable, Sendable {
        public var year: Int
        public var decisions: Int
        public var byActionType: [String: Int]
        public var penalties: Int
        public var finesYuan: String
        /// This year's decisions less last year's.
        public var decisionsChange: Int
        /// The change as a percentage of last year's, two decimals; nil when last year had none.
        public var decisionsChangePercent: String?

        enum CodingKeys: String, CodingKey {
            case year, decisions, byActionType = "by_action_type", penalties, finesYuan = "fines_yuan",
                 decisionsChange = "decisions_change", decisionsChangePercent = "decisions_change_percent"
        }
    }

    enum CodingKeys: String, CodingKey {
        case agencyCode = "agency_code", name, decisions, byActionType = "by_action_type", byMonth = "by_month",
             licensing, penalties, penaltiesByHeaviestKind = "penalties_by_heaviest_kind",
             penaltiesByProcedure = "penalties_by_procedure", finesYuan = "fines_yuan",
             finesWanYuan = "fines_wan_yuan", confiscationsYuan = "confiscations_yuan",
             confiscationsWanYuan = "confiscations_wan_yuan", hearings, hearingsHeld = "hearings_held", coercion,
             majorDecisions = "major_decisions",
             reviews, reviewsByConclusion = "reviews_by_conclusion",
             majorDecisionsWithoutReview = "major_decisions_without_review", disclosure, changed, withdrawn,
             statusChanges = "status_changes", officers, previousYear = "previous_year"
    }
}

/// Rows set aside. Only the total is published: the reasons are internal data-quality
/// details for the 法制科 (the quarantine report), not for the public annual report.
public struct SetAsideRows: Codable, Equatable, Sendable {
    public var total: Int
    /// Chinese reason → rows.
    public var byReason: [String: Int]
    /// Export file → rows.
    public var byFile: [String: Int]
    /// 主体代码 → rows of that agency; rows whose agency cannot be known are not in it.
    public var byAgency: [String: Int]

    public init(total: Int, byReason: [String: Int], byFile: [String: Int], byAgency: [String: Int] = [:]) {
        self.total = total
        self.byReason = byReason
        self.byFile = byFile
        self.byAgency = byAgency
    }

    /// Rows whose agency cannot be known (a broken 主体代码, a child row of an unknown case …).
    public var withoutAgency: Int { total - byAgency.values.reduce(0, +) }

    enum CodingKeys: String, CodingKey { case total }

    public init(from decoder: Decoder) throws {
        total = try decoder.container(keyedBy: CodingKeys.self).decode(Int.self, forKey: .total)
        byReason = [:]
        byFile = [:]
        byAgency = [:]
    }
}

/// statistics.json: the whole report as data.
public struct AnnualStatistics: Codable, Equatable, Sendable {
    public var year: Int
    /// The date the figures were taken (the run's “today”).
    public var asOf: String
    public var period: String
    public var agencies: [AgencyStatistics]
    public var total: AgencyStatistics
    public var setAside: SetAsideRows

    enum CodingKeys: String, CodingKey {
        case year, asOf = "as_of", period, agencies, total, setAside = "set_aside"
    }

    /// One agency's own report: its figures alone, signed by it.
    public func agency(_ code: String) -> AnnualStatistics? {
        guard let figures = agencies.first(where: { $0.agencyCode == code }) else { return nil }
        var own = self
        own.agencies = [figures]
        own.total = figures
        // An agency's own report speaks of its own rows only.
        let rows = setAside.byAgency[code] ?? 0
        own.setAside = SetAsideRows(total: rows, byReason: [:], byFile: [:], byAgency: rows > 0 ? [code: rows] : [:])
        return own
    }
}

/// How the legal-review gate judged one decision.
public struct ReviewJudgement: Sendable, Equatable {
    public var major: Bool
    /// A major decision made without a passing legal review (none, not passed, or after the decision).
    public var unreviewed: Bool

    public init(major: Bool, unreviewed: Bool) {
        self.major = major
        self.unreviewed = unreviewed
    }
}

/// What the statistics are computed from: accepted rows only.
public struct StatisticsInput: Sendable {
    public var year: Int
    public var asOf: CivilDate
    public var agencies: [Agency]
    public var officers: [Officer]
    public var cases: [EnforcementCase]
    public var reviews: [Review]
    public var setAside: SetAsideRows
    /// The day each case was first published on the portal, by case id.
    public var publishedOn: [String: CivilDate]
    /// Published cases whose first publication date is not known (due before go-live, no history).
    public var timingUnknown: Set<String> = []
    /// The legal-review gate's judgement of each case (major by the catalogue; whether its review
    /// is missing, failed or late), so the report and the supervision report count the same
    /// decisions. Nil: the case system's own major flag and the presence of a review.
    public var reviewJudgement: [String: ReviewJudgement]?
    /// Contract v2 data by case id (`IngestResult.details`); empty for a v1 export.
    public var details = CaseDetailsTable()
    public var calendar: WorkingCalendar
    /// Working days from decision to publication, per agency and action type.
    public var disclosureWorkingDays: @Sendable (_ agencyCode: String, _ type: ActionType) -> Int

    public init(year: Int, asOf: CivilDate, agencies: [Agency], officers: [Officer], cases: [EnforcementCase],
                reviews: [Review], setAside: SetAsideRows, publishedOn: [String: CivilDate], calendar: WorkingCalendar,
                disclosureWorkingDays: @escaping @Sendable (String, ActionType) -> Int) {
        self.year = year
        self.asOf = asOf
        self.agencies = agencies
        self.officers = officers
        self.cases = cases
        self.reviews = reviews
        self.setAside = setAside
        self.publishedOn = publishedOn
        self.calendar = calendar
        self.disclosureWorkingDays = disclosureWorkingDays
    }
}
