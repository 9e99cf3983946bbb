import CaseModel
import WorkingDays

/// One way a decision broke the legal-review rule.
public struct ReviewViolation: Codable, Equatable, Sendable {
    public enum Rule: String, Codable, CaseIterable, Sendable {
        case noReview = "no_review"
        case reviewAfterDecision = "review_after_decision"
        case reviewNotPassed = "review_not_passed"
        case recheckRequestLate = "recheck_request_late"
        case recheckUnanswered = "recheck_unanswered"
        case recheckAnswerLate = "recheck_answer_late"
        case recheckAfterDecision = "recheck_after_decision"

        public var label: String {
            switch self {
            case .noReview: return "重大执法决定未经法制审核"
            case .reviewAfterDecision: return "法制审核晚于决定"
            case .reviewNotPassed: return "法制审核未通过即作出决定"
            case .recheckRequestLate: return "复核申请超过期限"
            case .recheckUnanswered: return "复核未答复即作出决定"
            case .recheckAnswerLate: return "复核答复超过期限"
            case .recheckAfterDecision: return "复核晚于决定"
            }
        }
    }

    public var rule: Rule
    public var detail: String
}

/// A decision as the legal-review gate sees it.
public struct ReviewAssessment: Codable, Equatable, Sendable {
    public var caseID: String
    public var agencyCode: String
    public var title: String
    public var docNo: String
    public var decisionDate: String
    /// Major by the agency's catalogue.
    public var major: Bool
    public var rules: [String]
    /// What the case system said (重大决定).
    public var flaggedMajor: Bool
    public var reviewID: String?
    /// The conclusion that stands: the recheck's when it changed the first.
    public var conclusion: String?
    public var violations: [ReviewViolation]

    public var flagDisagrees: Bool { major != flaggedMajor }

    enum CodingKeys: String, CodingKey {
        case caseID = "case_id", agencyCode = "agency_code", title, docNo = "doc_no", decisionDate = "decision_date", major,
             rules, flaggedMajor = "flagged_major", reviewID = "review_id", conclusion, violations
    }
}

/// Working-day limits for a recheck (复核) of a review opinion.
public struct RecheckLimits: Equatable, Sendable {
    /// The handling unit may ask for a recheck within this many working days of the opinion.
    public var requestWorkingDays = 3
    /// The review body answers within this many working days of the request.
    public var answerWorkingDays = 2

    public init() {}
}

/// 重大执法决定法制审核: classifies every decision and checks each major one
/// had a passing review, on or before the decision, within the recheck limits.
public struct ReviewGate: Sendable {
    public var catalogue: MajorDecisionCatalogue
    public var limits: RecheckLimits
    public var calendar: WorkingCalendar

    public init(catalogue: MajorDecisionCatalogue, limits: RecheckLimits, calendar: WorkingCalendar) {
        self.catalogue = catalogue
        self.limits = limits
        self.calendar = calendar
    }

    /// `setAsideReviews`: case id → why its review row was set aside at ingest, so the
    /// report says “审核晚于决定” instead of only “未经审核”.
    public func assess(_ cases: [EnforcementCase], reviews: [Review],
                       setAsideReviews: [String: String] = [:]) throws -> [ReviewAssessment] {
        let byID = Dictionary(reviews.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let byCase = Dictionary(reviews.map { ($0.caseID, $0) }, uniquingKeysWith: { first, _ in first })
        // Positions sorted, not the cases (sorting moves large values at every step); each case assessed on every core.
        let order = cases.indices.sorted { cases[$0].id < cases[$1].id }
        return try concurrentMap(order, chunkSize: 1024) { position in
            Result { () throws -> ReviewAssessment in
                let item = cases[position]
                let review = item.reviewID.flatMap { byID[$0] } ?? byCase[item.id]
                let rules = catalogue.rules(for: item)
                var assessment = ReviewAssessment(
                    caseID: item.id, agencyCode: item.agencyCode, title: item.title, docNo: item.docNo,
                    decisionDate: item.decisionDate.iso, major: !rules.isEmpty, rules: rules, flaggedMajor: item.major,
                    reviewID: review?.id, conclusion: review.map { Self.standingConclusion($0).rawValue }, violations: [])
                if assessment.major {
                    assessment.violations = try violations(item, review: review, setAside: setAsideReviews[item.id])
                }
                return assessment
            }
        }.map { try $0.get() }
    }

    /// A recheck that answers with one of the four conclusions replaces the first; 维持原审核意见 keeps it.
    public static func standingConclusion(_ review: Review) -> ReviewConclusion {
        ReviewConclusion(rawValue: review.recheckConclusion) ?? review.conclusion
    }

    private func violations(_ item: EnforcementCase, review: Review?, setAside: String?) throws -> [ReviewViolation] {
        guard let review else {
            if let setAside {
                return [ReviewViolation(rule: .reviewAfterDecision, detail: "审核记录因“\(setAside)”未被接收")]
            }
            return [ReviewViolation(rule: .noReview, detail: "没有法制审核记录")]
        }
        var found: [ReviewViolation] = []
        let decided = item.decisionDate
        if review.reviewedOn > decided {
            found.append(.init(rule: .reviewAfterDecision, detail: "审核日期\(review.reviewedOn.iso)晚于决定日期\(decided.iso)"))
        }
        if let requested = review.recheckRequestedOn {
            // Late is after the last working day, even when the day itself is a weekend.
            if requested > (try calendar.date(workingDays: limits.requestWorkingDays, after: review.reviewedOn)) {
                found.append(.init(rule: .recheckRequestLate,
                                   detail: "审核\(review.reviewedOn.iso)，复核申请\(requested.iso)，超过\(limits.requestWorkingDays)个工作日"))
            }
            if let answered = review.recheckedOn {
                if answered > (try calendar.date(workingDays: limits.answerWorkingDays, after: requested)) {
                    found.append(.init(rule: .recheckAnswerLate,
                                       detail: "复核申请\(requested.iso)，答复\(answered.iso)，超过\(limits.answerWorkingDays)个工作日"))
                }
                if answered > decided {
                    found.append(.init(rule: .recheckAfterDecision, detail: "复核日期\(answered.iso)晚于决定日期\(decided.iso)"))
                }
            } else {
                found.append(.init(rule: .recheckUnanswered, detail: "复核申请\(requested.iso)，没有复核结论"))
            }
        }
        let standing = Self.standingConclusion(review)
        if standing != .approve && standing != .approveAfterChanges {
            found.append(.init(rule: .reviewNotPassed, detail: "审核结论为“\(standing.rawValue)”"))
        }
        return found
    }
}
