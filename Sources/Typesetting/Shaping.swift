import Native

/// A glyph with its advance in points, ready to be placed.
struct PlacedGlyph: Sendable {
    var id: UInt32
    var advance: Double
    var xOffset: Double
    var yOffset: Double
}

/// The smallest piece of text the line breaker moves: a CJK character or
/// punctuation mark, a whole Latin word or number, or a space.
struct Unit: Sendable {
    enum Kind: Sendable { case wide, word, space }

    var kind: Kind
    var text: String
    /// One entry per font run inside the unit (a word is one run).
    var pieces: [Piece]
    var width: Double
    /// Closing punctuation: may not start a line (clreq 3.1.7).
    var noStart: Bool
    /// Opening punctuation: may not end a line.
    var noEnd: Bool

    struct Piece: Sendable {
        var face: FontFace
        var text: String
        var glyphs: [PlacedGlyph]
        /// (UTF-8 bytes, glyphs) per cluster, for the text-to-glyph map in the PDF.
        var clusters: [(bytes: Int, glyphs: Int)]
        var width: Double
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
            atoms += shapeRun(run.text, face: run.face, size: size, cell: cell)
        }
        return merge(atoms)
    }

    /// ASCII goes to the Latin face for body-like roles; titles and headings
    /// keep their own face so a number in a bold title stays bold.
    private func fontRuns(_ text: String, role: FontRole) -> [(text: String, face: FontFace)] {
        guard role == .body || role == .kai else { return text.isEmpty ? [] : [(text, fonts.face(role))] }
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

    private func shapeRun(_ text: String, face: FontFace, size: Double, cell: Double?) -> [Unit] {
        let shaped = face.shape(text)
        let utf8 = Array(text.utf8)
        let scale = size / Double(face.unitsPerEm)
        var units: [Unit] = []
        var index = 0
        while index < shaped.count {
            let cluster = shaped[index].cluster
            var end = index + 1
            while end < shaped.count, shaped[end].cluster == cluster { end += 1 }
            let nextCluster = end < shaped.count ? shaped[end].cluster : utf8.count
            let piece = String(decoding: utf8[cluster..<max(cluster, nextCluster)], as: UTF8.self)
            var glyphs = shaped[index..<end].map {
                PlacedGlyph(id: $0.glyph, advance: Double($0.xAdvance) * scale,
                            xOffset: Double($0.xOffset) * scale, yOffset: Double($0.yOffset) * scale)
            }
            var width = glyphs.reduce(0) { $0 + $1.advance }
            let ascii = piece.utf8.allSatisfy { $0 < 0x80 }
            let wide = !ascii && abs(width - size) < size * 0.05
            if wide, let cell, let last = glyphs.indices.last {
                // Full-width characters sit on the grid: tracking absorbs the difference.
                glyphs[last].advance += cell - width
                width = cell
            }
            let kind: Unit.Kind = piece == " " ? .space : (ascii ? .word : .wide)
            let first = piece.unicodeScalars.first?.value
            units.append(Unit(kind: kind, text: piece,
                              pieces: [.init(face: face, text: piece, glyphs: glyphs, clusters: [(utf8Count(piece), glyphs.count)],
                                             width: width)],
                              width: width, noStart: first.map(Self.closing.contains) ?? false,
                              noEnd: first.map(Self.opening.contains) ?? false))
            index = end
        }
        return units
    }

    private func utf8Count(_ text: String) -> Int { text.utf8.count }

    /// Latin words and numbers stay whole; ……, —— and a closing mark after a
    /// word stay with what they follow.
    private func merge(_ atoms: [Unit]) -> [Unit] {
        var units: [Unit] = []
        units.reserveCapacity(atoms.count)
        for atom in atoms {
            guard let previous = units.indices.last, shouldJoin(units[previous], atom) else {
                units.append(atom)
                continue
            }
            // In place: a copy of the last unit would duplicate its arrays on every join.
            units[previous].text += atom.text
            units[previous].width += atom.width
            units[previous].noEnd = atom.noEnd
            let piece = atom.pieces[0]
            if let last = units[previous].pieces.indices.last, units[previous].pieces[last].face === piece.face {
                units[previous].pieces[last].text += piece.text
                units[previous].pieces[last].glyphs += piece.glyphs
                units[previous].pieces[last].clusters += piece.clusters
                units[previous].pieces[last].width += piece.width
            } else {
                units[previous].pieces += atom.pieces
            }
        }
        return units
    }

    private func shouldJoin(_ previous: Unit, _ next: Unit) -> Bool {
        if previous.kind == .word && next.kind == .word { return true }
        // The two halves of …… and —— never part.
        if let a = previous.text.unicodeScalars.last, let b = next.text.unicodeScalars.first, a == b,
           a == "…" || a == "—" { return true }
        return false
    }
}
