import ErrorReporting
import Native

/// A rendered document: the file's bytes and how many pages it has.
public struct RenderedDocument: Sendable {
    public let bytes: [UInt8]
    public let pageCount: Int
}

public struct TypesettingError: SanxiangError, Equatable, Sendable {
    public var message: String
}

/// The layout engine's front door: a document model in, PDF or PostScript out.
/// Fonts are loaded once and shared; every render is independent, so one
/// Typesetter may render on several threads at once.
public final class Typesetter: @unchecked Sendable {
    public let fonts: FontSet
    public let geometry: PageGeometry

    public init(fonts: FontSet, geometry: PageGeometry = .gbt9704) {
        self.fonts = fonts
        self.geometry = geometry
    }

    public func render(_ document: Document, profile: OutputProfile = .archive) throws -> RenderedDocument {
        let pages = try layout(document)
        let bytes = try draw(pages, metadata: document.metadata, profile: profile)
        return RenderedDocument(bytes: bytes, pageCount: pages.count)
    }

    /// The pages with their page numbers, before drawing.
    func layout(_ document: Document) throws -> [LaidOutPage] {
        let engine = LayoutEngine(fonts: fonts, geometry: geometry)
        try engine.layout(document.blocks)
        var pages = engine.pages
        addPageNumbers(&pages, style: document.pageNumbers, engine: engine)
        return pages
    }

    private func addPageNumbers(_ pages: inout [LaidOutPage], style: PageNumberStyle, engine: LayoutEngine) {
        let size = geometry.pageNumberSize
        // The dash line, not the baseline, lies 7 mm below the text block.
        let baseline = geometry.bottom + geometry.pageNumberDrop + size * 0.38
        for index in pages.indices {
            let number = index + 1
            let text: String
            switch style {
            case .gbt9704: text = "— \(number) —"
            case .pageOfTotal: text = "第 \(number) 页 共 \(pages.count) 页"
            case .none: continue
            }
            let units = engine.measure(text, role: .body, size: size)
            guard let line = LineBreaker.breakLines(units, firstWidth: geometry.pageWidth, otherWidth: geometry.pageWidth,
                                                     justify: false).first else { continue }
            let x: Double
            switch style {
            case .gbt9704: x = number % 2 == 1 ? geometry.right - size - line.width : geometry.left + size
            default: x = geometry.left + (geometry.blockWidth - line.width) / 2
            }
            pages[index].items += LayoutEngine.runs(of: line, x: x, baseline: baseline, size: size).map(PageItem.glyphs)
        }
    }

    /// Draws every page with the shared working fonts; glyphs they lack come
    /// from one small subset of the full face per document.
    func draw(_ pages: [LaidOutPage], metadata: Document.Metadata, profile: OutputProfile) throws -> [UInt8] {
        let fallback = try fallbackFonts(pages)
        var borrowed: [ObjectIdentifier: CanvasFont] = [:]
        defer { for (key, font) in borrowed { fonts.prepared[key]?.giveBack(font) } }
        for page in pages {
            for case .glyphs(let run) in page.items where borrowed[ObjectIdentifier(run.face)] == nil {
                borrowed[ObjectIdentifier(run.face)] = try fonts.prepared(run.face).borrowCanvasFont()
            }
        }
        let canvas = VectorCanvas(format: profile.format == .pdf ? .pdf : .postscript, width: geometry.pageWidth,
                                  height: geometry.pageHeight, metadata: canvasMetadata(metadata))
        let fit = printableFit(profile)
        for page in pages {
            let items = Self.coalesced(page.items)
            try canvas.page { try draw(items, on: canvas, fit: fit, borrowed: borrowed, fallback: fallback) }
        }
        return canvas.finish()
    }

    /// One page's items; runs under Cairo's glyph lock (VectorCanvas.page).
    private func draw(_ items: [PageItem], on canvas: VectorCanvas, fit: (x: Double, y: Double, scale: Double)?,
                      borrowed: [ObjectIdentifier: CanvasFont], fallback: [ObjectIdentifier: CanvasFont]) throws {
        if let fit { canvas.transform(translateX: fit.x, translateY: fit.y, scale: fit.scale) }
        canvas.setGray(0)
        for item in items {
            switch item {
            case .glyphs(let run):
                guard let working = borrowed[ObjectIdentifier(run.face)] else {
                    throw TypesettingError(message: "排版时遇到未加载的字体。")
                }
                if run.gray != 0 { canvas.setGray(run.gray) }
                drawRun(run, on: canvas, working: working, fallback: fallback[ObjectIdentifier(run.face)])
                if run.gray != 0 { canvas.setGray(0) }
            case .rule(let x1, let y1, let x2, let y2, let width):
                canvas.line(from: (x1, y1), to: (x2, y2), width: width)
            case .image(let png, let x, let y, let width, let height):
                do {
                    try canvas.drawPNG(png, x: x, y: y, width: width, height: height)
                } catch {
                    throw TypesettingError(message: "图片不是有效的 PNG 文件。")
                }
            case .fill(let x, let y, let width, let height, let gray):
                canvas.fillRectangle(x: x, y: y, width: width, height: height, gray: gray)
            case .polyline(let points, let width, let markerRadius):
                canvas.polyline(points, width: width, markerRadius: markerRadius)
            }
        }
    }

    /// Joins consecutive glyph runs of one face and size into one: Cairo
    /// records, analyses and replays each call, so fewer calls is faster.
    static func coalesced(_ items: [PageItem]) -> [PageItem] {
        var out: [PageItem] = []
        out.reserveCapacity(items.count)
        var open: GlyphRun?
        for item in items {
            if case .glyphs(let run) = item {
                // Compared and appended through the optional, never bound: a copy would
                // make every append copy the arrays.
                if open?.face === run.face, open?.size == run.size, open?.gray == run.gray {
                    open?.glyphs += run.glyphs
                    open?.text += run.text
                    open?.clusters += run.clusters
                } else {
                    if let finished = open { out.append(.glyphs(finished)) }
                    open = run
                }
            } else {
                if let finished = open { out.append(.glyphs(finished)) }
                open = nil
                out.append(item)
            }
        }
        if let finished = open { out.append(.glyphs(finished)) }
        return out
    }

    /// Per face, a subset holding the glyphs of every cluster the working font cannot draw.
    private func fallbackFonts(_ pages: [LaidOutPage]) throws -> [ObjectIdentifier: CanvasFont] {
        var missing: [ObjectIdentifier: (face: FontFace, glyphs: Set<UInt32>)] = [:]
        for page in pages {
            for case .glyphs(let run) in page.items {
                let working = try fonts.prepared(run.face).working
                // Nearly every run is covered: only then is it worth cutting into clusters.
                guard run.glyphs.contains(where: { working.newID($0.id) == nil }) else { continue }
                for cluster in Self.clusters(of: run) where cluster.glyphs.contains(where: { working.newID($0.id) == nil }) {
                    missing[ObjectIdentifier(run.face), default: (run.face, [0])].glyphs.formUnion(cluster.glyphs.map(\.id))
                }
            }
        }
        var fonts: [ObjectIdentifier: CanvasFont] = [:]
        for (key, entry) in missing {
            guard let subset = entry.face.subset(entry.glyphs) else {
                throw TypesettingError(message: "无法为字体 \(entry.face.familyName) 生成子集。")
            }
            fonts[key] = try CanvasFont(subset: subset)
        }
        return fonts
    }

    private struct Cluster {
        var text: Substring.UTF8View
        var glyphs: ArraySlice<(id: UInt32, x: Double, y: Double)>
    }

    private static func clusters(of run: GlyphRun) -> [Cluster] {
        var result: [Cluster] = []
        var byte = run.text.utf8.startIndex
        var glyph = 0
        for (bytes, count) in run.clusters {
            let end = run.text.utf8.index(byte, offsetBy: bytes)
            result.append(Cluster(text: run.text[byte..<end].utf8, glyphs: run.glyphs[glyph..<glyph + count]))
            byte = end
            glyph += count
        }
        return result
    }

    /// Splits a run where its clusters change between the working and the fallback font.
    private func drawRun(_ run: GlyphRun, on canvas: VectorCanvas, working: CanvasFont, fallback: CanvasFont?) {
        guard let fallback else {
            let glyphs = run.glyphs.map { (id: working.subset.newID($0.id) ?? 0, x: $0.x, y: $0.y) }
            canvas.showGlyphs(font: working, size: run.size, glyphs: glyphs, text: run.text, clusters: run.clusters)
            return
        }
        var segment: (font: CanvasFont, text: String, glyphs: [(id: UInt32, x: Double, y: Double)], clusters: [(bytes: Int, glyphs: Int)])?
        func flush() {
            if let open = segment {
                canvas.showGlyphs(font: open.font, size: run.size, glyphs: open.glyphs, text: open.text, clusters: open.clusters)
            }
            segment = nil
        }
        for cluster in Self.clusters(of: run) {
            let fromWorking = cluster.glyphs.allSatisfy { working.subset.newID($0.id) != nil }
            let font = fromWorking ? working : fallback
            if let open = segment, open.font !== font { flush() }
            if segment == nil { segment = (font, "", [], []) }
            segment?.text += String(decoding: cluster.text, as: UTF8.self)
            segment?.glyphs += cluster.glyphs.map { (id: font.subset.newID($0.id) ?? 0, x: $0.x, y: $0.y) }
            segment?.clusters.append((cluster.text.count, cluster.glyphs.count))
        }
        flush()
    }

    private func canvasMetadata(_ metadata: Document.Metadata) -> CanvasMetadata {
        let created = metadata.created.count == 10 ? metadata.created + "T00:00:00" : metadata.created
        return CanvasMetadata(title: metadata.title, subject: metadata.subject, author: metadata.author,
                              keywords: metadata.keywords.joined(separator: ", "), creator: "Sanxiang 三项", created: created)
    }

    /// The print profile keeps everything inside the printer's printable area:
    /// when the GB/T 9704 margins already clear it, nothing moves; otherwise the
    /// page is scaled about its centre until the text block and page numbers fit.
    private func printableFit(_ profile: OutputProfile) -> (x: Double, y: Double, scale: Double)? {
        guard case .print(let area) = profile.kind else { return nil }
        let mm = PageGeometry.millimetre
        let content = (left: geometry.left - geometry.pageNumberSize, top: geometry.top,
                       right: geometry.right + geometry.pageNumberSize,
                       bottom: geometry.bottom + geometry.pageNumberDrop + geometry.pageNumberSize)
        let printable = (left: area.left * mm, top: area.top * mm, right: geometry.pageWidth - area.right * mm,
                         bottom: geometry.pageHeight - area.bottom * mm)
        if content.left >= printable.left, content.top >= printable.top, content.right <= printable.right,
           content.bottom <= printable.bottom { return nil }
        let scale = min((printable.right - printable.left) / (content.right - content.left),
                        (printable.bottom - printable.top) / (content.bottom - content.top), 1)
        let x = printable.left + ((printable.right - printable.left) - (content.right - content.left) * scale) / 2 - content.left * scale
        let y = printable.top + ((printable.bottom - printable.top) - (content.bottom - content.top) * scale) / 2 - content.top * scale
        return (x, y, scale)
    }
}
