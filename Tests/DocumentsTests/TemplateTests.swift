import CaseModel
@testable import Documents
import Foundation
import TestSupport
import XCTest

final class TemplateTests: XCTestCase {
    private let data: TemplateValue = .object([
        "party": .object(["name": .text("张三<甲>&乙"), "is_person": .flag(true)]),
        "evidence": .list([.text("笔录"), .text("照片")]),
        "officers": .list([.object(["name": .text("李四"), "cert": .text("001")]), .object(["name": .text("王五"), "cert": .text("002")])]),
        "empty": .text(""),
    ])

    func testVariablesAreEscapedAndSectionsRepeat() throws {
        let template = try Template("当事人：{{party.name}}；{{#evidence}}[{{.}}]{{/evidence}}{{#officers}}{{name}}({{cert}}){{/officers}}",
                                    file: "t.xml")
        XCTAssertEqual(template.render(data), "当事人：张三&lt;甲&gt;&amp;乙；[笔录][照片]李四(001)王五(002)")
    }

    func testTruthAndInvertedSections() throws {
        let template = try Template("{{#party.is_person}}自然人{{/party.is_person}}{{^empty}}无{{/empty}}{{#empty}}有{{/empty}}{{^missing}}缺{{/missing}}{{! 注释 }}",
                                    file: "t.xml")
        XCTAssertEqual(template.render(data), "自然人无缺")
    }

    func testMistakesNameTheFileAndLine() {
        XCTAssertThrowsError(try Template("第一行\n{{#evidence}}\n未结束", file: "a.xml")) { error in
            XCTAssertEqual((error as? TemplateError)?.line, 2)
            XCTAssertTrue((error as? TemplateError)?.message.contains("a.xml") ?? false)
        }
        XCTAssertThrowsError(try Template("{{/evidence}}", file: "b.xml"))
        XCTAssertThrowsError(try Template("{{当事人}}", file: "c.xml"))
        XCTAssertThrowsError(try Template("{{party.name", file: "d.xml"))
    }

    func testMarkupBecomesTheDocumentModel() throws {
        let markup = """
            <document title="T" author="A" keywords="x;y" created="2025-03-14" page-numbers="page-of-total">
              <requires><element name="当事人" basis="第五十九条"><part>甲</part><part></part></element></requires>
              <title><line>某局</line><line>决定书</line></title>
              <number>玉水罚〔2025〕17号</number>
              <kv key="当事人：">甲</kv>
              <p>第一行
                 接着写</p>
              <table><column width="1" align="center">序号</column><row><cell>1</cell></row></table>
            </document>
            """
        let (document, elements) = try DocumentMarkup.read(markup, file: "m.xml")
        XCTAssertEqual(document.metadata.keywords, ["x", "y"])
        XCTAssertEqual(document.blocks.count, 5)
        if case .paragraph(let text) = document.blocks[3] { XCTAssertEqual(text, "第一行接着写") } else { XCTFail() }
        XCTAssertEqual(elements.first?.isPresent, false, "a blank part makes the element missing")
        XCTAssertThrowsError(try DocumentMarkup.read("<document><p>unclosed</document>", file: "bad.xml")) { error in
            XCTAssertTrue((error as? TemplateError)?.message.contains("bad.xml") ?? false)
        }
        XCTAssertThrowsError(try DocumentMarkup.read("<document><marquee/></document>", file: "odd.xml"))
    }
}

final class DocumentRuleTests: XCTestCase {
    func testConditionsAllHoldForARuleToApply() throws {
        let withdrawn = try XCTUnwrap(DocumentFixtures.plans.first { $0.item.status == .withdrawn }?.item)
        var rule = DocumentRule(kind: "x")
        rule.actionTypes = [withdrawn.actionType]
        XCTAssertTrue(rule.applies(to: withdrawn, reviewed: false))
        rule.statuses = [.inForce, .changed]
        XCTAssertFalse(rule.applies(to: withdrawn, reviewed: false))
        rule.statuses = []
        rule.reviewed = true
        XCTAssertFalse(rule.applies(to: withdrawn, reviewed: false))
        XCTAssertTrue(rule.applies(to: withdrawn, reviewed: true))
        rule.titleContains = ["不会出现的字词"]
        XCTAssertFalse(rule.applies(to: withdrawn, reviewed: true))
    }

    /// The words of title_contains, decision_contains and decision_lacks are found as Foundation's `contains` finds
    /// them (the rules search byte for byte): on every fixture case, with words taken from its own title and decision,
    /// words of the default rules and words it lacks.
    func testTheRulesWordsAreFoundAsFoundationFindsThem() throws {
        var random = SplitMix64(seed: 0x7E57)
        func word(of text: String) -> String {
            let characters = Array(text)
            guard !characters.isEmpty else { return "" }
            let from = random.next(below: characters.count)
            return String(characters[from..<min(characters.count, from + 1 + random.next(below: 4))])
        }
        let fixed = ["责令", "不予", "查封", "扣押", "强制执行", "拆除", "代履行", "罚款", "。", "（", "不会出现的字词"]
        var checked = 0
        for plan in DocumentFixtures.plans {
            let item = plan.item
            for _ in 0..<12 {
                let words = [word(of: item.title), word(of: item.decision), fixed[random.next(below: fixed.count)]]
                var rule = DocumentRule(kind: "x")
                rule.titleContains = [words[0], words[2]]
                XCTAssertEqual(rule.applies(to: item, reviewed: false), item.title.contains(words[0]) || item.title.contains(words[2]))
                rule = DocumentRule(kind: "x")
                rule.decisionContains = [words[1]]
                rule.decisionLacks = [words[2]]
                XCTAssertEqual(rule.applies(to: item, reviewed: false), item.decision.contains(words[1]) && !item.decision.contains(words[2]),
                               "\(item.decision) / \(words)")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 100)
    }
}
