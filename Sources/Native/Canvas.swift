import CCairo
import CFreeType
import CairoDeflate
import Foundation

/// FreeType's library handle is shared; FreeType wants face creation and
/// disposal on one library serialised.
private enum FreeType {
    static let lock = NSLock()
    nonisolated(unsafe) static var library: FT_Library? = {
        var library: FT_Library?
        return FT_Init_FreeType(&library) == 0 ? library : nil
    }()
}

/// The bytes and FreeType face behind a Cairo font face; freed by Cairo's
/// destroy callback when Cairo drops its last reference.
private final class FaceOwner {
    /// The subset's own bytes, retained here so the face's memory outlives any other holder of the subset.
    let bytes: PinnedBytes
    var face: FT_Face?

    init(bytes: PinnedBytes) { self.bytes = bytes }

    deinit {
        FreeType.lock.lock()
        if let face { FT_Done_Face(face) }
        FreeType.lock.unlock()
    }
}

private var faceOwnerKey = cairo_user_data_key_t()

/// Cairo 1.16's glyph cache can deadlock when two threads draw text at once.
/// A thread that adds a glyph holds its font's lock and takes the global
/// glyph-page lock; when the cache is full it evicts a page of another font,
/// taking that font's lock while holding the global one. Two threads doing
/// this to each other's fonts wait forever (it hung this project's test suite
/// twice; mapnik#1755 reports the same). So every Cairo call that can look up,
/// add, evict or free glyphs — choosing a font, drawing text, showing a page,
/// destroying a context or a font — runs under this one lock. Finishing a PDF
/// (subsetting and compressing the fonts, most of Cairo's time) needs no
/// glyphs once every page is shown, and the canvas keeps its own reference to
/// each font it used, so finishing frees none: it runs outside the lock, on
/// every core at once.
enum CairoGlyphCache {
    /// Recursive: a whole page is drawn under it (`VectorCanvas.page`), and
    /// each call inside takes it again.
    static let lock = NSRecursiveLock()
}

/// A font Cairo can draw with, made from a document's subset.
public final class CanvasFont: @unchecked Sendable {
    fileprivate let face: OpaquePointer
    public let subset: FontSubset
    /// TrueType outlines: Cairo's TrueType subsetter embeds them without
    /// looking up a glyph. For other outlines Cairo may fall back to drawing
    /// each glyph into the font, which needs the glyph cache (see CairoGlyphCache).
    fileprivate let hasTrueTypeOutlines: Bool

    public enum Failure: Error, Sendable { case unusable }

    public init(subset: FontSubset) throws {
        let owner = FaceOwner(bytes: subset.pinned)
        var ftFace: FT_Face?
        FreeType.lock.lock()
        guard let base = owner.bytes.buffer.baseAddress else {
            FreeType.lock.unlock()
            throw Failure.unusable
        }
        let status = FT_New_Memory_Face(FreeType.library, base.assumingMemoryBound(to: UInt8.self),
                                        FT_Long(owner.bytes.buffer.count), 0, &ftFace)
        FreeType.lock.unlock()
        guard status == 0, let ftFace else { throw Failure.unusable }
        owner.face = ftFace
        // Outlines only: a PDF needs no hinting, and hinting CFF glyphs is what costs.
        let flags = Int32(FT_LOAD_NO_HINTING | FT_LOAD_NO_BITMAP | FT_LOAD_NO_AUTOHINT)
        guard let cairoFace = cairo_ft_font_face_create_for_ft_face(ftFace, flags) else { throw Failure.unusable }
        let retained = Unmanaged.passRetained(owner).toOpaque()
        cairo_font_face_set_user_data(cairoFace, &faceOwnerKey, retained) { pointer in
            if let pointer { Unmanaged<FaceOwner>.fromOpaque(pointer).release() }
        }
        face = cairoFace
        self.subset = subset
        hasTrueTypeOutlines = Self.hasTable("glyf", in: subset.pinned.buffer)
    }

    private static func hasTable(_ tag: String, in font: UnsafeRawBufferPointer) -> Bool {
        guard font.count >= 12 else { return false }
        let count = Int(font[4]) << 8 | Int(font[5])
        let wanted = Array(tag.utf8)
        return (0..<count).contains { index in
            let record = 12 + index * 16
            return record + 4 <= font.count && Array(font[record..<record + 4]) == wanted
        }
    }

    deinit { CairoGlyphCache.lock.withLock { cairo_font_face_destroy(face) } }
}

/// Document metadata written into the PDF's Info dictionary.
public struct CanvasMetadata: Sendable {
    public var title: String
    public var subject: String
    public var author: String
    public var keywords: String
    public var creator: String
    /// ISO date-time `YYYY-MM-DDThh:mm:ss`, taken from the data so output is reproducible.
    public var created: String

    public init(title: String, subject: String, author: String, keywords: String, creator: String, created: String) {
        self.title = title
        self.subject = subject
        self.author = author
        self.keywords = keywords
        self.creator = creator
        self.created = created
    }
}

/// Collects what Cairo writes.
private final class ByteSink {
    var bytes: [UInt8]

    /// Room for a typical two- or three-page document (90–130 KB), so the
    /// buffer is not copied again and again as Cairo writes it in small pieces.
    init() {
        bytes = []
        bytes.reserveCapacity(160 * 1024)
    }
}

/// A PDF or PostScript document drawn page by page, written to memory.
public final class VectorCanvas {
    public enum Format: Sendable { case pdf, postscript }

    private let surface: OpaquePointer
    private let context: OpaquePointer
    private let sink = ByteSink()
    private let format: Format
    private let metadata: CanvasMetadata
    private var finished = false
    /// The scaled fonts drawn with, referenced until the canvas goes (see CairoGlyphCache).
    private var heldFonts: [OpaquePointer] = []
    /// Drawing not yet shown as a page: finishing would show it, with glyph lookups.
    private var pageOpen = false
    /// Every font drawn with has TrueType outlines (CanvasFont.hasTrueTypeOutlines).
    private var onlyTrueType = true

    public init(format: Format, width: Double, height: Double, metadata: CanvasMetadata) {
        self.format = format
        self.metadata = metadata
        let closure = Unmanaged.passUnretained(sink).toOpaque()
        let write: cairo_write_func_t = { closure, data, length in
            guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
            Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue().bytes
                .append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
            return CAIRO_STATUS_SUCCESS
        }
        switch format {
        case .pdf:
            surface = cairo_pdf_surface_create_for_stream(write, closure, width, height)
            cairo_pdf_surface_restrict_to_version(surface, CAIRO_PDF_VERSION_1_5)
            let fields: [(cairo_pdf_metadata_t, String)] = [
                (CAIRO_PDF_METADATA_TITLE, metadata.title), (CAIRO_PDF_METADATA_SUBJECT, metadata.subject),
                (CAIRO_PDF_METADATA_AUTHOR, metadata.author), (CAIRO_PDF_METADATA_KEYWORDS, metadata.keywords),
                (CAIRO_PDF_METADATA_CREATOR, metadata.creator), (CAIRO_PDF_METADATA_CREATE_DATE, metadata.created),
                (CAIRO_PDF_METADATA_MOD_DATE, metadata.created),
            ]
            for (field, value) in fields where !value.isEmpty { cairo_pdf_surface_set_metadata(surface, field, value) }
        case .postscript:
            surface = cairo_ps_surface_create_for_stream(write, closure, width, height)
            cairo_ps_surface_dsc_comment(surface, "%%Title: " + metadata.title.replacingOccurrences(of: "\n", with: " "))
        }
        context = cairo_create(surface)
    }

    deinit {
        CairoGlyphCache.lock.withLock {
            cairo_destroy(context)
            cairo_surface_destroy(surface)
            for font in heldFonts { cairo_scaled_font_destroy(font) }
        }
    }

    /// Streams of Cairo's this process has compressed with libdeflate (zero: the replacement is not in effect).
    public static var streamsCompressedByLibdeflate: Int { Int(sanxiang_cairo_deflate_streams()) }

    /// Numbers Cairo printed through the fast formatter (`Sources/CairoDeflate/cairo_numbers.c`; zero: Cairo's
    /// snprintf is libc's).
    public static var numbersFormattedFast: Int { Int(sanxiang_cairo_numbers_formatted()) }

    /// One number as the fast formatter writes it for Cairo, or nil where it leaves the call to glibc: for checking it
    /// against glibc's vsnprintf.
    public static func fastFormatted(_ format: String, _ arguments: [CVarArg]) -> String? {
        var buffer = [CChar](repeating: 0, count: 128)
        let length = withVaList(arguments) { sanxiang_vformat_number(&buffer, UInt(buffer.count), format, $0) }
        guard length >= 0 else { return nil }
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public func setGray(_ level: Double) { cairo_set_source_rgb(context, level, level, level) }

    public func setColor(red: Double, green: Double, blue: Double) { cairo_set_source_rgb(context, red, green, blue) }

    /// Draws shaped glyphs and tells the PDF which text they stand for, so
    /// copying or pdftotext gives back the source characters.
    public func showGlyphs(font: CanvasFont, size: Double, glyphs: [(id: UInt32, x: Double, y: Double)], text: String,
                           clusters: [(bytes: Int, glyphs: Int)]) {
        guard !glyphs.isEmpty else { return }
        var cairoGlyphs = glyphs.map { cairo_glyph_t(index: UInt($0.id), x: $0.x, y: $0.y) }
        var cairoClusters = clusters.map { cairo_text_cluster_t(num_bytes: Int32($0.bytes), num_glyphs: Int32($0.glyphs)) }
        let utf8 = Array(text.utf8CString)
        pageOpen = true
        onlyTrueType = onlyTrueType && font.hasTrueTypeOutlines
        CairoGlyphCache.lock.withLock {
            cairo_set_font_face(context, font.face)
            cairo_set_font_size(context, size)
            holdScaledFont()
            utf8.withUnsafeBufferPointer { textPointer in
                cairo_show_text_glyphs(context, textPointer.baseAddress, Int32(utf8.count - 1), &cairoGlyphs, Int32(cairoGlyphs.count),
                                       &cairoClusters, Int32(cairoClusters.count), cairo_text_cluster_flags_t(rawValue: 0))
            }
        }
    }

    /// Keeps the context's current scaled font alive as long as the canvas; called under the lock.
    private func holdScaledFont() {
        guard let font = cairo_get_scaled_font(context), !heldFonts.contains(font) else { return }
        heldFonts.append(cairo_scaled_font_reference(font))
    }

    public func line(from start: (x: Double, y: Double), to end: (x: Double, y: Double), width: Double) {
        cairo_set_line_width(context, width)
        cairo_set_line_cap(context, CAIRO_LINE_CAP_SQUARE)
        cairo_move_to(context, start.x, start.y)
        cairo_line_to(context, end.x, end.y)
        cairo_stroke(context)
    }

    public func strokeRectangle(x: Double, y: Double, width: Double, height: Double, lineWidth: Double) {
        cairo_set_line_width(context, lineWidth)
        cairo_rectangle(context, x, y, width, height)
        cairo_stroke(context)
    }

    /// Fills a rectangle in a grey level (0 black, 1 white): chart bars print on a black-only printer.
    public func fillRectangle(x: Double, y: Double, width: Double, height: Double, gray: Double) {
        cairo_save(context)
        cairo_set_source_rgb(context, gray, gray, gray)
        cairo_rectangle(context, x, y, width, height)
        cairo_fill(context)
        cairo_restore(context)
    }

    /// Strokes an open path through the points, with round joins, and dots each point.
    public func polyline(_ points: [(x: Double, y: Double)], width: Double, markerRadius: Double) {
        guard let first = points.first else { return }
        cairo_save(context)
        cairo_set_line_width(context, width)
        cairo_set_line_join(context, CAIRO_LINE_JOIN_ROUND)
        cairo_move_to(context, first.x, first.y)
        for point in points.dropFirst() { cairo_line_to(context, point.x, point.y) }
        cairo_stroke(context)
        if markerRadius > 0 {
            for point in points {
                cairo_new_sub_path(context)
                cairo_arc(context, point.x, point.y, markerRadius, 0, 2 * Double.pi)
            }
            cairo_fill(context)
        }
        cairo_restore(context)
    }

    public func strokeCircle(centerX: Double, centerY: Double, radius: Double, lineWidth: Double, dashed: Bool) {
        cairo_save(context)
        cairo_set_line_width(context, lineWidth)
        if dashed {
            var pattern: [Double] = [3, 3]
            cairo_set_dash(context, &pattern, 2, 0)
        }
        cairo_new_sub_path(context)
        cairo_arc(context, centerX, centerY, radius, 0, 2 * Double.pi)
        cairo_stroke(context)
        cairo_restore(context)
    }

    public enum ImageFailure: Error, Sendable { case notPNG }

    /// Places a PNG image scaled into the box.
    public func drawPNG(_ png: [UInt8], x: Double, y: Double, width: Double, height: Double) throws {
        let image: RasterImage
        do { image = try RasterImage(png: png) } catch { throw ImageFailure.notPNG }
        guard image.width > 0, image.height > 0 else { throw ImageFailure.notPNG }
        cairo_save(context)
        cairo_translate(context, x, y)
        cairo_scale(context, width / Double(image.width), height / Double(image.height))
        cairo_set_source_surface(context, image.surface, 0, 0)
        cairo_paint(context)
        cairo_restore(context)
    }

    /// Moves everything drawn after it: the print profile's printable-area fit.
    public func transform(translateX: Double, translateY: Double, scale: Double) {
        cairo_translate(context, translateX, translateY)
        cairo_scale(context, scale, scale)
    }

    /// Draws one page and ends it holding the glyph lock once, rather than
    /// once per call: threads hand the lock over a few times a document
    /// instead of a few hundred.
    public func page(_ draw: () throws -> Void) rethrows {
        try CairoGlyphCache.lock.withLock {
            try draw()
            cairo_show_page(context)
        }
        cairo_identity_matrix(context)
        pageOpen = false
    }

    /// Finishes the document and returns its bytes.
    public func finish() -> [UInt8] {
        if !finished {
            // PostScript embeds fonts by other routes, some of which draw glyphs.
            if pageOpen || !onlyTrueType || format == .postscript {
                CairoGlyphCache.lock.withLock { cairo_surface_finish(surface) }
            } else {
                cairo_surface_finish(surface)
            }
            finished = true
        }
        guard format == .postscript else { return sink.bytes }
        return Self.pinCreationDate(sink.bytes, to: metadata.created)
    }

    /// Cairo stamps PostScript with the wall clock; the data's date replaces it.
    private static func pinCreationDate(_ bytes: [UInt8], to date: String) -> [UInt8] {
        let marker = Array("%%CreationDate: ".utf8)
        guard let start = bytes.firstRange(of: marker)?.upperBound,
              let end = bytes[start...].firstIndex(of: 0x0A) else { return bytes }
        var out = bytes
        out.replaceSubrange(start..<end, with: Array(date.utf8))
        return out
    }

    public var status: String { String(cString: cairo_status_to_string(cairo_status(context))) }
}
