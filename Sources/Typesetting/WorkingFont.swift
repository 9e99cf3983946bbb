import Foundation
import Native

/// A face cut down once to the characters official documents use — ASCII,
/// GB 2312 and the common punctuation — and kept on disk. Cairo embeds from
/// this small font instead of the 65,000-glyph collection, and one Cairo face
/// serves every document, so per-document work stays small. Glyphs outside it
/// (a rare character in a name) come from a per-document subset of the full face.
final class PreparedFont: @unchecked Sendable {
    let face: FontFace
    let working: FontSubset
    /// Cairo faces of the working font, one per document being drawn at once:
    /// a shared face would make the threads queue on Cairo's glyph-cache lock.
    private var spare: [CanvasFont]
    private let lock = NSLock()

    init(face: FontFace, cache: FontCache) throws {
        self.face = face
        if let cached = cache.load(for: face) {
            working = cached
        } else {
            guard let made = face.subset(covering: WorkingSet.scalars) else {
                throw FontError(role: face.familyName, path: face.file.path, problem: "无法生成常用字子集。")
            }
            // TrueType outlines let Cairo copy only the glyphs a document uses;
            // a font that is TrueType already is kept as it is.
            let outlines = (try? TrueTypeBuilder.convert(made.bytes)) ?? made.bytes
            working = FontSubset(bytes: outlines, newIDs: made.newIDs, unitsPerEm: made.unitsPerEm)
            cache.store(working, for: face)
        }
        spare = [try CanvasFont(subset: working)]
    }

    func borrowCanvasFont() throws -> CanvasFont {
        lock.lock()
        defer { lock.unlock() }
        return try spare.popLast() ?? CanvasFont(subset: working)
    }

    func giveBack(_ font: CanvasFont) {
        lock.lock()
        spare.append(font)
        lock.unlock()
    }
}

/// The characters every working font covers.
enum WorkingSet {
    /// Bump when the set or the way fonts are prepared changes, so cached fonts are rebuilt.
    static let version = 7

    static let scalars: [UInt32] = {
        var set = Set<UInt32>(0x20...0x7E)
        set.formUnion(0xFF01...0xFF5E)          // full-width forms
        set.formUnion(0x3000...0x303F)          // CJK punctuation
        set.formUnion(0x2010...0x2027)          // dashes, quotes, ellipsis
        set.formUnion(0x2460...0x2473)          // ①–⑳
        set.formUnion([0x00A5, 0x00B7, 0x00D7, 0x00F7, 0x2030, 0x2103, 0x2116, 0x203B, 0x25CB, 0x25CF, 0x25A1, 0x25A0,
                       0x2606, 0x2605, 0xFFE5])
        set.formUnion(gb2312)
        return set.sorted()
    }()

    /// Every character of GB 2312 (rows 0xA1–0xF7, cells 0xA1–0xFE), as iconv maps them.
    private static var gb2312: [UInt32] {
        var scalars: [UInt32] = []
        for row in UInt8(0xA1)...0xF7 {
            for cell in UInt8(0xA1)...0xFE {
                guard let utf8 = try? Iconv.convert([row, cell], from: "GB2312", to: "UTF-8") else { continue }
                scalars += String(decoding: utf8, as: UTF8.self).unicodeScalars.map(\.value)
            }
        }
        return scalars
    }
}

/// Working fonts on disk, keyed by the font file, its size and date, the
/// face index and the working set's version.
struct FontCache {
    let folder: URL?

    /// `SANXIANG_FONT_CACHE`, else ~/.cache/sanxiang/fonts; nil disables caching.
    static func standard() -> FontCache {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["SANXIANG_FONT_CACHE"] {
            return FontCache(folder: path.isEmpty ? nil : URL(fileURLWithPath: path))
        }
        let base = environment["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return FontCache(folder: base.appendingPathComponent("sanxiang/fonts"))
    }

    private func file(for face: FontFace) -> URL? {
        guard let folder,
              let attributes = try? FileManager.default.attributesOfItem(atPath: face.file.path) else { return nil }
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let modified = Int64((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)
        let key = "\(face.file.path)|\(size)|\(modified)|\(face.index)|\(WorkingSet.version)"
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return folder.appendingPathComponent(String(hash, radix: 16) + "-v\(WorkingSet.version).sxfont")
    }

    private static let magic = Array("SXWF1\n".utf8)

    func load(for face: FontFace) -> FontSubset? {
        guard let url = file(for: face), let data = FileManager.default.contents(atPath: url.path) else { return nil }
        let bytes = [UInt8](data)
        guard bytes.count > 10, Array(bytes[0..<6]) == Self.magic else { return nil }
        func word(_ offset: Int) -> UInt32 {
            UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
        }
        let count = Int(word(6))
        let fontStart = 10 + count * 8
        guard fontStart < bytes.count else { return nil }
        var newIDs: [UInt32: UInt32] = [:]
        newIDs.reserveCapacity(count)
        for index in 0..<count { newIDs[word(10 + index * 8)] = word(14 + index * 8) }
        return FontSubset(bytes: Array(bytes[fontStart...]), newIDs: newIDs, unitsPerEm: face.unitsPerEm)
    }

    /// Best effort: a cache that cannot be written only costs time.
    func store(_ subset: FontSubset, for face: FontFace) {
        guard let url = file(for: face) else { return }
        var bytes = Self.magic
        func append(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        append(UInt32(subset.newIDs.count))
        for (old, new) in subset.newIDs.sorted(by: { $0.key < $1.key }) {
            append(old)
            append(new)
        }
        bytes += subset.bytes
        let folder = url.deletingLastPathComponent()
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try? Data(bytes).write(to: url, options: .atomic)
        // Fonts prepared by an older working set are never read again.
        let current = "-v\(WorkingSet.version).sxfont"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        where name.hasSuffix(".sxfont") && !name.hasSuffix(current) {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
    }
}
