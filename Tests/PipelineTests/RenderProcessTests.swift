import CaseModel
import Documents
import Foundation
@testable import Pipeline
import TestSupport
import XCTest

/// The render stage's processes (`RenderProcesses`, `sanxiang render-worker`): what crosses between them, and that a
/// night drawn by processes — whole, or with processes that die or never start — is the night its threads draw.
final class RenderProcessTests: XCTestCase {
    // MARK: the wire

    func testEveryRequestComesBackAsItWasSent() throws {
        var random = SplitMix64(seed: 0x5A17)
        for round in 0..<300 {
            let instances = (0..<random.next(below: 6)).map { _ in
                DocumentInstance(kind: Self.text(&random), index: random.next(below: 3) == 0 ? nil : 1 + random.next(below: 40),
                                 data: Self.value(&random, depth: 0))
            }
            let request = RenderWire.Request(decisionNo: Self.text(&random), instances: instances)
            let back = try RenderWire.decodeRequest(RenderWire.encode(request))
            XCTAssertEqual(back.decisionNo, request.decisionNo, "round \(round)")
            XCTAssertEqual(back.instances.map(\.kind), instances.map(\.kind), "round \(round)")
            XCTAssertEqual(back.instances.map(\.index), instances.map(\.index), "round \(round)")
            XCTAssertEqual(back.instances.map(\.data), instances.map(\.data), "round \(round)")
            // The same data always crosses as the same bytes, whatever order its objects' keys were made in.
            XCTAssertEqual(RenderWire.encode(back), RenderWire.encode(request), "round \(round)")
        }
    }

    func testEveryAnswerComesBackAsItWasSent() throws {
        var random = SplitMix64(seed: 77)
        let documents = (0..<4).map { position in
            (instance: position, pages: 1 + random.next(below: 30), bytes: (0..<random.next(below: 5000)).map { _ in UInt8(random.next(below: 256)) })
        }
        guard case .drawn(let drawn) = try RenderWire.decodeResponse(RenderWire.encode(.drawn(documents))) else {
            return XCTFail("drawn documents came back as something else")
        }
        XCTAssertEqual(drawn.map(\.instance), documents.map(\.instance))
        XCTAssertEqual(drawn.map(\.pages), documents.map(\.pages))
        XCTAssertEqual(drawn.map(\.bytes), documents.map(\.bytes))

        let missing = MissingStatutoryElements(kind: "行政处罚决定书", elements: [
            StatutoryElement(name: "当事人的姓名或者名称、地址", basis: "行政处罚法第五十九条第一款第一项", parts: ["张三", ""]),
            StatutoryElement(name: "执法人员", basis: "", parts: []),
        ])
        guard case .missing(let back) = try RenderWire.decodeResponse(RenderWire.encode(.missing(missing))) else {
            return XCTFail("missing elements came back as something else")
        }
        XCTAssertEqual(back.kind, missing.kind)
        XCTAssertEqual(back.elements, missing.elements)
        XCTAssertEqual(back.message, missing.message)

        guard case .failed(let message) = try RenderWire.decodeResponse(RenderWire.encode(.failed("模板 行政许可决定书.xml 第3行：未闭合的标签"))) else {
            return XCTFail("a failure came back as something else")
        }
        XCTAssertEqual(message, "模板 行政许可决定书.xml 第3行：未闭合的标签")
    }

    /// A frame cut short, with a byte too many, or changed anywhere is refused or read as some request: never a crash,
    /// never a request read from a frame that was not whole.
    func testBrokenFramesAreRefused() throws {
        var random = SplitMix64(seed: 9)
        let request = RenderWire.Request(decisionNo: "桃林罚〔2025〕12号", instances: [
            DocumentInstance(kind: "行政处罚决定书", data: Self.value(&random, depth: 0)),
            DocumentInstance(kind: "送达回证", index: 2, data: .object(["delivery": .list([.text("邮寄"), .flag(true)])])),
        ])
        let frame = RenderWire.encode(request)
        for length in 0..<frame.count {
            XCTAssertThrowsError(try RenderWire.decodeRequest(Array(frame[..<length])), "cut at \(length) of \(frame.count)")
        }
        XCTAssertThrowsError(try RenderWire.decodeRequest(frame + [0]), "a byte too many")
        for position in 0..<frame.count {
            var changed = frame
            changed[position] ^= 0xFF
            _ = try? RenderWire.decodeRequest(changed)
        }
        var deep = TemplateValue.text("底")
        for _ in 0..<100 { deep = .list([deep]) }
        XCTAssertThrowsError(try RenderWire.decodeRequest(RenderWire.encode(RenderWire.Request(decisionNo: "", instances: [
            DocumentInstance(kind: "x", data: deep),
        ]))), "nested deeper than any template's data")
        XCTAssertThrowsError(try RenderWire.decodeResponse(RenderWire.encode(RenderWire.Response.failed("x")) + [1]))
        XCTAssertThrowsError(try RenderWire.decodeResponse([RenderWire.version, 9]), "an unknown kind of answer")
    }

    func testHowManyProcessesANightStarts() throws {
        var config = try Repo.config(input: Repo.sample, output: Repo.temporaryFolder("count"))
        XCTAssertEqual(RenderProcessLauncher.count(for: config, cores: 1), 0, "one core: its threads")
        XCTAssertEqual(RenderProcessLauncher.count(for: config, cores: 2), 2)
        XCTAssertEqual(RenderProcessLauncher.count(for: config, cores: 16), 16)
        config.renderProcesses = 0
        XCTAssertEqual(RenderProcessLauncher.count(for: config, cores: 16), 0)
        config.renderProcesses = 3
        XCTAssertEqual(RenderProcessLauncher.count(for: config, cores: 1), 3)
    }

    // MARK: nights

    private var parent: URL!

    override func setUpWithError() throws { parent = Repo.temporaryFolder("render-processes") }

    override func tearDown() { try? FileManager.default.removeItem(at: parent) }

    private func configFile(processes: Int) throws -> URL { try Self.configFile(processes: processes, in: parent) }

    /// A copy of the repository's pipeline.yml (its paths made absolute) with `render_processes`, in `folder`.
    static func configFile(processes: Int, in folder: URL) throws -> URL {
        let root = Repo.root.path
        var text = try String(contentsOf: Repo.root.appendingPathComponent("pipeline.yml"), encoding: .utf8)
        for key in ["fonts", "templates", "calendar", "  template"] {
            text = text.replacingOccurrences(of: "\n\(key): ", with: "\n\(key): \(root)/")
        }
        let file = folder.appendingPathComponent("pipeline-\(processes).yml")
        let header = "render_processes: \(processes)\nfeed_schema: \(root)/Templates/feeds/decisions.xsd\n"
        try (header + text).write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    private func night(_ export: URL, processes: Int, into name: String,
                       environment: [String: String] = [:]) throws -> (output: URL, said: String) {
        let output = parent.appendingPathComponent(name)
        let result = try Repo.run(Repo.executable, ["run", "--config", try configFile(processes: processes).path, "--input", export.path,
                                                    "--output", output.path, "--as-of", "2026-01-11"], environment: environment)
        XCTAssertTrue([0, 3, 4].contains(result.code), "\(name): \(result.output.suffix(1500))")
        return (output, result.output)
    }

    func testProcessesDrawTheNightTheThreadsDraw() throws {
        let export = try Repo.generate(cases: 140, seed: 2027, broken: 3, noMedia: true, into: parent)
        let threads = try night(export, processes: 0, into: "threads")
        let processes = try night(export, processes: 2, into: "processes")
        XCTAssertFalse(processes.said.contains("文书生成进程"), processes.said.suffix(1500).description)
        try Repo.assertSameOutput(processes.output, threads.output, "two render processes")
        let summary = try String(contentsOf: processes.output.appendingPathComponent("run-summary.json"), encoding: .utf8)
        XCTAssertFalse(summary.contains("render_process_warnings"), "no warning on a night whose processes all drew")

        // Every process killed after its third case: the rest is drawn here, and the documents are the same.
        let killed = try night(export, processes: 3, into: "killed", environment: ["SANXIANG_FAULT": "render-process.killed"])
        XCTAssertTrue(killed.said.contains("被信号 9 终止"), killed.said.suffix(1500).description)
        XCTAssertTrue(killed.said.contains("改在本进程中生成"), killed.said.suffix(1500).description)
        try Repo.assertSameOutput(killed.output, threads.output, "render processes killed")
        let verify = try Repo.run(Repo.executable, ["verify", "--output", killed.output.path])
        XCTAssertEqual(verify.code, 0, verify.output.suffix(800).description)
        XCTAssertNotNil((try Self.summary(killed.output)["documents"] as? [String: Any])?["render_process_warnings"], "the summary says so")

        // Every process stopped (SIGSTOP) at its fourth case: given up when it does not answer (2 s under this fault),
        // killed, and its cases drawn here.
        let stopped = try night(export, processes: 2, into: "stopped", environment: ["SANXIANG_FAULT": "render-process.stops"])
        XCTAssertTrue(stopped.said.contains("不再应答，已强制结束（2 秒内没有应答）"), stopped.said.suffix(1500).description)
        try Repo.assertSameOutput(stopped.output, threads.output, "render processes stopped")
        let left = try Repo.run("/usr/bin/env", ["pgrep", "-f", "render-worker --fonts \(Repo.root.path)"])
        XCTAssertNotEqual(left.code, 0, "no render process left behind: \(left.output)")
    }

    private static func summary(_ output: URL) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: output.appendingPathComponent("run-summary.json"))) as? [String: Any] ?? [:]
    }

    /// A program that is not there, or that is not a render process, leaves the night to the threads, with a warning.
    func testProcessesThatDoNotStartLeaveTheNightToTheThreads() throws {
        let export = try Repo.generate(cases: 60, seed: 31, broken: 0, noMedia: true, into: parent)
        let reference = parent.appendingPathComponent("reference")
        _ = try PipelineRunner.run(RunRequest(config: try Repo.config(input: export, output: reference), asOf: CivilDate(iso: "2026-01-11")!))
        for (label, program, said) in [("absent", "/nonexistent/sanxiang", "无法启动文书生成进程"), ("not one", "/bin/true", "未能就绪")] {
            let output = parent.appendingPathComponent(label)
            var config = try Repo.config(input: export, output: output)
            config.renderProcesses = 2
            var request = RunRequest(config: config, asOf: CivilDate(iso: "2026-01-11")!)
            request.renderProgram = RenderProgram(path: program)
            let summary = try PipelineRunner.run(request).0
            let warnings = summary.documents?.processWarnings ?? []
            XCTAssertTrue(warnings.contains { $0.contains(said) }, "\(label): \(warnings)")
            try Repo.assertSameOutput(output, reference, label)
        }
    }

    /// A render process whose templates are not the run's (changed while the night ran) refuses to draw.
    func testARenderProcessRefusesTemplatesOtherThanTheRunsOwn() throws {
        let config = try Repo.config(input: Repo.sample, output: parent)
        let result = try Repo.run(Repo.executable, ["render-worker", "--fonts", config.fontsURL.path, "--templates", config.templatesURL.path,
                                                    "--expect", "not-the-run's"])
        XCTAssertEqual(result.code, 1, result.output)
        XCTAssertTrue(result.output.contains("模板或字体与启动它的运行不同"), result.output)
    }

    // MARK: random data

    private static func text(_ random: inout SplitMix64) -> String {
        let pieces = ["", "行政处罚", "张三", "a", "〔2025〕", "𠀀", "é", "\u{0}", "\n", "12号", "桃江县林业局"]
        return (0..<random.next(below: 4)).map { _ in pieces[random.next(below: pieces.count)] }.joined()
    }

    private static func value(_ random: inout SplitMix64, depth: Int) -> TemplateValue {
        switch depth > 3 ? random.next(below: 2) : random.next(below: 4) {
        case 0: return .text(text(&random))
        case 1: return .flag(random.next(below: 2) == 1)
        case 2: return .list((0..<random.next(below: 4)).map { _ in value(&random, depth: depth + 1) })
        default:
            var fields: [String: TemplateValue] = [:]
            for _ in 0..<random.next(below: 5) { fields[text(&random)] = value(&random, depth: depth + 1) }
            return .object(fields)
        }
    }
}
