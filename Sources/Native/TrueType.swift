import CFreeType
import Foundation

/// Rebuilds a CFF-flavoured OpenType font with TrueType (glyf) outlines, in the
/// same glyph order and with the same metrics. Cairo embeds TrueType by copying
/// just the glyphs a document uses, where CFF makes it copy and parse the whole
/// CFF table for every document; converting once is what keeps per-document
/// work small. Cubic curves become quadratic ones within a tolerance of one unit.
public enum TrueTypeBuilder {
    public enum Failure: Error, Sendable { case unreadable, notCFF, glyph(Int) }

    public static func convert(_ font: [UInt8], tolerance: Double = 4.0) throws -> [UInt8] {
        let tables = try SfntTables(font)
        guard tables["CFF "] != nil, let head = tables["head"], let hhea = tables["hhea"], let hmtx = tables["hmtx"],
              let maxpSource = tables["maxp"] else { throw Failure.notCFF }
        let glyphs = try outlines(of: font, tolerance: tolerance)
        var glyf: [UInt8] = []
        var loca: [UInt8] = []
        var maxPoints = 0, maxContours = 0
        var bounds = (xMin: Int16.max, yMin: Int16.max, xMax: Int16.min, yMax: Int16.min)
        for glyph in glyphs {
            loca.appendUInt32(UInt32(glyf.count))
            guard !glyph.contours.isEmpty else { continue }
            glyf += glyph.encoded()
            while glyf.count % 4 != 0 { glyf.append(0) }
            maxPoints = max(maxPoints, glyph.contours.reduce(0) { $0 + $1.count })
            maxContours = max(maxContours, glyph.contours.count)
            let box = glyph.box
            bounds = (min(bounds.xMin, box.xMin), min(bounds.yMin, box.yMin), max(bounds.xMax, box.xMax), max(bounds.yMax, box.yMax))
        }
        loca.appendUInt32(UInt32(glyf.count))
        var newHead = head
        newHead.setUInt32(at: 8, 0)                 // checkSumAdjustment, set at the end
        if bounds.xMin <= bounds.xMax {
            newHead.setUInt16(at: 36, UInt16(bitPattern: bounds.xMin))
            newHead.setUInt16(at: 38, UInt16(bitPattern: bounds.yMin))
            newHead.setUInt16(at: 40, UInt16(bitPattern: bounds.xMax))
            newHead.setUInt16(at: 42, UInt16(bitPattern: bounds.yMax))
        }
        newHead.setUInt16(at: 50, 1)                 // indexToLocFormat: long offsets
        newHead.setUInt16(at: 52, 0)                 // glyphDataFormat
        var maxp: [UInt8] = []
        maxp.appendUInt32(0x0001_0000)
        maxp += maxpSource[4..<6]                    // numGlyphs
        for value in [maxPoints, maxContours, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0] { maxp.appendUInt16(UInt16(value)) }
        var post: [UInt8] = []
        post.appendUInt32(0x0003_0000)               // format 3: no glyph names
        post += (tables["post"].map { Array($0[4..<32]) } ?? [UInt8](repeating: 0, count: 28))
        var out: [String: [UInt8]] = ["glyf": glyf, "loca": loca, "head": newHead, "hhea": hhea, "hmtx": hmtx,
                                      "maxp": maxp, "post": post]
        for tag in ["OS/2", "name", "cmap"] { out[tag] = tables[tag] }
        return SfntTables.assemble(out)
    }

    struct Glyph {
        /// Each contour's points: x, y, on-curve.
        var contours: [[(x: Int, y: Int, on: Bool)]] = []

        var box: (xMin: Int16, yMin: Int16, xMax: Int16, yMax: Int16) {
            let points = contours.joined()
            return (Int16(clamping: points.map(\.x).min() ?? 0), Int16(clamping: points.map(\.y).min() ?? 0),
                    Int16(clamping: points.map(\.x).max() ?? 0), Int16(clamping: points.map(\.y).max() ?? 0))
        }

        /// The glyf record: header, contour ends, no instructions, flags and deltas.
        func encoded() -> [UInt8] {
            var bytes: [UInt8] = []
            bytes.appendUInt16(UInt16(contours.count))
            let box = box
            for value in [box.xMin, box.yMin, box.xMax, box.yMax] { bytes.appendUInt16(UInt16(bitPattern: value)) }
            var end = -1
            for contour in contours {
                end += contour.count
                bytes.appendUInt16(UInt16(end))
            }
            bytes.appendUInt16(0)
            var flags: [UInt8] = [], xs: [UInt8] = [], ys: [UInt8] = []
            var last = (x: 0, y: 0)
            for point in contours.joined() {
                var flag: UInt8 = point.on ? 0x01 : 0
                Self.delta(point.x - last.x, short: 0x02, same: 0x10, flag: &flag, into: &xs)
                Self.delta(point.y - last.y, short: 0x04, same: 0x20, flag: &flag, into: &ys)
                flags.append(flag)
                last = (point.x, point.y)
            }
            return bytes + flags + xs + ys
        }

        private static func delta(_ value: Int, short: UInt8, same: UInt8, flag: inout UInt8, into bytes: inout [UInt8]) {
            if value == 0 {
                flag |= same
            } else if abs(value) < 256 {
                flag |= short | (value > 0 ? same : 0)
                bytes.append(UInt8(abs(value)))
            } else {
                bytes.appendUInt16(UInt16(bitPattern: Int16(clamping: value)))
            }
        }
    }

    /// Every glyph's outline in font units, cubic segments made quadratic.
    static func outlines(of font: [UInt8], tolerance: Double) throws -> [Glyph] {
        var library: FT_Library?
        guard FT_Init_FreeType(&library) == 0, let library else { throw Failure.unreadable }
        defer { FT_Done_FreeType(library) }
        var face: FT_Face?
        let status = font.withUnsafeBufferPointer { buffer in
            FT_New_Memory_Face(library, buffer.baseAddress, FT_Long(buffer.count), 0, &face)
        }
        guard status == 0, let face else { throw Failure.unreadable }
        defer { FT_Done_Face(face) }
        let count = Int(face.pointee.num_glyphs)
        let flags = Int32(FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING | FT_LOAD_NO_BITMAP)
        return try (0..<count).map { index in
            guard FT_Load_Glyph(face, FT_UInt(index), flags) == 0 else { throw Failure.glyph(index) }
            return convert(face.pointee.glyph.pointee.outline, tolerance: tolerance)
        }
    }

    private static func convert(_ outline: FT_Outline, tolerance: Double) -> Glyph {
        var glyph = Glyph()
        var start = 0
        for contourIndex in 0..<Int(outline.n_contours) {
            let end = Int(outline.contours[contourIndex])
            var points: [(x: Double, y: Double, tag: Int32)] = []
            for index in start...end {
                let point = outline.points[index]
                points.append((Double(point.x), Double(point.y), Int32(outline.tags[index]) & 3))
            }
            start = end + 1
            if let contour = quadratic(points, tolerance: tolerance), contour.count > 1 { glyph.contours.append(contour) }
        }
        return glyph
    }

    /// One closed contour of on-curve points and cubic control pairs, as TrueType points.
    private static func quadratic(_ points: [(x: Double, y: Double, tag: Int32)], tolerance: Double) -> [(x: Int, y: Int, on: Bool)]? {
        guard let first = points.firstIndex(where: { $0.tag == 1 }) else { return nil }
        let ring = Array(points[first...] + points[..<first]) + [points[first]]
        var out: [(x: Int, y: Int, on: Bool)] = []
        func emit(_ x: Double, _ y: Double, _ on: Bool) {
            let point = (x: Int(x.rounded()), y: Int(y.rounded()), on: on)
            if let last = out.last, last == point { return }
            out.append(point)
        }
        emit(ring[0].x, ring[0].y, true)
        var index = 1
        while index < ring.count {
            let p0 = ring[index - 1]
            if ring[index].tag == 2, index + 2 < ring.count {
                let c1 = ring[index], c2 = ring[index + 1], p3 = ring[index + 2]
                // Consecutive off-curve points imply the on-curve point halfway between them.
                for control in cubicToSpline((p0.x, p0.y), (c1.x, c1.y), (c2.x, c2.y), (p3.x, p3.y), tolerance) {
                    emit(control.0, control.1, false)
                }
                emit(p3.x, p3.y, true)
                index += 3
            } else {
                emit(ring[index].x, ring[index].y, ring[index].tag != 0)
                index += 1
            }
        }
        if out.count > 1, let firstPoint = out.first, let lastPoint = out.last, firstPoint == lastPoint { out.removeLast() }
        return out
    }

    typealias Point = (Double, Double)

    /// The off-curve points of the shortest quadratic spline (up to 16 of them)
    /// that stays within `tolerance` of the cubic, its on-curve points implied
    /// halfway between neighbours — the cu2qu method of fontTools.
    static func cubicToSpline(_ p0: Point, _ p1: Point, _ p2: Point, _ p3: Point, _ tolerance: Double) -> [Point] {
        for count in 1...16 {
            if let spline = spline(p0, p1, p2, p3, count: count, tolerance: tolerance) { return spline }
        }
        // Sixteen pieces always come within a unit for glyph-sized curves; fall back to them regardless.
        return (0..<16).map { piece in
            let (a, b, c, d) = segment(p0, p1, p2, p3, from: Double(piece) / 16, to: Double(piece + 1) / 16)
            return ((3 * (b.0 + c.0) - a.0 - d.0) / 4, (3 * (b.1 + c.1) - a.1 - d.1) / 4)
        }
    }

    private static func spline(_ p0: Point, _ p1: Point, _ p2: Point, _ p3: Point, count: Int, tolerance: Double) -> [Point]? {
        let pieces = (0..<count).map { segment(p0, p1, p2, p3, from: Double($0) / Double(count), to: Double($0 + 1) / Double(count)) }
        func control(_ t: Double, _ piece: (Point, Point, Point, Point)) -> Point {
            let (a, b, c, d) = piece
            let first = (a.0 + (b.0 - a.0) * 1.5, a.1 + (b.1 - a.1) * 1.5)
            let second = (d.0 + (c.0 - d.0) * 1.5, d.1 + (c.1 - d.1) * 1.5)
            return (first.0 + (second.0 - first.0) * t, first.1 + (second.1 - first.1) * t)
        }
        if count == 1 {
            let q = control(0.5, pieces[0])
            let e1 = (p0.0 + (q.0 - p0.0) * 2 / 3 - p1.0, p0.1 + (q.1 - p0.1) * 2 / 3 - p1.1)
            let e2 = (p3.0 + (q.0 - p3.0) * 2 / 3 - p2.0, p3.1 + (q.1 - p3.1) * 2 / 3 - p2.1)
            return farthestFitsInside((0, 0), e1, e2, (0, 0), tolerance) ? [q] : nil
        }
        var controls: [Point] = []
        var nextControl = control(0, pieces[0])
        controls.append(nextControl)
        var q2 = p0
        var d1: Point = (0, 0)
        for index in 1...count {
            let (_, c1, c2, c3) = pieces[index - 1]
            let q0 = q2
            let q1 = nextControl
            if index < count {
                nextControl = control(Double(index) / Double(count - 1), pieces[index])
                controls.append(nextControl)
                q2 = ((q1.0 + nextControl.0) / 2, (q1.1 + nextControl.1) / 2)
            } else {
                q2 = c3
            }
            let d0 = d1
            d1 = (q2.0 - c3.0, q2.1 - c3.1)
            let e1 = (q0.0 + (q1.0 - q0.0) * 2 / 3 - c1.0, q0.1 + (q1.1 - q0.1) * 2 / 3 - c1.1)
            let e2 = (q2.0 + (q1.0 - q2.0) * 2 / 3 - c2.0, q2.1 + (q1.1 - q2.1) * 2 / 3 - c2.1)
            if hypot(d1.0, d1.1) > tolerance || !farthestFitsInside(d0, e1, e2, d1, tolerance) { return nil }
        }
        return controls
    }

    /// Whether the cubic of error vectors stays inside the tolerance circle.
    private static func farthestFitsInside(_ p0: Point, _ p1: Point, _ p2: Point, _ p3: Point, _ tolerance: Double) -> Bool {
        if hypot(p1.0, p1.1) <= tolerance && hypot(p2.0, p2.1) <= tolerance { return true }
        let mid = ((p0.0 + 3 * (p1.0 + p2.0) + p3.0) * 0.125, (p0.1 + 3 * (p1.1 + p2.1) + p3.1) * 0.125)
        if hypot(mid.0, mid.1) > tolerance { return false }
        let d3 = ((p3.0 + p2.0 - p1.0 - p0.0) * 0.125, (p3.1 + p2.1 - p1.1 - p0.1) * 0.125)
        return farthestFitsInside(p0, ((p0.0 + p1.0) / 2, (p0.1 + p1.1) / 2), (mid.0 - d3.0, mid.1 - d3.1), mid, tolerance)
            && farthestFitsInside(mid, (mid.0 + d3.0, mid.1 + d3.1), ((p2.0 + p3.0) / 2, (p2.1 + p3.1) / 2), p3, tolerance)
    }

    private static func bezier(_ a: Point, _ b: Point, _ c: Point, _ d: Point, _ t: Double) -> Point {
        let u = 1 - t
        let w = (u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t)
        return (w.0 * a.0 + w.1 * b.0 + w.2 * c.0 + w.3 * d.0, w.0 * a.1 + w.1 * b.1 + w.2 * c.1 + w.3 * d.1)
    }

    private static func quadraticPoint(_ a: Point, _ b: Point, _ c: Point, _ t: Double) -> Point {
        let u = 1 - t
        return (u * u * a.0 + 2 * u * t * b.0 + t * t * c.0, u * u * a.1 + 2 * u * t * b.1 + t * t * c.1)
    }

    /// The part of a cubic between t0 and t1, as its own control points.
    private static func segment(_ p0: Point, _ p1: Point, _ p2: Point, _ p3: Point, from t0: Double, to t1: Double)
        -> (Point, Point, Point, Point) {
        func derivative(_ t: Double) -> Point {
            let u = 1 - t
            return (3 * (u * u * (p1.0 - p0.0) + 2 * u * t * (p2.0 - p1.0) + t * t * (p3.0 - p2.0)),
                    3 * (u * u * (p1.1 - p0.1) + 2 * u * t * (p2.1 - p1.1) + t * t * (p3.1 - p2.1)))
        }
        let a = bezier(p0, p1, p2, p3, t0), d = bezier(p0, p1, p2, p3, t1)
        let span = (t1 - t0) / 3
        let da = derivative(t0), dd = derivative(t1)
        return (a, (a.0 + da.0 * span, a.1 + da.1 * span), (d.0 - dd.0 * span, d.1 - dd.1 * span), d)
    }
}

/// The table directory of an sfnt font, and the reverse: tables to a font file.
struct SfntTables {
    private var tables: [String: [UInt8]] = [:]

    init(_ font: [UInt8]) throws {
        guard font.count >= 12 else { throw TrueTypeBuilder.Failure.unreadable }
        let count = Int(font.uint16(at: 4))
        for index in 0..<count {
            let record = 12 + index * 16
            guard record + 16 <= font.count else { throw TrueTypeBuilder.Failure.unreadable }
            let tag = String(decoding: font[record..<record + 4], as: UTF8.self)
            let offset = Int(font.uint32(at: record + 8)), length = Int(font.uint32(at: record + 12))
            guard offset + length <= font.count else { throw TrueTypeBuilder.Failure.unreadable }
            tables[tag] = Array(font[offset..<offset + length])
        }
    }

    subscript(tag: String) -> [UInt8]? { tables[tag] }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var sum: UInt32 = 0
        var index = 0
        while index < bytes.count {
            var word: UInt32 = 0
            for k in 0..<4 { word = word << 8 | UInt32(index + k < bytes.count ? bytes[index + k] : 0) }
            sum = sum &+ word
            index += 4
        }
        return sum
    }

    static func assemble(_ tables: [String: [UInt8]]) -> [UInt8] {
        let tags = tables.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        var power = 1, exponent = 0
        while power * 2 <= tags.count { power *= 2; exponent += 1 }
        var font: [UInt8] = []
        font.appendUInt32(0x0001_0000)
        font.appendUInt16(UInt16(tags.count))
        font.appendUInt16(UInt16(power * 16))
        font.appendUInt16(UInt16(exponent))
        font.appendUInt16(UInt16(tags.count * 16 - power * 16))
        var offset = 12 + tags.count * 16
        var body: [UInt8] = []
        var headOffset = 0
        for tag in tags {
            guard let table = tables[tag] else { continue }
            if tag == "head" { headOffset = offset }
            font += Array(tag.utf8)
            font.appendUInt32(checksum(table))
            font.appendUInt32(UInt32(offset))
            font.appendUInt32(UInt32(table.count))
            body += table
            while body.count % 4 != 0 { body.append(0) }
            offset = 12 + tags.count * 16 + body.count
        }
        font += body
        if headOffset > 0 { font.setUInt32(at: headOffset + 8, 0xB1B0_AFBA &- checksum(font)) }
        return font
    }
}

extension Array where Element == UInt8 {
    mutating func appendUInt16(_ value: UInt16) { append(UInt8(value >> 8)); append(UInt8(value & 0xFF)) }
    mutating func appendUInt32(_ value: UInt32) { appendUInt16(UInt16(value >> 16)); appendUInt16(UInt16(value & 0xFFFF)) }
    mutating func setUInt16(at offset: Int, _ value: UInt16) { self[offset] = UInt8(value >> 8); self[offset + 1] = UInt8(value & 0xFF) }
    mutating func setUInt32(at offset: Int, _ value: UInt32) {
        setUInt16(at: offset, UInt16(value >> 16))
        setUInt16(at: offset + 2, UInt16(value & 0xFFFF))
    }
    func uint16(at offset: Int) -> UInt16 { UInt16(self[offset]) << 8 | UInt16(self[offset + 1]) }
    func uint32(at offset: Int) -> UInt32 { UInt32(uint16(at: offset)) << 16 | UInt32(uint16(at: offset + 2)) }
}
