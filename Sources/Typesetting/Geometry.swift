/// Page geometry in points. The default is GB/T 9704-2012: A4, 天头 37 mm,
/// 订口 28 mm, a 156 × 225 mm text block holding 22 lines of 28 characters.
public struct PageGeometry: Sendable, Equatable {
    public var pageWidth: Double
    public var pageHeight: Double
    public var top: Double
    public var left: Double
    public var blockWidth: Double
    public var blockHeight: Double
    public var charactersPerLine: Int
    public var linesPerPage: Int
    /// 3号 body text.
    public var bodySize: Double
    /// 2号 title.
    public var titleSize: Double
    /// 4号 page numbers.
    public var pageNumberSize: Double
    /// Distance from the block's bottom to the page number's dash line.
    public var pageNumberDrop: Double

    public static let millimetre = 72.0 / 25.4

    public static let gbt9704 = PageGeometry(
        pageWidth: 210 * millimetre, pageHeight: 297 * millimetre, top: 37 * millimetre, left: 28 * millimetre,
        blockWidth: 156 * millimetre, blockHeight: 225 * millimetre, charactersPerLine: 28, linesPerPage: 22,
        bodySize: 16, titleSize: 22, pageNumberSize: 14, pageNumberDrop: 7 * millimetre)

    /// Horizontal pitch of the character grid (about 15.79 pt).
    public var characterPitch: Double { blockWidth / Double(charactersPerLine) }
    /// Vertical pitch of the line grid (about 28.99 pt).
    public var linePitch: Double { blockHeight / Double(linesPerPage) }
    public var right: Double { left + blockWidth }
    public var bottom: Double { top + blockHeight }
}

/// How a document is put on paper.
public struct OutputProfile: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A4 PDF for the archive.
        case archive
        /// The same layout, fed only redacted data by the disclosure stage.
        case publicCopy
        /// For the officer's portable printer: black only, inside the printable area.
        case print(PrintableArea)
    }

    public enum Format: Sendable, Equatable { case pdf, postscript }

    public var kind: Kind
    public var format: Format

    public init(kind: Kind, format: Format = .pdf) {
        self.kind = kind
        self.format = format
    }

    public static let archive = OutputProfile(kind: .archive)
    public static let publicCopy = OutputProfile(kind: .publicCopy)

    var blackOnly: Bool {
        if case .print = kind { return true }
        return false
    }
}

/// The part of the sheet a printer can mark, as margins in millimetres.
public struct PrintableArea: Sendable, Equatable {
    public var top: Double
    public var right: Double
    public var bottom: Double
    public var left: Double

    public init(top: Double, right: Double, bottom: Double, left: Double) {
        self.top = top
        self.right = right
        self.bottom = bottom
        self.left = left
    }
}
