import ErrorReporting
import CaseModel
import Disclosure
import Documents
import Portal
import Review
import Foundation
import Typesetting
import Yams

/// The stages a run can have, in the only order they may run.
public enum StageName: String, CaseIterable, Codable, Sendable {
    case ingest
    case render
    /// 公示: redaction, the publication log and the static portal under public/.
    case portal
    /// The previous year's annual statistics report, from 1 January until the agencies' deadline.
    case report
    /// Legal-review gate and the supervision report (internal/supervision/).
    case supervision
    /// Hashes everything the run wrote (and the media) into the append-only ledger.
    case archive

    /// Position in the only order stages may run in.
    var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}

/// MM-DD, e.g. the annual report's deadline 01-20.
public struct MonthDay: Hashable, Codable, Sendable, CustomStringConvertible {
    public let month: Int
    public let day: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let m = Int(parts[0]), let d = Int(parts[1]),
              (1...12).contains(m), (1...CivilDate.daysIn(month: m, year: 2024)).contains(d) else { return nil }
        month = m
        day = d
    }

    public init(month: Int, day: Int) {
        self.month = month
        self.day = day
    }

    public var description: String { "\(month)月\(day)日" }

    /// This month and day in `year` (29 February falls back to the 28th).
    public func date(in year: Int) -> CivilDate {
        CivilDate(year: year, month: month, day: min(day, CivilDate.daysIn(month: month, year: year)))
            ?? CivilDate(dayNumber: 0)
    }
}

/// Settings an agency may set for itself; `agencies.defaults` applies to all.
public struct AgencySettings: Hashable, Sendable {
    /// Deadline for the annual statistics report (national rule: 1月31日).
    public var annualReportDeadline = MonthDay(month: 1, day: 20)
    /// How many days before that deadline a run starts warning while the report is not out.
    public var annualReportWarningDays = 10
    /// Working days from a decision to its publication, by action type.
    public var disclosureWorkingDays: [ActionType: Int] = Dictionary(
        uniqueKeysWithValues: ActionType.allCases.map { ($0, [.licensing, .penalty].contains($0) ? 7 : 20) })
    /// Working days to take down or update a changed or withdrawn decision.
    public var withdrawalWorkingDays = 3
    /// The day this installation started publishing for the agency: a decision due
    /// before it that the history file does not cover has an unknown timeliness,
    /// not a late one. Nil: the first run's date (recorded in the state store).
    public var goLive: CivilDate?

    public init() {}
}

/// How documents for the officers' portable printers are made.
public struct PrintSettings: Equatable, Sendable {
    /// Margins the printer cannot mark, in millimetres.
    public var printableArea = PrintableArea(top: 5, right: 5, bottom: 5, left: 5)
    public var format: OutputProfile.Format = .pdf
    /// The CUPS queue `sanxiang print` sends to (lp -d); nil: write the file only.
    public var printer: String?

    public init() {}

    public var profile: OutputProfile { OutputProfile(kind: .print(printableArea), format: format) }
}

/// 重大执法决定法制审核: the catalogue and the recheck limits.
public struct LegalReviewSettings: Equatable, Sendable {
    public var catalogue = MajorDecisionCatalogue()
    public var recheck = RecheckLimits()

    public init() {}
}

/// The tamper-evident archive.
public struct ArchiveSettings: Equatable, Sendable {
    /// The Ed25519 signing key of the tree heads; relative paths are inside the output folder.
    /// Made on the first run when absent; never under public/.
    public var signingKey = "archive-signing.key"

    public init() {}
}

public struct PipelineConfig: Sendable {
    /// The folder of the configuration file: relative paths start there.
    public var baseFolder: URL
    /// The configuration file's name, for messages (pipeline.yml unless another was named).
    public var sourceName = "pipeline.yml"
    public var input: String = "Examples/sample-export"
    public var output: String = "Output"
    /// The state store; relative paths are inside the output folder.
    public var stateStore: String = "state.sqlite"
    /// `state_store: postgresql://…`: the shards of `sanxiang worker` (claims, leases, fencing
    /// tokens, accepted results) live in that PostgreSQL database. The publish step (`run`)
    /// is the single writer of its output folder's own records, which stay in `stateStore`.
    public var shardQueue: String?
    /// Cases whose documents the render stage plans and renders together before it lets their data go
    /// (without workers). Not a pipeline.yml setting: tests set it small to run many slices.
    public var casesPerRenderSlice = 1024
    /// `render_processes`: how many processes draw the documents of a `sanxiang run` (0: its own threads); nil: one
    /// per core on a machine with more than one (`RenderProcessLauncher.count`).
    public var renderProcesses: Int?
    /// The font manifest (fonts by role).
    public var fonts: String = "Fonts/fonts.yml"
    /// Document templates, one `<kind>.xml` per kind.
    public var templates: String = "Templates/documents"
    /// Which documents a case gets.
    public var documentRules: [DocumentRule] = DocumentRule.defaults
    /// Working-day calendar data (holidays and make-up working days).
    public var calendar: String = "Templates/calendar/cn-working-days.json"
    public var stages: [StageName] = StageName.allCases
    public var printing = PrintSettings()
    public var agencyDefaults = AgencySettings()
    public var agencyOverrides: [String: AgencySettings] = [:]
    public var legalReview = LegalReviewSettings()
    /// The agencies' publication history before this installation (CSV: case_id or doc_no,
    /// first_published_on, url); relative paths start at the configuration's folder.
    public var publicationHistory: String?
    /// `disclosure.require_approval`: a case whose public text the redactor changed waits for the 法制科's approval.
    public var requireApproval = false
    /// `disclosure.approvals`: the file the 法制科 edits, one approved case id per line (# starts a comment).
    public var approvals: String?
    /// `disclosure.go_live`: see `AgencySettings.goLive`, which overrides it per agency.
    public var goLive: CivilDate?
    /// Which fields reach the portal (default-deny).
    public var disclosurePolicy = FieldPolicy.defaults
    /// `disclosure.public_shapes`: the identifier allow-list of public text, built-in shapes plus the configuration's.
    public var publicShapes = PublicShapes.defaults
    /// Absolute address the portal is served at (sitemap, feeds).
    public var portalBaseURL = "https://zfgs.example.gov.cn/"
    /// The site's name, sponsor and registrations for every page's footer (`portal.site`).
    public var portalSite = PortalSiteInfo()
    /// URLs per sitemap file before sitemap.xml becomes an index (`portal.sitemap_limit`).
    public var portalSitemapLimit = 50_000
    /// The schema every run validates public/feeds/decisions.xml against.
    public var feedSchema = "Templates/feeds/decisions.xsd"
    /// Blocks of 当场行政处罚决定书 numbers by officer certificate.
    public var onsiteNumbers: [String: NumberBlock] = [:]
    /// Where issued numbers are recorded; relative paths are inside the output folder.
    public var onsiteNumberStore = "onsite-numbers.sqlite"
    /// The pre-formatted 当场行政处罚决定书 of `sanxiang print` in the field: paper, template, outbox.
    public var fieldForm = FieldFormSettings()
    public var archive = ArchiveSettings()

    public init(baseFolder: URL) { self.baseFolder = baseFolder }

    public var inputURL: URL { resolve(input, against: baseFolder) }
    public var outputURL: URL { resolve(output, against: baseFolder) }
    public var stateStoreURL: URL { resolve(stateStore, against: outputURL) }
    public var fontsURL: URL { resolve(fonts, against: baseFolder) }
    public var calendarURL: URL { resolve(calendar, against: baseFolder) }
    public var templatesURL: URL { resolve(templates, against: baseFolder) }
    public var feedSchemaURL: URL { resolve(feedSchema, against: baseFolder) }
    public var signingKeyURL: URL { resolve(archive.signingKey, against: outputURL) }
    public var onsiteNumberStoreURL: URL { resolve(onsiteNumberStore, against: outputURL) }
    public var publicationHistoryURL: URL? { publicationHistory.map { resolve($0, against: baseFolder) } }
    public var approvalsURL: URL? { approvals.map { resolve($0, against: baseFolder) } }

    public func settings(forAgency code: String) -> AgencySettings { agencyOverrides[code] ?? agencyDefaults }

    /// The agency's go-live date when configured (per agency, else `disclosure.go_live`).
    public func configuredGoLive(agency code: String) -> CivilDate? { settings(forAgency: code).goLive ?? goLive }

    /// Working days from a decision of this type to its publication, for this agency.
    public func disclosureWorkingDays(agency code: String, type: ActionType) -> Int {
        settings(forAgency: code).disclosureWorkingDays[type] ?? 20
    }

    private func resolve(_ path: String, against base: URL) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)
    }
}

/// A mistake in pipeline.yml, with the key and the line it is on.
public struct ConfigError: SanxiangError, Equatable, Sendable {
    public var file: String
    public var line: Int?
    public var key: String
    public var problem: String

    public var message: String {
        let place = line.map { "第\($0)行" } ?? ""
        return "配置文件 \(file) \(place)设置项“\(key)”：\(problem)"
    }
}
