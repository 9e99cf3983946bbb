import Native

/// A glyph with its advance in points, ready to be placed.
struct PlacedGlyph: Sendable {
    var id: UInt32
    var advance: Double
    var xOffset: Double
    var yOffset: Double
    /// UTF-8 offset, in the shaped text, of the cluster the glyph belongs to.
    var cluster: Int
}

/// One run of text shaped by HarfBuzz in one face, its full-width glyphs set
/// on the grid. The units cut from it refer to ranges of it, so a character
/// costs no arrays of its own: shaping runs for every character of every document.
final class ShapedRun: @unchecked Sendable {
    let face: FontFace
    let utf8: [UInt8]
    let glyphs: [PlacedGlyph]

    init(face: FontFace, utf8: [UInt8], glyphs: [PlacedGlyph]) {
        self.face = face
        self.utf8 = utf8
        self.glyphs = glyphs
    }
}

/// The smallest piece of text the line breaker moves: a CJK character or
/// punctuation mark, a whole Latin word or number, or a space.
struct Unit: Sendable {
    enum Kind: Sendable { case wide, word, space }

    var kind: Kind
    var run: ShapedRun
    var glyphs: Range<Int>
    /// The unit's text, as a range of the run's UTF-8.
    var bytes: Range<Int>
    var width: Double
    /// Closing punctuation: may not start a line (clreq 3.1.7).
    var noStart: Bool
    /// Opening punctuation: may not end a line.
    var noEnd: Bool

    var face: FontFace { run.face }
    var utf8: ArraySlice<UInt8> { run.utf8[bytes] }

    /// Appends (UTF-8 bytes, glyphs) per cluster, for the text-to-glyph map in the PDF.
    func appendClusters(to out: inout [(bytes: Int, glyphs: Int)]) {
        var index = glyphs.lowerBound
        while index < glyphs.upperBound {
            let start = run.glyphs[index].cluster
            var end = index + 1
            while end < glyphs.upperBound, run.glyphs[end].cluster == start { end += 1 }
            let next = end < glyphs.upperBound ? run.glyphs[end].cluster : bytes.upperBound
            out.append((max(0, next - start), end - index))
            index = end
        }
    }
}

/// Shapes text into units with HarfBuzz. Full-width characters are set on
/// the character grid: each takes exactly `cell` points when a cell is given.
struct Shaper {
    let fonts: FontSet

    /// Scalar values, not Characters: hashing a Character means finding its
    /// grapheme boundaries, and this runs for every character of every document.
    static let closing: Set<UInt32> = Set("，。、；：？！）》」』】〕〉〗〙〛”’…—·％‰℃,.;:?!)]}>%".unicodeScalars.map(\.value))
    static let opening: Set<UInt32> = Set("（《「『【〔〈〖〘〚“‘([{<¥$￥#".unicodeScalars.map(\.value))

    func units(_ text: String, role: FontRole, size: Double, cell: Double?) -> [Unit] {
        var atoms: [Unit] = []
        for run in fontRuns(text, role: role) {
            shapeRun(run.text, face: run.face, size: size, cell: cell, into: &atoms)
        }
        return merge(atoms)
    }

    /// ASCII goes to the Latin face for body-like roles; titles and headings
    /// keep their own face so a number in a bold title stays bold. A character
    /// the face lacks goes to the role's next face that has it.
    private func fontRuns(_ text: String, role: FontRole) -> [(text: String, face: FontFace)] {
        let latinApart = role == .body || role == .kai
        if !fonts.hasFallback(role) && !(latinApart && fonts.hasFallback(.latin)) {
            return simpleRuns(text, role: role, latinApart: latinApart)
        }
        let own = fonts.choice(role), latin = fonts.choice(.latin)
        var runs: [(String, FontFace)] = []
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var current: (face: FontFace, ascii: Bool)?
        for index in scalars.indices {
            let scalar = scalars[index]
            // Marks and selectors stay with the character they modify.
            if current != nil, Self.attaches(scalar) { continue }
            let ascii = latinApart && scalar.isASCII
            let face = (ascii ? latin : own).face(for: scalar)
            if let open = current, open.face === face, open.ascii == ascii { continue }
            if let open = current { runs.append((String(scalars[start..<index]), open.face)) }
            start = index
            current = (face, ascii)
        }
        if let open = current { runs.append((String(scalars[start...]), open.face)) }
        return runs
    }

    /// Combining marks, variation selectors and the zero-width joiner.
    private static func attaches(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0300...0x036F, 0x200D, 0xFE00...0xFE0F, 0xE0100...0xE01EF: return true
        default: return false
        }
    }

    /// One face per role: runs change only between ASCII and the rest.
    private func simpleRuns(_ text: String, role: FontRole, latinApart: Bool) -> [(text: String, face: FontFace)] {
        guard latinApart else { return text.isEmpty ? [] : [(text, fonts.face(role))] }
        var runs: [(String, FontFace)] = []
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var startIsLatin = scalars.first?.isASCII ?? false
        for index in scalars.indices where scalars[index].isASCII != startIsLatin {
            runs.append((String(scalars[start..<index]), fonts.face(startIsLatin ? .latin : role)))
            start = index
            startIsLatin.toggle()
        }
        if start < scalars.endIndex { runs.append((String(scalars[start...]), fonts.face(startIsLatin ? .latin : role))) }
        return runs
    }

    /// One unit per HarfBuzz cluster, all pointing into one shaped run.
    private func shapeRun(_ text: String, face: FontFace, size: Double, cell: Double?, into units: inout [Unit]) {
        let shaped = face.shape(text)
        let utf8 = Array(text.utf8)
        let scale = size / Double(face.unitsPerEm)
        var glyphs = shaped.map {
            PlacedGlyph(id: $0.glyph, advance: Double($0.xAdvance) * scale, xOffset: Double($0.xOffset) * scale,
                        yOffset: Double($0.yOffset) * scale, cluster: $0.cluster)
        }
        // Clusters first, glyph advances adjusted to the grid in place, then the run is frozen.
        var cuts: [(glyphs: Range<Int>, bytes: Range<Int>, width: Double, ascii: Bool)] = []
        var index = 0
        while index < glyphs.count {
            let cluster = glyphs[index].cluster
            var end = index + 1
            while end < glyphs.count, glyphs[end].cluster == cluster { end += 1 }
            let nextCluster = end < glyphs.count ? glyphs[end].cluster : utf8.count
            let bytes = cluster..<max(cluster, nextCluster)
            var width = 0.0
            for glyph in glyphs[index..<end] { width += glyph.advance }
            let ascii = utf8[bytes].allSatisfy { $0 < 0x80 }
            if !ascii, let cell, abs(width - size) < size * 0.05 {
                // Full-width characters sit on the grid: tracking absorbs the difference.
                glyphs[end - 1].advance += cell - width
                width = cell
            }
            cuts.append((index..<end, bytes, width, ascii))
            index = end
        }
        let run = ShapedRun(face: face, utf8: utf8, glyphs: glyphs)
        units.reserveCapacity(units.count + cuts.count)
        for cut in cuts {
            let first = Self.firstScalar(utf8[cut.bytes]).flatMap { Self.isIdeograph($0) ? nil : $0 }
            let kind: Unit.Kind = cut.bytes.count == 1 && utf8[cut.bytes.lowerBound] == 0x20 ? .space : (cut.ascii ? .word : .wide)
            units.append(Unit(kind: kind, run: run, glyphs: cut.glyphs, bytes: cut.bytes, width: cut.width,
                              noStart: first.map(Self.closing.contains) ?? false, noEnd: first.map(Self.opening.contains) ?? false))
        }
    }

    /// Most characters of a document are CJK ideographs, which are never
    /// punctuation: they skip the two set lookups.
    private static func isIdeograph(_ scalar: UInt32) -> Bool { (0x4E00...0x9FFF).contains(scalar) }

    private static func firstScalar(_ bytes: ArraySlice<UInt8>) -> UInt32? {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        if case .scalarValue(let scalar) = decoder.decode(&iterator) { return scalar.value }
        return nil
    }

    private static func lastScalar(_ bytes: ArraySlice<UInt8>) -> UInt32? {
        guard var start = bytes.indices.last else { return nil }
        while start > bytes.startIndex, bytes[start] & 0xC0 == 0x80 { start -= 1 }
        return firstScalar(bytes[start...])
    }

    /// Latin words and numbers stay whole; ……, —— and a closing mark after a
    /// word stay with what they follow. Joined units are neighbours in one run,
    /// so joining widens the ranges.
    private func merge(_ atoms: [Unit]) -> [Unit] {
        var units: [Unit] = []
        units.reserveCapacity(atoms.count)
        for atom in atoms {
            guard let previous = units.indices.last, shouldJoin(units[previous], atom) else {
                units.append(atom)
                continue
            }
            units[previous].glyphs = units[previous].glyphs.lowerBound..<atom.glyphs.upperBound
            units[previous].bytes = units[previous].bytes.lowerBound..<atom.bytes.upperBound
            units[previous].width += atom.width
            units[previous].noEnd = atom.noEnd
        }
        return units
    }

    private func shouldJoin(_ previous: Unit, _ next: Unit) -> Bool {
        // Only neighbours in one shaped run can share a unit.
        guard previous.run === next.run, previous.glyphs.upperBound == next.glyphs.lowerBound,
              previous.bytes.upperBound == next.bytes.lowerBound else { return false }
        if previous.kind == .word && next.kind == .word { return true }
        // The two halves of …… and —— never part.
        if let a = Self.lastScalar(previous.utf8), let b = Self.firstScalar(next.utf8), a == b,
           a == 0x2026 || a == 0x2014 { return true }
        return false
    }
}
