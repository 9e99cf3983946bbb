import CaseModel
import Foundation
import Ingest
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
    public var warnings: [String]

    public struct AgencyDeadline: Codable, Sendable {
        public var agencyCode: String
        public var name: String
        public var deadline: String
        public var firstPublishedOn: String?
        /// Days past the deadline on the first publication (0 when on time); nil while unpublished.
        public var daysLate: Int?

        enum CodingKeys: String, CodingKey {
            case agencyCode = "agency_code", name, deadline, firstPublishedOn = "first_published_on", daysLate = "days_late"
        }
    }
}

/// The annual statistics report: from 1 January the previous year's, remade on
/// every run until the agencies' deadlines and then kept as published.
struct ReportStage {
    let config: PipelineConfig
    let asOf: CivilDate
    let writer: OutputWriter
    let typesetter: () throws -> Typesetter

    /// `year` nil: the run's automatic report of the previous year.
    func run(_ ingest: IngestResult, year requested: Int?) throws -> ReportSummary {
        let year = requested ?? asOf.year - 1
        let folder = "public/reports/\(year)"
        let store = try StateStore(path: config.stateStoreURL.path)
        let delivered = try store.reportDeliveries(year: year)
        let latestDeadline = ingest.agencies.map { deadline(for: $0.code, year: year) }.max() ?? asOf
        let produce = requested != nil || delivered.isEmpty || asOf <= latestDeadline
        var entries: [ReportFeed.Entry] = []
        if produce {
            let statistics = try compute(ingest, year: year, store: store)
            try write(statistics, to: folder)
            let hash = StateStore.contentHash(try StatisticsExport.json(statistics))
            for agency in statistics.agencies {
                try store.recordReport(year: year, agencyCode: agency.agencyCode, deadline: deadline(for: agency.agencyCode, year: year),
                                       publishedOn: asOf, contentHash: hash)
            }
            entries.append(ReportFeed.Entry(statistics))
        }
        entries += try carryOverOtherYears(except: produce ? year : nil)
        try writer.write(ReportFeed.atom(entries), to: "public/feeds/reports.xml")
        return try summary(year: year, produced: produce, folder: folder, ingest: ingest, store: store)
    }

    private func deadline(for agencyCode: String, year: Int) -> CivilDate {
        config.settings(forAgency: agencyCode).annualReportDeadline.date(in: year + 1)
    }

    private func compute(_ ingest: IngestResult, year: Int, store: StateStore) throws -> AnnualStatistics {
        let calendar = try WorkingCalendar(contentsOf: config.calendarURL)
        let settings = config
        let input = StatisticsInput(
            year: year, asOf: asOf, agencies: ingest.agencies, officers: ingest.officers, cases: ingest.cases,
            reviews: ingest.reviews, setAside: Self.setAside(ingest), publishedOn: try store.publications().mapValues(\.publishedOn),
            calendar: calendar,
            disclosureWorkingDays: { code, type in settings.disclosureWorkingDays(agency: code, type: type) })
        return try StatisticsCalculator.compute(input)
    }

    private func write(_ statistics: AnnualStatistics, to folder: String) throws {
        let outline = ReportOutline(statistics)
        let pdf = try typesetter().render(ReportDocument.document(outline, statistics: statistics))
        try writer.write(pdf.bytes, to: "\(folder)/report.pdf")
        try writer.write(ReportPage.html(outline, statistics: statistics), to: "\(folder)/index.html")
        try writer.write(StatisticsExport.json(statistics), to: "\(folder)/statistics.json")
        try writer.write(StatisticsExport.csv(statistics), to: "\(folder)/statistics.csv")
    }

    /// Keeps earlier (and kept) years' reports in the output and lists them in the feed.
    private func carryOverOtherYears(except produced: Int?) throws -> [ReportFeed.Entry] {
        var entries: [ReportFeed.Entry] = []
        for name in writer.existingEntries(in: "public/reports") {
            guard let year = Int(name), year != produced else { continue }
            try writer.preserve("public/reports/\(name)")
            if let data = writer.existingFile("public/reports/\(name)/statistics.json"),
               let statistics = try? JSONDecoder().decode(AnnualStatistics.self, from: data) {
                entries.append(ReportFeed.Entry(statistics))
            }
        }
        return entries
    }

    /// Rows set aside, each counted once under the first problem found in it.
    static func setAside(_ ingest: IngestResult) -> SetAsideRows {
        var seen = Set<String>()
        var byReason: [String: Int] = [:], byFile: [String: Int] = [:]
        for problem in ingest.errors where seen.insert("\(problem.file)#\(problem.row)").inserted {
            byReason[problem.kind.label, default: 0] += 1
            byFile[problem.file, default: 0] += 1
        }
        return SetAsideRows(total: seen.count, byReason: byReason, byFile: byFile)
    }

    private func summary(year: Int, produced: Bool, folder: String, ingest: IngestResult,
                         store: StateStore) throws -> ReportSummary {
        let delivered = try store.reportDeliveries(year: year)
        var result = ReportSummary(year: year, produced: produced, folder: folder, agencies: [], warnings: [])
        for agency in ingest.agencies.sorted(by: { $0.code < $1.code }) {
            let due = deadline(for: agency.code, year: year)
            let first = delivered[agency.code]?.firstPublishedOn
            let late = first.map { max(0, $0.dayNumber - due.dayNumber) }
            result.agencies.append(.init(agencyCode: agency.code, name: agency.name, deadline: due.iso,
                                         firstPublishedOn: first?.iso, daysLate: late))
            let warningDays = config.settings(forAgency: agency.code).annualReportWarningDays
            let daysLeft = due.dayNumber - asOf.dayNumber
            if first == nil, daysLeft < 0 {
                result.warnings.append("\(agency.name) \(year)年度行政执法数据报告已超过截止日（\(due.chinese)）\(-daysLeft)天仍未公开。")
            } else if (0...warningDays).contains(daysLeft), ingest.rowsSetAside > 0 {
                result.warnings.append("\(agency.name) \(year)年度行政执法数据报告截止日为\(due.chinese)，还有\(daysLeft)天；"
                    + "本次有\(ingest.rowsSetAside)行数据被搁置、未计入报告，请尽快在办案系统中更正后重新导出。")
            }
        }
        return result
    }
}
