/// One line chosen by the breaker: which units, and where each starts.
struct BrokenLine: Sendable {
    var units: ArraySlice<Unit>
    /// x of each unit from the line's start.
    var offsets: [Double]
    var width: Double
}

/// Chinese line breaking after W3C clreq: a break may fall between any two
/// CJK characters, never before closing or after opening punctuation, never
/// inside a Latin word or number. Full lines are justified to the measure;
/// the last line of a paragraph is left ragged.
enum LineBreaker {
    /// `maxGap` caps the space justification may add between two units: wider
    /// gaps (poppler starts a new word past a tenth of an em) come out of PDF text
    /// extraction as spaces, so a line that would need more — a long number
    /// pushed to the next line — stays a little short instead.
    static func breakLines(_ units: [Unit], firstWidth: Double, otherWidth: Double, justify: Bool = true,
                           maxGap: Double = .infinity) -> [BrokenLine] {
        var lines: [BrokenLine] = []
        var start = 0
        while start < units.count {
            // A line never starts with a space.
            while start < units.count, units[start].kind == .space { start += 1 }
            guard start < units.count else { break }
            let measure = lines.isEmpty ? firstWidth : otherWidth
            var end = start
            var used = 0.0
            while end < units.count, used + units[end].width <= measure + 0.01 {
                used += units[end].width
                end += 1
            }
            if end == start { end = start + 1 }  // a word wider than the line goes on a line of its own
            if end < units.count { end = legalBreak(units, start: start, proposed: end) }
            let isLast = end >= units.count
            lines.append(place(units[start..<end], measure: measure, justify: justify && !isLast, maxGap: maxGap))
            start = end
        }
        return lines
    }

    /// Moves the break earlier (推出) until the next line does not start with
    /// closing punctuation and this line does not end with opening punctuation.
    private static func legalBreak(_ units: [Unit], start: Int, proposed: Int) -> Int {
        func legal(_ end: Int) -> Bool {
            var next = end
            while next < units.count, units[next].kind == .space { next += 1 }
            return !(next < units.count && units[next].noStart) && !units[end - 1].noEnd
        }
        var end = proposed
        while end > start + 1, !legal(end) { end -= 1 }
        // Nothing legal left on the line (a run of closing marks): break where it fits.
        return legal(end) ? end : proposed
    }

    private static func place(_ slice: ArraySlice<Unit>, measure: Double, justify: Bool, maxGap: Double) -> BrokenLine {
        var units = slice
        while let last = units.last, last.kind == .space, units.count > 1 { units = units.dropLast() }
        let natural = units.reduce(0) { $0 + $1.width }
        let gaps = units.count - 1
        let extra = justify && gaps > 0 ? min(max(0, measure - natural) / Double(gaps), maxGap) : 0
        var offsets: [Double] = []
        var x = 0.0
        for unit in units {
            offsets.append(x)
            x += unit.width + extra
        }
        return BrokenLine(units: units, offsets: offsets, width: natural + extra * Double(max(gaps, 0)))
    }
}
