import CaseModel
@testable import Disclosure
import XCTest

/// Removed clauses read as （个人信息已作技术处理）, never as a row of bare labels.
final class ReadabilityTests: XCTestCase {
    private func redact(_ text: String, people: [String] = []) throws -> String {
        try TextRedactor(texts: [text], people: people, kept: ["李振华"], shapes: PublicShapes(publicPhones: ["0877-2058123"]), tradeSecrets: [],
                         lexicon: Lexicon.standard.get()).redact(text)
    }

    func testLabelsGoWithWhatTheyIntroduced() throws {
        let output = try redact("当事人张德福，身份证号码53040219850312123X，住云南省玉溪市红塔区北苑路174号，联系电话13987654321。", people: ["张德福"])
        XCTAssertEqual(output, "当事人张某，（个人信息已作技术处理），住云南省玉溪市红塔区，（个人信息已作技术处理）。")
    }

    func testAdjacentRemovalsBecomeOneMarker() throws {
        let output = try redact("联系方式：13987654321、13887654321，微信号zhang_df88。")
        XCTAssertEqual(output, "（个人信息已作技术处理）。")
    }

    func testABracketHoldingOnlyRemovedDataReadsAsOneMarker() throws {
        XCTAssertEqual(try redact("证人王建国（联系电话：13887654321）证实，"), "证人王某（个人信息已作技术处理）证实，")
    }

    func testAgesOfMinorsGoQuietly() throws {
        XCTAssertEqual(try redact("其子（15岁）林森在店内帮忙。"), "其子林某在店内帮忙。")
        XCTAssertEqual(try redact("当事人（45岁）在店内。"), "当事人（45岁）在店内。")
    }

    func testSensitiveClausesAreReplacedNotLeftHalf() throws {
        XCTAssertEqual(try redact("当事人陈述其患有糖尿病，行动不便，请求从轻处罚。"), "（个人信息已作技术处理），行动不便，请求从轻处罚。")
        XCTAssertEqual(try redact("依据《中华人民共和国传染病防治法》第七十三条，"), "依据《中华人民共和国传染病防治法》第七十三条，")
    }

    func testSameSurnameGetsOrdinals() throws {
        let output = try redact("张德福的哥哥张德贵也参与了经营，张德福称不知情。")
        XCTAssertEqual(output, "张某甲的哥哥张某乙也参与了经营，张某甲称不知情。")
    }

    func testTradeSecretsAndTheBenchSmoke() throws {
        let secret = "其核心配方为硫酸铜12%、石灰88%"
        let redactor = try TextRedactor(texts: [], people: [], kept: [], shapes: .defaults, tradeSecrets: [secret], lexicon: Lexicon.standard.get())
        XCTAssertEqual(redactor.redact("经查，\(secret)，产品已销售。"), "经查，（涉及商业秘密，不予公开），产品已销售。")
        XCTAssertEqual(redactor.removedByKind["商业秘密"], 1)
        // The benchmark runs and its gate finds nothing the redaction let through (no timing asserted).
        let set = RedactionBench.syntheticCases(count: 40)
        let figures = try RedactionBench.run(cases: set.cases, agencies: set.agencies, officers: set.officers)
        XCTAssertEqual(figures.published, 40)
        XCTAssertEqual(figures.gateHits, 0)
    }

    /// Ordinals follow first appearance and never move when a later text brings another person of
    /// the same surname: the dictionary's order (which differs between processes) must not decide.
    func testOrdinalsKeepTheirPlaceWhenMoreNamesArrive() throws {
        let given = ["德福", "建国", "秀英", "永胜", "海燕", "玉兰", "金龙", "宏伟", "天佑", "志强", "丽华", "春生"]
        for surname in ["郑", "王", "欧阳"] {
            for start in 0..<given.count {
                let names = (0..<4).map { surname + given[(start + $0 * 5) % given.count] }
                let first = "证人\(names[0])、\(names[1])、\(names[2])证实。"
                let redactor = try TextRedactor(texts: [first], people: [], kept: [], shapes: .defaults, tradeSecrets: [],
                                                lexicon: Lexicon.standard.get())
                let expected = "证人\(surname)某甲、\(surname)某乙、\(surname)某丙证实。"
                XCTAssertEqual(redactor.redact(first), expected, names.joined(separator: " "))
                let later = "证人\(names[3])与\(names[2])、\(names[0])证实。"
                XCTAssertEqual(redactor.redact(later), "证人\(surname)某丁与\(surname)某丙、\(surname)某甲证实。", names.joined(separator: " "))
                XCTAssertEqual(redactor.redact(first), expected, "unchanged after: " + names.joined(separator: " "))
            }
        }
    }

    /// The review queue's view: what was removed or replaced, and which names the model was unsure of.
    func testReviewSegmentsShowWhatChanged() throws {
        let text = "证人王建国（联系电话13887654321）证实，当日谭永胜在河道内采砂。"
        let redactor = try TextRedactor(texts: [text], people: [], kept: [], shapes: .defaults, tradeSecrets: [], lexicon: Lexicon.standard.get())
        let segments = redactor.review(text)
        XCTAssertEqual(segments.map(\.original).joined(), text)
        XCTAssertEqual(segments.first { $0.original == "王建国" }?.published, "王某")
        XCTAssertEqual(segments.first { $0.original == "王建国" }?.uncertain, false, "after 证人 the name is certain")
        XCTAssertEqual(segments.first { $0.original.contains("13887654321") }?.kind, .phone)
        XCTAssertEqual(segments.first { $0.original == "谭永胜" }?.uncertain, true, "no role word before, only 在 after: the 法制科 should look")
        XCTAssertEqual(redactor.uncertainCount, 1)
    }
}
