import CaseModel
import Foundation
import Ingest
import Review
import WorkingDays

/// What the supervision stage found, for the run summary.
public struct SupervisionSummary: Codable, Sendable {
    public var decisionsClassified: Int
    public var majorByCatalogue: Int
    public var majorFlagDisagreements: Int
    public var reviewViolations: Int
    public var violationsByRule: [String: Int]
    public var lateDisclosures: Int
    public var missingDisclosures: Int
    public var disclosuresOfUnknownTiming: Int
    public var officerCertificateProblems: Int
    public var ordinaryWithFewerThanTwoOfficers: Int
    public var withdrawnStillPublished: Int
    public var recordsWithMissingMedia: Int
    /// 行政处罚法 第六十条、第六十一条、第六十四条第二项 (contract v2 dates).
    public var decisionTimeLimitOverruns: Int
    public var lateServices: Int
    public var lateHearingNotices: Int

    enum CodingKeys: String, CodingKey {
        case decisionsClassified = "decisions_classified", majorByCatalogue = "major_by_catalogue",
             majorFlagDisagreements = "major_flag_disagreements", reviewViolations = "review_violations",
             violationsByRule = "violations_by_rule", lateDisclosures = "late_disclosures",
             missingDisclosures = "missing_disclosures", disclosuresOfUnknownTiming = "disclosures_of_unknown_timing", officerCertificateProblems = "officer_certificate_problems",
             ordinaryWithFewerThanTwoOfficers = "ordinary_with_fewer_than_two_officers",
             withdrawnStillPublished = "withdrawn_still_published", recordsWithMissingMedia = "records_with_missing_media",
             decisionTimeLimitOverruns = "decision_time_limit_overruns", lateServices = "late_services",
             lateHearingNotices = "late_hearing_notices"
    }
}

/// 执法监督: the review stage's assessments, this run's publication log and
/// the officers' certificates, as the supervision report under internal/supervision/.
struct SupervisionStage: Stage {
    let name = "supervision"
    let reads = "法制审核结论（review 阶段）、本次的公示记录、执法人员、暂存的行"
    let territory = [Self.folder + "/"]

    static let folder = "internal/supervision"

    func run(_ run: RunContext, into output: OutputWriter) throws -> StageOutcome {
        let config = run.config
        let assessments = run.assessments
        let publications = try run.publications().mapValues {
            PublicationRecord(publishedOn: $0.publishedOn, withdrawnOn: $0.withdrawnOn, timingKnown: $0.timingKnown)
        }
        var input = SupervisionInput(
            asOf: run.asOf, cases: run.ingest.cases, officers: run.ingest.officers, problems: run.ingest.problems,
            assessments: assessments, publications: publications, calendar: try run.calendar(),
            disclosureWorkingDays: { code, type in config.disclosureWorkingDays(agency: code, type: type) },
            withdrawalWorkingDays: { code in config.settings(forAgency: code).withdrawalWorkingDays })
        input.details = run.ingest.details
        let report = try Supervisor.report(input)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try output.write(encoder.encode(report) + Data("\n".utf8), to: "\(Self.folder)/supervision.json")
        let names = Dictionary(run.ingest.agencies.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
        try output.write(SupervisionPage.html(report, agencyNames: names), to: "\(Self.folder)/index.html")
        var byRule: [String: Int] = [:]
        for assessment in assessments { for violation in assessment.violations { byRule[violation.rule.rawValue, default: 0] += 1 } }
        return StageOutcome(summary: .supervision(SupervisionSummary(
            decisionsClassified: assessments.count, majorByCatalogue: assessments.filter(\.major).count,
            majorFlagDisagreements: report.majorFlagDisagreements.count, reviewViolations: report.reviewViolations.count,
            violationsByRule: byRule, lateDisclosures: report.lateDisclosures.count,
            missingDisclosures: report.missingDisclosures.count, disclosuresOfUnknownTiming: report.disclosuresOfUnknownTiming,
            officerCertificateProblems: report.officerCertificateProblems.count,
            ordinaryWithFewerThanTwoOfficers: report.ordinaryWithFewerThanTwoOfficers.count,
            withdrawnStillPublished: report.withdrawnStillPublished.count,
            recordsWithMissingMedia: report.recordsWithMissingMedia.count,
            decisionTimeLimitOverruns: report.decisionTimeLimitOverruns.count, lateServices: report.lateServices.count,
            lateHearingNotices: report.lateHearingNotices.count)))
    }

    /// Case id → why its review row was set aside (a review dated after the decision, …).
    static func setAsideReviews(_ ingest: IngestResult) -> [String: String] {
        var out: [String: String] = [:]
        for problem in ingest.errors where problem.file == "reviews.csv" {
            if let id = problem.caseID, out[id] == nil { out[id] = problem.kind.label }
        }
        return out
    }
}
