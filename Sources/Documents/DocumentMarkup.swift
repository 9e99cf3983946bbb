import Native
import Typesetting

/// A statutory element a template declares, as the rendered case fills it.
public struct StatutoryElement: Sendable, Equatable {
    public var name: String
    /// The provision that requires it, e.g. 行政处罚法第五十九条第一款第二项.
    public var basis: String
    /// The element's parts (`<part>`, e.g. name and address), or its whole text; each must be there.
    public var parts: [String]

    public var isPresent: Bool { !parts.isEmpty && parts.allSatisfy { !$0.isEmpty } }

    public init(name: String, basis: String, parts: [String]) {
        self.name = name
        self.basis = basis
        self.parts = parts
    }
}

/// The small document markup templates render to, read with libxml2:
///
///     <document title=".." subject=".." author=".." keywords="a;b" created="YYYY-MM-DD" page-numbers="gbt9704|page-of-total|none">
///       <requires><element name="违法事实" basis="…">{{case.facts}}</element>
///                 <element name="当事人" basis="…"><part>{{party.name}}</part><part>{{party.address}}</part></element></requires>
///       <title><line>..</line></title> <number>..</number> <heading level="1">..</heading>
///       <p>..</p> <flush>..</flush> <center>..</center> <kv key="当事人：">..</kv>
///       <list><item>..</item></list>
///       <table font-size="12"><column width="1" align="center">序号</column><row><cell>..</cell></row></table>
///       <signature date=".."><name>..</name></signature> <blank/> <page-break/>
///     </document>
///
/// Line breaks and the indentation after them are layout of the template, not text.
public enum DocumentMarkup {
    public static func read(_ markup: String, file: String) throws -> (document: Document, elements: [StatutoryElement]) {
        let root: XMLElement
        do {
            root = try XMLDocument.parse(markup, name: file)
        } catch let error as XMLParseError {
            throw TemplateError(file: file, line: error.line, problem: "生成的文书标记不是格式正确的 XML（\(error.message)）")
        }
        guard root.name == "document" else { throw TemplateError(file: file, line: root.line, problem: "根元素应为 <document>") }
        var blocks: [Block] = []
        var elements: [StatutoryElement] = []
        for element in root.elements {
            if element.name == "requires" {
                elements += element.elements.map { declared in
                    let parts = declared.elements.filter { $0.name == "part" }.map { clean($0.text) }
                    return StatutoryElement(name: declared.attribute("name") ?? "", basis: declared.attribute("basis") ?? "",
                                            parts: parts.isEmpty ? [clean(declared.text)] : parts)
                }
            } else {
                blocks.append(try block(element, file: file))
            }
        }
        let metadata = Document.Metadata(
            title: root.attribute("title") ?? "", subject: root.attribute("subject") ?? "", author: root.attribute("author") ?? "",
            keywords: (root.attribute("keywords") ?? "").split(separator: ";").map { clean(String($0)) }.filter { !$0.isEmpty },
            created: root.attribute("created") ?? "")
        let numbers: PageNumberStyle
        switch root.attribute("page-numbers") ?? "gbt9704" {
        case "page-of-total": numbers = .pageOfTotal
        case "none": numbers = .none
        default: numbers = .gbt9704
        }
        return (Document(metadata: metadata, pageNumbers: numbers, blocks: blocks), elements)
    }

    private static func block(_ element: XMLElement, file: String) throws -> Block {
        let text = clean(element.text)
        switch element.name {
        case "title": return .title(element.elements.map { clean($0.text) }.filter { !$0.isEmpty })
        case "number": return .documentNumber(text)
        case "heading":
            guard let level = Int(element.attribute("level") ?? "1").flatMap(HeadingLevel.init(rawValue:)) else {
                throw TemplateError(file: file, line: element.line, problem: "<heading level> 应为 1 到 4")
            }
            return .heading(level, text)
        case "p": return .paragraph(text)
        case "flush": return .flush(text)
        case "center": return .centered(text)
        case "kv": return .keyValue(key: element.attribute("key") ?? "", value: text)
        case "list": return .numberedList(element.elements.map { clean($0.text) })
        case "table": return .table(try table(element, file: file))
        case "signature":
            return .signature(Signature(names: element.elements.map { clean($0.text) }.filter { !$0.isEmpty },
                                        date: element.attribute("date") ?? "", sealMark: element.attribute("seal") == "mark"))
        case "blank": return .blankLine
        case "page-break": return .pageBreak
        default:
            throw TemplateError(file: file, line: element.line, problem: "不认识的标记 <\(element.name)>")
        }
    }

    private static func table(_ element: XMLElement, file: String) throws -> Table {
        var columns: [Table.Column] = []
        var rows: [[String]] = []
        for child in element.elements {
            switch child.name {
            case "column":
                let alignment: Table.Alignment
                switch child.attribute("align") ?? "left" {
                case "center": alignment = .center
                case "right": alignment = .trailing
                default: alignment = .leading
                }
                columns.append(Table.Column(clean(child.text), width: Double(child.attribute("width") ?? "1") ?? 1, alignment: alignment))
            case "row":
                rows.append(child.elements.map { clean($0.text) })
            default:
                throw TemplateError(file: file, line: child.line, problem: "<table> 中不认识的标记 <\(child.name)>")
            }
        }
        return Table(columns: columns, rows: rows, fontSize: Double(element.attribute("font-size") ?? "14") ?? 14)
    }

    /// Drops each line break with the indentation that follows it, and the ends' spaces.
    /// Works on UTF-8 bytes: line breaks, spaces and tabs are ASCII, and every
    /// piece of text of every document passes through here.
    static func clean(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var skipping = false
        var bytes = text.utf8.makeIterator()
        var pending = bytes.next()
        while let byte = pending {
            pending = bytes.next()
            if byte == 0x0A || (byte == 0x0D && pending == 0x0A) {
                skipping = true
                continue
            }
            if skipping, byte == 0x20 || byte == 0x09 { continue }
            skipping = false
            out.append(byte)
        }
        return String(decoding: out, as: UTF8.self).trimmingSpaces
    }
}
