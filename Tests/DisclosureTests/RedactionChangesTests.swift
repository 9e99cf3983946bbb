import CaseModel
@testable import Disclosure
import Foundation
import TestSupport
import XCTest

/// What lets a night reuse a case's redaction: the index finds the same values whatever order they were
/// added in, `changedForms` is exactly what differs between two nights' indexes, and where it finds
/// nothing both indexes (and the redactions made with them) agree.
final class RedactionChangesTests: XCTestCase {
    private struct Value {
        var text: String
        var kind: PersonalValueKind
    }

    /// Names sharing their first two or three characters (王小明, 王小明华), addresses sharing a street,
    /// numbers sharing a prefix: the values whose matches at one position used to come in the order added.
    private func pool(_ random: inout SplitMix64) -> [Value] {
        let surnames = Array("王李张刘陈")
        let given = Array("小明华强丽芳伟军")
        var out: [Value] = []
        var seen = Set<String>()
        while out.count < 60 {
            let length = 2 + random.next(below: 3)
            let text = String(surnames[random.next(below: surnames.count)])
                + String((1..<length).map { _ in given[random.next(below: given.count)] })
            if seen.insert(text).inserted { out.append(Value(text: text, kind: .name)) }
        }
        for number in 0..<20 {
            out.append(Value(text: "北苑路\(100 + number % 7)号\(number % 3 == 0 ? "" : "\(number)栋")", kind: .address))
            out.append(Value(text: "139876\(String(format: "%05d", number * 37))", kind: .phone))
        }
        return out
    }

    private func add(_ value: Value, to index: PersonalValueIndex) {
        switch value.kind {
        case .name: index.addName(value.text)
        case .address: index.addAddress(value.text)
        case .phone: index.addPhone(value.text)
        default: index.addOther(value.text)
        }
    }

    private func index(_ values: [Value], seats: [String] = []) -> PersonalValueIndex {
        let index = PersonalValueIndex()
        for value in values { add(value, to: index) }
        for seat in seats { index.addPublicSeat(seat) }
        return index
    }

    /// A text made of values and filler, each value followed by a character that may extend it.
    private func text(_ values: [Value], _ random: inout SplitMix64, count: Int = 12) -> String {
        let filler = ["称", "在场", "华", "的询问", "，", "住", "家中", "电话", "明天", "室"]
        var out = "经查，"
        for _ in 0..<count {
            out += values[random.next(below: values.count)].text + filler[random.next(below: filler.count)]
        }
        return out
    }

    private func described(_ matches: [PersonalValueIndex.Match]) -> [String] {
        matches.map { "\($0.range.lowerBound)-\($0.range.upperBound) \($0.kind.rawValue) \($0.canonicalOffset)+\($0.canonicalLength)" }
    }

    private func shuffled<T>(_ items: [T], _ random: inout SplitMix64) -> [T] {
        var items = items
        for position in stride(from: items.count - 1, to: 0, by: -1) { items.swapAt(position, random.next(below: position + 1)) }
        return items
    }

    func testMatchesDoNotDependOnTheOrderValuesWereAdded() {
        for seed in [1, 2, 3] as [UInt64] {
            var random = SplitMix64(seed: seed)
            let values = pool(&random)
            let first = index(values), second = index(shuffled(values, &random))
            XCTAssertEqual(Set(first.formLines().split(separator: 0x0A)), Set(second.formLines().split(separator: 0x0A)))
            XCTAssertTrue(first.changedForms(since: second.formLines()).isEmpty)
            for _ in 0..<200 {
                let scalars = Chars.scalars(text(values, &random))
                XCTAssertEqual(described(first.matches(in: scalars)), described(second.matches(in: scalars)), "seed \(seed)")
            }
        }
    }

    /// Two nights whose indexes share most values: where the changed forms find nothing in a text, both
    /// nights' indexes find the same values in it, and the gate (with its seats) the same hits.
    func testWhereNoChangedFormIsFoundBothNightsFindTheSame() {
        var compared = 0, flagged = 0
        for seed in [11, 12, 13, 14] as [UInt64] {
            var random = SplitMix64(seed: seed)
            let values = pool(&random)
            let lastNight = values.filter { _ in random.next(below: 25) != 0 }
            var tonight = values.filter { _ in random.next(below: 25) != 0 }
            // One value indexed under another kind tonight.
            if let renamed = tonight.indices.first(where: { tonight[$0].kind == .name && tonight[$0].text.count >= 3 }) {
                tonight[renamed].kind = .address
            }
            let seatsBefore = ["云南省玉溪市红塔区北苑路101号", "云南省玉溪市红塔区北苑路103号"]
            let seatsAfter = ["云南省玉溪市红塔区北苑路101号", "云南省玉溪市红塔区北苑路105号"]
            let before = index(shuffled(lastNight, &random), seats: seatsBefore)
            let after = index(shuffled(tonight, &random), seats: seatsAfter)
            let changed = after.changedForms(since: before.formLines())
            XCTAssertFalse(changed.isEmpty)
            for _ in 0..<300 {
                let sample = text(values, &random, count: 4) + (random.next(below: 3) == 0 ? "，云南省玉溪市红塔区北苑路10\(1 + 2 * random.next(below: 3))号" : "")
                guard changed.hits(in: sample).isEmpty else {
                    flagged += 1
                    continue
                }
                compared += 1
                let scalars = Chars.scalars(sample)
                XCTAssertEqual(described(before.matches(in: scalars)), described(after.matches(in: scalars)), sample)
                XCTAssertEqual(before.hits(in: sample).map(\.kind), after.hits(in: sample).map(\.kind), sample)
            }
        }
        // Neither side may be empty, or the test would prove nothing.
        XCTAssertGreaterThan(compared, 100)
        XCTAssertGreaterThan(flagged, 100)
    }

    /// The changed forms are exactly the values in one night's index only, or under another kind.
    func testChangedFormsAreTheValuesInOneNightOnly() {
        let before = index([Value(text: "欧阳春明", kind: .name), Value(text: "司马秋华", kind: .name), Value(text: "诸葛冬梅", kind: .name)])
        let after = index([Value(text: "司马秋华", kind: .name), Value(text: "诸葛冬梅", kind: .other), Value(text: "上官夏雨", kind: .name)])
        let changed = after.changedForms(since: before.formLines())
        XCTAssertFalse(changed.hits(in: "欧阳春明到场").isEmpty, "removed")
        XCTAssertFalse(changed.hits(in: "上官夏雨到场").isEmpty, "added")
        XCTAssertFalse(changed.hits(in: "诸葛冬梅到场").isEmpty, "kind changed")
        XCTAssertTrue(changed.hits(in: "司马秋华到场").isEmpty, "unchanged")
        XCTAssertTrue(after.changedForms(since: after.formLines()).isEmpty)
    }

    /// The property the portal relies on, on whole cases: with two nights' export indexes and minors'
    /// lists, a case the changes are not found in redacts to the same public case and report.
    func testACaseTheChangesAreNotFoundInRedactsAsTheOtherNight() throws {
        let (cases, officers, agencies) = RedactionBench.syntheticCases(count: 90, seed: 5)
        let officerTable = Dictionary(officers.map { ($0.certNo, $0) }, uniquingKeysWith: { first, _ in first })
        func redaction(_ part: ArraySlice<EnforcementCase>, minors: [String]) -> CaseRedaction {
            CaseRedaction(policy: .defaults, privateNames: minors,
                          index: PersonalValueIndex.export(cases: Array(part), officers: officers, namesInText: true))
        }
        let minorsBefore = [cases[3].party.name, cases[40].party.name].filter { $0.count >= 2 }
        let minorsAfter = [cases[40].party.name, cases[70].party.name].filter { $0.count >= 2 }
        let before = redaction(cases[0..<75], minors: minorsBefore), after = redaction(cases[15..<90], minors: minorsAfter)
        let beforeIndex = try XCTUnwrap(before.index), afterIndex = try XCTUnwrap(after.index)
        let changes = RedactionChanges(forms: afterIndex.changedForms(since: beforeIndex.formLines()),
                                       names: Set(minorsBefore).symmetricDifference(minorsAfter).sorted())
        var same = 0, mentioned = 0, differing = 0
        for item in cases {
            let agency = agencies[item.agencyCode]
            let old = before.redact(item, agency: agency, officers: officerTable)
            let new = after.redact(item, agency: agency, officers: officerTable)
            if after.mentions(changes, in: item) {
                mentioned += 1
                if old.publicCase != new.publicCase || old.report != new.report { differing += 1 }
                continue
            }
            same += 1
            XCTAssertEqual(old.publicCase, new.publicCase, item.id)
            XCTAssertEqual(old.report, new.report, item.id)
        }
        XCTAssertGreaterThan(same, 10)
        XCTAssertGreaterThan(mentioned, 10)
        // The check is needed: some mentioned cases do redact otherwise.
        XCTAssertGreaterThan(differing, 0)
    }
}
