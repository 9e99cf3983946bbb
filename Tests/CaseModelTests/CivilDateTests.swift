import CaseModel
import Foundation
import XCTest

/// `CivilDate` and `CivilDateTime` are held packed (four and eight bytes): each date still gives back the year, month
/// and day it was made of, orders as those do, and counts days as Foundation's Gregorian calendar does.
final class CivilDateTests: XCTestCase {
    func testEveryDayFromYear1To9999GivesBackItsPartsAndOrdersByThem() throws {
        let first = try XCTUnwrap(CivilDate(year: 1, month: 1, day: 1)).dayNumber
        let last = try XCTUnwrap(CivilDate(year: 9999, month: 12, day: 31)).dayNumber
        var previous: (year: Int, month: Int, day: Int)?
        var previousDate: CivilDate?
        var failures: [String] = []
        for number in first...last {
            let date = CivilDate(dayNumber: number)
            // XCTAssert per day made this take seconds: failures are gathered and asserted once.
            var wrong = date.dayNumber != number || CivilDate(year: date.year, month: date.month, day: date.day) != date
            if let previous, let previousDate {
                wrong = wrong || !(previous < (date.year, date.month, date.day)) || !(previousDate < date) || date < previousDate
            }
            if (1900...2100).contains(date.year) { wrong = wrong || CivilDate(iso: date.iso) != date }
            if wrong { failures.append(date.iso) }
            previous = (date.year, date.month, date.day)
            previousDate = date
        }
        XCTAssertEqual(failures.prefix(10), [])
    }

    func testDayNumbersAgreeWithFoundationsGregorianCalendar() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try XCTUnwrap(TimeZone(identifier: "UTC"))
        let epoch = try XCTUnwrap(calendar.date(from: DateComponents(year: 1970, month: 1, day: 1)))
        for (year, month, day) in [(1970, 1, 1), (2000, 2, 29), (2024, 12, 31), (2026, 1, 6), (1900, 3, 1), (2100, 2, 28), (1601, 1, 1)] {
            let date = try XCTUnwrap(CivilDate(year: year, month: month, day: day))
            let foundation = try XCTUnwrap(calendar.date(from: DateComponents(year: year, month: month, day: day)))
            XCTAssertEqual(date.dayNumber, try XCTUnwrap(calendar.dateComponents([.day], from: epoch, to: foundation).day), date.iso)
        }
        XCTAssertNil(CivilDate(year: 2025, month: 2, day: 29))
        XCTAssertNil(CivilDate(year: 10000, month: 1, day: 1))
        XCTAssertNil(CivilDate(year: 2025, month: 13, day: 1))
    }

    func testDaysBeforeYearOneStillCountAndOrder() {
        // Far outside any export, but `adding(days:)` reaches them from a wrong date without failing.
        let early = CivilDate(dayNumber: -800_000)
        let earlier = CivilDate(dayNumber: -800_001)
        XCTAssertLessThan(early.year, 0)
        XCTAssertEqual(early.dayNumber, -800_000)
        XCTAssertEqual(earlier.adding(days: 1), early)
        XCTAssertTrue(earlier < early)
    }

    func testDateTimesGiveBackTheirPartsAndOrderByDateThenTime() throws {
        let day = try XCTUnwrap(CivilDate(year: 2025, month: 6, day: 30))
        let next = day.adding(days: 1)
        var times: [CivilDateTime] = []
        for date in [day, next] {
            for (hour, minute, second) in [(0, 0, 0), (0, 0, 59), (0, 59, 0), (9, 5, 7), (23, 59, 59)] {
                let time = try XCTUnwrap(CivilDateTime(date: date, hour: hour, minute: minute, second: second))
                XCTAssertEqual([time.hour, time.minute, time.second], [hour, minute, second])
                XCTAssertEqual(time.date, date)
                XCTAssertEqual(CivilDateTime(iso: time.iso), time)
                times.append(time)
            }
        }
        XCTAssertEqual(times.sorted(), times)
        XCTAssertEqual(Set(times).count, times.count)
        XCTAssertNil(CivilDateTime(date: day, hour: 24, minute: 0, second: 0))
        XCTAssertNil(CivilDateTime(date: day, hour: 1, minute: 60, second: 0))
    }
}
