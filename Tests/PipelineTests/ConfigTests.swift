import CaseModel
import Disclosure
import Documents
import Foundation
import Review
import Ingest
@testable import Pipeline
import Typesetting
import XCTest

final class ConfigTests: XCTestCase {
    let base = URL(fileURLWithPath: "/srv/sanxiang")

    func testTheRepositoryConfigLoads() throws {
        let config = try ConfigLoader.load(file: Repo.root.appendingPathComponent("pipeline.yml"))
        XCTAssertEqual(config.stages, [.ingest, .render, .portal, .report, .supervision, .archive])
        XCTAssertEqual(config.disclosurePolicy, FieldPolicy.defaults, "pipeline.yml states the built-in field policy")
        XCTAssertEqual(config.legalReview.catalogue.titlesContaining, ["重大公共利益"])
        XCTAssertEqual(config.legalReview.catalogue.fineAtLeast[.legalPerson], Yuan(yuan: 100_000))
        // The catalogue's 较大数额 and the hearing's (第六十三条) are set apart; a 个体工商户 hears as a 公民.
        XCTAssertEqual(config.legalReview.catalogue, MajorDecisionCatalogue().with(titles: ["重大公共利益"]),
                       "pipeline.yml states the built-in amounts")
        XCTAssertEqual(config.legalReview.catalogue.hearingFineAtLeast[.individualBusiness], Yuan(yuan: 5_000))
        XCTAssertEqual(config.legalReview.catalogue.fineAtLeast[.individualBusiness], Yuan(yuan: 100_000))
        XCTAssertEqual(config.legalReview.recheck.answerWorkingDays, 2)
        XCTAssertEqual(config.documentRules.sorted { $0.kind < $1.kind }, DocumentRule.defaults.sorted { $0.kind < $1.kind },
                       "pipeline.yml's documents section states the built-in mapping")
        XCTAssertEqual(config.signingKeyURL.path, Repo.root.appendingPathComponent("Output/archive-signing.key").path)
        XCTAssertEqual(config.calendarURL.path, Repo.root.appendingPathComponent("Templates/calendar/cn-working-days.json").path)
        XCTAssertEqual(config.fontsURL.path, Repo.root.appendingPathComponent("Fonts/fonts.yml").path)
        XCTAssertEqual(config.inputURL.path, Repo.root.appendingPathComponent("Examples/sample-export").path)
        XCTAssertEqual(config.stateStoreURL.path, Repo.root.appendingPathComponent("Output/state.sqlite").path)
        XCTAssertEqual(config.agencyDefaults.disclosureWorkingDays[.penalty], 7)
        XCTAssertEqual(config.agencyDefaults.disclosureWorkingDays[.inspection], 20)
        XCTAssertEqual(config.settings(forAgency: "11530400MA8602299H").annualReportDeadline, MonthDay("01-15"))
        XCTAssertEqual(config.settings(forAgency: "other").annualReportDeadline, MonthDay("01-20"))
        XCTAssertEqual(config.settings(forAgency: "other").annualReportWarningDays, 10)
    }

    /// state_store: a PostgreSQL URL puts the workers' shard queue there; the publish step's own
    /// records stay in the SQLite file of the output folder.
    func testAPostgresStateStoreIsTheShardQueue() throws {
        let config = try ConfigLoader.parse("output: out\nstate_store: postgresql://sanxiang@db:5432/sanxiang\n", file: "pipeline.yml",
                                            baseFolder: base)
        XCTAssertEqual(config.shardQueue, "postgresql://sanxiang@db:5432/sanxiang")
        XCTAssertEqual(config.stateStoreURL.path, "/srv/sanxiang/out/state.sqlite")
        let sqlite = try ConfigLoader.parse("state_store: night.sqlite\n", file: "pipeline.yml", baseFolder: base)
        XCTAssertNil(sqlite.shardQueue)
        XCTAssertEqual(sqlite.stateStoreURL.path, "/srv/sanxiang/Output/night.sqlite")
    }

    /// A state store that looks like a database address but is no PostgreSQL one is refused, naming the key and line,
    /// and never taken for a file path (a typo made a new SQLite store and the night's records went there); a password
    /// in it is not repeated.
    func testADatabaseAddressThatIsNotPostgreSQLIsRefused() {
        for wrong in ["postgresq://sanxiang:secret@db:5432/s", "postgresql:/srv/db", "POSTGRESQL:db", "mysql://u@db/s", "pg://db/s"] {
            XCTAssertNotNil(stateStoreAddressProblem(wrong), wrong)
            XCTAssertThrowsError(try ConfigLoader.parse("output: out\nstate_store: \"\(wrong)\"\n", file: "pipeline.yml", baseFolder: base)) { error in
                let config = error as? ConfigError
                XCTAssertEqual(config?.key, "state_store", wrong)
                XCTAssertEqual(config?.line, 2, wrong)
                XCTAssertFalse(config?.message.contains("secret") ?? true, "the password is masked: \(config?.message ?? "")")
            }
        }
        for right in ["postgresql://sanxiang@db:5432/s", "postgres://db/s", "night.sqlite", "/srv/state/night.sqlite", "state:2026.sqlite"] {
            XCTAssertNil(stateStoreAddressProblem(right), right)
        }
        XCTAssertEqual(maskingPassword("x://user:pw@host/db"), "x://user:***@host/db")
        XCTAssertEqual(maskingPassword("x://user@host/db"), "x://user@host/db")
    }

    func testUnknownKeyNamesKeyAndLine() {
        let yaml = "input: in\noutput: out\nstage:\n  - ingest\n"
        XCTAssertThrowsError(try ConfigLoader.parse(yaml, file: "pipeline.yml", baseFolder: base)) { error in
            let config = error as? ConfigError
            XCTAssertEqual(config?.key, "stage")
            XCTAssertEqual(config?.line, 3)
            XCTAssertTrue(config?.message.contains("第3行") ?? false)
        }
    }

    func testBadValuesNameKeyAndLine() {
        let cases: [(String, String, Int)] = [
            ("stages:\n  - ingest\n  - publish\n", "stages", 3),
            ("agencies:\n  defaults:\n    withdrawal_working_days: many\n", "agencies.defaults.withdrawal_working_days", 3),
            ("agencies:\n  defaults:\n    annual_report_deadline: \"02-30\"\n", "agencies.defaults.annual_report_deadline", 3),
            ("agencies:\n  defaults:\n    disclosure_working_days:\n      行政处分: 7\n", "agencies.defaults.disclosure_working_days.行政处分", 4),
            ("agencies:\n  \"12345\":\n    withdrawal_working_days: 3\n", "agencies.12345", 2),
            ("agencies:\n  defaults:\n    colour: red\n", "colour", 3),
            ("input: a\ninput: b\n", "input", 1),
            ("legal_review:\n  major_decisions:\n    penalty_kinds: [罚款, 枪毙]\n", "legal_review.major_decisions.penalty_kinds", 3),
            ("legal_review:\n  major_decisions:\n    fine_at_least: {自然人: 一万}\n", "legal_review.major_decisions.fine_at_least.自然人", 3),
            ("legal_review:\n  major_decisions:\n    hearing_held: maybe\n", "legal_review.major_decisions.hearing_held", 3),
            ("legal_review:\n  recheck_answer_working_days: 0\n", "legal_review.recheck_answer_working_days", 2),
            ("archive:\n  key: x\n", "key", 2),
            ("documents:\n  行政处罚决定书: {status: [作废]}\n", "documents.行政处罚决定书.status", 2),
            ("onsite_numbers:\n  \"1\": {prefix: \"A{year}\", first: 1, last: 10}\n  \"2\": {prefix: \"A{year}\", first: 5, last: 20}\n", "onsite_numbers", 2),
            ("onsite_numbers:\n  \"1\": {prefix: \"A〔2026〕\", first: 1, last: 10}\n", "onsite_numbers.1.prefix", 2),
            ("field_form:\n  paper: B5\n", "field_form.paper", 2),
            ("input: a\nrender_processes: -1\n", "render_processes", 2),
            ("render_processes: auto\n", "render_processes", 1),
        ]
        for (yaml, key, line) in cases {
            XCTAssertThrowsError(try ConfigLoader.parse(yaml, file: "pipeline.yml", baseFolder: base), yaml) { error in
                XCTAssertEqual((error as? ConfigError)?.key, key, yaml)
                XCTAssertEqual((error as? ConfigError)?.line, line, yaml)
            }
        }
    }

    func testRenderProcesses() throws {
        XCTAssertNil(try ConfigLoader.parse("input: a\n", file: "pipeline.yml", baseFolder: base).renderProcesses, "not set: one per core")
        XCTAssertEqual(try ConfigLoader.parse("render_processes: 0\n", file: "pipeline.yml", baseFolder: base).renderProcesses, 0)
        XCTAssertEqual(try ConfigLoader.parse("render_processes: 6\n", file: "pipeline.yml", baseFolder: base).renderProcesses, 6)
    }

    /// portal.site: every footer field; the repository's values are examples, marked as such.
    func testPortalSiteSettings() throws {
        let repository = try ConfigLoader.load(file: Repo.root.appendingPathComponent("pipeline.yml"))
        XCTAssertEqual(repository.portalSite.name, "示例县行政执法公示平台")
        XCTAssertEqual(repository.portalSite.siteCode, "0000000000")
        XCTAssertEqual(repository.portalSitemapLimit, 50_000)
        let yaml = """
            portal:
              base_url: "https://gs.example.gov.cn/"
              site:
                name: 某县行政执法公示平台
                jurisdiction: 某省某市某县
                sponsor: 某县司法局
                contact: 0000-1234567
                site_code: "1234567890"
                icp: 某ICP备12345678号
                police_record: 某公网安备12345678901234号
              sitemap_limit: 1000

            """
        let config = try ConfigLoader.parse(yaml, file: "pipeline.yml", baseFolder: base)
        let site = config.portalSite
        XCTAssertEqual([site.name, site.jurisdiction, site.sponsor, site.contact, site.siteCode, site.icp, site.policeRecord],
                       ["某县行政执法公示平台", "某省某市某县", "某县司法局", "0000-1234567", "1234567890", "某ICP备12345678号", "某公网安备12345678901234号"])
        XCTAssertEqual(config.portalBaseURL, "https://gs.example.gov.cn/")
        XCTAssertEqual(config.portalSitemapLimit, 1000)
        for (bad, key, line) in [("portal:\n  site:\n    colour: red\n", "colour", 3),
                                 ("portal:\n  site:\n    name: \"\"\n", "portal.site.name", 3),
                                 ("portal:\n  sitemap_limit: 0\n", "portal.sitemap_limit", 2),
                                 ("portal:\n  base_url: zfgs.example.gov.cn\n", "portal.base_url", 2)] {
            XCTAssertThrowsError(try ConfigLoader.parse(bad, file: "pipeline.yml", baseFolder: base), bad) { error in
                XCTAssertEqual((error as? ConfigError)?.key, key, bad)
                XCTAssertEqual((error as? ConfigError)?.line, line, bad)
            }
        }
    }

    /// `disclosure.public_shapes` adds to the built-in allow-list, and the redaction of a run uses it:
    /// a quantity in a local unit survives only once the unit is configured.
    func testPublicShapesAddToTheAllowList() throws {
        let yaml = """
            input: in
            output: out
            disclosure:
              public_shapes:
                units: [垧, 方]
                latin_words: [lidar]
            """
        let config = try ConfigLoader.parse(yaml, file: "pipeline.yml", baseFolder: base)
        XCTAssertTrue(config.publicShapes.units.contains("垧"))
        XCTAssertTrue(config.publicShapes.units.contains("平方米"), "the built-in units stay")
        XCTAssertTrue(config.publicShapes.latinWords.contains("LIDAR"))

        let ingest = try ExportReader.read(folder: Repo.sample, options: IngestOptions(asOf: CivilDate(iso: "2026-01-10")!))
        let agencies = Dictionary(ingest.agencies.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        let officers = Dictionary(ingest.officers.map { ($0.certNo, $0) }, uniquingKeysWith: { first, _ in first })
        let redaction = PublicCopy.redaction(config, ingest)
        guard var item = ingest.cases.first(where: {
            redaction.redact($0, agency: agencies[$0.agencyCode], officers: officers).publicCase?.facts?.isEmpty == false
        }) else { return XCTFail("no published case with facts") }
        item.facts = "经查，当事人擅自开垦林地12345垧。"
        func publishedFacts(_ config: PipelineConfig) -> String {
            PublicCopy.redaction(config, ingest).redact(item, agency: agencies[item.agencyCode], officers: officers)
                .publicCase?.facts ?? ""
        }
        XCTAssertTrue(publishedFacts(config).contains("12345垧"), publishedFacts(config))
        XCTAssertFalse(publishedFacts(PipelineConfig(baseFolder: base)).contains("12345"), "without the unit, a five-digit run is removed")

        XCTAssertThrowsError(try ConfigLoader.parse(yaml.replacingOccurrences(of: "[垧, 方]", with: "[垧, \"12\"]"),
                                                    file: "pipeline.yml", baseFolder: base)) { error in
            XCTAssertEqual((error as? ConfigError)?.key, "disclosure.public_shapes.units")
        }
    }

    func testSyntaxErrorsGiveALine() {
        XCTAssertThrowsError(try ConfigLoader.parse("input: [unclosed\n", file: "pipeline.yml", baseFolder: base)) { error in
            XCTAssertNotNil((error as? ConfigError)?.line)
        }
    }

    func testPrintingSettings() throws {
        let yaml = "printing:\n  format: ps\n  printable_area_mm:\n    top: 8\n    left: 12\n"
        let config = try ConfigLoader.parse(yaml, file: "pipeline.yml", baseFolder: base)
        XCTAssertEqual(config.printing.format, .postscript)
        XCTAssertEqual(config.printing.printableArea, PrintableArea(top: 8, right: 5, bottom: 5, left: 12))
        XCTAssertThrowsError(try ConfigLoader.parse("printing:\n  format: tiff\n", file: "pipeline.yml", baseFolder: base)) {
            XCTAssertEqual(($0 as? ConfigError)?.key, "printing.format")
            XCTAssertEqual(($0 as? ConfigError)?.line, 2)
        }
    }

    func testOverridesStartFromTheDefaults() throws {
        let yaml = """
        agencies:
          "91350100M000100Y43":
            withdrawal_working_days: 5
          defaults:
            annual_report_deadline: "01-31"
        """
        let config = try ConfigLoader.parse(yaml, file: "pipeline.yml", baseFolder: base)
        let agency = config.settings(forAgency: "91350100M000100Y43")
        XCTAssertEqual(agency.withdrawalWorkingDays, 5)
        XCTAssertEqual(agency.annualReportDeadline, MonthDay("01-31"))
    }
}

/// Package.swift declares exactly what each target imports (Tests/Fixtures/check_imports.py).
final class PackageGraphTests: XCTestCase {
    func testPackageDeclaresExactlyWhatEachTargetImports() throws {
        let result = try Repo.run("/usr/bin/env", ["python3", Repo.root.appendingPathComponent("Tests/Fixtures/check_imports.py").path,
                                                   Repo.root.path])
        XCTAssertEqual(result.code, 0, result.output)
    }
}

private extension MajorDecisionCatalogue {
    func with(titles: [String]) -> MajorDecisionCatalogue {
        var copy = self
        copy.titlesContaining = titles
        return copy
    }
}
