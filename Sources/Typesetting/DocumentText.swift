extension Document {
    /// Every piece of text the rendered file will carry: its metadata and each block's
    /// strings, in order. The publication gate reads a public PDF through this, because
    /// the PDF's text layer is exactly these strings (drawn with their text attached).
    public var textContent: String {
        var parts = [metadata.title, metadata.subject, metadata.author] + metadata.keywords + [metadata.created]
        for block in blocks {
            switch block {
            case .title(let lines): parts += lines
            case .documentNumber(let text), .heading(_, let text), .paragraph(let text), .flush(let text), .centered(let text):
                parts.append(text)
            case .keyValue(let key, let value): parts += [key, value]
            case .numberedList(let items): parts += items
            case .table(let table): parts += table.columns.map(\.title) + table.rows.joined()
            case .signature(let signature): parts += signature.names + [signature.date]
            case .chart(let chart): parts += chart.textContent
            case .image(let image): parts += image.caption.map { [$0] } ?? []
            case .blankLine, .pageBreak: continue
            }
        }
        return parts.joined(separator: "\n")
    }
}

extension Chart {
    /// The chart's words and figures as the PDF carries them.
    var textContent: [String] { [caption, unit] + labels + values.map(String.init) }
}
