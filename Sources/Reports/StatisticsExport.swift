import Foundation

/// statistics.json and statistics.csv: every figure of the report as data.
public enum StatisticsExport {
    public static func json(_ statistics: AnnualStatistics) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(statistics)) + Array("\n".utf8)
    }

    /// One row per figure: `year,agency_code,agency_name,figure,value`, the figure
    /// named by its path in statistics.json (e.g. `by_action_type.行政处罚`,
    /// `by_month.03`). UTF-8 with a byte-order mark so Excel opens it as Chinese.
    public static func csv(_ statistics: AnnualStatistics) throws -> [UInt8] {
        var lines = ["year,agency_code,agency_name,figure,value"]
        for agency in statistics.agencies + [statistics.total] {
            for (figure, value) in try flatten(agency) {
                lines.append([String(statistics.year), agency.agencyCode, agency.name, figure, value].map(field).joined(separator: ","))
            }
        }
        return [0xEF, 0xBB, 0xBF] + Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    /// The figures of one agency as (path, value), in the order of statistics.json.
    static func flatten(_ agency: AgencyStatistics) throws -> [(String, String)] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let object = try JSONSerialization.jsonObject(with: encoder.encode(agency))
        var out: [(String, String)] = []
        walk(object, path: "", into: &out)
        return out.filter { $0.0 != "agency_code" && $0.0 != "name" }
    }

    private static func walk(_ value: Any, path: String, into out: inout [(String, String)]) {
        func join(_ key: String) -> String { path.isEmpty ? key : path + "." + key }
        switch value {
        case let dictionary as [String: Any]:
            for (key, element) in dictionary.sorted(by: { $0.key < $1.key }) { walk(element, path: join(key), into: &out) }
        case let array as [Any]:
            for (index, element) in array.enumerated() {
                walk(element, path: join(String(format: "%02d", index + 1)), into: &out)
            }
        case let string as String:
            out.append((path, string))
        case let number as NSNumber:
            out.append((path, number.stringValue))
        default:
            out.append((path, ""))
        }
    }

    private static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
