import CaseModel
import Foundation
import Ingest
import Portal
import Reports
import Typesetting
import WorkingDays

/// What the report stage did, for the run summary.
public struct ReportSummary: Codable, Sendable {
    public var year: Int
    /// False when the published report was kept: its deadline has passed and it is not remade unasked.
    public var produced: Bool
    public var folder: String
    public var agencies: [AgencyDeadline]
    /// Set-aside rows whose agency cannot be known (counted in no agency's figure).
    public var rowsSetAsideWithoutAgency: Int
    public var warnings: [String]

    public struct AgencyDeadline: Codable, Sendable {
        public var agencyCode: String
        public var name: String
        public var deadline: String
        public var firstPublishedOn: String?
        /// Days past the deadline on the first publication (0 when on time); nil while unpublished.
        public var daysLate: Int?
        /// Rows of this agency that this run set aside (not counted in its report).
        public var rowsSetAside: Int

        enum CodingKeys: String, CodingKey {
            case agencyCode = "agency_code", name, deadline, firstPublishedOn = "first_published_on", daysLate = "days_late",
                 rowsSetAside = "rows_set_aside"
        }
    }
}

/// The annual statistics report: from 1 January the previous year's, remade on
/// every run until the agencies' deadlines and then kept as published.
struct ReportStage: Stage {
    let name = "report"
    let reads = "接收的案件、审核记录、暂存的行；本次的公示记录；上次各年度报告的公开记录"
    let territory = ["public/reports/", "public/feeds/reports.xml"]

    /// `year` nil: the run's automatic report of the previous year.
    let requestedYear: Int?

    /// The year this run reports on, and whether it (re)makes that report. A run that
    /// lost a whole case file never makes one: it would publish figures without those cases.
    private func plan(_ run: RunContext) -> (year: Int, produce: Bool) {
        let year = requestedYear ?? run.asOf.year - 1
        guard run.ingest.lostRequiredFiles.isEmpty else { return (year, false) }
        let delivered = run.previous.reportDeliveries[year] ?? [:]
        let latestDeadline = run.ingest.agencies.map { deadline(run.config, for: $0.code, year: year) }.max() ?? run.asOf
        return (year, requestedYear != nil || delivered.isEmpty || run.asOf <= latestDeadline)
    }

    /// The year whose report a run with this request makes tonight, if the report stage runs and makes one.
    static func yearProducedTonight(_ run: RunContext) -> Int? {
        guard run.config.stages.contains(.report), run.request.useStateStore else { return nil }
        let (year, produce) = ReportStage(requestedYear: run.request.reportYear).plan(run)
        return produce ? year : nil
    }

    /// Only the year it makes and the feed: other years' reports stay as they were published.
    func claims(_ run: RunContext) -> [String] {
        let (year, produce) = plan(run)
        return ["public/feeds/reports.xml", "public/reports/index.html"] + (produce ? ["public/reports/\(year)/"] : [])
    }

    func run(_ run: RunContext, into output: OutputWriter) throws -> StageOutcome {
        let (year, produce) = plan(run)
        let folder = "public/reports/\(year)"
        var entries = run.previous.reportFeed.filter { !produce || $0.year != year }
            .map { ReportFeed.Entry(year: $0.year, title: $0.title, summary: $0.summary, updated: $0.updated) }
        var state = StateChanges()
        var written = ["feeds/", "feeds/reports.xml", "reports/", "reports/index.html"]
        var findings: [GateFinding] = []
        if produce {
            let statistics = try compute(run, year: year)
            // The aggregate (for a 司法行政部门 running several agencies), then each 机关's own report.
            let gate = run.publicationGate()
            written += try write(statistics, to: folder, agencyName: nil, run: run, output: output, gate: gate, findings: &findings)
            for agency in statistics.agencies {
                if let own = statistics.agency(agency.agencyCode) {
                    written += try write(own, to: "\(folder)/\(agency.agencyCode)", agencyName: agency.name, run: run, output: output,
                                         gate: gate, findings: &findings)
                }
            }
            let hash = StateStore.contentHash(try StatisticsExport.json(statistics))
            let entry = ReportFeed.Entry(statistics)
            for agency in statistics.agencies {
                state.reports.append(ReportPublication(year: year, agencyCode: agency.agencyCode,
                                                       deadline: deadline(run.config, for: agency.agencyCode, year: year),
                                                       publishedOn: run.asOf, contentHash: hash, feedTitle: entry.title,
                                                       feedSummary: entry.summary))
            }
            entries.append(entry)
        }
        try output.writeUnlessSame(ReportFeed.atom(entries), to: "public/feeds/reports.xml")
        let site = PortalSite(asOf: run.asOf, baseURL: run.config.portalBaseURL, agencies: run.ingest.agencies, officers: [],
                              decisions: [], info: run.config.portalSite, reports: PortalStage.reports(run, output: output))
        try output.writeUnlessSame(PortalReportsIndex.page(site), to: "public/reports/index.html")
        // The reports are public files no case owns: a personal value in one stops the run, as in the site's files.
        findings += run.publicationGate().sweep(folder: output.staging.appendingPathComponent("public"), only: written, owner: { _ in nil })
        guard findings.isEmpty else { throw PublicationGateError(findings: findings) }
        let summary = summarise(run, year: year, produced: produce, folder: folder, published: state.reports)
        return StageOutcome(summary: .report(summary), state: state)
    }

    private func deadline(_ config: PipelineConfig, for agencyCode: String, year: Int) -> CivilDate {
        config.settings(forAgency: agencyCode).annualReportDeadline.date(in: year + 1)
    }

    private func compute(_ run: RunContext, year: Int) throws -> AnnualStatistics {
        let settings = run.config
        let publications = try run.publications()
        let input = StatisticsInput(
            year: year, asOf: run.asOf, agencies: run.ingest.agencies, officers: run.ingest.officers, cases: run.ingest.cases,
            reviews: run.ingest.reviews, setAside: SetAsideAgencies.rows(run.ingest), publishedOn: publications.mapValues(\.publishedOn),
            calendar: try run.calendar(),
            disclosureWorkingDays: { code, type in settings.disclosureWorkingDays(agency: code, type: type) })
        var known = input
        known.details = run.ingest.details
        known.timingUnknown = Set(publications.values.filter { !$0.timingKnown }.map(\.caseID))
        // The review stage's judgement: the report counts the decisions the supervision report lists.
        known.reviewJudgement = Dictionary(run.assessments.map {
            ($0.caseID, ReviewJudgement(major: $0.major, unreviewed: $0.major && !$0.violations.isEmpty))
        }, uniquingKeysWith: { first, _ in first })
        return try StatisticsCalculator.compute(known)
    }

    /// Writes one report's four files; returns their paths and their folder's relative to public/, for the gate's sweep.
    /// The PDF is checked through the document it is drawn from (the sweep reads text files only).
    private func write(_ statistics: AnnualStatistics, to folder: String, agencyName: String?, run: RunContext,
                       output: OutputWriter, gate: PublicationGate, findings: inout [GateFinding]) throws -> [String] {
        let inPublic = String(folder.dropFirst("public/".count))
        let outline = ReportOutline(statistics)
        let document = ReportDocument.document(outline, statistics: statistics)
        let hits = gate.check(document)
        if !hits.isEmpty { findings.append(GateFinding(caseID: nil, channel: inPublic + "/report.pdf", kinds: PublicationGate.kinds(hits))) }
        let pdf = try run.typesetter().render(document)
        try output.writeUnlessSame(pdf.bytes, to: "\(folder)/report.pdf")
        let site = PortalSite(asOf: run.asOf, baseURL: run.config.portalBaseURL, agencies: run.ingest.agencies, officers: [],
                              decisions: [], info: run.config.portalSite)
        let path = String(folder.dropFirst("public/".count)) + "/index.html"
        try output.writeUnlessSame(PortalReportsIndex.reportPage(site, path: path, title: outline.title, agencyName: agencyName,
                                                                 content: ReportPage.content(outline, statistics: statistics),
                                                                 extraStyle: ReportPage.style),
                                   to: "\(folder)/index.html")
        try output.writeUnlessSame(StatisticsExport.json(statistics), to: "\(folder)/statistics.json")
        try output.writeUnlessSame(StatisticsExport.csv(statistics), to: "\(folder)/statistics.csv")
        return [inPublic + "/"] + ["report.pdf", "index.html", "statistics.json", "statistics.csv"].map { inPublic + "/" + $0 }
    }

    /// Deadlines, first publication, set-aside rows and warnings per agency, counting this run's publication as committed.
    private func summarise(_ run: RunContext, year: Int, produced: Bool, folder: String,
                           published: [ReportPublication]) -> ReportSummary {
        var delivered = (run.previous.reportDeliveries[year] ?? [:]).mapValues(\.firstPublishedOn)
        for report in published { delivered[report.agencyCode] = min(delivered[report.agencyCode] ?? report.publishedOn, report.publishedOn) }
        let setAside = SetAsideAgencies.rows(run.ingest)
        var result = ReportSummary(year: year, produced: produced, folder: folder, agencies: [],
                                   rowsSetAsideWithoutAgency: setAside.withoutAgency, warnings: [])
        if !run.ingest.lostRequiredFiles.isEmpty {
            result.warnings.append("本次导出的 \(run.ingest.lostRequiredFiles.joined(separator: "、")) 整个无法读取，\(year)年度报告本次不生成也不更新，"
                + "以免公布缺少这些案件的数字；请重新导出后再运行。")
        }
        var nearDeadline = false
        for agency in run.ingest.agencies.sorted(by: { $0.code < $1.code }) {
            let due = deadline(run.config, for: agency.code, year: year)
            let first = delivered[agency.code]
            let rows = setAside.byAgency[agency.code] ?? 0
            result.agencies.append(.init(agencyCode: agency.code, name: agency.name, deadline: due.iso, firstPublishedOn: first?.iso,
                                         daysLate: first.map { max(0, $0.dayNumber - due.dayNumber) }, rowsSetAside: rows))
            let daysLeft = due.dayNumber - run.asOf.dayNumber
            let warningDays = run.config.settings(forAgency: agency.code).annualReportWarningDays
            if first == nil, daysLeft < 0 {
                result.warnings.append("\(agency.name) \(year)年度行政执法数据报告已超过截止日（\(due.chinese)）\(-daysLeft)天仍未公开。")
            } else if (0...warningDays).contains(daysLeft) {
                nearDeadline = true
                // Only an agency with rows of its own set aside is told to correct them.
                if rows > 0 {
                    result.warnings.append("\(agency.name) \(year)年度行政执法数据报告截止日为\(due.chinese)，还有\(daysLeft)天；"
                        + "本次有\(rows)行本机关数据被搁置、未计入报告，请尽快在办案系统中更正后重新导出。")
                }
            }
        }
        if nearDeadline, setAside.withoutAgency > 0 {
            result.warnings.append("另有\(setAside.withoutAgency)行被搁置的数据无法确定执法主体（主体代码缺失或有误、对应的案件不存在等），"
                + "未计入任何机关的年度报告，请法制科按核查报告（quarantine/report.txt）更正。")
        }
        return result
    }
}
