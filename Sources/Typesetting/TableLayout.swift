/// A ruled table set off the grid: the header row repeats on every page the
/// table runs onto, and a row never splits.
struct TableLayout {
    let engine: LayoutEngine
    let table: Table

    private var geometry: PageGeometry { engine.geometry }
    private var lineHeight: Double { table.fontSize * 1.45 }
    private let padding = (horizontal: 4.0, vertical: 3.0)
    private let ruleWidth = 0.6

    private var columnWidths: [Double] {
        let total = table.columns.reduce(0) { $0 + max($1.width, 0) }
        return table.columns.map { geometry.blockWidth * max($0.width, 0) / (total > 0 ? total : 1) }
    }

    func place() throws {
        guard !table.columns.isEmpty else { return }
        let widths = columnWidths
        let header = measure(table.columns.map(\.title), role: .heading, widths: widths)
        var y = engine.cursorY
        if y + header.height + lineHeight > geometry.bottom {
            engine.newPage()
            y = engine.cursorY
        }
        y = draw(header, at: y, widths: widths)
        var rowsOnPage = 0
        for row in table.rows {
            let cells = (0..<widths.count).map { $0 < row.count ? row[$0] : "" }
            let measured = measure(cells, role: .body, widths: widths)
            // A page-break rule (the signature's) may name a row to start the next page.
            if y + measured.height > geometry.bottom + 0.01 || (rowsOnPage > 0 && engine.breakBeforeNextRow) {
                engine.newPage()
                y = draw(header, at: engine.cursorY, widths: widths)
                rowsOnPage = 0
            }
            y = draw(measured, at: y, widths: widths)
            engine.noteTableRow()
            rowsOnPage += 1
        }
        engine.resumeGrid(below: y)
    }

    private struct MeasuredRow {
        var cells: [[BrokenLine]]
        var height: Double
    }

    private func measure(_ texts: [String], role: FontRole, widths: [Double]) -> MeasuredRow {
        var cells: [[BrokenLine]] = []
        for (text, width) in zip(texts, widths) {
            let units = engine.measure(text, role: role, size: table.fontSize)
            let inner = max(width - 2 * padding.horizontal, table.fontSize)
            cells.append(LineBreaker.breakLines(units, firstWidth: inner, otherWidth: inner, justify: false))
        }
        let lines = max(1, cells.map(\.count).max() ?? 1)
        return MeasuredRow(cells: cells, height: Double(lines) * lineHeight + 2 * padding.vertical)
    }

    /// Draws one row with its rules and returns the y below it.
    private func draw(_ row: MeasuredRow, at top: Double, widths: [Double]) -> Double {
        let bottom = top + row.height
        var x = geometry.left
        engine.append(.rule(x1: geometry.left, y1: top, x2: geometry.right, y2: top, width: ruleWidth))
        for (index, (lines, width)) in zip(row.cells, widths).enumerated() {
            engine.append(.rule(x1: x, y1: top, x2: x, y2: bottom, width: ruleWidth))
            for (number, broken) in lines.enumerated() {
                let baseline = top + padding.vertical + Double(number) * lineHeight
                    + (lineHeight - table.fontSize) / 2 + table.fontSize * 0.88
                let alignment = index < table.columns.count ? table.columns[index].alignment : .leading
                let inner = width - 2 * padding.horizontal
                let offset: Double
                switch alignment {
                case .leading: offset = 0
                case .center: offset = (inner - broken.width) / 2
                case .trailing: offset = inner - broken.width
                }
                engine.draw(broken, x: x + padding.horizontal + offset, baseline: baseline, size: table.fontSize)
            }
            x += width
        }
        engine.append(.rule(x1: geometry.right, y1: top, x2: geometry.right, y2: bottom, width: ruleWidth))
        engine.append(.rule(x1: geometry.left, y1: bottom, x2: geometry.right, y2: bottom, width: ruleWidth))
        return bottom
    }
}
