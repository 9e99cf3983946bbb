import Foundation

/// The canonical form the publication gate compares in: NFKC (full-width as half-width,
/// ① as 1), lower case, X/x/× alike, Chinese numerals as digits, and every space,
/// punctuation mark and line break removed. 5304 0219 9702 0428 9X, 一三八-1234-5678 and
/// 王　强 all come out as the plain value. `origin` maps each canonical scalar back to
/// its index in the original scalars, so the redactor can cut what the gate would find.
struct CanonicalText {
    var scalars: [UInt32]
    var origin: [Int]

    init(_ text: [UInt32]) {
        scalars = []
        origin = []
        scalars.reserveCapacity(text.count)
        origin.reserveCapacity(text.count)
        for (index, raw) in text.enumerated() {
            Self.append(raw) { value in
                scalars.append(value)
                origin.append(index)
            }
        }
    }

    init(_ text: String) { self.init(Chars.scalars(text)) }

    /// Canonical scalars of one original scalar (none for separators).
    @inline(__always)
    static func append(_ raw: UInt32, _ emit: (UInt32) -> Void) {
        let s = Chars.fold(raw)
        if s < 0x80 {
            switch s {
            case 0x30...0x39, 0x61...0x7A: emit(s)
            case 0x41...0x5A: emit(s + 0x20)
            default: break
            }
            return
        }
        if s == 0xD7 { emit(0x78); return }                     // × as x
        if let digit = Chars.digit(s) { emit(UInt32(0x30 + digit)); return }
        if Chars.isHan(s) { emit(s); return }
        // CJK and general punctuation (，。《》“” — …) are separators: dropped without asking NFKC.
        if (0x2000...0x206F).contains(s) || (0x3000...0x303F).contains(s) || (0xFE30...0xFE4F).contains(s) || (0xFF00...0xFF0F).contains(s)
            || (0xFF1A...0xFF20).contains(s) || (0xFF3B...0xFF40).contains(s) || (0xFF5B...0xFF65).contains(s) || s == 0xFFFD { return }
        guard let scalar = Unicode.Scalar(s) else { return }
        // Everything else through NFKC: ①, ㎡, compatibility ideographs; keep only letters and digits.
        let mapped = String(scalar).precomposedStringWithCompatibilityMapping.lowercased()
        for m in mapped.unicodeScalars {
            if m.value < 0x80 {
                if (0x30...0x39).contains(m.value) || (0x61...0x7A).contains(m.value) { emit(m.value) }
            } else if Chars.isHan(m.value) {
                emit(m.value)
            } else if m.properties.isAlphabetic || m.properties.numericType != nil {
                emit(m.value)
            }
        }
    }

    static func canonical(_ text: String) -> [UInt32] { CanonicalText(text).scalars }
}
