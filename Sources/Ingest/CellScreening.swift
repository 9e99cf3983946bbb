/// Limits on what one cell of an export may hold.
public enum IngestLimits {
    /// The longest cell accepted, in UTF-8 bytes. The longest real prose field
    /// (违法事实, 办案经过) is a few kilobytes; a cell of megabytes is a broken
    /// export, and carrying it on would cost memory in every later stage.
    public static let maxFieldBytes = 1 << 20
    /// The longest column name (CSV header or cases.json key) looked up, in
    /// UTF-8 bytes; contract headers are a few characters, and matching a
    /// megabyte-long name against every column would be slow for nothing.
    public static let maxHeaderBytes = 1 << 10
    /// The most characters of a cell a message may quote (non-personal
    /// enumerations and codes only), so a hostile cell cannot bloat the quarantine.
    public static let maxEchoCharacters = 20
    /// Case ids are quoted in messages so a clerk can find the case; a longer
    /// one (it is set aside anyway) is cut.
    public static let maxCaseIDEchoCharacters = 40
}

/// Why a cell, and with it its row, is set aside before any field rule runs.
enum CellDefect: Equatable, Sendable {
    /// Bytes that are not valid in the file's encoding (or a lone surrogate in cases.json).
    case undecodable
    /// A C0/C1 control character other than tab and line breaks.
    case controlCharacter
    /// U+FFFE, U+FFFF or another Unicode noncharacter.
    case noncharacter
    case tooLong(bytes: Int)
}

/// A cell after screening: its text (nil when it has a defect), and whether
/// invisible characters were taken out of it.
struct ScreenedCell: Sendable {
    var text: String?
    var defect: CellDefect?
    var removedInvisible = false
}

/// What ingest does with each character of a cell.
enum ScalarClass: Equatable {
    case ordinary
    /// Zero-width and bidi format characters, soft hyphen, BOM: removed. They
    /// hide inside ID and phone numbers (so checks and redaction miss the
    /// real value) and bidi overrides spoof text on published pages.
    case invisible
    case control
    case noncharacter
    case undecodable

    static func of(_ value: UInt32) -> ScalarClass {
        switch value {
        case 0x09, 0x0A, 0x0D: return .ordinary
        case 0x00...0x1F, 0x7F...0x9F: return .control
        case 0xAD, 0x061C, 0x180E, 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2064, 0x2066...0x206F, 0xFEFF:
            return .invisible
        case TextDecoding.undecodableMarker: return .undecodable
        case 0xFDD1...0xFDEF: return .noncharacter
        default: return value & 0xFFFE == 0xFFFE ? .noncharacter : .ordinary
        }
    }
}

enum CellScreen {
    /// Checks one cell: length, then characters. Most cells are plain, so a
    /// byte scan decides first whether the character-by-character pass is needed.
    static func screen(_ text: String) -> ScreenedCell {
        let length = text.utf8.count
        if length > IngestLimits.maxFieldBytes { return ScreenedCell(text: nil, defect: .tooLong(bytes: length)) }
        guard mayHoldSpecialScalars(text) else { return ScreenedCell(text: text) }
        var kept = String.UnicodeScalarView()
        var removed = false
        var worst: CellDefect?
        for scalar in text.unicodeScalars {
            switch ScalarClass.of(scalar.value) {
            case .ordinary: kept.append(scalar)
            case .invisible: removed = true
            case .undecodable: worst = .undecodable
            case .control: if worst != .undecodable { worst = .controlCharacter }
            case .noncharacter: if worst == nil { worst = .noncharacter }
            }
        }
        if let worst { return ScreenedCell(text: nil, defect: worst) }
        return ScreenedCell(text: removed ? String(kept) : text, removedInvisible: removed)
    }

    /// Header names: invisible characters out, nothing rejected (a header
    /// that names no contract column is kept as an unknown column).
    static func cleanHeader(_ text: String) -> String {
        guard mayHoldSpecialScalars(text) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.filter { ScalarClass.of($0.value) == .ordinary }))
    }

    /// False when no byte of the text can start a special character: control
    /// bytes, and the UTF-8 lead bytes of U+0080–U+00BF (C2), U+061C (D8),
    /// U+180E (E1), U+200B–U+206F (E2), U+FDD0–U+FFFF (EF) and the
    /// supplementary planes (F0–F4). The check is exact for E2 and EF, which
    /// Chinese punctuation (“” … ， （）) uses all the time.
    static func mayHoldSpecialScalars(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { bytes in
            let n = bytes.count
            var i = 0
            while i < n {
                let b = bytes[i]
                switch b {
                case 0x09, 0x0A, 0x0D: break
                case 0x00...0x1F, 0x7F, 0xC2, 0xD8, 0xE1, 0xF0...0xF4: return true
                case 0xE2 where i + 2 < n:
                    let second = bytes[i + 1], third = bytes[i + 2]
                    if second == 0x80 && ((0x8B...0x8F).contains(third) || (0xAA...0xAE).contains(third)) { return true }
                    if second == 0x81 && (0xA0...0xAF).contains(third) { return true }
                case 0xEF where i + 2 < n:
                    let second = bytes[i + 1], third = bytes[i + 2]
                    if second == 0xB7 && (0x90...0xAF).contains(third) { return true }
                    if second == 0xBB && third == 0xBF { return true }
                    if second == 0xBF && third >= 0xBE { return true }
                default: break
                }
                i += 1
            }
            return false
        }
    }
}

/// Short, safe quotations of cell values for messages: only for values that
/// are not personal data (codes, dates, enumerations), never for free text.
enum Excerpt {
    /// The value without control, invisible or undecodable characters and line
    /// breaks, cut to `limit` characters with "…" when longer.
    static func of(_ text: String, limit: Int = IngestLimits.maxEchoCharacters) -> String {
        var kept = String.UnicodeScalarView()
        var count = 0
        for scalar in text.unicodeScalars {
            guard ScalarClass.of(scalar.value) == .ordinary else { continue }
            if count == limit { return String(kept) + "…" }
            kept.append(scalar.value == 0x0A || scalar.value == 0x0D || scalar.value == 0x09 ? " " : scalar)
            count += 1
        }
        return String(kept)
    }

    /// A case id as messages quote it.
    static func caseID(_ id: String) -> String { of(id, limit: IngestLimits.maxCaseIDEchoCharacters) }
}
