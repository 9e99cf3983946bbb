import CaseModel
import Foundation
import XCTest

/// A long text of the export means the same wherever it is kept: equal, hashed and encoded as the text itself,
/// in memory or in a store; short texts and texts a store refuses stay in memory.
final class ExportTextTests: XCTestCase {
    /// A store in memory that can be told to refuse texts or to fail reads.
    final class ArrayStore: TextStore, @unchecked Sendable {
        var bytes: [UInt8] = []
        var refuses = false
        var failsReads = false
        private(set) var failures = 0

        func keep(_ piece: UnsafeBufferPointer<UInt8>) -> Int? {
            guard !refuses else { return nil }
            defer { bytes += piece }
            return bytes.count
        }

        func text(at offset: Int, length: Int) -> String {
            guard !failsReads else {
                failures += 1
                return ""
            }
            return String(decoding: bytes[offset..<offset + length], as: UTF8.self)
        }

        var failedReads: Int { failures }

        func discard() {
            bytes = []
            failsReads = true
        }
    }

    private let long = "当事人于2025年3月1日在红塔区某河道未经批准擅自取水，取水量约为一千二百立方米，违反了《中华人民共和国水法》第四十八条。"

    func testAStoredTextIsTheTextItself() throws {
        let store = ArrayStore()
        var stored = ExportText(long)
        stored.store(in: store)
        XCTAssertTrue(stored.isStored)
        XCTAssertFalse(store.bytes.isEmpty)
        XCTAssertEqual(stored.string, long)
        XCTAssertEqual(stored, ExportText(long))
        XCTAssertEqual(stored.hashValue, ExportText(long).hashValue)
        XCTAssertNotEqual(stored, ExportText(long + "。"))
        let encoder = JSONEncoder()
        XCTAssertEqual(try encoder.encode([stored]), try encoder.encode([long]))
        XCTAssertEqual(try JSONDecoder().decode([ExportText].self, from: try encoder.encode([stored])), [ExportText(long)])
        // Storing again changes nothing: the text is read from where it already is.
        let size = store.bytes.count
        stored.store(in: store)
        XCTAssertEqual(store.bytes.count, size)
        XCTAssertEqual(stored.string, long)
    }

    func testShortTextsAndRefusedTextsStayInMemory() {
        let store = ArrayStore()
        for text in ["", "罚款人民币伍仟元。", String(repeating: "a", count: ExportText.minimumStoredBytes - 1)] {
            var value = ExportText(text)
            value.store(in: store)
            XCTAssertFalse(value.isStored, text)
            XCTAssertEqual(value.string, text)
        }
        var atTheLine = ExportText(String(repeating: "b", count: ExportText.minimumStoredBytes))
        atTheLine.store(in: store)
        XCTAssertTrue(atTheLine.isStored)
        store.refuses = true
        var refused = ExportText(long)
        refused.store(in: store)
        XCTAssertFalse(refused.isStored)
        XCTAssertEqual(refused.string, long)
    }

    /// A case's encoding (the state store's content hash and the render keys are made from it) names its members as
    /// before the texts could be stored, and is the same with its texts stored; a text set again is in memory.
    func testACaseIsEncodedAsBeforeWithItsTextsStored() throws {
        let store = ArrayStore()
        var item = try Self.sampleCase(facts: long, decision: "责令立即停止违法行为，并处罚款人民币伍仟元整，限十五日内缴纳至指定账户。")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let before = try encoder.encode(item)
        item.storeTexts(in: store)
        XCTAssertTrue(item.factsText.isStored && item.decisionText.isStored)
        XCTAssertEqual(try encoder.encode(item), before)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: before) as? [String: Any])
        XCTAssertEqual(object["facts"] as? String, long)
        XCTAssertNil(object["factsText"])
        XCTAssertNil(object["decisionText"])
        XCTAssertEqual(try JSONDecoder().decode(EnforcementCase.self, from: before), item)
        item.facts = "改写后的违法事实。"
        XCTAssertFalse(item.factsText.isStored)
        XCTAssertEqual(item.facts, "改写后的违法事实。")

        var steps = ProcedureSteps(narrative: long)
        let stepsBefore = try encoder.encode(steps)
        steps.narrativeText.store(in: store)
        XCTAssertTrue(steps.narrativeText.isStored)
        XCTAssertEqual(try encoder.encode(steps), stepsBefore)
        XCTAssertNotNil((try JSONSerialization.jsonObject(with: stepsBefore) as? [String: Any])?["narrative"])
    }

    func testAReadThatFailsIsCounted() {
        let store = ArrayStore()
        var text = ExportText(long)
        text.store(in: store)
        store.failsReads = true
        XCTAssertEqual(text.string, "")
        XCTAssertEqual(store.failedReads, 1)
    }

    static func sampleCase(facts: String, decision: String) throws -> EnforcementCase {
        EnforcementCase(id: "YXSL-2025-000001", agencyCode: "91350100M000100Y43", actionType: .penalty, procedure: .ordinary,
                        docNo: "玉水罚〔2025〕17号", title: "未经批准擅自取水案",
                        party: Party(type: .naturalPerson, name: "张三", idType: nil, idNumber: "", legalRepresentative: "",
                                     address: "", phone: "", isMinor: false),
                        facts: facts, evidence: ["询问笔录1份"], violatedProvisions: "《中华人民共和国水法》第四十八条第一款",
                        penaltyProvisions: "《中华人民共和国水法》第六十九条", discretion: "初次违法。", decision: decision,
                        penaltyKinds: [], fine: nil, confiscation: nil, decisionDate: try XCTUnwrap(CivilDate(iso: "2025-03-14")),
                        servedDate: nil, officerCerts: ["A001", "A002"], major: false, hearing: false, reviewID: nil,
                        disclosure: .proactive, nondisclosureReason: nil, tradeSecretSpans: [], status: .inForce, statusDate: nil,
                        statusReason: "", updatedAt: nil, extra: [:], source: SourceRef(file: "cases.csv", row: 2))
    }
}
