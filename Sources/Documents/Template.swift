import ErrorReporting
import Web

/// A value a template reads: text, a yes/no, a list, or named fields.
public indirect enum TemplateValue: Sendable, Equatable {
    case text(String)
    case flag(Bool)
    case list([TemplateValue])
    case object([String: TemplateValue])

    /// Empty text, false, an empty list: a section over it is skipped, an inverted one shown.
    var isTruthy: Bool {
        switch self {
        case .text(let text): return !text.isEmpty
        case .flag(let value): return value
        case .list(let items): return !items.isEmpty
        case .object: return true
        }
    }

    var rendered: String {
        switch self {
        case .text(let text): return text
        case .flag(let value): return value ? "是" : "否"
        case .list(let items): return items.map(\.rendered).joined(separator: "、")
        case .object: return ""
        }
    }

    public subscript(path: String) -> TemplateValue? {
        var current: TemplateValue? = self
        for part in path.split(separator: ".") {
            guard case .object(let fields)? = current else { return nil }
            current = fields[String(part)]
        }
        return current
    }

    /// A copy with the value at a dotted path replaced (tests blank a statutory element this way).
    public func replacing(_ path: String, with value: TemplateValue) -> TemplateValue {
        let parts = path.split(separator: ".").map(String.init)
        guard let first = parts.first, case .object(var fields) = self else { return self }
        if parts.count == 1 {
            fields[first] = value
        } else {
            fields[first] = (fields[first] ?? .object([:])).replacing(parts.dropFirst().joined(separator: "."), with: value)
        }
        return .object(fields)
    }
}

/// A mistake in a template file, with its line.
public struct TemplateError: SanxiangError, Equatable, Sendable {
    public var file: String
    public var line: Int
    public var problem: String

    public var message: String { "文书模板 \(file) 第\(line)行：\(problem)" }
}

/// A logic-less template (a Mustache subset): `{{a.b}}` inserts a value, XML-escaped;
/// `{{#a}}…{{/a}}` repeats for each item of a list or shows once for a true value;
/// `{{^a}}…{{/a}}` shows when the value is empty or false; `{{.}}` is the current item;
/// `{{! …}}` is a comment. Parsed once, rendered many times.
public struct Template: Sendable {
    indirect enum Node: Sendable {
        case text(String)
        case variable(Path)
        case section(Path, inverted: Bool, [Node])
    }

    /// A dotted name, split once when the template is read; `.` has no parts.
    struct Path: Sendable {
        let parts: [String]

        init(_ name: String) { parts = name == "." ? [] : name.split(separator: ".").map(String.init) }
    }

    let nodes: [Node]
    public let file: String

    public init(_ source: String, file: String) throws {
        self.file = file
        var parser = Parser(source: Array(source.unicodeScalars), file: file)
        nodes = try parser.parse(until: nil)
    }

    public func render(_ context: TemplateValue) -> String {
        var out = ""
        Self.render(nodes, stack: [context], into: &out)
        return out
    }

    private static func render(_ nodes: [Node], stack: [TemplateValue], into out: inout String) {
        for node in nodes {
            switch node {
            case .text(let text):
                out += text
            case .variable(let path):
                out += escape(lookup(path, in: stack)?.rendered ?? "")
            case .section(let path, let inverted, let body):
                let value = lookup(path, in: stack)
                if inverted {
                    if !(value?.isTruthy ?? false) { render(body, stack: stack, into: &out) }
                    continue
                }
                guard let value, value.isTruthy else { continue }
                if case .list(let items) = value {
                    for item in items { render(body, stack: stack + [item], into: &out) }
                } else {
                    render(body, stack: stack + [value], into: &out)
                }
            }
        }
    }

    /// The innermost context that has the path's first name answers.
    private static func lookup(_ path: Path, in stack: [TemplateValue]) -> TemplateValue? {
        guard let head = path.parts.first else { return stack.last }
        for context in stack.reversed() {
            guard case .object(let fields) = context, var current = fields[head] else { continue }
            for part in path.parts.dropFirst() {
                guard case .object(let inner) = current, let next = inner[part] else { return nil }
                current = next
            }
            return current
        }
        return nil
    }

    /// Values go into XML markup: the same escaping as the HTML pages.
    static func escape(_ text: String) -> String { HTML.escape(text) }

    private struct Parser {
        let source: [Unicode.Scalar]
        let file: String
        var index = 0
        var line = 1

        init(source: [Unicode.Scalar], file: String) {
            self.source = source
            self.file = file
        }

        mutating func parse(until closing: String?) throws -> [Node] {
            var nodes: [Node] = []
            var text = ""
            let openedAt = line
            while index < source.count {
                if starts(with: "{{") {
                    if !text.isEmpty { nodes.append(.text(text)); text = "" }
                    let tag = try readTag()
                    switch tag.first {
                    case "!": continue
                    case "#", "^":
                        let name = String(tag.dropFirst()).trimmingSpaces
                        try checkName(name)
                        nodes.append(.section(Path(name), inverted: tag.first == "^", try parse(until: name)))
                    case "/":
                        let name = String(tag.dropFirst()).trimmingSpaces
                        guard name == closing else {
                            throw TemplateError(file: file, line: line, problem: "“{{/\(name)}}”没有对应的开始标记")
                        }
                        return nodes
                    default:
                        let name = tag.trimmingSpaces
                        try checkName(name)
                        nodes.append(.variable(Path(name)))
                    }
                } else {
                    if source[index] == "\n" { line += 1 }
                    text.unicodeScalars.append(source[index])
                    index += 1
                }
            }
            if let closing {
                throw TemplateError(file: file, line: openedAt, problem: "“{{#\(closing)}}”没有结束标记“{{/\(closing)}}”")
            }
            if !text.isEmpty { nodes.append(.text(text)) }
            return nodes
        }

        private func starts(with marker: String) -> Bool {
            let scalars = Array(marker.unicodeScalars)
            guard index + scalars.count <= source.count else { return false }
            return Array(source[index..<index + scalars.count]) == scalars
        }

        private mutating func readTag() throws -> String {
            let startLine = line
            index += 2
            var tag = ""
            while index < source.count, !starts(with: "}}") {
                if source[index] == "\n" { line += 1 }
                tag.unicodeScalars.append(source[index])
                index += 1
            }
            guard index < source.count else { throw TemplateError(file: file, line: startLine, problem: "“{{”没有对应的“}}”") }
            index += 2
            return tag
        }

        private func checkName(_ name: String) throws {
            let allowed = name == "." || (!name.isEmpty && name.unicodeScalars.allSatisfy {
                ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "_" || $0 == "."
            })
            guard allowed else { throw TemplateError(file: file, line: line, problem: "“\(name)”不是有效的数据名") }
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while scalars.first?.isWhitespace == true { scalars.removeFirst() }
        while scalars.last?.isWhitespace == true { scalars.removeLast() }
        return String(scalars)
    }
}
