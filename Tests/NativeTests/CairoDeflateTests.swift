import Foundation
import Native
import TestSupport
import XCTest

/// Cairo's streams are compressed by libdeflate through the zlib entry points
/// this executable defines (Sources/CairoDeflate): check that the replacement
/// is in effect and that what it writes is a valid zlib stream of the right length.
final class CairoDeflateTests: XCTestCase {
    private func drawnPDF() -> [UInt8] {
        let canvas = VectorCanvas(format: .pdf, width: 595, height: 842,
                                  metadata: CanvasMetadata(title: "t", subject: "", author: "", keywords: "", creator: "", created: "2025-01-02T00:00:00"))
        canvas.page {
            for row in 0..<200 {
                canvas.strokeRectangle(x: 50 + Double(row % 20) * 20, y: 50 + Double(row / 20) * 30, width: 15, height: 20, lineWidth: 0.5)
            }
        }
        return canvas.finish()
    }

    func testCairoStreamsGoThroughLibdeflate() {
        let before = VectorCanvas.streamsCompressedByLibdeflate
        _ = drawnPDF()
        XCTAssertGreaterThan(VectorCanvas.streamsCompressedByLibdeflate, before,
                             "Cairo's deflateInit_ did not reach Sources/CairoDeflate: the executable does not export it")
    }

    func testCairosNumbersGoThroughTheFastFormatter() {
        let before = VectorCanvas.numbersFormattedFast
        _ = drawnPDF()
        XCTAssertGreaterThan(VectorCanvas.numbersFormattedFast, before,
                             "Cairo's snprintf did not reach Sources/CairoDeflate/cairo_numbers.c: the executable does not export it")
    }

    /// The fast formatter writes what glibc writes: "%.*f", "%f" and "%.18f" on random bit patterns, on the coordinates
    /// and fractions Cairo prints, on exact ties (x.5 at every precision) and on values near powers of two; the integer
    /// formats of Cairo's font subsets and cross-reference table on random values of every size. Doubles it leaves to
    /// glibc are only the ones it says it does (not finite, subnormal, |d| ≥ 2^63); formats Cairo does not use are
    /// left to glibc.
    func testTheFastFormatterWritesWhatGlibcWrites() {
        var random = SplitMix64(seed: 0xF10A7)
        var compared = 0
        func glibc(_ format: String, _ arguments: [CVarArg]) -> String {
            withVaList(arguments) { list -> String in
                var buffer = [CChar](repeating: 0, count: 512)
                let length = vsnprintf(&buffer, buffer.count, format, list)
                return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
        }
        func check(_ format: String, _ arguments: [CVarArg], leftToGlibc: Bool = false) {
            guard let fast = VectorCanvas.fastFormatted(format, arguments) else {
                XCTAssertTrue(leftToGlibc, "left to glibc: \(format) \(arguments)")
                return
            }
            compared += 1
            let expected = glibc(format, arguments)
            if fast != expected { XCTFail("\(format) of \(arguments): \(fast), glibc \(expected)") }
        }
        func fixed(_ value: Double, _ precision: Int32) {
            let unusual = !value.isFinite || value.isSubnormal || abs(value) >= 0x1p63
            check("%.*f", [precision, value], leftToGlibc: unusual)
            if precision == 6 { check("%f", [value], leftToGlibc: unusual) }
            if precision == 18 { check("%.18f", [value], leftToGlibc: unusual) }
        }
        for round in 0..<200_000 {
            let precision = Int32(random.next(below: 19))
            let value: Double
            switch round % 5 {
            case 0: value = Double(bitPattern: random.next())
            case 1: value = Double(Int(random.next(below: 2_000_001)) - 1_000_000) / 1_000
            case 2: value = Double(Int(random.next(below: 20_001)) - 10_000) + 0.5 / pow(10, Double(precision))
            case 3: value = Double(sign: random.next(below: 2) == 0 ? .plus : .minus, exponent: Int(random.next(below: 140)) - 70,
                                   significand: 1 + Double(random.next(below: 1 << 20)) / Double(1 << 20))
            default: value = Double(random.next() >> 11) / 0x1p53 * 1_200 - 600
            }
            fixed(value, precision)
        }
        for value in [0.0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.125, 1e-7, -1e-9, 0.1, 595.2756, 841.8898, .infinity, -.nan,
                      .leastNonzeroMagnitude, 0x1p63, 0x1p62, -0x1p62 + 1] {
            for precision in Int32(0)...18 { fixed(value, precision) }
        }
        for _ in 0..<50_000 {
            let bits = Int(random.next(below: 64))
            let wide = Int(bitPattern: UInt(random.next() >> UInt64(bits)))
            let narrow = Int32(truncatingIfNeeded: wide)
            check("%d", [narrow])
            check("%ld", [wide])
            check("%010ld", [wide])
            check("%u", [UInt32(bitPattern: narrow)])
            check("%lu", [UInt(bitPattern: wide)])
            check("%04x", [UInt32(bitPattern: narrow)])
            check("%04X", [UInt32(truncatingIfNeeded: wide >> 3)])
            check("%02x", [UInt32(random.next(below: 256))])
            check("%0*x", [Int32(random.next(below: 12)), UInt32(bitPattern: narrow)])
        }
        for extreme in [Int.min, Int.max, 0, -1] { check("%ld", [extreme]); check("%010ld", [extreme]) }
        check("%d", [Int32.min])
        // Formats Cairo does not use, and a left-justified width, go to glibc.
        check("%5d", [Int32(42)], leftToGlibc: true)
        check("%g", [1.5], leftToGlibc: true)
        check("%s", ["x"], leftToGlibc: true)
        check("%0*x", [Int32(-4), UInt32(7)], leftToGlibc: true)
        check("x%d", [Int32(1)], leftToGlibc: true)
        XCTAssertGreaterThan(compared, 500_000)
    }

    func testEveryStreamInflatesToItsDeclaredContent() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cairo-deflate-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("drawn.pdf")
        try Data(drawnPDF()).write(to: file)
        // Python's zlib is independent of both libz's deflate and libdeflate.
        let script = #"""
        import re, sys, zlib
        data = open(sys.argv[1], 'rb').read()
        lengths = {m.group(1): int(m.group(2)) for m in re.finditer(rb'(\d+) 0 obj\s+(\d+)\s+endobj', data)}
        count = 0
        for m in re.finditer(rb'<<(.*?)>>\s*stream\n', data, re.S):
            if b'/FlateDecode' not in m.group(1): continue
            ref = re.search(rb'/Length (\d+) 0 R', m.group(1))
            direct = re.search(rb'/Length (\d+)\s', m.group(1))
            length = lengths[ref.group(1)] if ref else int(direct.group(1))
            body = data[m.end():m.end() + length]
            assert data[m.end() + length:].lstrip().startswith(b'endstream'), 'length does not end the stream'
            text = zlib.decompress(body)
            assert b' re' in text or b'/' in text, 'unexpected content'
            count += 1
        assert count > 0, 'no compressed stream'
        print(count)
        """#
        let result = try Shell.run("/usr/bin/env", ["python3", "-c", script, file.path])
        XCTAssertEqual(result.code, 0, result.output)
    }
}
