import Foundation
@testable import Native
import XCTest

final class TrueTypeTests: XCTestCase {
    func bezier(_ p: [(Double, Double)], _ t: Double) -> (Double, Double) {
        let u = 1 - t
        return (u * u * u * p[0].0 + 3 * u * u * t * p[1].0 + 3 * u * t * t * p[2].0 + t * t * t * p[3].0,
                u * u * u * p[0].1 + 3 * u * u * t * p[1].1 + 3 * u * t * t * p[2].1 + t * t * t * p[3].1)
    }

    /// The quadratic spline, on-curve points implied between controls, stays
    /// within the tolerance of the cubic it replaces.
    func testSplineStaysWithinTolerance() {
        let cubics: [[(Double, Double)]] = [
            [(0, 0), (100, 300), (400, 300), (500, 0)],
            [(0, 0), (0, 500), (500, 500), (500, 0)],
            [(10, 10), (20, 15), (30, 12), (40, 10)],
            [(0, 0), (600, 0), (-100, 400), (500, 400)],
        ]
        for (index, cubic) in cubics.enumerated() {
            for tolerance in [1.0, 4.0] {
                let controls = TrueTypeBuilder.cubicToSpline(cubic[0], cubic[1], cubic[2], cubic[3], tolerance)
                XCTAssertFalse(controls.isEmpty)
                // Rebuild the quadratic pieces: start, control, implied midpoint …, end.
                var points: [(Double, Double)] = []
                var start = cubic[0]
                for (k, control) in controls.enumerated() {
                    let end = k + 1 < controls.count
                        ? ((control.0 + controls[k + 1].0) / 2, (control.1 + controls[k + 1].1) / 2) : cubic[3]
                    for step in 0...20 {
                        let t = Double(step) / 20, u = 1 - t
                        points.append((u * u * start.0 + 2 * u * t * control.0 + t * t * end.0,
                                       u * u * start.1 + 2 * u * t * control.1 + t * t * end.1))
                    }
                    start = end
                }
                let curve = (0...2000).map { bezier(cubic, Double($0) / 2000) }
                for point in points {
                    let distance = curve.map { hypot($0.0 - point.0, $0.1 - point.1) }.min()!
                    XCTAssertLessThanOrEqual(distance, tolerance + 0.5, "cubic \(index), tolerance \(tolerance)")
                }
            }
        }
    }

    /// A CFF font rebuilt with glyf outlines loads in FreeType with the same
    /// glyph count and metrics, and HarfBuzz can shape with it.
    func testConvertedFontLoads() throws {
        let path = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
        try XCTSkipUnless(FileManager.default.fileExists(atPath: path), "fonts-noto-cjk is not installed")
        let face = try FontFace(file: FontFile(path: path), index: 2)
        let working = try XCTUnwrap(face.subset(covering: Array("执法决定书ABC123，。".unicodeScalars.map(\.value))))
        let converted = try TrueTypeBuilder.convert(working.bytes)
        XCTAssertEqual(Array(converted.prefix(4)), [0, 1, 0, 0], "TrueType outlines")
        let rebuilt = try FontFace(file: FontFile(bytes: converted, name: "converted"), index: 0)
        let original = try FontFace(file: FontFile(bytes: working.bytes, name: "cff"), index: 0)
        XCTAssertEqual(rebuilt.unitsPerEm, original.unitsPerEm)
        let text = "执法决定书ABC123，。"
        XCTAssertEqual(rebuilt.shape(text).map(\.xAdvance), original.shape(text).map(\.xAdvance))
        XCTAssertEqual(rebuilt.shape(text).map(\.glyph), original.shape(text).map(\.glyph))
    }
}
