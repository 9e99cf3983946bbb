/// A document laid out into pages but not yet drawn: it can be drawn on its
/// own or bound with others into one volume (a 案卷) without laying it out again.
public struct TypesetDocument {
    let pages: [LaidOutPage]
    public let metadata: Document.Metadata

    public var pageCount: Int { pages.count }
}

extension Typesetter {
    /// Lays a document out with its own page numbers.
    public func typeset(_ document: Document) throws -> TypesetDocument {
        TypesetDocument(pages: try layout(document), metadata: document.metadata)
    }

    public func render(_ typeset: TypesetDocument, profile: OutputProfile = .archive) throws -> RenderedDocument {
        RenderedDocument(bytes: try draw(typeset.pages, metadata: typeset.metadata, profile: profile), pageCount: typeset.pageCount)
    }

    /// One PDF of `front` (cover and catalogue, unnumbered, as archives leave them) followed by
    /// `members`, each as laid out on its own, every member page stamped with its volume page
    /// number (页号) in the top right corner, the number the catalogue's page ranges refer to.
    public func bind(front: TypesetDocument, members: [TypesetDocument], metadata: Document.Metadata,
                     profile: OutputProfile = .archive) throws -> RenderedDocument {
        var pages = front.pages
        let engine = LayoutEngine(fonts: fonts, geometry: geometry)
        var number = 0
        for member in members {
            for var page in member.pages {
                number += 1
                page.items += volumePageNumber(number, engine: engine)
                pages.append(page)
            }
        }
        return RenderedDocument(bytes: try draw(pages, metadata: metadata, profile: profile), pageCount: pages.count)
    }

    /// 小四 digits right-aligned on the text block's edge, halfway up the top margin.
    private func volumePageNumber(_ number: Int, engine: LayoutEngine) -> [PageItem] {
        let size = 12.0
        let units = engine.measure("\(number)", role: .body, size: size)
        guard let line = LineBreaker.breakLines(units, firstWidth: geometry.pageWidth, otherWidth: geometry.pageWidth,
                                                 justify: false).first else { return [] }
        let baseline = geometry.top / 2
        return LayoutEngine.runs(of: line, x: geometry.right - line.width, baseline: baseline, size: size).map(PageItem.glyphs)
    }
}
