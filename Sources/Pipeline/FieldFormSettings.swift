import Foundation
import Yams

/// The paper a field form is printed on: A4, A5 or a size of its own (portable printers).
public struct FormPaper: Equatable, Sendable {
    public var name: String
    public var widthMM: Double
    public var heightMM: Double

    public init(name: String, widthMM: Double, heightMM: Double) {
        self.name = name
        self.widthMM = widthMM
        self.heightMM = heightMM
    }

    public static let a4 = FormPaper(name: "A4", widthMM: 210, heightMM: 297)
    public static let a5 = FormPaper(name: "A5", widthMM: 148, heightMM: 210)
}

/// `field_form:` in pipeline.yml: the pre-formatted 当场行政处罚决定书 printed in the field.
public struct FieldFormSettings: Equatable, Sendable {
    public var paper = FormPaper.a4
    /// The form's template; relative paths start at the configuration's folder. It lies
    /// outside `templates` on purpose: every template there is a document kind of the run.
    public var template = "Templates/forms/当场行政处罚决定书（预定格式）.xml"
    /// One file per field case, for the next sync; relative paths are inside the output folder.
    public var outbox = "outbox"

    public init() {}
}

extension PipelineConfig {
    public var fieldFormTemplateURL: URL { Self.resolve(fieldForm.template, against: baseFolder) }
    public var outboxURL: URL { Self.resolve(fieldForm.outbox, against: outputURL) }

    private static func resolve(_ path: String, against base: URL) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path).standardizedFileURL
    }
}

extension ConfigLoader {
    static func fieldForm(_ node: Node, _ reader: NodeReader) throws -> FieldFormSettings {
        var settings = FieldFormSettings()
        for (key, value) in try reader.mapping(node, key: "field_form") {
            switch key.string ?? "" {
            case "paper": settings.paper = try paper(value, reader)
            case "template": settings.template = try reader.path(value, key: "field_form.template")
            case "outbox": settings.outbox = try reader.path(value, key: "field_form.outbox")
            default: throw reader.unknown(key, in: "field_form", allowed: ["paper", "template", "outbox"])
            }
        }
        return settings
    }

    /// `A4`, `A5`, or `{width_mm: 105, height_mm: 250}`.
    private static func paper(_ node: Node, _ reader: NodeReader) throws -> FormPaper {
        if case .scalar(let scalar) = node {
            switch scalar.string.uppercased() {
            case "A4": return .a4
            case "A5": return .a5
            default: throw reader.error(node, key: "field_form.paper", "应为 A4、A5 或 {width_mm: 宽, height_mm: 高}（毫米）。")
            }
        }
        var width: Int?, height: Int?
        for (key, value) in try reader.mapping(node, key: "field_form.paper") {
            switch key.string ?? "" {
            case "width_mm": width = try reader.integer(value, key: "field_form.paper.width_mm", range: 100...300)
            case "height_mm": height = try reader.integer(value, key: "field_form.paper.height_mm", range: 140...600)
            default: throw reader.unknown(key, in: "field_form.paper", allowed: ["width_mm", "height_mm"])
            }
        }
        guard let width, let height else {
            throw reader.error(node, key: "field_form.paper", "自定义纸张应同时写明 width_mm 和 height_mm。")
        }
        return FormPaper(name: "\(width)×\(height)毫米", widthMM: Double(width), heightMM: Double(height))
    }
}
