import Foundation
import Native
import XCTest

/// Golden PNGs: the first page of a PDF (pdftoppm, 60 dpi) against a file in a
/// Golden/ folder. `make golden` (RECORD_GOLDEN=1) re-records; a drift fails with
/// the number of differing pixels and writes the new rendering and a diff image.
public enum Golden {
    public static func check(_ name: String, pdf: [UInt8], folder: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let actual = try firstPagePNG(pdf)
        let golden = folder.appendingPathComponent(name + ".png")
        if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(actual).write(to: golden)
            // A recording run checks nothing, so it must never look like a pass.
            XCTFail("\(name): recorded \(golden.path) (RECORD_GOLDEN=1 records, it does not check; "
                    + "look at the PNG, then run the tests without RECORD_GOLDEN)", file: file, line: line)
            return
        }
        guard let expected = FileManager.default.contents(atPath: golden.path) else {
            XCTFail("no golden file \(golden.path): run `make golden`", file: file, line: line)
            return
        }
        let (count, diff) = try RasterImage(png: [UInt8](expected)).difference(from: RasterImage(png: actual))
        if count > 0 {
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("sanxiang-golden-diff")
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            try Data(actual).write(to: out.appendingPathComponent(name + "-actual.png"))
            try Data(diff.png()).write(to: out.appendingPathComponent(name + "-diff.png"))
            XCTFail("\(name): \(count) pixels differ from \(golden.path); see \(out.path)/\(name)-{actual,diff}.png, "
                    + "or run `make golden` if the change is intended", file: file, line: line)
        }
    }

    public static func firstPagePNG(_ pdf: [UInt8]) throws -> [UInt8] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("golden-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(pdf).write(to: folder.appendingPathComponent("in.pdf"))
        _ = try Shell.run("/usr/bin/pdftoppm", ["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                                                folder.appendingPathComponent("in.pdf").path, folder.appendingPathComponent("out").path])
        return [UInt8](try Data(contentsOf: folder.appendingPathComponent("out.png")))
    }
}
