import Native

/// Glyphs of one face at one size, placed on a page.
struct GlyphRun {
    var face: FontFace
    var size: Double
    var glyphs: [(id: UInt32, x: Double, y: Double)]
    var text: String
    var clusters: [(bytes: Int, glyphs: Int)]
    /// 0 is black; marks such as （印章） are drawn light so they never read as text of the document.
    var gray: Double = 0
}

enum PageItem {
    case glyphs(GlyphRun)
    case rule(x1: Double, y1: Double, x2: Double, y2: Double, width: Double)
    case image(png: [UInt8], x: Double, y: Double, width: Double, height: Double)
    case fill(x: Double, y: Double, width: Double, height: Double, gray: Double)
    case polyline(points: [(x: Double, y: Double)], width: Double, markerRadius: Double)
}

/// A laid-out page: items in drawing order.
struct LaidOutPage {
    var items: [PageItem] = []
}

/// A text line's identity across layout passes: its block and its place among the block's lines.
struct LineKey: Hashable {
    var block: Int
    var line: Int
}

/// Places blocks on the GB/T 9704 grid, page by page.
///
/// Placing is greedy; the rules that look back — a heading keeps the first two
/// lines after it (keep-with-next), the signature takes the last two lines of
/// text before it onto its page (GB/T 9704 7.3.5) — are met by laying the
/// document out again with a page break before the line the rule names, until
/// no rule names a new line.
final class LayoutEngine {
    let fonts: FontSet
    let geometry: PageGeometry
    private let shaper: Shaper
    private(set) var pages: [LaidOutPage] = [LaidOutPage()]
    /// The next free grid line on the current page (0-based).
    private var line = 0

    /// Each pass adds at least one break; a handful settles any real document.
    private static let maxPasses = 8
    /// Lines that start a new page, found by earlier passes.
    private var breakBefore: Set<LineKey> = []
    /// Lines this pass found should start a new page.
    private var wanted: Set<LineKey> = []
    private var blockIndex = 0
    private var lineInBlock = 0
    private var placingHeading = false
    /// Text lines and table rows since the last image, chart or page break, with
    /// their page: the lines the signature may take with it.
    private var recent: [(key: LineKey, page: Int)] = []
    /// Headings on the current page still short of two following lines.
    private var pendingHeadings: [(key: LineKey, followers: Int)] = []

    init(fonts: FontSet, geometry: PageGeometry) {
        self.fonts = fonts
        self.geometry = geometry
        shaper = Shaper(fonts: fonts)
    }

    var pitch: Double { geometry.characterPitch }

    // MARK: Blocks

    func layout(_ blocks: [Block]) throws {
        for _ in 0..<Self.maxPasses {
            try layoutPass(blocks)
            let fresh = wanted.subtracting(breakBefore)
            if fresh.isEmpty { break }
            breakBefore.formUnion(fresh)
        }
        if pages.count > 1, pages.last?.items.isEmpty == true { pages.removeLast() }
    }

    private func layoutPass(_ blocks: [Block]) throws {
        pages = [LaidOutPage()]
        line = 0
        wanted = []
        recent = []
        pendingHeadings = []
        for (index, block) in blocks.enumerated() {
            blockIndex = index
            lineInBlock = 0
            if case .heading = block { placingHeading = true } else { placingHeading = false }
            switch block {
            case .image, .chart: recent = []
            case .pageBreak: recent = []; pendingHeadings = []
            default: break
            }
            try place(block)
        }
    }

    private func place(_ block: Block) throws {
        switch block {
        case .title(let lines):
            for text in lines { setLines(text, role: .title, size: geometry.titleSize, alignment: .center) }
            line += 1
        case .documentNumber(let text):
            setLines(text, role: .body, size: geometry.bodySize, alignment: .trailing)
        case .heading(let level, let text):
            let role: FontRole = level == .one ? .heading : (level == .two ? .kai : .body)
            setLines(text, role: role, size: geometry.bodySize, firstIndent: 2 * pitch)
        case .paragraph(let text):
            setLines(text, role: .body, size: geometry.bodySize, firstIndent: 2 * pitch)
        case .flush(let text):
            setLines(text, role: .body, size: geometry.bodySize)
        case .centered(let text):
            setLines(text, role: .body, size: geometry.bodySize, alignment: .center)
        case .keyValue(let key, let value):
            let keyWidth = measure(key, role: .body, size: geometry.bodySize).reduce(0) { $0 + $1.width }
            setLines(key + value, role: .body, size: geometry.bodySize,
                     otherIndent: keyWidth <= geometry.blockWidth / 3 ? keyWidth : 2 * pitch)
        case .numberedList(let items):
            for (number, item) in items.enumerated() {
                setLines("\(number + 1).\(item)", role: .body, size: geometry.bodySize, firstIndent: 2 * pitch)
            }
        case .table(let table):
            try TableLayout(engine: self, table: table).place()
        case .signature(let signature):
            placeSignature(signature)
        case .image(let image):
            placeImage(image)
        case .chart(let chart):
            ChartLayout(engine: self, chart: chart).place()
        case .blankLine:
            if line > 0 { line += 1 }
        case .pageBreak:
            newPage()
        }
    }

    enum Alignment { case justified, center, trailing }

    /// Sets text on consecutive grid lines, breaking pages as needed.
    func setLines(_ text: String, role: FontRole, size: Double, firstIndent: Double = 0, otherIndent: Double = 0,
                  alignment: Alignment = .justified) {
        let units = measure(text, role: role, size: size)
        let width = geometry.blockWidth
        let lines = LineBreaker.breakLines(units, firstWidth: width - firstIndent, otherWidth: width - otherIndent,
                                           justify: alignment == .justified, maxGap: size * 0.09)
        for (index, broken) in lines.enumerated() {
            let key = LineKey(block: blockIndex, line: lineInBlock)
            if line >= geometry.linesPerPage || (line > 0 && breakBefore.contains(key)) { newPage() }
            let indent = index == 0 ? firstIndent : otherIndent
            let x: Double
            switch alignment {
            case .justified: x = geometry.left + indent
            case .center: x = geometry.left + (geometry.blockWidth - broken.width) / 2
            case .trailing: x = geometry.right - broken.width
            }
            draw(broken, x: x, baseline: baseline(ofLine: line), size: size)
            noteLine(key)
            line += 1
        }
        if lines.isEmpty { line += 1 }
    }

    /// Counts a placed text line for the rules that look back.
    private func noteLine(_ key: LineKey) {
        for index in pendingHeadings.indices where pendingHeadings[index].key.block != key.block {
            pendingHeadings[index].followers += 1
        }
        pendingHeadings.removeAll { $0.followers >= 2 }
        if placingHeading && lineInBlock == 0 { pendingHeadings.append((key, 0)) }
        recent.append((key, pages.count - 1))
        lineInBlock += 1
    }

    /// The baseline of a grid line: the em box centred in the line's pitch.
    func baseline(ofLine index: Int) -> Double {
        let top = geometry.top + Double(index) * geometry.linePitch
        return top + (geometry.linePitch - geometry.bodySize) / 2 + geometry.bodySize * 0.88
    }

    /// Emits a line as few glyph runs as possible — one per change of face —
    /// because every run is an operation Cairo records, analyses and replays.
    func draw(_ broken: BrokenLine, x: Double, baseline: Double, size: Double) {
        for run in Self.runs(of: broken, x: x, baseline: baseline, size: size) { append(.glyphs(run)) }
    }

    static func runs(of broken: BrokenLine, x: Double, baseline: Double, size: Double) -> [GlyphRun] {
        var runs: [GlyphRun] = []
        var text: [UInt8] = []
        func finish() {
            guard !runs.isEmpty else { return }
            runs[runs.count - 1].text = String(decoding: text, as: UTF8.self)
            text.removeAll(keepingCapacity: true)
        }
        for (unit, offset) in zip(broken.units, broken.offsets) {
            // Mutate the last run in place: binding it to a local first would
            // copy its arrays on every append.
            if runs.isEmpty || runs[runs.count - 1].face !== unit.face {
                finish()
                runs.append(GlyphRun(face: unit.face, size: size, glyphs: [], text: "", clusters: []))
            }
            let last = runs.count - 1
            var glyphX = x + offset
            for glyph in unit.run.glyphs[unit.glyphs] {
                runs[last].glyphs.append((glyph.id, glyphX + glyph.xOffset, baseline - glyph.yOffset))
                glyphX += glyph.advance
            }
            text += unit.utf8
            unit.appendClusters(to: &runs[last].clusters)
        }
        finish()
        return runs
    }

    func append(_ item: PageItem) { pages[pages.count - 1].items.append(item) }

    /// A heading still short of two following lines goes to the new page in the next pass.
    func newPage() {
        if let heading = pendingHeadings.first { wanted.insert(heading.key) }
        pendingHeadings = []
        pages.append(LaidOutPage())
        line = 0
    }

    var linesLeft: Int { geometry.linesPerPage - line }

    /// The y where the next grid line starts (tables and images leave the grid there).
    var cursorY: Double { geometry.top + Double(line) * geometry.linePitch }

    /// Returns to the grid at the first whole line below `y`.
    func resumeGrid(below y: Double) {
        line = Int(((y - geometry.top) / geometry.linePitch).rounded(.up))
        if line >= geometry.linesPerPage { newPage() }
    }

    // MARK: Signature and images

    /// GB/T 9704 7.3.5: the date sits four characters in from the right, the
    /// issuing body centred over it; the seal presses on both. Kept on one page.
    private func placeSignature(_ signature: Signature) {
        let needed = 2 + signature.names.count + 1
        if linesLeft < needed { newPage() }
        takeLinesAlong()
        if line > 0 { line += 2 }
        let dateUnits = measure(signature.date, role: .body, size: geometry.bodySize)
        let dateWidth = dateUnits.reduce(0) { $0 + $1.width }
        let dateRight = geometry.right - 4 * pitch
        let center = dateRight - dateWidth / 2
        let firstNameLine = line
        for name in signature.names {
            let units = measure(name, role: .body, size: geometry.bodySize)
            let broken = LineBreaker.breakLines(units, firstWidth: geometry.blockWidth, otherWidth: geometry.blockWidth,
                                                justify: false)
            for part in broken {
                let x = min(center - part.width / 2, geometry.right - part.width)
                draw(part, x: x, baseline: baseline(ofLine: line), size: geometry.bodySize)
                line += 1
            }
        }
        let date = LineBreaker.breakLines(dateUnits, firstWidth: geometry.blockWidth, otherWidth: geometry.blockWidth, justify: false)
        for part in date {
            draw(part, x: dateRight - part.width, baseline: baseline(ofLine: line), size: geometry.bodySize)
            line += 1
        }
        if signature.sealMark, signature.sealPNG == nil, firstNameLine > 0 { placeSealMark(center: center, line: firstNameLine - 1) }
        if let seal = signature.sealPNG {
            // A 42 mm seal centred on the signature, over the name and the date.
            let diameter = 42 * PageGeometry.millimetre
            let middle = (baseline(ofLine: firstNameLine) + baseline(ofLine: line - 1)) / 2 - geometry.bodySize * 0.35
            append(.image(png: seal, x: center - diameter / 2, y: middle - diameter / 2, width: diameter, height: diameter))
        }
    }

    /// A light （印章） where the seal goes — centred over the name and date, in the
    /// line above the name that the seal's upper edge covers — so the officer
    /// stamping the paper copy sees the place and a missing seal shows.
    private func placeSealMark(center: Double, line markLine: Int) {
        let size = geometry.pageNumberSize
        let units = measure("（印章）", role: .body, size: size)
        guard let mark = LineBreaker.breakLines(units, firstWidth: geometry.blockWidth, otherWidth: geometry.blockWidth,
                                                justify: false).first else { return }
        let x = min(center - mark.width / 2, geometry.right - mark.width)
        for var run in Self.runs(of: mark, x: x, baseline: baseline(ofLine: markLine), size: size) {
            run.gray = Self.sealMarkGray
            append(.glyphs(run))
        }
    }

    /// Light enough not to be taken for text, dark enough to survive a photocopy.
    static let sealMarkGray = 0.6

    /// The signature may not stand alone on a page (GB/T 9704 7.3.5): when the
    /// last two lines of text before it are not both on its page, they move
    /// to its page in the next pass.
    private func takeLinesAlong() {
        guard let first = recent.suffix(2).first, first.page != pages.count - 1 else { return }
        wanted.insert(first.key)
    }

    /// Whether the table row about to be placed starts a page (a rule named it).
    var breakBeforeNextRow: Bool { breakBefore.contains(LineKey(block: blockIndex, line: lineInBlock)) }

    /// A table row counts as a line of text for the rules that look back.
    func noteTableRow() { noteLine(LineKey(block: blockIndex, line: lineInBlock)) }

    private func placeImage(_ image: Image) {
        let width = min(image.width * PageGeometry.millimetre, geometry.blockWidth)
        let height = image.height * PageGeometry.millimetre * width / (image.width * PageGeometry.millimetre)
        let lines = Int((height / geometry.linePitch).rounded(.up)) + (image.caption == nil ? 0 : 1)
        if linesLeft < lines && line > 0 { newPage() }
        let y = cursorY
        append(.image(png: image.png, x: geometry.left + (geometry.blockWidth - width) / 2, y: y, width: width, height: height))
        resumeGrid(below: y + height)
        if let caption = image.caption {
            setLines(caption, role: .body, size: geometry.bodySize, alignment: .center)
        }
    }

    /// Shaped units; text at the body size sits on the character grid.
    func measure(_ text: String, role: FontRole, size: Double) -> [Unit] {
        shaper.units(text, role: role, size: size, cell: size == geometry.bodySize ? pitch : nil)
    }
}
