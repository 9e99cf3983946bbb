import CLibXML2
import Foundation

/// An XML element read into Swift values: nothing of libxml2 outlives `XMLDocument.parse`.
public struct XMLElement: Sendable, Equatable {
    public var name: String
    public var attributes: [String: String]
    public var children: [XMLNode]
    /// 1-based line in the parsed text, for messages.
    public var line: Int

    public func attribute(_ key: String) -> String? { attributes[key] }

    /// All text inside, in order.
    public var text: String {
        children.map { node in
            switch node {
            case .text(let text): return text
            case .element(let element): return element.text
            }
        }.joined()
    }

    public var elements: [XMLElement] {
        children.compactMap { if case .element(let element) = $0 { return element } else { return nil } }
    }
}

public enum XMLNode: Sendable, Equatable {
    case element(XMLElement)
    case text(String)
}

/// Why a text is not well-formed XML, with libxml2's line and message.
public struct XMLParseError: Error, Equatable, Sendable {
    public var line: Int
    public var message: String
}

public enum XMLDocument {
    static let parseInitialised: Void = { xmlInitParser() }()

    /// Parses without touching the network or expanding external entities.
    public static func parse(_ text: String, name: String = "input.xml") throws -> XMLElement {
        _ = parseInitialised
        guard let context = xmlNewParserCtxt() else { throw XMLParseError(line: 0, message: "libxml2 无法创建解析器") }
        defer { xmlFreeParserCtxt(context) }
        let bytes = Array(text.utf8)
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress?.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                xmlCtxtReadMemory(context, $0, Int32(bytes.count), name, "UTF-8", options)
            }
        }
        guard let document, let root = xmlDocGetRootElement(document) else {
            let error = xmlCtxtGetLastError(context)
            let message = error?.pointee.message.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? "不是格式正确的 XML"
            if let document { xmlFreeDoc(document) }
            throw XMLParseError(line: Int(error?.pointee.line ?? 0), message: message)
        }
        defer { xmlFreeDoc(document) }
        return element(root)
    }

    private static func element(_ node: UnsafeMutablePointer<xmlNode>) -> XMLElement {
        var attributes: [String: String] = [:]
        var attribute = node.pointee.properties
        while let current = attribute {
            let key = current.pointee.name.map { String(cString: $0) } ?? ""
            if let value = xmlNodeListGetString(node.pointee.doc, current.pointee.children, 1) {
                attributes[key] = String(cString: value)
                xmlFree(value)
            } else {
                attributes[key] = ""
            }
            attribute = current.pointee.next
        }
        var children: [XMLNode] = []
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                children.append(.element(element(current)))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content { children.append(.text(String(cString: content))) }
            default:
                break
            }
            child = current.pointee.next
        }
        return XMLElement(name: node.pointee.name.map { String(cString: $0) } ?? "", attributes: attributes,
                          children: children, line: Int(xmlGetLineNo(node)))
    }
}

/// An XML Schema (XSD) read once, for validating documents against it with libxml2.
public final class XMLSchema: @unchecked Sendable {
    private let schema: xmlSchemaPtr
    private let lock = NSLock()

    public init(xsd: String, name: String) throws {
        _ = XMLDocument.parseInitialised
        let bytes = Array(xsd.utf8)
        let parsed: xmlSchemaPtr? = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress?.withMemoryRebound(to: CChar.self, capacity: bytes.count) { pointer in
                guard let context = xmlSchemaNewMemParserCtxt(pointer, Int32(bytes.count)) else { return nil }
                defer { xmlSchemaFreeParserCtxt(context) }
                xmlSchemaSetParserStructuredErrors(context, { _, _ in }, nil)
                return xmlSchemaParse(context)
            }
        }
        guard let parsed else { throw XMLParseError(line: 0, message: "\(name) 不是有效的 XML Schema") }
        schema = parsed
    }

    deinit { xmlSchemaFree(schema) }

    /// The first problems found (line and libxml2's message), or [] when the document is valid.
    ///
    /// Streams the document through libxml2's reader with the schema plugged in: the reader lets go of
    /// each element once read, so memory stays flat however many decisions the feed holds. (Parsing it
    /// into a tree first took about ten bytes per byte of feed: over a gigabyte at 100,000 decisions.)
    public func validate(_ document: String, name: String) -> [XMLParseError] {
        var document = document
        return document.withUTF8 { validate(bytes: $0, name: name) }
    }

    private func validate(bytes: UnsafeBufferPointer<UInt8>, name: String) -> [XMLParseError] {
        check(name: name) { options in
            bytes.baseAddress.flatMap { base in
                base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { xmlReaderForMemory($0, Int32(bytes.count), name, "UTF-8", options) }
            }
        }
    }

    /// Validates a file as it is read from the disk (the file is never all in memory).
    public func validate(file path: String, name: String) -> [XMLParseError] {
        check(name: name) { options in xmlReaderForFile(path, "UTF-8", options) }
    }

    private func check(name: String, open: (Int32) -> xmlTextReaderPtr?) -> [XMLParseError] {
        lock.lock()
        defer { lock.unlock() }
        final class Collector { var errors: [XMLParseError] = [] }
        let collector = Collector()
        guard let context = xmlSchemaNewValidCtxt(schema) else { return [XMLParseError(line: 0, message: "libxml2 无法创建校验器")] }
        defer { xmlSchemaFreeValidCtxt(context) }
        let box = Unmanaged.passUnretained(collector).toOpaque()
        xmlSchemaSetValidStructuredErrors(context, { userData, error in
            guard let userData, let error else { return }
            let collector = Unmanaged<Collector>.fromOpaque(userData).takeUnretainedValue()
            let message = error.pointee.message.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
            if collector.errors.count < 20 { collector.errors.append(XMLParseError(line: Int(error.pointee.line), message: message)) }
        }, box)
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        guard let reader = open(options) else { return [XMLParseError(line: 0, message: "\(name) 不是格式正确的 XML")] }
        defer { xmlFreeTextReader(reader) }
        guard xmlTextReaderSchemaValidateCtxt(reader, context, 0) == 0 else {
            return [XMLParseError(line: 0, message: "libxml2 无法创建校验器")]
        }
        var status = xmlTextReaderRead(reader)
        while status == 1 {
            // A document type declaration could define entities the check would not expand: a feed has none.
            if xmlTextReaderNodeType(reader) == Int32(XML_READER_TYPE_DOCUMENT_TYPE.rawValue) {
                return [XMLParseError(line: Int(xmlTextReaderGetParserLineNumber(reader)), message: "\(name) 含有文档类型声明（DOCTYPE），不予接受")]
            }
            status = xmlTextReaderRead(reader)
        }
        if status < 0, collector.errors.isEmpty {
            // Not well-formed (the parser's own errors are silenced): say where the reader stopped.
            return [XMLParseError(line: Int(xmlTextReaderGetParserLineNumber(reader)), message: "\(name) 不是格式正确的 XML")]
        }
        if xmlTextReaderIsValid(reader) != 1, collector.errors.isEmpty {
            return [XMLParseError(line: 0, message: "不符合 Schema")]
        }
        return collector.errors
    }
}
