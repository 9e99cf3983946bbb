import ErrorReporting
import CaseModel
import Foundation

/// Why a working-day question could not be answered.
public enum CalendarError: SanxiangError, Equatable, Sendable {
    /// The calendar file is missing or not in the expected form.
    case unreadable(path: String, reason: String)
    /// A date falls in a year the data does not cover: weekends alone would give a wrong deadline.
    case yearNotCovered(year: Int, covered: ClosedRange<Int>?, path: String)

    public var message: String {
        switch self {
        case let .unreadable(path, reason):
            return "工作日历 \(path) 无法读取：\(reason)"
        case let .yearNotCovered(year, covered, path):
            let range = covered.map { "现有 \($0.lowerBound)—\($0.upperBound) 年" } ?? "文件中没有任何年份"
            return "工作日历 \(path) 没有 \(year) 年的节假日安排（\(range)）。请按国务院办公厅当年的节假日安排通知补充后再计算期限。"
        }
    }
}

/// Working days on the official calendar: Monday to Friday, less the public
/// holidays, plus the weekend days the State Council's notices make working days (调休).
public struct WorkingCalendar: Sendable {
    public let path: String
    /// Calendar years every day of which the data settles.
    public let coveredYears: ClosedRange<Int>?
    private let offDays: Set<Int>
    private let workDays: Set<Int>
    /// Holiday names by day, for messages such as “国庆节”.
    private let holidayNames: [Int: String]

    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw CalendarError.unreadable(path: url.path, reason: "文件不存在或无法打开")
        }
        try self.init(json: data, path: url.path)
    }

    public init(json data: Data, path: String) throws {
        let file: CalendarFile
        do {
            file = try JSONDecoder().decode(CalendarFile.self, from: data)
        } catch {
            throw CalendarError.unreadable(path: path, reason: "不是规定格式的 JSON（\(error)）")
        }
        var off = Set<Int>(), work = Set<Int>(), names: [Int: String] = [:]
        var years: [Int] = []
        for (yearText, year) in file.years {
            guard let number = Int(yearText) else {
                throw CalendarError.unreadable(path: path, reason: "年份“\(yearText)”不是数字")
            }
            years.append(number)
            for (name, dates) in year.off {
                for date in try Self.parse(dates, path: path) {
                    off.insert(date.dayNumber)
                    names[date.dayNumber] = name
                }
            }
            for date in try Self.parse(year.work, path: path) { work.insert(date.dayNumber) }
        }
        if let clash = off.intersection(work).min() {
            throw CalendarError.unreadable(path: path, reason: "\(CivilDate(dayNumber: clash).iso) 既是放假日又是上班日")
        }
        self.path = path
        coveredYears = try Self.contiguous(years.sorted(), path: path)
        offDays = off
        workDays = work
        holidayNames = names
    }

    private static func parse(_ dates: [String], path: String) throws -> [CivilDate] {
        try dates.map { text in
            guard let date = CivilDate(iso: text) else {
                throw CalendarError.unreadable(path: path, reason: "日期“\(text)”不是 YYYY-MM-DD")
            }
            return date
        }
    }

    /// A gap in the years would let a deadline silently cross an unknown year.
    private static func contiguous(_ years: [Int], path: String) throws -> ClosedRange<Int>? {
        guard let first = years.first, let last = years.last else { return nil }
        guard years == Array(first...last) else {
            throw CalendarError.unreadable(path: path, reason: "年份不连续：\(years.map(String.init).joined(separator: "、"))")
        }
        return first...last
    }

    private func requireCovered(_ date: CivilDate) throws {
        guard let coveredYears, coveredYears.contains(date.year) else {
            throw CalendarError.yearNotCovered(year: date.year, covered: coveredYears, path: path)
        }
    }

    public func isWorkingDay(_ date: CivilDate) throws -> Bool {
        try requireCovered(date)
        let day = date.dayNumber
        if workDays.contains(day) { return true }
        if offDays.contains(day) { return false }
        return date.weekdayIndex < 5
    }

    /// The holiday a day belongs to, e.g. 春节, or nil for an ordinary day.
    public func holidayName(_ date: CivilDate) -> String? { holidayNames[date.dayNumber] }

    /// The date `count` working days after `start`; the start day itself is not counted (0 gives `start`).
    public func date(workingDays count: Int, after start: CivilDate) throws -> CivilDate {
        var date = start
        var remaining = count
        while remaining > 0 {
            date = date.adding(days: 1)
            if try isWorkingDay(date) { remaining -= 1 }
        }
        return date
    }

    /// Working days after `deadline` up to and including `date`: how late something done on `date` was.
    public func workingDays(after deadline: CivilDate, through date: CivilDate) throws -> Int {
        guard date > deadline else { return 0 }
        var count = 0
        var day = deadline
        while day < date {
            day = day.adding(days: 1)
            if try isWorkingDay(day) { count += 1 }
        }
        return count
    }
}

/// The layout of `Templates/calendar/cn-working-days.json`.
private struct CalendarFile: Decodable {
    struct Year: Decodable {
        var notice: String
        var sources: [String]
        /// Holiday name → its days off (weekends inside the range included).
        var off: [String: [String]]
        /// Weekend days that are working days (调休上班).
        var work: [String]
    }

    var years: [String: Year]
}
