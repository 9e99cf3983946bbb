import Foundation
@testable import Pipeline
import XCTest

/// A night whose remaining documents cannot fit beside last night's on the output folder's disk is stopped once it has drawn
/// enough to judge, with the figures a clerk can act on, not when the disk fills after most of its drawing.
final class DiskRoomTests: XCTestCase {
    func testTheRestIsJudgedFromTheAverageSoFarWithAMargin() {
        let folder = "/data/output"
        // 1,000 cases gone through wrote 1 GB: 1 MB a case.
        func judge(left: Int, free: UInt64, done: Int = 1_000) -> DiskShortage? {
            DiskRoom.shortage(bytesWritten: 1_000_000_000, casesDone: done, casesLeft: left, freeBytes: free, folder: folder)
        }
        XCTAssertNil(judge(left: 9_000, free: 10_000_000_000), "9 GB fit in 10 GB")
        XCTAssertNil(judge(left: 9_000, free: 8_500_000_000), "9 GB against 8.5 GB: within the estimate's margin")
        XCTAssertEqual(judge(left: 9_000, free: 8_000_000_000),
                       DiskShortage(folder: folder, casesLeft: 9_000, bytesNeeded: 9_000_000_000, freeBytes: 8_000_000_000))
        XCTAssertNil(judge(left: 0, free: 0), "nothing left to draw")
        XCTAssertNil(judge(left: 9_000, free: 0, done: DiskRoom.minimumCases - 1), "too few cases to judge by")
        XCTAssertNotNil(judge(left: 9_000, free: 0, done: DiskRoom.minimumCases))
        // Cases kept from last night count as gone through and wrote nothing: a night that keeps most needs little.
        XCTAssertNil(DiskRoom.shortage(bytesWritten: 0, casesDone: 5_000, casesLeft: 95_000, freeBytes: 0, folder: folder))

        let message = DiskShortage(folder: folder, casesLeft: 91_234, bytesNeeded: 33_456_000_000, freeBytes: 31_049_000_000).message
        for part in ["/data/output", "91234 件", "33.5 GB", "31.0 GB", "上次的输出和状态保持不变"] {
            XCTAssertTrue(message.contains(part), "\(part) in: \(message)")
        }
    }

    /// The fault `disk.nearly-full` says the disk has nothing free: the night stops after its first slice of cases (1,024),
    /// exit 1, in the render stage, and commits nothing.
    func testANightThatCannotFitStopsAfterItsFirstSliceAndCommitsNothing() throws {
        let parent = Repo.temporaryFolder("disk-room")
        defer { try? FileManager.default.removeItem(at: parent) }
        let export = try Repo.generate(cases: 1_100, seed: 8, broken: 0, noMedia: true, into: parent)
        let output = parent.appendingPathComponent("output")
        let arguments = ["run", "--config", Repo.root.appendingPathComponent("pipeline.yml").path, "--input", export.path,
                         "--output", output.path, "--as-of", "2026-01-06"]
        let stopped = try Repo.run(Repo.executable, arguments, environment: ["SANXIANG_FAULT": "disk.nearly-full"])
        XCTAssertEqual(stopped.code, 1, stopped.output.suffix(800).description)
        XCTAssertTrue(stopped.output.contains("［render 阶段］"), stopped.output.suffix(800).description)
        XCTAssertTrue(stopped.output.contains("所在磁盘的空间不够本次运行"), stopped.output.suffix(800).description)
        XCTAssertTrue(stopped.output.contains("磁盘只剩 0.0 GB"), stopped.output.suffix(800).description)
        // The state store is opened at the night's start; nothing else is left, and the store records nothing.
        let left = try FileManager.default.contentsOfDirectory(atPath: output.path).filter { !$0.hasPrefix(".lock") }
        XCTAssertEqual(left.sorted(), ["state.sqlite"], "nothing committed, no staging area left")
        XCTAssertEqual(try StateStore(path: output.appendingPathComponent("state.sqlite").path).publicationRows().count, 0)
    }
}
