import Foundation
import TestSupport
@testable import Typesetting
import XCTest

enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// One font set for the whole test run: loading fonts is the slow part.
    static let fonts: FontSet = {
        do { return try FontSet.load(manifest: root.appendingPathComponent("Fonts/fonts.yml")) } catch {
            fatalError("fonts: \(error)")
        }
    }()

    static let typesetter = Typesetter(fonts: fonts)

    static let metadata = Document.Metadata(title: "行政处罚决定书", subject: "行政处罚", author: "玉溪市水利局",
                                            keywords: ["行政处罚", "水法"], created: "2025-03-14")

    static let facts = "2025年3月6日，本局执法人员在玉溪市红塔区开展河道巡查时发现，当事人未经许可，在九溪河河道管理范围内修筑围堰及临时厂房，总长度约276米，占用河道行洪断面约686平方米（见《现场勘验笔录》），严重影响汛期行洪安全。经本局调查，当事人对违法事实供认不讳。上述行为违反了《中华人民共和国水法》第三十七条第二款的规定。"

    static func pdftotext(_ bytes: [UInt8]) throws -> String { try pdftotext(bytes, arguments: []) }
}

extension LaidOutPage {
    /// The text of each line in reading order, from the glyph runs' baselines.
    var lines: [(baseline: Double, text: String, firstX: Double, lastX: Double)] {
        var byBaseline: [Double: (text: String, first: Double, last: Double)] = [:]
        for case .glyphs(let run) in items {
            guard let y = run.glyphs.first?.y else { continue }
            let key = (y * 100).rounded() / 100
            var entry = byBaseline[key] ?? ("", .infinity, -.infinity)
            entry.text += run.text
            entry.first = min(entry.first, run.glyphs.map(\.x).min() ?? .infinity)
            entry.last = max(entry.last, run.glyphs.map(\.x).max() ?? -.infinity)
            byBaseline[key] = entry
        }
        return byBaseline.sorted { $0.key < $1.key }.map { ($0.key, $0.value.text, $0.value.first, $0.value.last) }
    }
}

extension Fixtures {
    static func document(_ blocks: [Block], pageNumbers: PageNumberStyle = .gbt9704) -> Document {
        Document(metadata: metadata, pageNumbers: pageNumbers, blocks: blocks)
    }

    /// Words with their boxes, as poppler reads them out of the PDF.
    static func words(_ bytes: [UInt8]) throws -> [(page: Int, text: String, xMin: Double, yMin: Double, xMax: Double, yMax: Double)] {
        let html = try pdftotext(bytes, arguments: ["-bbox"])
        var words: [(Int, String, Double, Double, Double, Double)] = []
        var page = 0
        for line in html.split(separator: "\n") {
            if line.contains("<page ") { page += 1 }
            guard line.contains("<word "), let open = line.firstIndex(of: ">"), let close = line.range(of: "</word>") else { continue }
            func value(_ name: String) -> Double {
                guard let range = line.range(of: name + "=\"") else { return 0 }
                return Double(line[range.upperBound...].prefix { $0 != "\"" }) ?? 0
            }
            words.append((page, String(line[line.index(after: open)..<close.lowerBound]), value("xMin"), value("yMin"),
                          value("xMax"), value("yMax")))
        }
        return words
    }

    static func pdftotext(_ bytes: [UInt8], arguments: [String]) throws -> String {
        try poppler("pdftotext", bytes, arguments: arguments + ["-enc", "UTF-8"], trailing: ["-"])
    }

    /// Runs a poppler tool on the PDF and returns what it prints.
    static func poppler(_ tool: String, _ bytes: [UInt8], arguments: [String] = [], trailing: [String] = []) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("typeset-\(UUID().uuidString).pdf")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try Shell.run("/usr/bin/" + tool, arguments + [file.path] + trailing, stderr: false).output
    }
}
