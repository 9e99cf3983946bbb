import Documents
import ErrorReporting

/// What the render stage and its render processes (`sanxiang render-worker`) send each other: a case's document
/// instances and 文书编号 one way, its drawn documents, its missing statutory elements or its failure the other.
/// A private format between two copies of the same program, never stored: length-prefixed fields, no JSON, so the
/// bytes of the PDFs (most of what crosses) are copied once and nothing is parsed twice.
enum RenderWire {
    static let version: UInt8 = 1

    /// One case to draw.
    struct Request {
        var decisionNo: String
        var instances: [DocumentInstance]
    }

    /// What a render process made of a request.
    enum Response {
        /// Each drawn document, by its position in the request's instances.
        case drawn([(instance: Int, pages: Int, bytes: [UInt8])])
        case missing(MissingStatutoryElements)
        /// The error's message (a template or typesetting failure), said to the user as the render stage would.
        case failed(String)
    }

    /// A frame that does not read as this format: a render process of another program, or a broken one.
    struct Malformed: SanxiangError {
        var what: String
        var message: String { "文书生成进程之间传递的数据格式有误（\(what)）。" }
    }

    // MARK: requests

    static func encode(_ request: Request) -> [UInt8] {
        var out = Writer()
        out.byte(version)
        out.text(request.decisionNo)
        out.count(request.instances.count)
        for instance in request.instances {
            out.text(instance.kind)
            out.count(instance.index ?? 0)
            out.value(instance.data)
        }
        return out.bytes
    }

    static func decodeRequest(_ bytes: [UInt8]) throws -> Request {
        var reader = Reader(bytes)
        guard try reader.byte() == version else { throw Malformed(what: "版本") }
        let decisionNo = try reader.text()
        var instances: [DocumentInstance] = []
        for _ in 0..<(try reader.count()) {
            let kind = try reader.text()
            let index = try reader.count()
            instances.append(DocumentInstance(kind: kind, index: index == 0 ? nil : index, data: try reader.value(depth: 0)))
        }
        try reader.end()
        return Request(decisionNo: decisionNo, instances: instances)
    }

    // MARK: responses

    static func encode(_ response: Response) -> [UInt8] {
        var out = Writer()
        out.byte(version)
        switch response {
        case .drawn(let documents):
            out.byte(0)
            out.count(documents.count)
            for document in documents {
                out.count(document.instance)
                out.count(document.pages)
                out.count(document.bytes.count)
                out.bytes += document.bytes
            }
        case .missing(let missing):
            out.byte(1)
            out.text(missing.kind)
            out.count(missing.elements.count)
            for element in missing.elements {
                out.text(element.name)
                out.text(element.basis)
                out.count(element.parts.count)
                for part in element.parts { out.text(part) }
            }
        case .failed(let message):
            out.byte(2)
            out.text(message)
        }
        return out.bytes
    }

    static func decodeResponse(_ bytes: [UInt8]) throws -> Response {
        var reader = Reader(bytes)
        guard try reader.byte() == version else { throw Malformed(what: "版本") }
        let response: Response
        switch try reader.byte() {
        case 0:
            var documents: [(instance: Int, pages: Int, bytes: [UInt8])] = []
            for _ in 0..<(try reader.count()) {
                let instance = try reader.count()
                let pages = try reader.count()
                documents.append((instance, pages, try reader.raw(try reader.count())))
            }
            response = .drawn(documents)
        case 1:
            let kind = try reader.text()
            var elements: [StatutoryElement] = []
            for _ in 0..<(try reader.count()) {
                let name = try reader.text()
                let basis = try reader.text()
                var parts: [String] = []
                for _ in 0..<(try reader.count()) { parts.append(try reader.text()) }
                elements.append(StatutoryElement(name: name, basis: basis, parts: parts))
            }
            response = .missing(MissingStatutoryElements(kind: kind, elements: elements))
        case 2:
            response = .failed(try reader.text())
        default:
            throw Malformed(what: "结果类型")
        }
        try reader.end()
        return response
    }

    // MARK: fields

    private enum Tag: UInt8 {
        case text = 0x74, flag = 0x66, list = 0x6C, object = 0x6F
    }

    /// Deeper than any template's data: a frame nested further is not one this program wrote.
    private static let deepest = 64

    struct Writer {
        var bytes: [UInt8] = []

        mutating func byte(_ value: UInt8) { bytes.append(value) }

        mutating func count(_ value: Int) {
            let value = UInt32(clamping: value)
            for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
        }

        mutating func text(_ value: String) {
            count(value.utf8.count)
            bytes += value.utf8
        }

        mutating func value(_ value: TemplateValue) {
            switch value {
            case .text(let text):
                byte(Tag.text.rawValue)
                self.text(text)
            case .flag(let flag):
                byte(Tag.flag.rawValue)
                byte(flag ? 1 : 0)
            case .list(let items):
                byte(Tag.list.rawValue)
                count(items.count)
                for item in items { self.value(item) }
            case .object(let fields):
                byte(Tag.object.rawValue)
                count(fields.count)
                // In key order: the same data always crosses as the same bytes.
                for key in fields.keys.sorted() {
                    text(key)
                    if let field = fields[key] { self.value(field) }
                }
            }
        }
    }

    struct Reader {
        private let bytes: [UInt8]
        private var at = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        mutating func byte() throws -> UInt8 {
            guard at < bytes.count else { throw Malformed(what: "长度") }
            defer { at += 1 }
            return bytes[at]
        }

        mutating func count() throws -> Int {
            guard bytes.count - at >= 4 else { throw Malformed(what: "长度") }
            var value: UInt32 = 0
            for shift in 0..<4 { value |= UInt32(bytes[at + shift]) << UInt32(8 * shift) }
            at += 4
            return Int(value)
        }

        mutating func raw(_ length: Int) throws -> [UInt8] {
            guard length <= bytes.count - at else { throw Malformed(what: "长度") }
            defer { at += length }
            return Array(bytes[at..<at + length])
        }

        mutating func text() throws -> String {
            let raw = try raw(try count())
            guard let text = String(validating: raw, as: UTF8.self) else { throw Malformed(what: "文字编码") }
            return text
        }

        mutating func value(depth: Int) throws -> TemplateValue {
            guard depth < RenderWire.deepest else { throw Malformed(what: "层级") }
            switch Tag(rawValue: try byte()) {
            case .text: return .text(try text())
            case .flag: return .flag(try byte() != 0)
            case .list:
                var items: [TemplateValue] = []
                for _ in 0..<(try count()) { items.append(try value(depth: depth + 1)) }
                return .list(items)
            case .object:
                var fields: [String: TemplateValue] = [:]
                for _ in 0..<(try count()) {
                    let key = try text()
                    fields[key] = try value(depth: depth + 1)
                }
                return .object(fields)
            case nil: throw Malformed(what: "数据类型")
            }
        }

        func end() throws {
            guard at == bytes.count else { throw Malformed(what: "多余内容") }
        }
    }
}
