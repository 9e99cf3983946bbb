import Foundation
import Native
@testable import Typesetting
import XCTest

/// Threads drawing text at many sizes fill Cairo's global glyph cache, so
/// glyph pages get evicted while other threads draw: the situation in which
/// Cairo 1.16 deadlocks unless drawing holds CairoGlyphCache's lock. A
/// deadlock would hang the whole suite, so a watchdog ends the process with a
/// message instead.
final class ConcurrencyTests: XCTestCase {
    func testManyThreadsAtManySizesFinish() throws {
        let ideographs = Array((0x4E00...0x9FA5).compactMap(Unicode.Scalar.init).map(Character.init))
        let document: @Sendable (Int) -> Document = { number in
            // 200 different characters per document, at a size no other document uses.
            let start = (number * 997) % (ideographs.count - 200)
            let text = String(ideographs[start..<start + 200])
            let rows = stride(from: 0, to: text.count, by: 30).map { offset in
                [String(text.dropFirst(offset).prefix(30))]
            }
            return Document(metadata: Fixtures.metadata, blocks: [
                .title(["第\(number)号"]),
                .table(Table(columns: [Table.Column("内容", width: 1)], rows: rows, fontSize: 8 + Double(number) * 0.02)),
            ])
        }
        // More threads than cores, so threads are preempted inside Cairo's critical sections.
        let threads = 8, documentsPerThread = 150
        let finished = DispatchSemaphore(value: 0)
        let failures = Failures()
        for thread in 0..<threads {
            Thread {
                for index in 0..<documentsPerThread {
                    let number = thread * documentsPerThread + index
                    do {
                        let rendered = try Fixtures.typesetter.render(document(number))
                        if rendered.bytes.isEmpty { failures.add("\(number): empty") }
                    } catch {
                        failures.add("\(number): \(error)")
                    }
                }
                finished.signal()
            }.start()
        }
        var waited = 0
        while waited < threads, finished.wait(timeout: .now() + 120) == .success { waited += 1 }
        if waited < threads {
            FileHandle.standardError.write(Data("ConcurrencyTests: rendering on several threads did not finish in time (Cairo glyph-cache deadlock?)\n".utf8))
            exit(EXIT_FAILURE)
        }
        XCTAssertEqual(failures.list, [])
    }
}

private final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String] = []

    func add(_ entry: String) { lock.withLock { entries.append(entry) } }

    var list: [String] { lock.withLock { entries } }
}
