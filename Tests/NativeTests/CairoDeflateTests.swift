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
