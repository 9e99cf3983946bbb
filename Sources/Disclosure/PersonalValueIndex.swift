import CaseModel
import Foundation

/// What kind of personal value the gate found. Reports name the kind and the value's
/// index in the export's index, never the value.
public enum PersonalValueKind: String, Codable, CaseIterable, Sendable {
    case name = "姓名"
    case idNumber = "证件号码"
    case phone = "电话号码"
    case address = "详细地址"
    case bankAccount = "银行账号"
    case other = "其他个人信息"
}

/// One personal value found in public text.
public struct GateHit: Equatable, Codable, Sendable {
    public var kind: PersonalValueKind
    /// Index of the value in the index (`PersonalValueIndex.count`), to find it internally.
    public var valueIndex: Int
    /// Offset in the canonical text, for locating the hit in a long page.
    public var canonicalOffset: Int
}

/// The publication gate's index: every personal value of the whole export, matched
/// canonically (see `CanonicalText`) in any public text. The last line of defence,
/// independent of the redactor's own finders.
///
/// Speed: a 2-character bigram bit set rules out almost every position with one
/// lookup; only positions whose first two canonical characters start some value
/// look in four hash tables (values of 2, 3–5, 6–11 and 12 or more characters), keyed by
/// the first 2, 3, 6 or 12 characters, and compare the candidates in full. (ID numbers
/// share their first six digits with every ID of the county and with officers'
/// certificates and agency codes: keyed by six, each such run in public text was compared
/// with thousands of them, the largest part of the gate's time.)
///
/// Short names: a 2-character name (王强) counts only as a whole name: not where an
/// ordinary word crosses its edges (王强化: 强化; 用水高峰期: 高峰期) and not where
/// a further given-name character follows that starts no word (王强华 is someone else;
/// 王强家中 is 王强). In 王强称、对王强的询问、王强在场 it counts. Names of three or
/// more characters count wherever their canonical form occurs. The redactor uses the
/// same matching, so what it leaves the gate does not find, and the reverse.
public final class PersonalValueIndex: @unchecked Sendable {
    struct Value {
        var scalars: [UInt32]
        var kind: PersonalValueKind
        var source: Int
    }

    private var values: [Value] = []
    private var sources: [PersonalValueKind] = []
    private var seen: Set<[UInt32]> = []
    private var byTwo: [UInt64: [Int32]] = [:]
    private var byThree: [UInt64: [Int32]] = [:]
    private var bySix: [UInt64: [Int32]] = [:]
    private var byTwelve: [UInt64: [Int32]] = [:]
    private var bigrams: [UInt64]
    private static let bigramBits = 1 << 22
    /// Published addresses (agencies' and organisations' seats, as `.other`) and agencies' published phones (as `.phone`),
    /// matched like values: a person's address or phone found only inside one of them on a page is the seat or the
    /// agency's phone, not the person (`outsideSeats`).
    private var seats: PersonalValueIndex?
    let lexicon: Lexicon?

    /// `lexicon` decides where a 2-character name is part of a word (nil: never).
    public init(lexicon: Lexicon? = try? Lexicon.standard.get()) {
        self.lexicon = lexicon
        bigrams = [UInt64](repeating: 0, count: Self.bigramBits / 64)
    }

    /// Every indexed form with its kind, in the order added, then the published seats' forms: with the
    /// lexicon and the matching code, all that decides what the index finds in a text. Two indexes with
    /// the same bytes here find the same values in every text.
    public func contentBytes() -> [UInt8] {
        var bytes: [UInt8] = []
        contentBytes { bytes += $0 }
        return bytes
    }

    /// `contentBytes()` handed to `emit` a piece of about a megabyte at a time, for a digest: whole, they were ≈ 56 MB at
    /// 100,000 cases (four bytes a character) at the portal stage's start, the night's heap peak.
    public func contentBytes(_ emit: ([UInt8]) -> Void) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.contentPiece + 1024)
        func flush(ifOver size: Int) {
            guard bytes.count > size else { return }
            emit(bytes)
            bytes.removeAll(keepingCapacity: true)
        }
        for value in values {
            bytes += value.kind.rawValue.utf8
            bytes.append(0)
            for scalar in value.scalars { withUnsafeBytes(of: scalar.littleEndian) { bytes += $0 } }
            bytes += [0, 0, 0, 0]
            flush(ifOver: Self.contentPiece)
        }
        if let seats {
            bytes += "seats".utf8
            bytes.append(0)
            flush(ifOver: 0)
            seats.contentBytes(emit)
        }
        bytes.append(lexicon == nil ? 0 : 1)
        flush(ifOver: 0)
    }

    private static let contentPiece = 1 << 20

    // MARK: - What changed since another night

    /// Every indexed form with its kind, then every published seat's and phone's form, one per line: the kind's place in
    /// `PersonalValueKind.allCases` as a digit ("s" for a seat or a published phone), then the form's characters (canonical
    /// forms hold no line breaks). A later night compares its own index with these lines (`changedForms`).
    public func formLines() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 20)
        for value in values {
            bytes.append(UInt8(ascii: "0") + UInt8(PersonalValueKind.allCases.firstIndex(of: value.kind) ?? 0))
            Self.appendUTF8(value.scalars, to: &bytes)
        }
        for seat in seats?.values ?? [] {
            bytes.append(UInt8(ascii: "s"))
            Self.appendUTF8(seat.scalars, to: &bytes)
        }
        return bytes
    }

    /// The forms in exactly one of `lastNight` (another index's `formLines()`) and this index: added,
    /// removed, indexed under another kind, or a seat added or removed. They come back as an index of
    /// their own that finds each of them wherever its canonical form occurs, without the word check of
    /// two-character names (so it finds at least what the full index would). The full index's matches
    /// depend only on which forms it holds and their kinds (`matches` orders what it finds at one position
    /// by length, not by when a form was added), the gate's also on the seats: in a text where the
    /// returned index finds nothing, both indexes find the same values, and the redaction of that text
    /// and the gate's verdict on it are what they were the other night.
    public func changedForms(since lastNight: [UInt8], tonight: [UInt8]? = nil) -> PersonalValueIndex {
        let tonight = tonight ?? formLines()
        let before = Set(Self.lines(lastNight)), after = Set(Self.lines(tonight))
        let changed = PersonalValueIndex(lexicon: nil)
        for line in before.symmetricDifference(after).sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let scalars = String(decoding: line.dropFirst(), as: UTF8.self).unicodeScalars.map(\.value)
            changed.add(scalars, .other, changed.newSource(.other), minimum: 2)
        }
        return changed
    }

    private static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        bytes.split(separator: 0x0A, omittingEmptySubsequences: true)
    }

    private static func appendUTF8(_ scalars: [UInt32], to bytes: inout [UInt8]) {
        for value in scalars {
            switch value {
            case 0..<0x80:
                bytes.append(UInt8(value))
            case 0x80..<0x800:
                bytes += [0xC0 | UInt8(value >> 6), 0x80 | UInt8(value & 0x3F)]
            case 0x800..<0x10000:
                bytes += [0xE0 | UInt8(value >> 12), 0x80 | UInt8((value >> 6) & 0x3F), 0x80 | UInt8(value & 0x3F)]
            default:
                bytes += [0xF0 | UInt8(value >> 18), 0x80 | UInt8((value >> 12) & 0x3F), 0x80 | UInt8((value >> 6) & 0x3F),
                          0x80 | UInt8(value & 0x3F)]
            }
        }
        bytes.append(0x0A)
    }

    /// Number of personal values added (each may be indexed in several forms).
    public var count: Int { sources.count }

    public var isEmpty: Bool { values.isEmpty }

    // MARK: - Adding values

    /// A value's canonical forms as the index takes them, worked out on any core (canonicalising is
    /// most of the cost of adding); `add(_:)` then puts them in, in order, on one. One value, one source.
    public struct Prepared: Sendable {
        struct Form: Sendable {
            var scalars: [UInt32]
            var kind: PersonalValueKind
            var minimum: Int
        }

        var kind: PersonalValueKind
        var forms: [Form]

        init(_ kind: PersonalValueKind, _ forms: [Form] = []) {
            self.kind = kind
            self.forms = forms
        }

        /// A natural person's name. Names of one character are not indexed (no way to tell them from text).
        public static func name(_ name: String) -> Prepared {
            var prepared = Prepared(.name, [Form(scalars: CanonicalText.canonical(name), kind: .name, minimum: 2)])
            // A minority name written with or without its dot, and a Latin name in either order, are the same person.
            let parts = name.split { "·•・. ".contains($0) }
            if parts.count == 2 { prepared.forms.append(Form(scalars: CanonicalText.canonical(parts.reversed().joined()), kind: .name, minimum: 2)) }
            return prepared
        }

        public static func idNumber(_ number: String) -> Prepared {
            Prepared(.idNumber, [Form(scalars: CanonicalText.canonical(number), kind: .idNumber, minimum: 5)])
        }

        /// A phone: also without +86/0086 and, for a landline, without its area code.
        public static func phone(_ phone: String) -> Prepared {
            var digits = CanonicalText.canonical(phone)
            var prepared = Prepared(.phone, [Form(scalars: digits, kind: .phone, minimum: 5)])
            if digits.starts(with: Chars.scalars("0086")) { digits.removeFirst(4) } else if digits.starts(with: Chars.scalars("86")), digits.count > 11 { digits.removeFirst(2) }
            prepared.forms.append(Form(scalars: digits, kind: .phone, minimum: 5))
            if digits.first == 0x30, digits.count >= 10 {
                // 0877-2058123: area codes are 3 or 4 digits with the 0.
                let areaLength = [0x31, 0x32].contains(digits.dropFirst().first ?? 0) ? 3 : 4
                prepared.forms.append(Form(scalars: Array(digits.dropFirst(areaLength)), kind: .phone, minimum: 7))
            }
            return prepared
        }

        public static func bankAccount(_ account: String) -> Prepared {
            Prepared(.bankAccount, [Form(scalars: CanonicalText.canonical(account), kind: .bankAccount, minimum: 6)])
        }

        /// An address: the part below the county (what is published of it stays out of the index),
        /// and, unless `withoutFirstPart` says an organisation has its seat there, its first
        /// numbered part alone (北苑路174号), as case text often names only that.
        public static func address(_ address: String, withoutFirstPart: Set<String> = []) -> Prepared {
            let below = AddressFinder.belowCounty(address)
            let canonical = CanonicalText.canonical(below)
            // A person living at an organisation's published seat (the same street and number):
            // the seat is public on the organisation's page, so it cannot stop that page.
            guard !withoutFirstPart.contains(Chars.string(canonical)) else { return Prepared(.address) }
            var prepared = Prepared(.address, [Form(scalars: canonical, kind: .address, minimum: 4)])
            if let numbered = AddressFinder.firstNumberedPart(below) {
                let part = CanonicalText.canonical(numbered)
                if !withoutFirstPart.contains(Chars.string(part)) { prepared.forms.append(Form(scalars: part, kind: .address, minimum: 5)) }
            }
            return prepared
        }

        public static func other(_ value: String) -> Prepared {
            Prepared(.other, [Form(scalars: CanonicalText.canonical(value), kind: .other, minimum: 5)])
        }
    }

    /// A prepared value, under a source of its own.
    public func add(_ prepared: Prepared) {
        let source = newSource(prepared.kind)
        for form in prepared.forms { add(form.scalars, form.kind, source, minimum: form.minimum) }
    }

    public func addName(_ name: String) { add(.name(name)) }

    public func addIDNumber(_ number: String) { add(.idNumber(number)) }

    public func addPhone(_ phone: String) { add(.phone(phone)) }

    public func addBankAccount(_ account: String) { add(.bankAccount(account)) }

    public func addAddress(_ address: String, withoutFirstPart: Set<String> = []) { add(.address(address, withoutFirstPart: withoutFirstPart)) }

    /// A published seat (an agency's or an organisation's address, shown on its pages). A person's
    /// address, or its street number, found on a page only as part of a seat's text is no hit:
    /// 人民路66号 of a person in 赫山区 inside 瑞丽市勐卯街道人民路66号, the agency's own address,
    /// must not hold the agency's page and with it the whole portal. Found anywhere else it is.
    public func addPublicSeat(_ address: String) {
        let seatIndex = seats ?? PersonalValueIndex(lexicon: nil)
        seats = seatIndex
        for form in [address, AddressFinder.belowCounty(address)] {
            seatIndex.add(CanonicalText.canonical(form), .other, seatIndex.newSource(.other), minimum: 5)
        }
    }

    /// A published phone (an agency's own, on its pages). A person's phone, or its local number, found on a page
    /// only as part of it is no hit: a party whose 联系电话 was entered as the agency's switchboard, or whose
    /// local number is the agency's in another city, must not hold the agency's page and with it the whole portal.
    /// Found anywhere else it is, and the redactor still removes it from the person's case.
    public func addPublicPhone(_ phone: String) {
        let published = seats ?? PersonalValueIndex(lexicon: nil)
        seats = published
        published.add(CanonicalText.canonical(phone), .phone, published.newSource(.phone), minimum: 5)
    }

    public func addOther(_ value: String) { add(.other(value)) }

    private func newSource(_ kind: PersonalValueKind) -> Int {
        sources.append(kind)
        return sources.count - 1
    }

    private func add(_ canonical: [UInt32], _ kind: PersonalValueKind, _ source: Int, minimum: Int = 2) {
        guard canonical.count >= minimum, !seen.contains(canonical) else { return }
        seen.insert(canonical)
        let id = Int32(values.count)
        values.append(Value(scalars: canonical, kind: kind, source: source))
        let bigram = Self.bigram(canonical[0], canonical[1])
        bigrams[bigram >> 6] |= 1 << (bigram & 63)
        switch canonical.count {
        case 2: byTwo[Self.key(canonical[...].prefix(2)), default: []].append(id)
        case 3...5: byThree[Self.key(canonical[...].prefix(3)), default: []].append(id)
        case 6...11: bySix[Self.key(canonical[...].prefix(6)), default: []].append(id)
        default: byTwelve[Self.key(canonical[...].prefix(12)), default: []].append(id)
        }
    }

    // MARK: - Matching

    struct Match {
        var range: Range<Int>      // in the original scalars
        var kind: PersonalValueKind
        var value: Int
        var canonicalOffset: Int
        var canonicalLength: Int
    }

    /// Every personal value in the text (canonically), as GateHits. Never the value.
    public func hits(in text: String) -> [GateHit] {
        let canonical = CanonicalText(text)
        return outsideSeats(matches(in: canonical), canonical)
            .map { GateHit(kind: $0.kind, valueIndex: $0.value, canonicalOffset: $0.canonicalOffset) }
    }

    /// Address matches that lie inside a published seat's text are the seat (see `addPublicSeat`), phone matches inside
    /// a published phone that phone (`addPublicPhone`).
    func outsideSeats(_ found: [Match], _ canonical: CanonicalText) -> [Match] {
        guard let seats, found.contains(where: { $0.kind == .address || $0.kind == .phone }) else { return found }
        // A seat is indexed as `.other`, a published phone as `.phone`: each covers only matches of its own kind.
        let covers = seats.matches(in: canonical).map { seat in
            (kind: seat.kind == .phone ? PersonalValueKind.phone : .address,
             range: seat.canonicalOffset..<(seat.canonicalOffset + seat.canonicalLength))
        }
        guard !covers.isEmpty else { return found }
        return found.filter { match in
            guard match.kind == .address || match.kind == .phone else { return true }
            let range = match.canonicalOffset..<(match.canonicalOffset + match.canonicalLength)
            return !covers.contains { $0.kind == match.kind && $0.range.lowerBound <= range.lowerBound && range.upperBound <= $0.range.upperBound }
        }
    }

    /// The same over UTF-8 bytes (a page, a feed, a PDF's extracted text); bad sequences become U+FFFD.
    public func hits(inUTF8 bytes: some Collection<UInt8>) -> [GateHit] {
        hits(in: String(decoding: bytes, as: UTF8.self))
    }

    /// The same over markup (a page, a feed, the search index's JSON): tags are dropped and
    /// character references (&#29579;, &#x738B;, &amp;) and JSON escapes (\u738b, \n) decoded
    /// first, so 5304<br>0219… and &#29579;&#24378; are read as the text a person sees.
    public func hits(inMarkup markup: String) -> [GateHit] {
        hits(in: Markup.visibleText(markup))
    }

    func matches(in scalars: [UInt32]) -> [Match] { matches(in: CanonicalText(scalars)) }

    func matches(in canonical: CanonicalText) -> [Match] {
        let text = canonical.scalars
        guard text.count >= 2, !values.isEmpty else { return [] }
        var out: [Match] = []
        for position in 0..<(text.count - 1) {
            let bigram = Self.bigram(text[position], text[position + 1])
            guard bigrams[bigram >> 6] & (1 << (bigram & 63)) != 0 else { continue }
            let first = out.count
            func check(_ ids: [Int32]?) {
                guard let ids else { return }
                for id in ids {
                    let value = values[Int(id)]
                    let length = value.scalars.count
                    guard position + length <= text.count, text[position..<(position + length)].elementsEqual(value.scalars) else { continue }
                    if value.kind == .name, length == 2, insideWord(text, position) { continue }
                    let start = canonical.origin[position], end = canonical.origin[position + length - 1] + 1
                    out.append(Match(range: start..<end, kind: value.kind, value: value.source, canonicalOffset: position, canonicalLength: length))
                }
            }
            check(byTwo[Self.key(text[position..<(position + 2)])])
            if position + 3 <= text.count { check(byThree[Self.key(text[position..<(position + 3)])]) }
            if position + 6 <= text.count { check(bySix[Self.key(text[position..<(position + 6)])]) }
            if position + 12 <= text.count { check(byTwelve[Self.key(text[position..<(position + 12)])]) }
            // Values found at one position, shortest first (two values of one length at one position are
            // the same text, so this order is total): an order that depends only on the values found, not
            // on the order the export added them, lets a later night reuse a case's redaction when no value
            // it could contain was added or removed (see `changedForms`).
            if out.count - first > 1 { out[first...].sort { $0.canonicalLength < $1.canonicalLength } }
        }
        return out
    }

    /// Is the 2-character name at `position` part of a word crossing its edges (王强化, 高峰期),
    /// or the start of a longer name (王强华: another given-name character follows, and it
    /// starts no word with the character after it, as 家 in 王强家中 does)?
    private func insideWord(_ text: [UInt32], _ position: Int) -> Bool {
        guard let lexicon else { return false }
        let nameEnd = position + 2
        if nameEnd < text.count, Chars.isHan(text[nameEnd]), !NameFinder.notGiven.contains(text[nameEnd]), lexicon.givenNames[text[nameEnd]] != nil,
           !(nameEnd + 2 <= text.count && lexicon.word(text[nameEnd..<(nameEnd + 2)]) != nil) {
            return true
        }
        for start in max(0, position - 3)...(position + 1) {
            for length in 2...4 where start + length <= text.count {
                let end = start + length
                guard end > position, start < nameEnd, !(start >= position && end <= nameEnd) else { continue }
                if lexicon.word(text[start..<end]) != nil { return true }
            }
        }
        return false
    }

    @inline(__always)
    static func bigram(_ a: UInt32, _ b: UInt32) -> Int {
        Int((UInt64(a) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(b) &* 0xC2B2_AE3D_27D4_EB4F) >> 42) & (bigramBits - 1)
    }

    @inline(__always)
    static func key(_ scalars: ArraySlice<UInt32>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for s in scalars { hash = (hash ^ UInt64(s)) &* 0x0000_0100_0000_01B3 }
        return hash
    }
}
