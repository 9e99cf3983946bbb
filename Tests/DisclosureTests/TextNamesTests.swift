import CaseModel
@testable import Disclosure
import TestSupport
import XCTest

/// A night takes an unchanged case's names from the night before (`TextNames`, read with no name kept)
/// and reads again only a case where a kept name changes the reading. The names the gate index gets must be
/// those the finder that keeps the export's public names reads in every case, whichever names are kept.
final class TextNamesTests: XCTestCase {
    private let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤").map(String.init)
    private let given = Array("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国德福春梅志红宏海波琴玉兰淑珍晓燕凤云秀兰慧桂芝俊峰瑶婷").map(String.init)
    private let minorityNames = ["阿依古丽·买买提", "买买提·艾力", "古丽娜尔·吐尔逊", "热合曼·阿不都", "帕尔哈提·肉孜",
                                 "迪丽努尔·阿布都", "艾尔肯·吐逊", "努尔兰·沙依兰"]
    private let before = ["证人", "经办人", "现场负责人", "据", "当事人之妻", "邻居", "", "", "对", "询问"]
    private let after = ["称", "陈述", "在场", "的询问笔录", "二人", "提供了照片", "", "签字确认", "与", "、"]
    private let fillers = ["执法人员在河道巡查时发现，", "经查，", "现场有挖掘机一台，", "当事人未办理取水许可，", "林业主管部门于当日立案，",
                           "用水高峰期间，", "安全帽若干，", "John SMITH 在场，", "ZHANG Wei 提供了合同，", "何氏实业仓库内，"]

    private func chineseName(_ random: inout SplitMix64) -> String {
        surnames[random.next(below: surnames.count)] + (0..<(1 + random.next(below: 2))).map { _ in given[random.next(below: given.count)] }.joined()
    }

    private func text(_ random: inout SplitMix64, people: [String]) -> String {
        (0..<(3 + random.next(below: 6))).map { _ -> String in
            guard random.next(below: 3) > 0 else { return fillers[random.next(below: fillers.count)] }
            let person = people[random.next(below: people.count)]
            return before[random.next(below: before.count)] + person + after[random.next(below: after.count)] + fillers[random.next(below: fillers.count)]
        }.joined()
    }

    /// Cases whose texts name people from a shared pool, minority names among them, and a kept set that
    /// holds some of each kind (an officer, organisations' legal representatives).
    private func corpus(seed: UInt64, count: Int) -> (cases: [EnforcementCase], kept: Set<String>) {
        var random = SplitMix64(seed: seed)
        let people = (0..<40).map { _ in chineseName(&random) } + minorityNames
        let kept = Set((0..<12).map { _ in people[random.next(below: people.count)] } + minorityNames.filter { _ in random.next(below: 2) == 0 })
        let cases = (0..<count).map { number -> EnforcementCase in
            var item = Fixtures.case(id: "C-\(number)", partyType: .naturalPerson, name: chineseName(&random), idType: .residentID,
                                     idNumber: "53040219850312123X", facts: text(&random, people: people),
                                     evidence: (0..<random.next(below: 3)).map { _ in text(&random, people: people) })
            item.title = random.next(below: 4) == 0 ? text(&random, people: people) : item.title
            item.discretion = random.next(below: 3) == 0 ? text(&random, people: people) : ""
            item.statusReason = random.next(below: 5) == 0 ? text(&random, people: people) : ""
            return item
        }
        return (cases, kept)
    }

    /// What the finder that keeps `kept` reads in one case, as the index takes it (no kept name, none Latin, three characters or more).
    private func keptReading(_ item: EnforcementCase, _ finder: NameFinder) -> [String] {
        ([item.title, item.facts, item.discretion, item.decision, item.statusReason] + item.evidence).filter { !$0.isEmpty }.flatMap { text in
            finder.names(in: TextRedactor.unpad(Chars.scalars(text))).filter { $0.kind != .latin && $0.name.count >= 3 }.map(\.name)
        }.filter { !finder.kept.contains($0) }
    }

    func testNamesReadWithNothingKeptGiveWhatTheKeepingFinderReads() throws {
        let lexicon = try Lexicon.standard.get()
        var differingCases = 0
        for seed: UInt64 in [3, 17, 2026] {
            let (cases, kept) = corpus(seed: seed, count: 300)
            let finder = NameFinder(lexicon: lexicon, kept: kept)
            let unkept = PersonalValueIndex.textNames(of: cases, lexicon: lexicon)
            XCTAssertEqual(unkept.count, cases.count)
            for (position, item) in cases.enumerated() {
                let expected = keptReading(item, finder)
                let single = PersonalValueIndex.namesInTexts(of: [item], unkept: [unkept[position]], finder: finder).filter { !kept.contains($0) }
                XCTAssertEqual(single, expected, "seed \(seed), \(item.id): \(item.facts)")
                // Leaving out the kept names is not enough where a kept minority name is read otherwise: such cases must exist here.
                if unkept[position].names.map(\.text).filter({ !kept.contains($0) }) != expected { differingCases += 1 }
            }
            let all = PersonalValueIndex.namesInTexts(of: cases, unkept: unkept, finder: finder).filter { !kept.contains($0) }
            XCTAssertEqual(all, cases.flatMap { keptReading($0, finder) }, "seed \(seed): every case, in case order")
        }
        XCTAssertGreaterThan(differingCases, 0, "the corpus has cases a kept minority name reads otherwise")
    }

    func testKnownNamesAreTakenAsGivenAndTheRestRead() throws {
        let lexicon = try Lexicon.standard.get()
        let (cases, _) = corpus(seed: 99, count: 60)
        let read = PersonalValueIndex.textNames(of: cases, lexicon: lexicon)
        XCTAssertTrue(read.contains { !$0.names.isEmpty }, "the corpus names people")
        XCTAssertTrue(read.contains { $0.names.contains(where: \.minority) }, "and minority names among them")
        let marker = TextNames(names: [TextNames.Name(text: "某某某", minority: false)])
        let mixed = PersonalValueIndex.textNames(of: cases, lexicon: lexicon) { $0 % 2 == 0 ? marker : nil }
        for position in cases.indices {
            XCTAssertEqual(mixed[position], position % 2 == 0 ? marker : read[position], "case \(position)")
        }
    }

    func testTheIndexIsTheSameWithNamesGivenOrRead() throws {
        let (cases, kept) = corpus(seed: 5, count: 200)
        let officers = kept.sorted().prefix(3).enumerated().map { number, name in
            Officer(certNo: "5304002167\(number)", name: name, agencyCode: Fixtures.agency.code, field: "水利",
                    validUntil: CivilDate(year: 2028, month: 1, day: 1) ?? CivilDate(dayNumber: 0), status: .active,
                    source: SourceRef(file: "officers.csv", row: number + 1))
        }
        let lexicon = try Lexicon.standard.get()
        let read = PersonalValueIndex.export(cases: cases, officers: officers, namesInText: true)
        let given = PersonalValueIndex.export(cases: cases, officers: officers, namesInText: true,
                                              textNames: PersonalValueIndex.textNames(of: cases, lexicon: lexicon))
        XCTAssertEqual(given.contentBytes(), read.contentBytes())
        // Names given are used as they are, not read again: one more given name is one more in the index. (Not in
        // a case that names someone with a minority name: one kept as an officer's makes it read again, as designed.)
        var extra = PersonalValueIndex.textNames(of: cases, lexicon: lexicon)
        let plain = try XCTUnwrap(extra.firstIndex { !$0.names.contains(where: \.minority) })
        extra[plain].names.append(TextNames.Name(text: "欧阳振宇", minority: false))
        let withExtra = PersonalValueIndex.export(cases: cases, officers: officers, namesInText: true, textNames: extra)
        XCTAssertEqual(withExtra.hits(in: "证人欧阳振宇称").map(\.kind), [.name])
        XCTAssertEqual(read.hits(in: "证人欧阳振宇称"), [])
    }
}
