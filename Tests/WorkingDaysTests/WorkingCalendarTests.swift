import CaseModel
import Foundation
import TestSupport
import WorkingDays
import XCTest

final class WorkingCalendarTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let dataFile = root.appendingPathComponent("Templates/calendar/cn-working-days.json")

    private func calendar() throws -> WorkingCalendar { try WorkingCalendar(contentsOf: Self.dataFile) }

    private func date(_ text: String) -> CivilDate { CivilDate(iso: text)! }

    /// Vectors worked out by hand from the State Council notices (guides/domain.md §5).
    func testDeadlinesAcrossHolidaysAndMakeUpWorkdays() throws {
        let calendar = try calendar()
        let cases: [(String, Int, String)] = [
            ("2026-02-12", 7, "2026-02-28"),  // 春节 2026: Sat 2/14 and Sat 2/28 are working days
            ("2025-09-26", 7, "2025-10-13"),  // Sun 9/28 and Sat 10/11 worked, 10/1–10/8 off
            ("2024-09-27", 20, "2024-10-30"), // 国庆 2024 and the Saturday 10/12
            ("2025-12-31", 7, "2026-01-12"),  // 元旦 2026 1/1–1/3 off, Sun 1/4 worked
            ("2025-03-14", 7, "2025-03-25"),  // an ordinary fortnight
        ]
        for (start, days, expected) in cases {
            XCTAssertEqual(try calendar.date(workingDays: days, after: date(start)), date(expected), "\(start) + \(days)")
        }
        XCTAssertFalse(try calendar.isWorkingDay(date("2025-01-31")), "1月31日 2025 fell in 春节")
        XCTAssertTrue(try calendar.isWorkingDay(date("2025-01-26")), "Sunday 1/26 2025 was a make-up workday")
        XCTAssertEqual(calendar.holidayName(date("2025-10-03")), "国庆节、中秋节")
        // 10/9, 10/10, Saturday 10/11 (worked) and 10/13; 10/12 is an ordinary Sunday.
        XCTAssertEqual(try calendar.workingDays(after: date("2025-09-30"), through: date("2025-10-13")), 4)
    }

    func testAYearWithoutDataIsAnErrorNotWeekendsOnly() throws {
        let calendar = try calendar()
        XCTAssertEqual(calendar.coveredYears, 2019...2026)
        XCTAssertThrowsError(try calendar.date(workingDays: 20, after: date("2026-12-20"))) { error in
            guard case CalendarError.yearNotCovered(let year, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(year, 2027)
            XCTAssertTrue((error as? CalendarError)?.message.contains("没有 2027 年的节假日安排") == true)
        }
        XCTAssertThrowsError(try calendar.isWorkingDay(date("2018-06-01")))
    }

    func testBrokenDataFilesAreRefusedWithTheReason() {
        let gap = #"{"years": {"2024": {"notice": "", "sources": [], "off": {}, "work": []}, "2026": {"notice": "", "sources": [], "off": {}, "work": []}}}"#
        XCTAssertThrowsError(try WorkingCalendar(json: Data(gap.utf8), path: "x.json")) { error in
            XCTAssertTrue((error as? CalendarError)?.message.contains("年份不连续") == true, "\(error)")
        }
        let badDate = #"{"years": {"2024": {"notice": "", "sources": [], "off": {"春节": ["2024-02-30"]}, "work": []}}}"#
        XCTAssertThrowsError(try WorkingCalendar(json: Data(badDate.utf8), path: "x.json"))
        XCTAssertThrowsError(try WorkingCalendar(contentsOf: URL(fileURLWithPath: "/nonexistent/calendar.json")))
    }

    /// Every start date of 2019–2026 and N in {3, 5, 7, 20} against PyPI chinesecalendar,
    /// which the test installs into a private folder when it is missing.
    func testEveryStartDateAgreesWithChineseCalendarPackage() throws {
        let deps = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/sanxiang/pydeps")
        let (status, output) = try Shell.run("/usr/bin/env", ["python3", Self.root.appendingPathComponent("Tests/Fixtures/calendar_oracle.py").path,
                                                              "--deps", deps.path], stderr: false)
        XCTAssertEqual(status, 0, "calendar_oracle.py failed")
        let calendar = try calendar()
        var compared = 0, mismatches: [String] = []
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: " ").map(String.init)
            guard parts.count == 3, let days = Int(parts[1]) else { return XCTFail("odd oracle line \(line)") }
            let ours = try? calendar.date(workingDays: days, after: date(parts[0])).iso
            if ours != (parts[2] == "-" ? nil : parts[2]) { mismatches.append("\(line) ours=\(ours ?? "error")") }
            compared += 1
        }
        XCTAssertEqual(compared, 2922 * 4)
        XCTAssertEqual(mismatches, [], "\(mismatches.prefix(10))")
    }
}
