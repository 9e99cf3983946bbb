/// A calendar date with no time zone: decision dates, served dates and
/// certificate expiry are legal dates, not instants.
public struct CivilDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// year · 512 + month · 32 + day, in four bytes: an export of 100,000 cases holds millions of dates (the
    /// case's, its procedure's, every service's and record's), and three Ints took 24 bytes each, 32 as an
    /// optional. Ordered as (year, month, day) are, negative years included (the shift floors).
    private let packed: Int32

    public var year: Int { Int(packed >> 9) }
    public var month: Int { Int((packed >> 5) & 0xF) }
    public var day: Int { Int(packed & 0x1F) }

    /// Returns nil unless the triple names a real Gregorian date.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...CivilDate.daysIn(month: month, year: year)).contains(day) else { return nil }
        self.init(checkedYear: year, month: month, day: day)
    }

    /// A triple already known to be a date (from `dayNumber`, where the year may lie outside 1...9999).
    private init(checkedYear year: Int, month: Int, day: Int) {
        packed = Int32(truncatingIfNeeded: year) &* 512 &+ Int32(month) &* 32 &+ Int32(day)
    }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// ISO 8601 form, `2025-03-14`: the form every output and the state store use.
    public var iso: String {
        String(format4: year) + "-" + String(pad2: month) + "-" + String(pad2: day)
    }

    /// The form documents use: `2025年3月14日`, no zero padding (GB/T 9704).
    public var chinese: String { "\(year)年\(month)月\(day)日" }

    public var description: String { iso }

    public static func < (a: CivilDate, b: CivilDate) -> Bool { a.packed < b.packed }

    /// Days since 1970-01-01 (proleptic Gregorian), for date arithmetic.
    public var dayNumber: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public init(dayNumber z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(checkedYear: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }

    public func adding(days: Int) -> CivilDate { CivilDate(dayNumber: dayNumber + days) }

    /// 0 = Monday … 6 = Sunday.
    public var weekdayIndex: Int { ((dayNumber % 7) + 7 + 3) % 7 }

    /// Parses the ISO form only; the messy export forms are the ingest's job.
    public init?(iso: String) {
        let parts = iso.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = CivilDate(iso: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "not an ISO date: \(text)"))
        }
        self = date
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso)
    }
}

/// A local date and time as the case system recorded it (no zone).
public struct CivilDateTime: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let date: CivilDate
    /// hour · 4096 + minute · 64 + second: eight bytes with the date, not 48 (every service and record has one).
    private let time: UInt32

    public var hour: Int { Int(time >> 12) }
    public var minute: Int { Int((time >> 6) & 0x3F) }
    public var second: Int { Int(time & 0x3F) }

    public init?(date: CivilDate, hour: Int, minute: Int, second: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second) else { return nil }
        self.date = date
        time = UInt32(hour) << 12 | UInt32(minute) << 6 | UInt32(second)
    }

    /// `2025-03-14T10:20:30`.
    public var iso: String {
        date.iso + "T" + String(pad2: hour) + ":" + String(pad2: minute) + ":" + String(pad2: second)
    }

    public var description: String { iso }

    public static func < (a: CivilDateTime, b: CivilDateTime) -> Bool {
        (a.date, a.time) < (b.date, b.time)
    }

    public init?(iso: String) {
        let halves = iso.split(separator: "T")
        guard halves.count == 2, let day = CivilDate(iso: String(halves[0])) else { return nil }
        let hms = halves[1].split(separator: ":").compactMap { Int($0) }
        guard hms.count == 3 else { return nil }
        self.init(date: day, hour: hms[0], minute: hms[1], second: hms[2])
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = CivilDateTime(iso: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "not an ISO date-time: \(text)"))
        }
        self = value
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso)
    }
}

extension String {
    init(pad2 value: Int) {
        self = value < 10 ? "0\(value)" : "\(value)"
    }

    init(format4 value: Int) {
        let text = "\(value)"
        let padding = Swift.max(0, 4 - text.count)
        self = String(repeating: "0", count: padding) + text
    }
}
