import CaseModel
import Foundation

/// A cell as the export wrote it: CSV cells are text; cases.json may hold arrays.
public enum RawValue: Sendable, Equatable {
    case text(String)
    case list([String])
}

/// One data row of a contract file, cells addressed by contract key.
public struct RawRow: Sendable {
    public let source: SourceRef
    let cells: [RawValue?]
    /// Columns the contract does not know, kept by their header.
    public let extra: [String: String]
}

/// Column key → cell position for one contract file.
struct TableLayout: Sendable {
    let columns: [Column]
    let index: [String: Int]

    private static let cached: [ExportFile: TableLayout] = Dictionary(
        uniqueKeysWithValues: ExportFile.allCases.map { ($0, TableLayout(building: $0)) })

    /// The layout of a contract file, built once.
    init(_ file: ExportFile) { self = Self.cached[file] ?? TableLayout(building: file) }

    private init(building file: ExportFile) {
        columns = file.columns
        index = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1.key, $0) })
    }

    /// Which contract column a header names: the Chinese header or the English
    /// key, ignoring case, width and surrounding space.
    func column(forHeader raw: String) -> Int? {
        let header = Normalize.code(raw)
        if let byKey = index[header.lowercased()] { return byKey }
        return columns.firstIndex { $0.header == header || $0.header.lowercased() == header.lowercased() }
    }
}

enum TableError: Error {
    case csv(CSVError)
    case decoding(TextDecodingError)
    case json(line: Int?)
    case notAnArray
}

enum TableReader {
    /// Maps CSV records (first one the header) onto contract rows.
    static func rows(csv records: [CSVRecord], file: ExportFile) -> [RawRow] {
        guard let header = records.first else { return [] }
        let layout = TableLayout(file)
        var positions: [Int?] = []
        var extraNames: [String?] = []
        var seen = Set<Int>()
        for (i, name) in header.fields.enumerated() {
            let cleaned = Normalize.trim(name)
            if let column = layout.column(forHeader: cleaned), !seen.contains(column) {
                seen.insert(column)
                positions.append(column)
                extraNames.append(nil)
            } else {
                positions.append(nil)
                extraNames.append(cleaned.isEmpty ? "第\(i + 1)列" : cleaned)
            }
        }
        let numbered = Array(records.dropFirst().enumerated())
        return concurrentMap(numbered) { number, record in
            var cells = [RawValue?](repeating: nil, count: layout.columns.count)
            var extra: [String: String] = [:]
            for (i, value) in record.fields.enumerated() {
                if i < positions.count, let column = positions[i] {
                    cells[column] = .text(value)
                } else if !Normalize.trim(value).isEmpty {
                    extra[(i < extraNames.count ? extraNames[i] : nil) ?? "第\(i + 1)列"] = value
                }
            }
            return RawRow(source: SourceRef(file: file.rawValue, row: number + 1), cells: cells, extra: extra)
        }
    }

    /// Maps the objects of cases.json onto contract rows; a non-object element
    /// becomes a row with no cells, which the decoder reports.
    static func rows(json data: [UInt8]) throws -> [RawRow] {
        let values: [JSONValue]
        do {
            values = try JSONDecoder().decode([JSONValue].self, from: Data(data))
        } catch DecodingError.typeMismatch {
            throw TableError.notAnArray
        } catch {
            throw TableError.json(line: jsonErrorLine(error))
        }
        let layout = TableLayout(.casesJSON)
        return values.enumerated().map { number, value in
            var cells = [RawValue?](repeating: nil, count: layout.columns.count)
            var extra: [String: String] = [:]
            if case .object(let object) = value {
                for (key, member) in object {
                    if let column = layout.column(forHeader: key) {
                        cells[column] = member.raw
                    } else if let text = member.flatText {
                        extra[key] = text
                    }
                }
            }
            return RawRow(source: SourceRef(file: ExportFile.casesJSON.rawValue, row: number + 1), cells: cells,
                          extra: extra, isObject: value.isObject)
        }
    }

    private static func jsonErrorLine(_ error: Error) -> Int? {
        let text = "\(error)"
        guard let range = text.range(of: #"line (\d+)"#, options: .regularExpression) else { return nil }
        return Int(text[range].dropFirst(5))
    }
}

extension RawRow {
    init(source: SourceRef, cells: [RawValue?], extra: [String: String], isObject: Bool) {
        self.source = source
        self.cells = isObject ? cells : []
        self.extra = extra
    }

    /// False for a cases.json element that is not an object.
    var isWellFormed: Bool { !cells.isEmpty }
}

/// Any JSON value, decoded without losing the text of numbers that matter.
indirect enum JSONValue: Decodable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null; return }
        if let value = try? container.decode(Bool.self) { self = .bool(value); return }
        if let value = try? container.decode(Int64.self) { self = .number(String(value)); return }
        if let value = try? container.decode(Double.self) {
            // Shortest round-trip text: 1234.56 stays "1234.56"; amounts with
            // more than two decimals are rejected later, never rounded.
            self = .number(value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : "\(value)")
            return
        }
        if let value = try? container.decode(String.self) { self = .string(value); return }
        if let value = try? container.decode([JSONValue].self) { self = .array(value); return }
        self = .object(try container.decode([String: JSONValue].self))
    }

    var isObject: Bool {
        if case .object = self { return true }
        return false
    }

    var flatText: String? {
        switch self {
        case .null: return nil
        case .bool(let value): return value ? "true" : "false"
        case .number(let text), .string(let text): return text
        case .array(let items): return items.compactMap(\.flatText).joined(separator: ";")
        case .object: return nil
        }
    }

    var raw: RawValue? {
        switch self {
        case .null: return nil
        case .array(let items): return .list(items.compactMap(\.flatText))
        default: return flatText.map(RawValue.text)
        }
    }
}
