import CaseModel

/// Reads the cells of one row, normalising each and collecting a problem for
/// every cell that cannot be read. Messages name the file, row and field, and
/// never repeat a value that may be personal data; the few fields whose value
/// they quote (dates, amounts, enumerations, codes) are quoted through
/// `Excerpt`, cut to a few characters, so a hostile cell cannot bloat them.
struct FieldReader {
    let row: RawRow
    let layout: TableLayout
    var caseID: String?
    private(set) var problems: [Problem] = []

    init(row: RawRow, layout: TableLayout) {
        self.row = row
        self.layout = layout
    }

    var file: String { row.source.file }

    /// Keys are the contract's own: every one has a column in its file's layout.
    func column(_ key: String) -> Column {
        guard let index = layout.index[key] else { return Column(key, key) }
        return layout.columns[index]
    }

    /// The cell's text, trimmed; lists joined. Empty when absent.
    func text(_ key: String) -> String {
        guard let position = layout.index[key], position < row.cells.count, let cell = row.cells[position] else { return "" }
        switch cell {
        case .text(let value): return Normalize.trim(value)
        case .list(let items): return items.map(Normalize.trim).joined(separator: "；")
        }
    }

    func list(_ key: String, separators: Normalize.ListSeparators) -> [String] {
        guard let position = layout.index[key], position < row.cells.count, let cell = row.cells[position] else { return [] }
        switch cell {
        case .text(let value): return Normalize.list(value, separators: separators)
        case .list(let items): return items.map(Normalize.trim).filter { !$0.isEmpty }
        }
    }

    mutating func report(_ kind: ProblemKind, _ key: String?, _ detail: String, severity: Problem.Severity = .error) {
        let label = key.map { column($0).label + "：" } ?? ""
        let subject = caseID.map { "（案件 \(Excerpt.caseID($0))）" } ?? ""
        problems.append(Problem(file: file, row: row.source.row, caseID: caseID, field: key, kind: kind,
                                message: "\(file) 第\(row.source.row)行\(subject) \(label)\(detail)", severity: severity))
    }

    /// The cell's text, or nil with a problem when a required cell is empty.
    mutating func required(_ key: String) -> String? {
        let value = text(key)
        if value.isEmpty {
            report(.missingRequiredField, key, "必填项为空。")
            return nil
        }
        return value
    }

    /// A code-like cell (half-width, trimmed).
    mutating func code(_ key: String, required isRequired: Bool = false) -> String? {
        let value = Normalize.code(text(key))
        if value.isEmpty {
            if isRequired { report(.missingRequiredField, key, "必填项为空。") }
            return isRequired ? nil : ""
        }
        return value
    }

    /// nil when absent (with a problem if required) or unreadable (always a problem).
    mutating func date(_ key: String, required isRequired: Bool) -> CivilDate? {
        let raw = Normalize.code(text(key))
        if raw.isEmpty {
            if isRequired { report(.missingRequiredField, key, "必填项为空。") }
            return nil
        }
        guard let date = Normalize.date(raw) else {
            report(.unparseableDate, key, "“\(Excerpt.of(raw))”不是有效日期（可用格式如 2025-03-14、2025/3/14、2025年3月14日）。")
            return nil
        }
        return date
    }

    /// Tells an absent optional date from an unreadable one.
    mutating func optionalDate(_ key: String) -> (value: CivilDate?, ok: Bool) {
        let before = problems.count
        let value = date(key, required: false)
        return (value, problems.count == before)
    }

    mutating func dateTime(_ key: String, required isRequired: Bool) -> CivilDateTime? {
        let raw = Normalize.code(text(key))
        if raw.isEmpty {
            if isRequired { report(.missingRequiredField, key, "必填项为空。") }
            return nil
        }
        guard let value = Normalize.dateTime(raw) else {
            report(.unparseableDate, key, "“\(Excerpt.of(raw))”不是有效的日期时间（如 2025-03-14 10:20:30）。")
            return nil
        }
        return value
    }

    mutating func choice<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type, required isRequired: Bool) -> E?
    where E.RawValue == String {
        let raw = Normalize.code(text(key))
        if raw.isEmpty {
            if isRequired { report(.missingRequiredField, key, "必填项为空。") }
            return nil
        }
        guard let value = E(rawValue: raw) ?? E(rawValue: raw.replacingOccurrences(of: " ", with: "")) else {
            let allowed = E.allCases.map(\.rawValue).joined(separator: "、")
            report(.invalidValue, key, "“\(Excerpt.of(raw))”不是允许的取值（应为：\(allowed)）。")
            return nil
        }
        return value
    }

    /// 是/否 and its spellings; empty means 否.
    mutating func flag(_ key: String) -> Bool? {
        let raw = Normalize.code(text(key))
        if raw.isEmpty { return false }
        guard let value = Normalize.flag(raw) else {
            report(.invalidValue, key, "“\(Excerpt.of(raw))”不是是/否（也可写作 Y/N、1/0、true/false）。")
            return nil
        }
        return value
    }

    /// An amount in yuan; `.some(nil)` when empty, nil when unreadable.
    mutating func amount(_ key: String) -> Yuan?? {
        let raw = text(key)
        guard let value = Normalize.amount(raw) else {
            report(.invalidAmount, key, "“\(Excerpt.of(Normalize.code(raw)))”不是有效金额（单位元，最多两位小数，如 50000、5万元、1,200.50）。")
            return nil
        }
        return .some(value)
    }

    /// A whole number ≥ 1 (序号, 期限（日）); nil when absent (with a problem if required) or unreadable.
    mutating func positiveInteger(_ key: String, required isRequired: Bool) -> Int? {
        let raw = Normalize.code(text(key))
        if raw.isEmpty {
            if isRequired { report(.missingRequiredField, key, "必填项为空。") }
            return nil
        }
        // `3.0` is how spreadsheets write 3.
        let whole = raw.hasSuffix(".0") ? String(raw.dropLast(2)) : raw
        guard whole.count <= 9, whole.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(whole), value >= 1 else {
            report(.invalidValue, key, "“\(Excerpt.of(raw))”不是正整数。")
            return nil
        }
        return value
    }

    /// A date-time that must carry at least the minute (送达时间).
    mutating func dateTimeToTheMinute(_ key: String, required isRequired: Bool) -> CivilDateTime? {
        let raw = Normalize.code(text(key))
        if !raw.isEmpty, Normalize.date(raw) != nil {
            report(.unparseableDate, key, "只有日期，没有时间：应精确到分钟（如 2025-03-14 10:20）。")
            return nil
        }
        return dateTime(key, required: isRequired)
    }
}
