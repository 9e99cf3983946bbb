import CaseModel
import Disclosure
import Foundation
@testable import Pipeline
import XCTest

/// A night reuses last night's redaction of a case only when nothing it read has changed: here an
/// unchanged case mentions a name that becomes a person's on the second night and stops being one on the
/// third. It must be redacted again both times, and every night equal a cold run of its export.
final class RedactionMemoTests: SampleCopyTestCase {
    private let asOf = CivilDate(iso: "2026-01-06")!
    /// Not a person in the sample; the mentioning case prints it as a shop's name until a party is so named.
    private let shopName = "江南春"

    private func night(into folder: URL? = nil) throws -> RunSummary {
        try PipelineRunner.run(RunRequest(config: try Repo.config(input: export, output: folder ?? output), asOf: asOf)).0
    }

    private func editCases(_ change: (inout [[String: Any]]) throws -> Void) throws {
        let url = export.appendingPathComponent("cases.json")
        var cases = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String: Any]])
        try change(&cases)
        try JSONSerialization.data(withJSONObject: cases).write(to: url)
    }

    /// The published JSON of a case, as the publication log holds it.
    private func publicJSON(_ id: String, in folder: URL? = nil) throws -> String {
        let store = try StateStore(path: (folder ?? output).appendingPathComponent("state.sqlite").path)
        let row = try XCTUnwrap(try store.publicationRows()[id], "\(id) is not on the portal")
        XCTAssertNil(row.withdrawnOn)
        return String(decoding: row.publicCase, as: UTF8.self)
    }

    private func assertEqualsAColdRun(_ label: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let cold = parent.appendingPathComponent("cold-\(label)")
        _ = try night(into: cold)
        try Repo.assertSameOutput(output, cold, "\(label): the rerun and a cold run", file: file, line: line)
    }

    func testAChangedExportWideNameRedactsAnUnchangedCaseAgain() throws {
        var mentioning = "", party = "", originalName = ""
        _ = try night()
        let onThePortal = try StateStore(path: output.appendingPathComponent("state.sqlite").path).publicationRows().filter { $0.value.withdrawnOn == nil }
        try editCases { cases in
            let published = cases.indices.filter { onThePortal[(cases[$0]["case_id"] as? String) ?? ""] != nil }
            let shop = try XCTUnwrap(published.first { cases[$0]["party_type"] as? String != "自然人" })
            let person = try XCTUnwrap(cases.indices.first { $0 != shop && cases[$0]["party_type"] as? String == "自然人" })
            cases[shop]["facts"] = "执法人员在\(shopName)饭店门前发现，" + ((cases[shop]["facts"] as? String) ?? "")
            mentioning = try XCTUnwrap(cases[shop]["case_id"] as? String)
            party = try XCTUnwrap(cases[person]["case_id"] as? String)
            originalName = try XCTUnwrap(cases[person]["party_name"] as? String)
        }
        _ = try night()
        XCTAssertTrue(try publicJSON(mentioning).contains(shopName), "night 1: \(shopName) is nobody's name yet")

        // Night 2: a party is called so; the mentioning case has not changed, but its redaction must.
        try editCases { cases in
            let index = try XCTUnwrap(cases.firstIndex { $0["case_id"] as? String == party })
            cases[index]["party_name"] = shopName
        }
        let second = try night()
        XCTAssertFalse(try publicJSON(mentioning).contains(shopName), "night 2: \(shopName) is a person's name now")
        let reused = try XCTUnwrap(second.portal?.redactionsReused)
        XCTAssertGreaterThan(reused, 0, "unchanged cases reuse last night's redaction")
        XCTAssertLessThan(reused, second.portal?.published ?? 0)
        try assertEqualsAColdRun("name added")

        // Night 3: the name leaves the index again.
        try editCases { cases in
            let index = try XCTUnwrap(cases.firstIndex { $0["case_id"] as? String == party })
            cases[index]["party_name"] = originalName
        }
        _ = try night()
        XCTAssertTrue(try publicJSON(mentioning).contains(shopName), "night 3: \(shopName) is nobody's name again")
        try assertEqualsAColdRun("name removed")

        // Night 4: nothing changed but the run is made again in full: every published case is reused.
        var request = RunRequest(config: try Repo.config(input: export, output: output), asOf: asOf)
        request.mayKeepUnchangedOutput = false
        let fourth = try PipelineRunner.run(request).0
        XCTAssertEqual(fourth.portal?.redactionsReused, fourth.portal?.published)
        try assertEqualsAColdRun("nothing changed")
    }

    /// A case whose texts have not changed takes last night's names read in them (`TextNames`) for the gate index.
    /// A minority name read there that becomes public tonight (an organisation's legal representative) makes the
    /// finder read that text otherwise, so the unchanged case is read again. Each night's gate index equals a
    /// cold run's. (Not the whole output: the public name now stops the organisation's own published page,
    /// and a withdrawal notice a cold run never had stays on the portal.)
    func testAnUnchangedCaseKeepsItsTextNamesUnlessAPublicMinorityNameReadsThemOtherwise() throws {
        let minority = "艾尔肯·吐逊"
        var mentioning = "", organisations: [String] = []
        try editCases { cases in
            let person = try XCTUnwrap(cases.indices.first { cases[$0]["party_type"] as? String == "自然人" })
            cases[person]["facts"] = "现场负责人\(minority)，用水高峰期间在场。" + ((cases[person]["facts"] as? String) ?? "")
            mentioning = try XCTUnwrap(cases[person]["case_id"] as? String)
            organisations = cases.filter { $0["party_type"] as? String == "法人" }.compactMap { $0["case_id"] as? String }
        }
        _ = try night()
        let store = { try StateStore(path: self.output.appendingPathComponent("state.sqlite").path) }
        let first = try XCTUnwrap(try store().redactionMemo())
        let read = try XCTUnwrap(first.textNames[mentioning], "every case's names are in the memo")
        XCTAssertTrue(read.names.names.contains(.init(text: minority, minority: true)), "\(read.names)")
        // An accepted organisation's case (the sample sets some cases aside: those have no key and no names).
        let organisation = try XCTUnwrap(organisations.first { first.textNames[$0] != nil })

        // Night 2: the minority name is the company's legal representative, public; the mentioning case is unchanged.
        try editCases { cases in
            let company = try XCTUnwrap(cases.firstIndex { $0["case_id"] as? String == organisation })
            cases[company]["legal_rep"] = minority
            cases[company]["facts"] = "证人欧阳振宇称，" + ((cases[company]["facts"] as? String) ?? "")
        }
        _ = try night()
        let second = try XCTUnwrap(try store().redactionMemo())
        XCTAssertEqual(second.textNames[mentioning], read, "an unchanged case's names read with nothing kept stay as they were")
        XCTAssertNotEqual(second.textNames[organisation]?.key, first.textNames[organisation]?.key, "the changed case has a new key")
        XCTAssertTrue(second.textNames[organisation]?.names.names.map(\.text).contains("欧阳振宇") == true, "and its texts read again")
        try assertSameGateIndexAsAColdRun("public minority name")

        // Night 3: nothing changed, the run made again in full: every case's names are last night's.
        var request = RunRequest(config: try Repo.config(input: export, output: output), asOf: asOf)
        request.mayKeepUnchangedOutput = false
        _ = try PipelineRunner.run(request)
        XCTAssertEqual(try store().redactionMemo()?.textNames, second.textNames)
        try assertSameGateIndexAsAColdRun("nothing changed")
    }

    /// The gate index (its forms and key) and every case's names read in its texts are those a cold run of the export works out.
    private func assertSameGateIndexAsAColdRun(_ label: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let cold = parent.appendingPathComponent("cold-\(label)")
        _ = try night(into: cold)
        func memo(_ folder: URL) throws -> RedactionMemo {
            try XCTUnwrap(try StateStore(path: folder.appendingPathComponent("state.sqlite").path).redactionMemo(), file: file, line: line)
        }
        func gateKey(_ folder: URL) throws -> String? {
            let record = try Data(contentsOf: folder.appendingPathComponent(UnchangedRun.recordName))
            return try JSONDecoder().decode(UnchangedRun.Header.self, from: record.prefix { $0 != UInt8(ascii: "\n") }).gateKey
        }
        let (rerun, fresh) = (try memo(output), try memo(cold))
        XCTAssertEqual(rerun.textNames, fresh.textNames, "\(label): every case's names", file: file, line: line)
        XCTAssertEqual(String(decoding: rerun.forms, as: UTF8.self), String(decoding: fresh.forms, as: UTF8.self), "\(label): the index's forms",
                       file: file, line: line)
        XCTAssertEqual(try gateKey(output), try gateKey(cold), "\(label): the gate key", file: file, line: line)
    }

    /// A public copy prints its penalties' particulars (those of a penalty of the kind 其他), redacted like the
    /// case, though its public JSON does not hold them: a copy whose particulars changed is drawn again, and
    /// so is one whose particulars hold a name that becomes a person's, whether or not the case's redaction was reused.
    func testAPublicCopyWhoseParticularsHoldAChangedNameIsDrawnAgain() throws {
        _ = try night()
        let store = try StateStore(path: output.appendingPathComponent("state.sqlite").path)
        let penalties = export.appendingPathComponent("penalties.csv")
        let withPenalties = try Repo.run("/usr/bin/env", ["python3", "-c", """
            import csv, io, sys
            rows = list(csv.reader(io.StringIO(open(sys.argv[1], 'rb').read().decode('gb18030'), newline='')))
            kind = rows[0].index('处罚种类')
            print('\\n'.join(sorted({r[0] for r in rows[1:] if r and r[kind] == '其他'})))
            """, penalties.path])
        XCTAssertEqual(withPenalties.code, 0, withPenalties.output)
        let ids = Set(withPenalties.output.split(separator: "\n").map(String.init))
        let rows = try store.publicationRows()
        let copy = try XCTUnwrap(rows.values.filter { $0.withdrawnOn == nil && $0.pdfPath != nil && ids.contains($0.caseID) }
            .min { $0.caseID < $1.caseID }, "a published case with penalties and a public copy")
        let edited = try Repo.run("/usr/bin/env", ["python3", "-c", """
            import csv, io, sys
            path, case, text = sys.argv[1:]
            raw = open(path, 'rb').read().decode('gb18030')
            rows = list(csv.reader(io.StringIO(raw, newline='')))
            row = next(r for r in rows[1:] if r and r[0] == case and r[rows[0].index('处罚种类')] == '其他')
            row[rows[0].index('详情')] = text
            out = io.StringIO(newline='')
            csv.writer(out, lineterminator='\\r\\n' if '\\r\\n' in raw else '\\n').writerows(rows)
            open(path, 'wb').write(out.getvalue().encode('gb18030'))
            """, penalties.path, copy.caseID, "没收的物品交由\(shopName)饭店代为保管"])
        XCTAssertEqual(edited.code, 0, edited.output)
        func copyText() throws -> String {
            let pdf = output.appendingPathComponent("public").appendingPathComponent(try XCTUnwrap(copy.pdfPath))
            return try Repo.run("/usr/bin/env", ["pdftotext", pdf.path, "-"]).output.replacingOccurrences(of: "\n", with: "")
        }
        _ = try night()
        XCTAssertTrue(try copyText().contains(shopName), "night 1: the particulars print \(shopName)")

        try editCases { cases in
            let person = try XCTUnwrap(cases.indices.first { cases[$0]["party_type"] as? String == "自然人" && cases[$0]["case_id"] as? String != copy.caseID })
            cases[person]["party_name"] = shopName
        }
        _ = try night()
        XCTAssertFalse(try copyText().contains(shopName), "night 2: \(shopName) is a person's name now")
        try assertEqualsAColdRun("particulars")
    }

    func testTheMemoReadsBackAsWrittenAndRefusesAnythingElse() throws {
        let memo = RedactionMemo(settings: "abc", forms: Array("0王强\n3北苑路174号\ns人民路66号\n".utf8), minors: ["李\t小\n明", "王芳"],
                                 cases: ["C-1": .init(key: "k1", removed: ["个人姓名": 2, "详细地址": 1], uncertain: 1),
                                         "C-2": .init(key: "k2", removed: [:], uncertain: 0),
                                         "C\t3\n\\": .init(key: "k3", removed: ["个人姓名": 1], uncertain: 0)],
                                 textNames: ["C-1": .init(key: "k1", names: TextNames(names: [.init(text: "张德福", minority: false),
                                                                                              .init(text: "阿依古丽·买买提", minority: true),
                                                                                              .init(text: "张德福", minority: false)])),
                                             "C-9": .init(key: "k9", names: TextNames(names: [])),
                                             "C\t3\n\\": .init(key: "k3", names: TextNames(names: [.init(text: "李\t小\n明", minority: false)]))])
        let bytes = try memo.fileBytes()
        XCTAssertEqual(RedactionMemo.read(bytes), memo, "ids and names with tabs, line feeds and backslashes too")
        XCTAssertEqual(try RedactionMemo.read(bytes)?.fileBytes(), bytes)
        XCTAssertNil(RedactionMemo.read(bytes.dropLast(3)), "cut short")
        XCTAssertNil(RedactionMemo.read(Data("sanxiang-redaction-memo-v0\n".utf8) + bytes.drop { $0 != 0x0A }.dropFirst()), "another format")
        XCTAssertNil(RedactionMemo.read(bytes + Data("extra\n".utf8)), "more than it says")
        let text = String(decoding: bytes, as: UTF8.self)
        XCTAssertNil(RedactionMemo.read(Data(text.replacingOccurrences(of: "\tcmc\t", with: "\tcm\t").utf8)), "a kind for each name")
        XCTAssertNil(RedactionMemo.read(Data(text.replacingOccurrences(of: "\tcmc\t", with: "\tcxc\t").utf8)), "kinds are c or m")

        // The format before the names were kept is read, with none: a night after the upgrade reads every case's texts.
        var earlierMemo = memo
        earlierMemo.textNames = [:]
        let withoutNames = text.prefix { $0 != "\n" }.count + 1
        let names = try XCTUnwrap(text.range(of: "names\t"))
        let formatTwo = RedactionMemo.formatWithoutTextNames + "\n" + text[text.index(text.startIndex, offsetBy: withoutNames)..<names.lowerBound]
        XCTAssertEqual(RedactionMemo.read(Data(formatTwo.utf8)), earlierMemo)
        XCTAssertNil(RedactionMemo.read(Data((formatTwo + text[names.lowerBound...]).utf8)), "format 2 has no names table")

        // In a commit journal: carried whole; one of the earlier format is left out; a damaged one is an error.
        var changes = StateChanges()
        changes.redactionMemoFile = bytes
        XCTAssertEqual(try JSONDecoder().decode(StateChanges.self, from: try JSONEncoder().encode(changes)).redactionMemoFile, bytes)
        func journal(_ memo: Data) -> Data {
            Data("{\"publications\":[],\"reports\":[],\"redactionMemo\":\"\(memo.base64EncodedString())\"}".utf8)
        }
        let earlier = Data("sanxiang-redaction-memo-v1\nsettings\tabc\n".utf8)
        XCTAssertNil(try JSONDecoder().decode(StateChanges.self, from: journal(earlier)).redactionMemoFile)
        XCTAssertThrowsError(try JSONDecoder().decode(StateChanges.self, from: journal(bytes.dropLast(3))), "a damaged memo in a journal")
    }
}
