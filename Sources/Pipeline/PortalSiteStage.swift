import CaseModel
import Disclosure
import ErrorReporting
import Foundation
import Native
import Portal

/// What the portal stage hands to the site stage: the publication log as it stands once every decision's own files
/// passed the gate (final: nothing else can take a case down), and the gate that swept them.
struct PortalSiteWork {
    /// Tonight's log, without public cases: those of rows as the last run left them are read from the store, the rest from
    /// `staged`.
    var log: [String: PublicationRow]
    var gate: PublicationGate
    /// Whether last night's sweep was by a gate of the same key (a file it passed, kept as it is, need not be read again).
    var passedBefore: Bool
    /// The annual reports the portal lists (`PortalStage.reports`).
    var reports: [PortalReport]
    /// The state store the log's let-go public cases are read from (nil: there is none).
    var storePath: String?
    /// Tonight's changed rows with their public cases (nil: none staged).
    var staged: StagedPublications?
}

/// 公示, the rest of the portal: the home page, the agencies' pages and lists, the feeds, the search index and the
/// sitemap, made from the publication log alone once the run has let go of the export (about 0.5 GB at 100,000
/// cases, which stood beside every decision decoded for the lists while they were written). Every file it writes
/// passes the gate; a hit in one stops the run (no file of the site belongs to a single case, so none can be
/// withheld alone: the decisions' own files, which can, were swept by the portal stage).
struct PortalSiteStage: Stage {
    let name = "portal-site"
    let reads = "公示阶段定稿的公示记录（未变的决定从状态库读取）、执法主体、执法人员"
    /// Everything under public/ but the decisions' own files (the portal stage's) and the annual reports (the report stage's).
    let territory = ["public/"]
    let needsExport = false

    func run(_ run: RunContext, into output: OutputWriter) throws -> StageOutcome {
        guard let work = run.takePortalSite() else { return StageOutcome() }
        let site = PortalSite(asOf: run.asOf, baseURL: run.config.portalBaseURL, agencies: run.ingest.agencies, officers: run.ingest.officers,
                              decisions: try Self.decisions(work.log, storePath: work.storePath, staged: work.staged),
                              info: run.config.portalSite,
                              reports: work.reports, sitemapLimit: run.config.portalSitemapLimit)
        let written = try PortalSiteWriter(config: run.config, writer: output).write(site)
        let found = work.gate.sweep(folder: output.staging.appendingPathComponent("public"), only: written, owner: { _ in nil },
                                    alreadyPassed: { work.passedBefore && PublicationGate.passedLastNight($0, writer: output) })
        guard found.isEmpty else { throw PublicationGateError(findings: found) }
        return StageOutcome()
    }

    /// Log rows decoded at once (in chunks of 256 on every core).
    static let decodeBatch = 8192

    /// Every row of the log decoded into the decision the site shows, its repeated values sharing one String (`SharedStrings`):
    /// the rows that hold their public case first, then tonight's changed rows from their staged file, then those as the last
    /// run left them, read from the store a batch at a time in one pass over its log. A row neither can give back stops the
    /// run rather than leave the portal.
    static func decisions(_ log: [String: PublicationRow], storePath: String?, staged: StagedPublications? = nil) throws -> [PublishedDecision] {
        var decisions: [PublishedDecision] = []
        decisions.reserveCapacity(log.count)
        let strings = SharedStrings()
        var batch: [PublicationRow] = []
        func decodeBatch() throws {
            let results = concurrentMap(batch, chunkSize: 256) { row in Result { try row.publishedDecision(strings: strings) } }
            batch = []
            for result in results { decisions.append(try result.get()) }
        }
        func add(_ row: PublicationRow) throws {
            batch.append(row)
            if batch.count == Self.decodeBatch { try decodeBatch() }
        }
        for row in log.values where row.holdsPublicCase { try add(row) }
        var fromStaged = Set<String>()
        if let staged {
            // The staged rows are the log's as the portal left them (final), with their public cases.
            try StagedPublications.forEachBlock(in: staged.path) { rows in
                for row in rows where log[row.caseID]?.holdsPublicCase == false {
                    fromStaged.insert(row.caseID)
                    try add(row)
                }
            }
        }
        let letGo = log.count - decisions.count - batch.count
        if letGo > 0, let storePath {
            try StateStore(path: storePath).forEachPublicCase { caseID, bytes in
                guard var row = log[caseID], !row.holdsPublicCase, !fromStaged.contains(caseID), !bytes.isEmpty else { return }
                row.publicCase = bytes
                try add(row)
            }
        }
        try decodeBatch()
        guard decisions.count == log.count else {
            let found = Set(decisions.map(\.decision.id))
            throw PublicationLogError(caseID: log.keys.sorted().first { !found.contains($0) } ?? "")
        }
        return decisions
    }
}

/// Writes the site's files (all but the decisions' own) into the staging area.
struct PortalSiteWriter {
    let config: PipelineConfig
    let writer: OutputWriter

    /// The site's parts are independent of each other and written on every core; the sitemap, which lists what they
    /// wrote, comes last. Returns the paths written or kept, relative to public/, for the gate's sweep.
    /// reports/index.html is the report stage's when it ran tonight (its copy, staged already, stays).
    func write(_ site: PortalSite) throws -> [String] {
        let sitemapEntries = SitemapEntries()
        let reportsIndexStaged = FileSystem.kind(writer.stagedPath(of: "public/reports/index.html")) != .missing
        let parts: [@Sendable () throws -> [String]] = PortalPages.siteParts(site, sitemapEntries: { sitemapEntries.set($0) }).map { part in
            { [writer] in
                var written: [String] = []
                try part { file in
                    if file.path == "reports/index.html", reportsIndexStaged { return }
                    try writer.writeUnlessSame(file.bytes, to: "public/" + file.path)
                    written.append(file.path)
                }
                return written
            }
        }
        let feeds: @Sendable () throws -> [String] = { [self] in try writeFeeds(site) }
        let results = concurrentMap(parts + [feeds], chunkSize: 1) { part in Result { try part() } }
        var written: [String] = []
        for result in results { written += try result.get() }
        try writer.writeUnlessSame(PortalFeeds.sitemap(site, pages: written, entries: sitemapEntries.value), to: "public/sitemap.xml")
        return written + ["sitemap.xml"]
    }

    /// The sitemap's entries as its part worked them out on another thread, for sitemap.xml after all parts.
    private final class SitemapEntries: @unchecked Sendable {
        private let lock = NSLock()
        private var entries: [PortalSitemap.Entry]?
        func set(_ value: [PortalSitemap.Entry]) { lock.withLock { entries = value } }
        var value: [PortalSitemap.Entry]? { lock.withLock { entries } }
    }

    /// decisions.xml, checked against its schema, and the Atom feed. Returns their paths.
    private func writeFeeds(_ site: PortalSite) throws -> [String] {
        let xsd: String
        do {
            xsd = try String(contentsOf: config.feedSchemaURL, encoding: .utf8)
        } catch {
            throw ConfigError(file: config.sourceName, line: nil, key: "feed_schema", problem: "无法读取 \(config.feedSchemaURL.path)。")
        }
        let schema = try XMLSchema(xsd: xsd, name: config.feedSchemaURL.lastPathComponent)
        // Written a piece at a time and validated as read back from the staging area: the feed of every
        // decision is never whole in memory. A feed that fails stops the run, and the staging area goes unpublished.
        let feed = try writer.streamUnlessSame(to: "public/feeds/decisions.xml") { emit in try PortalFeeds.decisionsXML(site, emit: emit) }
        let problems = schema.validate(file: feed, name: "decisions.xml")
        guard problems.isEmpty else { throw FeedValidationError(problems: problems) }
        try writer.writeUnlessSame(PortalFeeds.atom(site), to: "public/feeds/atom.xml")
        return ["feeds/decisions.xml", "feeds/atom.xml"]
    }
}

extension PublicationRow {
    /// The public case the row holds (a row that cannot be read back stops the run: its decision would silently leave the portal).
    func decodedPublicCase() throws -> PublicCase {
        do {
            return try JSONDecoder().decode(PublicCase.self, from: Data(publicCase))
        } catch {
            throw PublicationLogError(caseID: caseID)
        }
    }

    /// The decision the portal shows for the row; repeated values share one String when `strings` is given.
    func publishedDecision(strings: SharedStrings?) throws -> PublishedDecision {
        var decision = try decodedPublicCase()
        if let strings { decision = decision.sharingStrings(strings.share) }
        return PublishedDecision(decision: decision, indexNo: indexNo, publishedOn: publishedOn, deadline: deadline,
                                 withdrawnOn: withdrawnOn, withdrawalReason: withdrawalReason, pdfPath: pdfPath)
    }
}
