/// A document as the layout engine reads it: metadata and a list of blocks.
/// No C type and no layout detail appears here.
public struct Document: Sendable {
    public var metadata: Metadata
    public var pageNumbers: PageNumberStyle
    public var blocks: [Block]

    public init(metadata: Metadata, pageNumbers: PageNumberStyle = .gbt9704, blocks: [Block]) {
        self.metadata = metadata
        self.pageNumbers = pageNumbers
        self.blocks = blocks
    }

    public struct Metadata: Sendable {
        public var title: String
        public var subject: String
        public var author: String
        public var keywords: [String]
        /// `YYYY-MM-DD` or `YYYY-MM-DDThh:mm:ss` from the data, never the clock.
        public var created: String

        public init(title: String, subject: String, author: String, keywords: [String], created: String) {
            self.title = title
            self.subject = subject
            self.author = author
            self.keywords = keywords
            self.created = created
        }
    }
}

public enum PageNumberStyle: Sendable {
    /// `— 1 —`, 4号, odd pages right and even pages left, one character in (GB/T 9704 7.5).
    case gbt9704
    /// `第 1 页 共 2 页`, centred, for forms.
    case pageOfTotal
    case none
}

/// Heading levels of an official document: 一、 （一） 1. （1）.
public enum HeadingLevel: Int, Sendable {
    case one = 1, two, three, four
}

public enum Block: Sendable {
    /// Centred title lines in the title face at 2号.
    case title([String])
    /// The document number, right-aligned, e.g. 玉水罚〔2025〕17号.
    case documentNumber(String)
    case heading(HeadingLevel, String)
    /// A paragraph with a two-character first-line indent.
    case paragraph(String)
    /// A paragraph set flush left (顶格), e.g. a salutation line.
    case flush(String)
    /// A centred line such as a table's caption (表1 …).
    case centered(String)
    /// `当事人：张三` with continuation lines hanging under the value.
    case keyValue(key: String, value: String)
    /// Items numbered 1. 2. 3. with hanging continuation lines.
    case numberedList([String])
    case table(Table)
    /// Agency name and date placed per GB/T 9704, kept on one page, with a seal area.
    case signature(Signature)
    case image(Image)
    /// A bar or line chart drawn as vectors, labels set as text.
    case chart(Chart)
    case blankLine
    case pageBreak
}

public struct Table: Sendable {
    public struct Column: Sendable {
        public var title: String
        /// Share of the text block's width; the shares are normalised.
        public var width: Double
        public var alignment: Alignment

        public init(_ title: String, width: Double, alignment: Alignment = .leading) {
            self.title = title
            self.width = width
            self.alignment = alignment
        }
    }

    public enum Alignment: Sendable { case leading, center, trailing }

    public var columns: [Column]
    public var rows: [[String]]
    /// Point size of the cells; 4号 (14 pt) unless set.
    public var fontSize: Double

    public init(columns: [Column], rows: [[String]], fontSize: Double = 14) {
        self.columns = columns
        self.rows = rows
        self.fontSize = fontSize
    }
}

public struct Signature: Sendable {
    /// One or more issuing bodies, e.g. 玉溪市水利局.
    public var names: [String]
    /// The date as printed, e.g. 2025年3月14日.
    public var date: String
    /// A seal image (PNG) for electronic copies; without one the area stays blank for stamping.
    public var sealPNG: [UInt8]?
    /// Prints a light （印章） where the seal goes (GB/T 9704 7.3.5.1) when there is no seal image.
    public var sealMark: Bool

    public init(names: [String], date: String, sealPNG: [UInt8]? = nil, sealMark: Bool = false) {
        self.names = names
        self.date = date
        self.sealPNG = sealPNG
        self.sealMark = sealMark
    }
}

public struct Image: Sendable {
    public var png: [UInt8]
    /// Size on the page in millimetres; the image is centred.
    public var width: Double
    public var height: Double
    public var caption: String?

    public init(png: [UInt8], width: Double, height: Double, caption: String? = nil) {
        self.png = png
        self.width = width
        self.height = height
        self.caption = caption
    }
}

/// A simple chart: one series of values over labelled categories.
public struct Chart: Sendable {
    public enum Kind: Sendable {
        /// One bar per category, e.g. decisions by action type.
        case bars
        /// A line through the values, e.g. a monthly trend.
        case line
    }

    public var kind: Kind
    /// Printed centred under the chart, e.g. 图1 各类行政执法决定数量.
    public var caption: String
    public var labels: [String]
    public var values: [Int]
    /// The unit of the value axis, e.g. 件.
    public var unit: String
    /// Height of the plot on the page, in millimetres; the width is the text block's.
    public var height: Double

    public init(kind: Kind, caption: String, labels: [String], values: [Int], unit: String, height: Double = 80) {
        self.kind = kind
        self.caption = caption
        self.labels = labels
        self.values = values
        self.unit = unit
        self.height = height
    }

    /// Value-axis ticks: 0 and about five round steps (1, 2 or 5 × 10ⁿ) up to at least the largest value.
    public var ticks: [Int] {
        let top = max(values.max() ?? 0, 1)
        var magnitude = 1
        while true {
            for factor in [1, 2, 5] {
                let step = factor * magnitude
                let count = (top + step - 1) / step
                if count <= 5 { return (0...count).map { $0 * step } }
            }
            magnitude *= 10
        }
    }
}
