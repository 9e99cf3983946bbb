import Foundation
import XCTest

/// The built `sanxiang` executable, as the 法制科 and CI call it.
final class CommandLineTests: XCTestCase {
    var executable: String {
        // swift test builds every product into the folder that holds the test runner.
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("sanxiang").path
    }

    func testExitStatusSaysWhetherRowsWereSetAside() throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: executable), executable)
        let sample = try Repo.run(executable, ["check", "--input", Repo.sample.path, "--as-of", "2026-01-06"])
        XCTAssertEqual(sample.code, 3, sample.output)
        XCTAssertTrue(sample.output.contains("cases.csv       65 = 59 + 6"), sample.output)

        let parent = Repo.temporaryFolder("cli")
        defer { try? FileManager.default.removeItem(at: parent) }
        let clean = try Repo.generate(cases: 60, seed: 5, broken: 0, into: parent)
        let result = try Repo.run(executable, ["check", "--input", clean.path, "--as-of", "2026-01-06"])
        XCTAssertEqual(result.code, 0, result.output)
    }

    /// The executable allocates through mimalloc (linked in Package.swift), not glibc's malloc: the
    /// dynamic loader says where the Swift runtime's calls to malloc go.
    func testTheExecutableAllocatesThroughMimalloc() throws {
        let result = try Repo.run(executable, ["--help"], environment: ["LD_DEBUG": "bindings"])
        XCTAssertEqual(result.code, 0)
        let runtime = result.output.split(separator: "\n").filter { $0.contains("libswiftCore.so") && $0.contains("symbol `malloc'") }
        XCTAssertFalse(runtime.isEmpty, "the loader reported no binding of malloc for the Swift runtime")
        XCTAssertTrue(runtime.allSatisfy { $0.contains("libmimalloc.so") }, runtime.joined(separator: "\n"))
    }

    func testFatalProblemsExitWithOneAndAClearMessage() throws {
        let missing = try Repo.run(executable, ["check", "--input", "/no/such/export", "--as-of", "2026-01-06"])
        XCTAssertEqual(missing.code, 1)
        XCTAssertTrue(missing.output.contains("无法读取导出文件夹“/no/such/export”"), missing.output)

        let folder = Repo.temporaryFolder("badconfig")
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("pipeline.yml")
        try "input: x\nstagez: [ingest]\n".write(to: config, atomically: true, encoding: .utf8)
        let bad = try Repo.run(executable, ["run", "--config", config.path])
        XCTAssertEqual(bad.code, 1)
        XCTAssertTrue(bad.output.contains("第2行") && bad.output.contains("stagez"), bad.output)
    }

    /// A mistyped command line is said in Chinese, with the command's usage, and exits 64 having done nothing; the parser's
    /// English reason never reaches the clerk. Help and the version are no mistake (0).
    func testAMistypedCommandLineIsSaidInChineseAndDoesNothing() throws {
        let folder = Repo.temporaryFolder("usage")
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out").path
        let cases: [(arguments: [String], says: [String])] = [
            (["run", "--output", output, "--bogus"], ["没有选项 --bogus", "用法：sanxiang run", "sanxiang run --help"]),
            (["run", "--outptu", output], ["没有选项 --outptu（是不是 --output？）"]),
            (["run", "--output"], ["选项 --output 后面缺少它的值", "说明：--output"]),
            (["runn"], ["多出一个参数“runn”", "sanxiang --help"]),
            (["check", "a", "b"], ["多出 2 个参数：“a”“b”"]),
            (["report", "--output", output], ["缺少必需的 --year"]),
            (["report", "--output", output, "--year", "二〇二五"], ["选项 --year 的值“二〇二五”不合要求"]),
            (["run", "--output", output, "--full-run=yes"], ["选项 --full-run 不带值，却给了“yes”"]),
            (["worker", "--output", output, "--as-of", "2026-01-06", "--split-above", "0"], ["--split-above 应为正整数", "sanxiang worker --help"]),
        ]
        for (arguments, says) in cases {
            let result = try Repo.run(executable, arguments)
            XCTAssertEqual(result.code, 64, arguments.joined(separator: " ") + "\n" + result.output)
            XCTAssertTrue(result.output.hasPrefix("错误：命令行有误："), result.output)
            for phrase in says { XCTAssertTrue(result.output.contains(phrase), phrase + "\n" + result.output) }
            for english in ["Error:", "Usage:", "Unknown option", "Missing", "invalid", "Unexpected", "See '"] {
                XCTAssertFalse(result.output.contains(english), english + "\n" + result.output)
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: output), "nothing is written for a command line not understood")
        }
        for arguments in [["--help"], ["run", "--help"], ["--version"]] {
            let result = try Repo.run(executable, arguments)
            XCTAssertEqual(result.code, 0, result.output)
            XCTAssertFalse(result.output.contains("错误：命令行有误"), result.output)
        }
    }

    func testRunPrintsWhereItsOutputsAre() throws {
        let output = Repo.temporaryFolder("cli-run")
        defer { try? FileManager.default.removeItem(at: output) }
        let result = try Repo.run(executable, ["run", "--config", Repo.root.appendingPathComponent("pipeline.yml").path,
                                               "--output", output.path, "--as-of", "2026-01-06"])
        XCTAssertEqual(result.code, 3, result.output)
        XCTAssertTrue(result.output.contains(output.appendingPathComponent("quarantine/report.txt").path), result.output)
        XCTAssertTrue(FileManager.default.fileExists(atPath: output.appendingPathComponent("state.sqlite").path))
    }

    func testCalendarDeadlinePrintsTheDateLast() throws {
        let result = try Repo.run(executable, ["calendar", "deadline", "--from", "2026-02-12", "--working-days", "7"], in: Repo.root)
        XCTAssertEqual(result.code, 0, result.output)
        XCTAssertEqual(result.output.split(separator: "\n").last, "2026-02-28")
        let missing = try Repo.run(executable, ["calendar", "deadline", "--from", "2026-12-28", "--working-days", "20"], in: Repo.root)
        XCTAssertEqual(missing.code, 1)
        XCTAssertTrue(missing.output.contains("没有 2027 年的节假日安排"), missing.output)
    }

    func testReportCommandWritesTheYearsReport() throws {
        let output = Repo.temporaryFolder("cli-report")
        defer { try? FileManager.default.removeItem(at: output) }
        let result = try Repo.run(executable, ["report", "--year", "2024", "--config", Repo.root.appendingPathComponent("pipeline.yml").path,
                                               "--output", output.path, "--as-of", "2026-01-06"])
        XCTAssertEqual(result.code, 3, result.output)
        XCTAssertTrue(result.output.contains("2024年度行政执法数据报告：已生成"), result.output)
        for file in ["report.pdf", "index.html", "statistics.json", "statistics.csv"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: output.appendingPathComponent("public/reports/2024/\(file)").path), file)
        }
    }

    func testRenderOneDocumentForThePortablePrinter() throws {
        let folder = Repo.temporaryFolder("render")
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("pipeline.yml")
        try """
        input: \(Repo.sample.path)
        fonts: \(Repo.root.appendingPathComponent("Fonts/fonts.yml").path)
        templates: \(Repo.root.appendingPathComponent("Templates/documents").path)
        printing:
          format: ps
          printable_area_mm: {top: 40, right: 30, bottom: 40, left: 30}
        """.write(to: config, atomically: true, encoding: .utf8)
        let file = folder.appendingPathComponent("print.ps")
        let result = try Repo.run(executable, ["render", "--config", config.path, "--case", "YXSL-2025-000003",
                                               "--profile", "print", "-o", file.path, "--as-of", "2026-01-06"])
        XCTAssertEqual(result.code, 0, result.output)
        let bytes = try Data(contentsOf: file)
        XCTAssertEqual(String(decoding: bytes.prefix(4), as: UTF8.self), "%!PS")
        let refused = try Repo.run(executable, ["render", "--config", config.path, "--case", "RLYJ-2025-000002",
                                                "-o", file.path, "--as-of", "2026-01-06"])
        XCTAssertEqual(refused.code, 1)
        XCTAssertTrue(refused.output.contains("不生成行政处罚决定书"), refused.output)
        let unknown = try Repo.run(executable, ["render", "--config", config.path, "--case", "YXSL-2025-000003",
                                                "--document", "告示", "-o", file.path, "--as-of", "2026-01-06"])
        XCTAssertEqual(unknown.code, 1)
        XCTAssertTrue(unknown.output.contains("没有“告示”这种文书的模板"), unknown.output)
        let broken = folder.appendingPathComponent("pipeline-missing.yml")
        try "input: \(Repo.sample.path)\nfonts: \(Repo.root.appendingPathComponent("Fonts/fonts.yml").path)\ntemplates: /nonexistent\n"
            .write(to: broken, atomically: true, encoding: .utf8)
        let noTemplates = try Repo.run(executable, ["render", "--config", broken.path, "--case", "YXSL-2025-000003",
                                                    "-o", file.path, "--as-of", "2026-01-06"])
        XCTAssertEqual(noTemplates.code, 1)
        XCTAssertTrue(noTemplates.output.hasPrefix("错误：文书模板 /nonexistent"), noTemplates.output)
        let publicCopy = try Repo.run(executable, ["render", "--config", config.path, "--case", "YXSL-2025-000003",
                                                   "--profile", "public", "-o", file.path, "--as-of", "2026-01-06"])
        XCTAssertEqual(publicCopy.code, 0, publicCopy.output)
        let publicText = try Repo.run("/usr/bin/env", ["pdftotext", file.path, "-"]).output
        XCTAssertTrue(publicText.contains("当事人：汤某"), "the public copy is made from redacted data: \(publicText.prefix(200))")
        XCTAssertFalse(publicText.contains("汤健"))
    }
}

/// 当场行政处罚决定书 numbers: from the officer's block, kept on reprint, never issued twice.
final class OnsiteNumberTests: XCTestCase {
    private func config(in folder: URL, last: Int = 500) throws -> URL {
        let url = folder.appendingPathComponent("pipeline.yml")
        try """
        input: \(Repo.sample.path)
        output: \(folder.appendingPathComponent("out").path)
        fonts: \(Repo.root.appendingPathComponent("Fonts/fonts.yml").path)
        templates: \(Repo.root.appendingPathComponent("Templates/documents").path)
        onsite_numbers:
          "43092202757": {prefix: "桃林当罚〔{year}〕", first: 1, last: \(last)}
        """.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func testTwoProcessesAtOnceNeverIssueTheSameNumber() throws {
        let folder = Repo.temporaryFolder("numbers")
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = try config(in: folder)
        let loop = { (tag: String) in
            "for i in $(seq 1 25); do '\(Repo.executable)' numbers issue --config '\(config.path)' --officer 43092202757 --date 2026-01-06 --case \(tag)-$i || exit 1; done"
        }
        let both = try Repo.run("/bin/bash", ["-c", "(\(loop("A"))) > '\(folder.path)/a.txt' & a=$!; "
            + "(\(loop("B"))) > '\(folder.path)/b.txt' & b=$!; wait $a && wait $b"])
        XCTAssertEqual(both.code, 0, both.output)
        let issued = try ["a.txt", "b.txt"].flatMap {
            try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8).split(separator: "\n").map(String.init)
        }
        XCTAssertEqual(issued.count, 50)
        XCTAssertEqual(Set(issued).count, 50, "a number was issued twice")
        XCTAssertEqual(Set(issued), Set((1...50).map { "桃林当罚〔2026〕\($0)号" }))
        let list = try Repo.run(Repo.executable, ["numbers", "list", "--config", config.path])
        XCTAssertTrue(list.output.contains("共 50 个号码"), list.output)
    }

    func testPrintNumbersTheFormAndKeepsTheNumberOnReprint() throws {
        let folder = Repo.temporaryFolder("print")
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = try config(in: folder, last: 1)
        let file = folder.appendingPathComponent("form.pdf")
        let first = try Repo.run(Repo.executable, ["print", "--config", config.path, "--case", "TJLY-2024-000001", "-o", file.path,
                                                   "--as-of", "2026-01-06"])
        XCTAssertEqual(first.code, 0, first.output)
        // The case was decided in 2024: its number is of 2024, whatever the day it is printed.
        XCTAssertTrue(first.output.contains("编号：桃林当罚〔2024〕1号"), first.output)
        let text = try Repo.run("/usr/bin/env", ["pdftotext", file.path, "-"]).output
        XCTAssertTrue(text.contains("桃林当罚〔2024〕1号") && text.contains("当场行政处罚决定书"), text)
        let again = try Repo.run(Repo.executable, ["print", "--config", config.path, "--case", "TJLY-2024-000001", "-o", file.path,
                                                   "--as-of", "2026-01-06"])
        XCTAssertTrue(again.output.contains("编号：桃林当罚〔2024〕1号"), "a reprint keeps its number")
        // Each year has its own sequence: 2025's only number goes to a handwritten form first.
        let handwritten = try Repo.run(Repo.executable, ["numbers", "issue", "--config", config.path, "--officer", "43092202757",
                                                         "--case", "HANDWRITTEN-1", "--date", "2025-04-01"])
        XCTAssertEqual(handwritten.output.trimmingCharacters(in: .whitespacesAndNewlines), "桃林当罚〔2025〕1号", handwritten.output)
        let exhausted = try Repo.run(Repo.executable, ["print", "--config", config.path, "--case", "DHZJ-2025-000006",
                                                       "--officer", "43092202757", "-o", file.path, "--as-of", "2026-01-06"])
        XCTAssertEqual(exhausted.code, 1)
        XCTAssertTrue(exhausted.output.contains("号段") && exhausted.output.contains("已用完"), exhausted.output)
        let noBlock = try Repo.run(Repo.executable, ["print", "--config", config.path, "--case", "YXSL-2024-000003", "-o", file.path,
                                                     "--as-of", "2026-01-06"])
        XCTAssertEqual(noBlock.code, 1)
        XCTAssertTrue(noBlock.output.contains("没有为执法证号"), noBlock.output)
    }
}
