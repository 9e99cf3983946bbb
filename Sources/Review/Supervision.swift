import CaseModel
import Foundation
import Ingest
import WorkingDays

/// The supervision report (执法监督): everything the 法制科 must follow up,
/// case by case. Internal only: it names people.
public struct SupervisionReport: Codable, Equatable, Sendable {
    public var asOf: String
    public var lateDisclosures: [Disclosure]
    public var missingDisclosures: [Disclosure]
    public var reviewViolations: [ReviewAssessment]
    public var majorFlagDisagreements: [ReviewAssessment]
    public var officerCertificateProblems: [Finding]
    public var ordinaryWithFewerThanTwoOfficers: [Finding]
    public var withdrawnStillPublished: [Disclosure]
    public var recordsWithMissingMedia: [Finding]
    /// 行政处罚法 第六十条: 普通程序 penalty decisions made more than 90 days after 立案.
    public var decisionTimeLimitOverruns: [TimeLimitFinding] = []
    /// 行政处罚法 第六十一条: penalty decisions served more than 7 working days after the decision, or not yet served by then.
    public var lateServices: [TimeLimitFinding] = []
    /// 行政处罚法 第六十四条第二项: a 听证通知 served fewer than 7 working days before the hearing.
    public var lateHearingNotices: [TimeLimitFinding] = []
    /// Decisions due before go-live whose first publication is not on record: not counted as late.
    public var disclosuresOfUnknownTiming = 0

    public struct Disclosure: Codable, Equatable, Sendable {
        public var caseID: String
        public var agencyCode: String
        public var docNo: String
        /// The decision date, or for a withdrawal the status date.
        public var from: String
        public var deadline: String
        public var publishedOn: String?
        /// Calendar days past the deadline (on publication, or on the report date when still outstanding).
        public var daysLate: Int

        enum CodingKeys: String, CodingKey {
            case caseID = "case_id", agencyCode = "agency_code", docNo = "doc_no", from, deadline,
                 publishedOn = "published_on", daysLate = "days_late"
        }
    }

    public struct Finding: Codable, Equatable, Sendable {
        public var caseID: String
        public var source: String
        public var detail: String

        enum CodingKeys: String, CodingKey { case caseID = "case_id", source, detail }
    }

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of", lateDisclosures = "late_disclosures", missingDisclosures = "missing_disclosures",
             reviewViolations = "review_violations", majorFlagDisagreements = "major_flag_disagreements",
             officerCertificateProblems = "officer_certificate_problems",
             ordinaryWithFewerThanTwoOfficers = "ordinary_with_fewer_than_two_officers",
             withdrawnStillPublished = "withdrawn_still_published", recordsWithMissingMedia = "records_with_missing_media",
             decisionTimeLimitOverruns = "decision_time_limit_overruns", lateServices = "late_services",
             lateHearingNotices = "late_hearing_notices", disclosuresOfUnknownTiming = "disclosures_of_unknown_timing"
    }

    /// How many items need following up.
    public var total: Int {
        lateDisclosures.count + missingDisclosures.count + reviewViolations.count + officerCertificateProblems.count
            + ordinaryWithFewerThanTwoOfficers.count + withdrawnStillPublished.count + recordsWithMissingMedia.count
            + decisionTimeLimitOverruns.count + lateServices.count + lateHearingNotices.count
    }
}

/// The portal's record of one decision: when it went up and, if so, when it came down.
public struct PublicationRecord: Equatable, Sendable {
    public var publishedOn: CivilDate
    public var withdrawnOn: CivilDate?
    /// False when the decision was due before the installation went live and no
    /// history says when it was first published: neither on time nor late.
    public var timingKnown: Bool

    public init(publishedOn: CivilDate, withdrawnOn: CivilDate?, timingKnown: Bool = true) {
        self.publishedOn = publishedOn
        self.withdrawnOn = withdrawnOn
        self.timingKnown = timingKnown
    }
}

public struct SupervisionInput: Sendable {
    public var asOf: CivilDate
    public var cases: [EnforcementCase]
    public var officers: [Officer]
    public var problems: [Problem]
    public var assessments: [ReviewAssessment]
    public var publications: [String: PublicationRecord]
    /// Contract v2 data by case id (`IngestResult.details`): the procedure's dates and the services.
    public var details = CaseDetailsTable()
    public var calendar: WorkingCalendar
    public var disclosureWorkingDays: @Sendable (_ agencyCode: String, _ type: ActionType) -> Int
    public var withdrawalWorkingDays: @Sendable (_ agencyCode: String) -> Int

    public init(asOf: CivilDate, cases: [EnforcementCase], officers: [Officer], problems: [Problem],
                assessments: [ReviewAssessment], publications: [String: PublicationRecord], calendar: WorkingCalendar,
                disclosureWorkingDays: @escaping @Sendable (String, ActionType) -> Int,
                withdrawalWorkingDays: @escaping @Sendable (String) -> Int) {
        self.asOf = asOf
        self.cases = cases
        self.officers = officers
        self.problems = problems
        self.assessments = assessments
        self.publications = publications
        self.calendar = calendar
        self.disclosureWorkingDays = disclosureWorkingDays
        self.withdrawalWorkingDays = withdrawalWorkingDays
    }
}

public enum Supervisor {
    public static func report(_ input: SupervisionInput) throws -> SupervisionReport {
        var report = SupervisionReport(
            asOf: input.asOf.iso, lateDisclosures: [], missingDisclosures: [],
            reviewViolations: input.assessments.filter { !$0.violations.isEmpty },
            majorFlagDisagreements: input.assessments.filter(\.flagDisagrees),
            officerCertificateProblems: [], ordinaryWithFewerThanTwoOfficers: [], withdrawnStillPublished: [],
            recordsWithMissingMedia: [])
        // The checks that list cases list them by case number: the cases' positions are sorted once for all of them
        // (three sorts of 100,000 cases were a fifth of the stage; sorting or copying the cases themselves moved large values).
        let cases = input.cases
        let order = cases.indices.sorted { cases[$0].id < cases[$1].id }
        try disclosures(input, order: order, into: &report)
        officers(input, order: order, into: &report)
        problems(input, into: &report)
        try TimeLimits.check(input, order: order, into: &report)
        return report
    }

    /// One case's disclosure findings (`disclosures`).
    private struct DisclosureFindings {
        var timingUnknown = false
        var late: SupervisionReport.Disclosure?
        var missing: SupervisionReport.Disclosure?
        var withdrawnStillPublished: SupervisionReport.Disclosure?
    }

    /// The cases at `order` (case-number order), checked on every core and listed in that order.
    private static func disclosures(_ input: SupervisionInput, order: [Int], into report: inout SupervisionReport) throws {
        let found = concurrentMap(order, chunkSize: 512) { position in Result { try disclosureFindings(input.cases[position], input) } }
        for result in found {
            let findings = try result.get()
            if findings.timingUnknown { report.disclosuresOfUnknownTiming += 1 }
            if let entry = findings.missing { report.missingDisclosures.append(entry) }
            if let entry = findings.late { report.lateDisclosures.append(entry) }
            if let entry = findings.withdrawnStillPublished { report.withdrawnStillPublished.append(entry) }
        }
    }

    private static func disclosureFindings(_ item: EnforcementCase, _ input: SupervisionInput) throws -> DisclosureFindings {
        var findings = DisclosureFindings()
        let publication = input.publications[item.id]
        if item.disclosure == .proactive, !item.party.isMinor, publication?.timingKnown == false {
            findings.timingUnknown = true
        } else if item.disclosure == .proactive, !item.party.isMinor {
            let deadline = try input.calendar.date(workingDays: input.disclosureWorkingDays(item.agencyCode, item.actionType),
                                                   after: item.decisionDate)
            let done = publication?.publishedOn
            let late = (done ?? input.asOf).dayNumber - deadline.dayNumber
            if late > 0 {
                let entry = SupervisionReport.Disclosure(caseID: item.id, agencyCode: item.agencyCode, docNo: item.docNo,
                                                         from: item.decisionDate.iso, deadline: deadline.iso,
                                                         publishedOn: done?.iso, daysLate: late)
                if done == nil { findings.missing = entry } else { findings.late = entry }
            }
        }
        if item.status == .withdrawn, let publication, let statusDate = item.statusDate {
            let deadline = try input.calendar.date(workingDays: input.withdrawalWorkingDays(item.agencyCode), after: statusDate)
            let late = (publication.withdrawnOn ?? input.asOf).dayNumber - deadline.dayNumber
            if late > 0 {
                findings.withdrawnStillPublished = .init(
                    caseID: item.id, agencyCode: item.agencyCode, docNo: item.docNo, from: statusDate.iso,
                    deadline: deadline.iso, publishedOn: publication.publishedOn.iso, daysLate: late)
            }
        }
        return findings
    }

    /// Officers on accepted cases whose certificate had lapsed by the decision or is now cancelled or suspended,
    /// and 普通程序 cases with fewer than two officers: the cases at `order` (case-number order).
    private static func officers(_ input: SupervisionInput, order: [Int], into report: inout SupervisionReport) {
        let officers = Dictionary(input.officers.map { ($0.certNo, $0) }, uniquingKeysWith: { first, _ in first })
        for position in order {
            let item = input.cases[position]
            for cert in item.officerCerts {
                guard let officer = officers[cert] else { continue }
                if officer.validUntil < item.decisionDate {
                    report.officerCertificateProblems.append(.init(
                        caseID: item.id, source: item.source.description,
                        detail: "执法人员\(officer.name)（证号\(cert)）的执法证有效期至\(officer.validUntil.iso)，早于决定日期\(item.decisionDate.iso)"))
                } else if officer.status != .active {
                    report.officerCertificateProblems.append(.init(
                        caseID: item.id, source: item.source.description,
                        detail: "执法人员\(officer.name)（证号\(cert)）的执法证现状态为\(officer.status.rawValue)，请核实决定时是否有效"))
                }
            }
            if item.procedure == .ordinary, Set(item.officerCerts).count < 2 {
                report.ordinaryWithFewerThanTwoOfficers.append(.init(
                    caseID: item.id, source: item.source.description, detail: "普通程序案件只有\(Set(item.officerCerts).count)名执法人员"))
            }
        }
    }

    /// Rows ingest set aside or warned about for the same reasons: they are not in the accepted data.
    private static func problems(_ input: SupervisionInput, into report: inout SupervisionReport) {
        var seen = Set(report.officerCertificateProblems.map { $0.caseID + $0.detail })
        for problem in input.problems {
            let finding = SupervisionReport.Finding(caseID: problem.caseID ?? "", source: "\(problem.file) 第\(problem.row)行",
                                                    detail: problem.message)
            switch problem.kind {
            case .officerCertificateExpired, .officerNotActive:
                if problem.severity == .error, seen.insert(finding.caseID + finding.detail).inserted {
                    report.officerCertificateProblems.append(finding)
                }
            case .tooFewOfficers:
                report.ordinaryWithFewerThanTwoOfficers.append(finding)
            case .mediaMissing, .mediaHashMismatch, .mediaNotDelivered:
                report.recordsWithMissingMedia.append(finding)
            default:
                break
            }
        }
    }
}
