/// Something reading found wrong with a row before any field rule ran:
/// a cell that is not text, too long, or a row cut by a stray quote. Its
/// problem names file, row and field and never quotes the cell.
struct RowDefect: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        case cell(CellDefect)
        /// Invisible characters were taken out of the cell (a warning only).
        case invisibleRemoved
        case strayQuote
        /// A cases.json key longer than `IngestLimits.maxHeaderBytes`.
        case oversizedKey
        /// Inside the span the stray quote of data row `byRow` would have swallowed.
        case swallowed(byRow: Int)
    }

    let kind: Kind
    /// The contract key of the field, or the header of an unknown column.
    let field: String?

    var severity: Problem.Severity { kind == .invisibleRemoved ? .warning : .error }

    static func of(_ screened: ScreenedCell, field: String) -> [RowDefect] {
        if let defect = screened.defect { return [RowDefect(kind: .cell(defect), field: field)] }
        return screened.removedInvisible ? [RowDefect(kind: .invisibleRemoved, field: field)] : []
    }

    var problemKind: ProblemKind {
        switch kind {
        case .cell(.undecodable): return .undecodableText
        case .cell(.controlCharacter), .cell(.noncharacter): return .forbiddenCharacter
        case .cell(.tooLong), .oversizedKey: return .fieldTooLong
        case .invisibleRemoved: return .invisibleCharactersRemoved
        case .strayQuote, .swallowed: return .unbalancedQuote
        }
    }

    /// What is wrong, for a clerk; the value itself is never quoted.
    var detail: String {
        switch kind {
        case .cell(.undecodable):
            return "含有无法识别的字符（不是有效的 UTF-8/GB18030 编码），该行已暂存。请在办案系统中核对这一项后重新导出。"
        case .cell(.controlCharacter):
            return "含有控制字符（如 NUL），不是正常文本，该行已暂存。"
        case .cell(.noncharacter):
            return "含有 Unicode 非字符（如 U+FFFE、U+FFFF），不是正常文本，该行已暂存。"
        case .cell(.tooLong(let bytes)):
            return "内容过长（\(Self.kilobytes(bytes))，单项上限为 \(Self.kilobytes(IngestLimits.maxFieldBytes))），该行已暂存。"
        case .oversizedKey:
            return "有一个键名过长（超过 \(Self.kilobytes(IngestLimits.maxHeaderBytes))），不是契约中的字段，该行已暂存。"
        case .invisibleRemoved:
            return "含有零宽字符、双向控制符或软连字符等不可见字符，已删除后导入，请核对原始数据。"
        case .strayQuote:
            return "字段的引号没有配对，可能吞并了后面的行；该行已暂存，受影响的后续行也已暂存。"
        case .swallowed(let row):
            let by = row > 0 ? "第\(row)行" : "前面某行"
            return "\(by)的引号没有配对，本行位于可能被吞并的范围内，内容未必完整，已暂存待核对。"
        }
    }

    private static func kilobytes(_ bytes: Int) -> String {
        bytes >= 1 << 20 ? "\(bytes >> 20) MB" : "\(max(1, bytes >> 10)) KB"
    }

    func problem(row: RawRow, caseID: String?) -> Problem {
        let file = row.source.file
        let label = field.map { Self.label(of: $0, in: file) + "：" } ?? ""
        let subject = caseID.map { "（案件 \(Excerpt.caseID($0))）" } ?? ""
        return Problem(file: file, row: row.source.row, caseID: caseID, field: field, kind: problemKind,
                       message: "\(file) 第\(row.source.row)行\(subject) \(label)\(detail)", severity: severity)
    }

    /// `案由（title）` for a contract column, `“备注”列` for an unknown one.
    static func label(of field: String, in file: String) -> String {
        if let column = ExportFile(rawValue: file)?.columns.first(where: { $0.key == field }) { return column.label }
        return "“\(Excerpt.of(field))”列"
    }
}

extension RawRow {
    /// The row's case id as far as it could be read, for messages and the quarantine.
    var readableCaseID: String? {
        guard let file = ExportFile(rawValue: source.file), let index = TableLayout(file).index["case_id"],
              index < cells.count, case .text(let value)? = cells[index] else { return nil }
        return Normalize.code(value).nonEmpty
    }

    /// The problems of the row's defects, in field order.
    var defectProblems: [Problem] {
        let caseID = readableCaseID
        return defects.map { $0.problem(row: self, caseID: caseID) }
    }
}

/// Makes a cases.json that one bad string would make unreadable as a whole
/// readable again, so the bad string costs only its own row: raw control
/// bytes inside strings become escapes and lone surrogate escapes
/// (`\ud800`) become the undecodable marker; the screening of cells then
/// sets those rows aside. Everything else is copied unchanged.
enum JSONRepair {
    static func neutralise(_ input: [UInt8]) -> [UInt8] {
        var output = [UInt8]()
        output.reserveCapacity(input.count)
        var inString = false
        var i = 0
        let n = input.count
        while i < n {
            let byte = input[i]
            guard inString else {
                if byte == 0x22 { inString = true }
                output.append(byte)
                i += 1
                continue
            }
            switch byte {
            case 0x22:
                inString = false
                output.append(byte)
                i += 1
            case 0x5C:
                i = escape(input, at: i, into: &output)
            case 0x00..<0x20:
                output += Array("\\u00".utf8) + hex(byte >> 4) + hex(byte & 0x0F)
                i += 1
            default:
                output.append(byte)
                i += 1
            }
        }
        return output
    }

    /// Copies the escape at `i` (a backslash), replacing a lone surrogate.
    private static func escape(_ input: [UInt8], at i: Int, into output: inout [UInt8]) -> Int {
        guard let unit = unicodeEscape(input, at: i) else {
            // Not a \u escape: copy the backslash and the next byte as they are.
            output += input[i..<min(input.count, i + 2)]
            return i + 2
        }
        if (0xD800...0xDBFF).contains(unit), let low = unicodeEscape(input, at: i + 6), (0xDC00...0xDFFF).contains(low) {
            output += input[i..<i + 12]
            return i + 12
        }
        if (0xD800...0xDFFF).contains(unit) {
            output += Array("\\ufdd0".utf8)
        } else {
            output += input[i..<i + 6]
        }
        return i + 6
    }

    /// The code unit of a `\uXXXX` escape at `i`, or nil.
    private static func unicodeEscape(_ input: [UInt8], at i: Int) -> UInt32? {
        guard i + 6 <= input.count, input[i] == 0x5C, input[i + 1] == UInt8(ascii: "u") else { return nil }
        var value: UInt32 = 0
        for byte in input[i + 2..<i + 6] {
            guard let digit = hexValue(byte) else { return nil }
            value = value << 4 | digit
        }
        return value
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func hex(_ nibble: UInt8) -> [UInt8] { [hexDigits[Int(nibble & 0x0F)]] }
}
