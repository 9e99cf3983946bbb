import CFreeType
import CHarfBuzz
import Foundation

/// A font file held once, shared by shaping, subsetting and drawing. A file on disk is mapped, not read:
/// the CJK faces are tens of megabytes each and a run touches only their tables and the outlines it
/// uses, so only those pages become resident (and, being the file's, the kernel may drop them again),
/// where reading them copied all of them (88 MB) into the heap of every run.
public final class FontFile: @unchecked Sendable {
    public let path: String
    /// The bytes of a font made in memory (a prepared subset); nil for a mapped file, whose blob owns the mapping.
    /// Let go of after the blob (`deinit` destroys the blob first).
    private let storage: PinnedBytes?
    fileprivate let blob: OpaquePointer

    public enum Failure: Error, Equatable, Sendable {
        case unreadable(path: String)
        case noSuchFace(path: String, index: Int)
    }

    public init(path: String) throws {
        // HarfBuzz maps the file read-only and private (or reads it where it cannot map) and unmaps it with the blob.
        guard let mapped = hb_blob_create_from_file_or_fail(path) else { throw Failure.unreadable(path: path) }
        guard hb_blob_get_length(mapped) > 0 else {
            hb_blob_destroy(mapped)
            throw Failure.unreadable(path: path)
        }
        blob = mapped
        storage = nil
        self.path = path
    }

    /// A font held only in memory (a prepared subset); `name` stands for the path in messages.
    public init(bytes: [UInt8], name: String) {
        let owned = PinnedBytes(bytes)
        storage = owned
        // READONLY: HarfBuzz never writes into the bytes, which this object owns.
        blob = hb_blob_create(owned.buffer.baseAddress?.assumingMemoryBound(to: CChar.self), UInt32(owned.buffer.count),
                              HB_MEMORY_MODE_READONLY, nil, nil)
        path = name
    }

    deinit { hb_blob_destroy(blob) }

    /// Number of faces (a .ttc collection holds several).
    public var faceCount: Int { Int(hb_face_count(blob)) }
}

/// One glyph as HarfBuzz placed it; advances in font units.
public struct ShapedGlyph: Equatable, Sendable {
    public var glyph: UInt32
    /// UTF-8 byte offset of the cluster in the shaped text.
    public var cluster: Int
    public var xAdvance: Int32
    public var xOffset: Int32
    public var yOffset: Int32
}

/// A face of a font file, ready for shaping and subsetting.
public final class FontFace: @unchecked Sendable {
    public let file: FontFile
    public let index: Int
    private let face: OpaquePointer
    private let font: OpaquePointer
    /// Prepared on first use so each later subset is cheap (hb_subset_preprocess);
    /// only documents with characters outside the working font need it.
    private var preprocessed: OpaquePointer?
    private let lock = NSLock()
    public let unitsPerEm: Int
    public let familyName: String
    public let ascender: Int
    public let descender: Int

    public init(file: FontFile, index: Int) throws {
        guard index >= 0, index < max(file.faceCount, 1) else {
            throw FontFile.Failure.noSuchFace(path: file.path, index: index)
        }
        self.file = file
        self.index = index
        face = hb_face_create(file.blob, UInt32(index))
        font = hb_font_create(face)
        unitsPerEm = Int(hb_face_get_upem(face))
        hb_font_set_scale(font, Int32(unitsPerEm), Int32(unitsPerEm))
        var extents = hb_font_extents_t()
        hb_font_get_h_extents(font, &extents)
        ascender = Int(extents.ascender)
        descender = Int(extents.descender)
        familyName = Self.name(of: face, id: hb_ot_name_id_t(HB_OT_NAME_ID_FONT_FAMILY))
        guard hb_face_get_glyph_count(face) > 0 else {
            hb_font_destroy(font)
            hb_face_destroy(face)
            throw FontFile.Failure.noSuchFace(path: file.path, index: index)
        }
    }

    deinit {
        for buffer in spareBuffers { hb_buffer_destroy(buffer) }
        hb_font_destroy(font)
        hb_face_destroy(face)
        if let preprocessed { hb_face_destroy(preprocessed) }
    }

    private var subsetSource: OpaquePointer {
        lock.lock()
        defer { lock.unlock() }
        if let preprocessed { return preprocessed }
        // hb_subset_preprocess never fails (it returns an empty face at worst); the face itself is the fallback.
        let prepared = hb_subset_preprocess(face) ?? face
        preprocessed = prepared
        return prepared
    }

    private static func name(of face: OpaquePointer, id: hb_ot_name_id_t) -> String {
        var length: UInt32 = 128
        var buffer = [CChar](repeating: 0, count: 129)
        _ = hb_ot_name_get_utf8(face, id, hb_language_from_string("en", -1), &length, &buffer)
        return String(cString: buffer)
    }

    /// Shapes one run of text left to right with Simplified Chinese rules.
    public func shape(_ text: String) -> [ShapedGlyph] {
        let buffer = takeBuffer()
        defer { returnBuffer(buffer) }
        var utf8 = Array(text.utf8)
        utf8.withUnsafeMutableBufferPointer { bytes in
            bytes.baseAddress?.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                hb_buffer_add_utf8(buffer, $0, Int32(bytes.count), 0, Int32(bytes.count))
            }
        }
        hb_buffer_set_direction(buffer, HB_DIRECTION_LTR)
        hb_buffer_set_script(buffer, HB_SCRIPT_HAN)
        hb_buffer_set_language(buffer, Self.chinese)
        hb_buffer_set_cluster_level(buffer, HB_BUFFER_CLUSTER_LEVEL_MONOTONE_CHARACTERS)
        hb_shape(font, buffer, nil, 0)
        var count: UInt32 = 0
        guard let infos = hb_buffer_get_glyph_infos(buffer, &count),
              let positions = hb_buffer_get_glyph_positions(buffer, &count) else { return [] }
        return (0..<Int(count)).map { i in
            ShapedGlyph(glyph: infos[i].codepoint, cluster: Int(infos[i].cluster), xAdvance: positions[i].x_advance,
                        xOffset: positions[i].x_offset, yOffset: positions[i].y_offset)
        }
    }

    private static let chinese = hb_language_from_string("zh-Hans", -1)

    /// Shaping buffers kept between runs: a document shapes a few hundred runs,
    /// and a kept buffer has its arrays already grown.
    private var spareBuffers: [OpaquePointer] = []

    private func takeBuffer() -> OpaquePointer? {
        if let buffer = lock.withLock({ spareBuffers.popLast() }) {
            hb_buffer_reset(buffer)
            return buffer
        }
        return hb_buffer_create()
    }

    private func returnBuffer(_ buffer: OpaquePointer?) {
        guard let buffer else { return }
        lock.withLock { spareBuffers.append(buffer) }
    }

    private static func tag(_ name: String) -> hb_tag_t {
        name.utf8.reduce(0) { $0 << 8 | hb_tag_t($1) }
    }

    /// Whether the face has a glyph for the scalar (for fallback between roles).
    public func covers(_ scalar: Unicode.Scalar) -> Bool {
        var glyph: hb_codepoint_t = 0
        return hb_font_get_nominal_glyph(font, scalar.value, &glyph) != 0
    }

    /// The Basic Multilingual Plane characters the face maps, as a bitmap
    /// (bit `scalar & 7` of byte `scalar >> 3`): a lookup per character of every
    /// document must cost next to nothing. Characters above U+FFFF go to `covers`.
    public func bmpCoverage() -> [UInt8] {
        var bitmap = [UInt8](repeating: 0, count: 0x10000 / 8)
        guard let set = hb_set_create() else { return bitmap }
        defer { hb_set_destroy(set) }
        hb_face_collect_unicodes(face, set)
        var scalar = hb_codepoint_t.max  // HB_SET_VALUE_INVALID starts the walk
        while hb_set_next(set, &scalar) != 0, scalar < 0x10000 {
            bitmap[Int(scalar >> 3)] |= UInt8(1 << (scalar & 7))
        }
        return bitmap
    }

    /// A new font holding only `glyphs`, with the map from old to new glyph ids.
    public func subset(_ glyphs: Set<UInt32>) -> FontSubset? {
        guard let input = hb_subset_input_create_or_fail() else { return nil }
        defer { hb_subset_input_destroy(input) }
        let set = hb_subset_input_glyph_set(input)
        for glyph in glyphs { hb_set_add(set, glyph) }
        return subset(input, source: subsetSource, wanted: glyphs, flags: HB_SUBSET_FLAGS_DEFAULT)
    }

    /// A font holding the glyphs of `scalars` and every glyph the layout
    /// features can turn them into (such as the zh-Hans `locl` forms).
    public func subset(covering scalars: [UInt32]) -> FontSubset? {
        guard let input = hb_subset_input_create_or_fail() else { return nil }
        defer { hb_subset_input_destroy(input) }
        let set = hb_subset_input_unicode_set(input)
        for scalar in scalars { hb_set_add(set, scalar) }
        return subset(input, source: face, wanted: nil, flags: HB_SUBSET_FLAGS_DEFAULT)
    }

    private func subset(_ input: OpaquePointer, source: OpaquePointer, wanted: Set<UInt32>?,
                        flags: hb_subset_flags_t) -> FontSubset? {
        hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_NO_HINTING.rawValue | flags.rawValue)
        // No cmap: text is shaped on the full face and drawn by glyph id with its
        // text attached, and for every new glyph of a document Cairo would
        // otherwise scan the whole cmap to guess the character (a fifth of the
        // render time with the GB 2312 working font).
        hb_set_add(hb_subset_input_set(input, HB_SUBSET_SETS_DROP_TABLE_TAG), Self.tag("cmap"))
        guard let plan = hb_subset_plan_create_or_fail(source, input) else { return nil }
        defer { hb_subset_plan_destroy(plan) }
        guard let subsetFace = hb_subset_plan_execute_or_fail(plan) else { return nil }
        defer { hb_face_destroy(subsetFace) }
        let mapping = hb_subset_plan_old_to_new_glyph_mapping(plan)
        var newIDs: [UInt32: UInt32] = [:]
        if let wanted {
            for glyph in wanted {
                let mapped = hb_map_get(mapping, glyph)
                if mapped != UInt32.max { newIDs[glyph] = mapped }  // HB_MAP_VALUE_INVALID
            }
        } else {
            // HarfBuzz 6 cannot iterate a map; new ids are dense, so walk them.
            let backwards = hb_subset_plan_new_to_old_glyph_mapping(plan)
            for new in 0..<hb_map_get_population(backwards) {
                let old = hb_map_get(backwards, new)
                if old != UInt32.max { newIDs[old] = new }
            }
        }
        let blob = hb_face_reference_blob(subsetFace)
        defer { hb_blob_destroy(blob) }
        var length: UInt32 = 0
        guard let data = hb_blob_get_data(blob, &length), length > 0 else { return nil }
        let bytes = UnsafeRawBufferPointer(start: data, count: Int(length))
        return FontSubset(bytes: Array(bytes), newIDs: newIDs, unitsPerEm: unitsPerEm)
    }
}

/// A font's bytes at an address that does not move while the object lives: FreeType reads a memory face
/// from them for as long as the face lives, and every Cairo face of one subset (one per document drawn
/// at once) shares them instead of holding a copy of its own.
final class PinnedBytes: @unchecked Sendable {
    let buffer: UnsafeRawBufferPointer

    init(_ bytes: [UInt8]) {
        let owned = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        owned.copyBytes(from: bytes)
        buffer = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(owned)[0..<bytes.count])
    }

    deinit { buffer.deallocate() }
}

/// A per-document font: the subset's bytes and the glyph-id map.
public final class FontSubset: @unchecked Sendable {
    /// The bytes, held once (see `PinnedBytes`).
    let pinned: PinnedBytes
    /// A copy of the bytes, for writing them out or converting them.
    public var bytes: [UInt8] { Array(pinned.buffer) }
    public let newIDs: [UInt32: UInt32]
    public let unitsPerEm: Int
    /// The map as a table indexed by old id, for the working fonts: every glyph
    /// of every document is looked up, and an index is cheaper than a hash.
    private let table: [UInt32]

    public init(bytes: [UInt8], newIDs: [UInt32: UInt32], unitsPerEm: Int) {
        pinned = PinnedBytes(bytes)
        self.newIDs = newIDs
        self.unitsPerEm = unitsPerEm
        if newIDs.count > 1024, let highest = newIDs.keys.max() {
            var table = [UInt32](repeating: .max, count: Int(highest) + 1)
            for (old, new) in newIDs { table[Int(old)] = new }
            self.table = table
        } else {
            table = []
        }
    }

    /// The glyph's id in this subset, or nil when the subset lacks it.
    public func newID(_ old: UInt32) -> UInt32? {
        guard !table.isEmpty else { return newIDs[old] }
        guard Int(old) < table.count else { return nil }
        let new = table[Int(old)]
        return new == .max ? nil : new
    }
}
