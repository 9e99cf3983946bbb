/// Lays out a chart off the grid: value axis with gridlines on the left,
/// category labels below, the values written over bars or points, the caption
/// centred underneath. Grey levels only, so a black-only printer keeps it legible.
struct ChartLayout {
    let engine: LayoutEngine
    let chart: Chart

    private var geometry: PageGeometry { engine.geometry }
    /// 小五号 for axis labels, 五号 for the values.
    private let labelSize = 9.0
    private let valueSize = 10.5
    private let axisWidth = 0.8
    private let gridWidth = 0.4

    func place() {
        let plotHeight = chart.height * PageGeometry.millimetre
        let labelBand = labelSize * 2.6
        let captionLines = 1
        let needed = plotHeight + labelBand + valueSize * 2 + Double(captionLines) * geometry.linePitch
        if engine.cursorY + needed > geometry.bottom, engine.cursorY > geometry.top { engine.newPage() }

        let ticks = chart.ticks
        let top = engine.cursorY + valueSize * 2
        let bottom = top + plotHeight
        let tickTexts = ticks.map(String.init)
        let unitText = "（\(chart.unit)）"
        let axisLabelWidth = (tickTexts + [unitText]).map { width(of: $0, size: labelSize) }.max() ?? 0
        let left = geometry.left + axisLabelWidth + labelSize * 0.6
        let right = geometry.right
        let maxTick = Double(ticks.last ?? 1)
        func y(for value: Int) -> Double { bottom - plotHeight * Double(value) / maxTick }

        for (tick, tickText) in zip(ticks, tickTexts) {
            let tickY = y(for: tick)
            if tick > 0 {
                engine.append(.fill(x: left, y: tickY - gridWidth / 2, width: right - left, height: gridWidth, gray: 0.6))
            }
            text(tickText, size: labelSize, right: left - labelSize * 0.4, baseline: tickY + labelSize * 0.35)
        }
        text(unitText, size: labelSize, right: left - labelSize * 0.4, baseline: top - valueSize * 0.9)
        engine.append(.rule(x1: left, y1: top, x2: left, y2: bottom, width: axisWidth))
        engine.append(.rule(x1: left, y1: bottom, x2: right, y2: bottom, width: axisWidth))

        let slot = (right - left) / Double(max(chart.labels.count, 1))
        var points: [(x: Double, y: Double)] = []
        for (index, label) in chart.labels.enumerated() {
            let value = index < chart.values.count ? chart.values[index] : 0
            let center = left + slot * (Double(index) + 0.5)
            let valueY = y(for: value)
            switch chart.kind {
            case .bars:
                let barWidth = slot * 0.6
                if value > 0 {
                    engine.append(.fill(x: center - barWidth / 2, y: valueY, width: barWidth, height: bottom - valueY, gray: 0.45))
                }
            case .line:
                points.append((center, valueY))
            }
            // Over a bar, or clear of the marker and the line on a point.
            text(String(value), size: valueSize, center: center, baseline: valueY - valueSize * (chart.kind == .bars ? 0.45 : 0.8))
            text(label, size: labelSize, center: center, baseline: bottom + labelSize * 1.5)
        }
        if chart.kind == .line { engine.append(.polyline(points: points, width: 1.2, markerRadius: 2)) }
        engine.resumeGrid(below: bottom + labelBand)
        engine.setLines(chart.caption, role: .body, size: geometry.bodySize, alignment: .center)
    }

    private func width(of text: String, size: Double) -> Double {
        engine.measure(text, role: .body, size: size).reduce(0) { $0 + $1.width }
    }

    /// Sets one line of label text, right-aligned at `right` or centred on `center`, never wrapped.
    private func text(_ text: String, size: Double, right: Double? = nil, center: Double? = nil, baseline: Double) {
        let units = engine.measure(text, role: .body, size: size)
        let lineWidth = units.reduce(0) { $0 + $1.width }
        for broken in LineBreaker.breakLines(units, firstWidth: .infinity, otherWidth: .infinity, justify: false) {
            let x = right.map { $0 - lineWidth } ?? (center ?? geometry.left) - lineWidth / 2
            engine.draw(broken, x: x, baseline: baseline, size: size)
        }
    }
}
