import Foundation

/// One case's redaction: what it removed, by kind and count (never the values).
public struct RedactionReport: Codable, Equatable, Sendable {
    public var caseID: String
    public var removed: [String: Int]
    /// Why the case is not published at all, when it is not.
    public var withheld: String?
    /// Names the model found without a clear cue, for the review queue (`TextRedactor.review`); nil when none.
    public var uncertain: Int?

    enum CodingKeys: String, CodingKey { case caseID = "case_id", removed, withheld, uncertain }

    public init(caseID: String, removed: [String: Int], withheld: String?) {
        self.caseID = caseID
        self.removed = removed
        self.withheld = withheld
        uncertain = nil
    }
}

/// What must stay although it looks like personal data (kept for source compatibility;
/// `PublicShapes` is the full allow-list).
public struct KeepList: Sendable {
    public var phones: Set<String> = []
    public var codes: Set<String> = []

    public init(phones: [String] = [], codes: [String] = []) {
        self.phones = Set(phones.filter { !$0.isEmpty })
        self.codes = Set(codes.filter { !$0.isEmpty })
    }
}

/// Redacts one case's free text: identifiers by allow-list, personal addresses,
/// sensitive personal information and trade secrets removed; people's names
/// anonymised (张某, 欧阳某, 某甲/某乙 where two share a surname) — the same person the
/// same way in every field of the case. A removed clause reads
/// "（个人信息已作技术处理）", never as a row of bare labels.
public final class TextRedactor {
    public static let marker = "（个人信息已作技术处理）"
    static let tradeSecretMarker = "（涉及商业秘密，不予公开）"

    let lexicon: Lexicon
    let scanner: IdentifierScanner
    let finder: NameFinder
    let index: PersonalValueIndex?
    let people: [[UInt32]]
    let keptNames: [[UInt32]]
    let tradeSecrets: [[UInt32]]
    /// `people`, then `keptNames`: looked for in one pass.
    let searchedNames: WordSearch
    /// The export's private names, looked for before `people` (nil: all are in `people`), but not those `privateSkipped`.
    let privateNames: PrivateNames?
    let privateSkipped: Set<Int>
    private var pseudonyms: [String: String] = [:]
    /// Analyses by the text's UTF-8 length, compared byte for byte: hashing a String normalises it, which cost more than the redaction.
    private var cache: [Int: [(String, Analysis)]] = [:]
    public private(set) var counts: [RedactedKind: Int] = [:]

    struct Analysis {
        var text: [UInt32]
        var findings: [Finding]
        var names: [(range: Range<Int>, name: String, surname: String)]
        /// Ranges of names the word model found without a clear cue (for the review queue).
        var uncertain: [Range<Int>] = []
    }

    /// One stretch of a text for the 法制科's review page: as written, and what the portal shows instead.
    public struct ReviewSegment: Equatable, Sendable {
        public var original: String
        /// nil: published as written; "" removed silently; otherwise the replacement or the marker.
        public var published: String?
        public var kind: RedactedKind?
        /// A name the model found without a clear cue: the 法制科 should confirm it.
        public var uncertain: Bool
    }

    /// Number of uncertain name candidates in the case's texts (see `ReviewSegment.uncertain`).
    public var uncertainCount: Int { cache.values.flatMap { $0 }.reduce(0) { $0 + $1.1.uncertain.count } }

    /// The text cut into segments, for an internal page that highlights what was removed or replaced.
    /// (Before the readability pass: a label that went with a removed value shows as published.)
    public func review(_ text: String) -> [ReviewSegment] {
        guard !text.isEmpty else { return [] }
        let analysis = cached(text) ?? analyse(text)
        let scalars = analysis.text
        var out: [ReviewSegment] = []
        var plainStart = 0
        func flush(_ end: Int) {
            if end > plainStart { out.append(ReviewSegment(original: Chars.string(scalars[plainStart..<end]), published: nil, kind: nil, uncertain: false)) }
        }
        var removals = analysis.findings[...]
        var names = analysis.names[...]
        var i = 0
        while i < scalars.count {
            if let removal = removals.first, removal.range.lowerBound == i {
                flush(i)
                let end = max(i + 1, removal.range.upperBound)
                out.append(ReviewSegment(original: Chars.string(scalars[i..<end]), published: removal.replacement ?? (removal.silent ? "" : Self.marker),
                                         kind: removal.kind, uncertain: false))
                i = end
                plainStart = i
                removals = removals.dropFirst()
                while let next = names.first, next.range.lowerBound < i { names = names.dropFirst() }
                continue
            }
            if let name = names.first, name.range.lowerBound == i {
                flush(i)
                out.append(ReviewSegment(original: Chars.string(scalars[name.range]), published: pseudonyms[name.name] ?? (name.surname + "某"),
                                         kind: .personName, uncertain: analysis.uncertain.contains(name.range)))
                i = name.range.upperBound
                plainStart = i
                names = names.dropFirst()
                continue
            }
            i += 1
        }
        flush(scalars.count)
        return out
    }

    /// `texts`: every free-text field of the case, so a person gets one pseudonym in all of them.
    /// `people`: names private in this case (the party when a natural person, witnesses…);
    /// `kept`: names that stay (officers, legal representatives of organisations);
    /// `index`: the export's personal values (the publication gate's index), removed wherever found.
    public convenience init(texts: [String], people: [String], kept: Set<String>, shapes: PublicShapes, tradeSecrets: [String],
                            index: PersonalValueIndex? = nil, lexicon: Lexicon) {
        self.init(texts: texts, privateNames: nil, party: "", people: people, kept: kept, scanner: IdentifierScanner(shapes: shapes),
                  tradeSecrets: tradeSecrets, index: index, lexicon: lexicon)
    }

    /// The same with the case's identifier scanner already made (`CaseRedaction` builds its general shapes once per run),
    /// and the export's private names, made ready once per run, which the case looks for unless they are `party` or kept.
    init(texts: [String], privateNames: PrivateNames?, party: String, people: [String], kept: Set<String>, scanner: IdentifierScanner,
         tradeSecrets: [String], index: PersonalValueIndex?, lexicon: Lexicon) {
        self.privateNames = privateNames
        privateSkipped = privateNames?.skipped(party: party, kept: kept) ?? []
        self.lexicon = lexicon
        self.scanner = scanner
        finder = NameFinder(lexicon: lexicon, kept: kept)
        self.index = index
        self.people = people.map { Self.unpad(Chars.scalars($0)) }.filter { $0.count >= 2 && !kept.contains(Chars.string($0)) }
        keptNames = kept.map { Self.unpad(Chars.scalars($0)) }.filter { $0.count >= 2 }.sorted { $0.count > $1.count }
        self.tradeSecrets = tradeSecrets.map(Chars.scalars).filter { !$0.isEmpty }.sorted { $0.count > $1.count }
        searchedNames = WordSearch(self.people + keptNames)
        var order: [(name: String, surname: String)] = []
        for text in texts where !text.isEmpty {
            let analysis = analyse(text)
            store(text, analysis)
            for found in analysis.names where !order.contains(where: { $0.name == found.name }) { order.append((found.name, found.surname)) }
        }
        assignPseudonyms(order)
    }

    /// Source-compatible form of the first version's initialiser.
    public convenience init(texts: [String], people: [String], kept: Set<String>, keep: KeepList, tradeSecrets: [String]) throws {
        let lexicon = try Lexicon.standard.get()
        self.init(texts: texts, people: people, kept: kept,
                  shapes: PublicShapes(publicPhones: Array(keep.phones), publicIdentifiers: Array(keep.codes), organisationCodes: Array(keep.codes)),
                  tradeSecrets: tradeSecrets, lexicon: lexicon)
    }

    public var removedByKind: [String: Int] {
        Dictionary(uniqueKeysWithValues: counts.filter { $0.value > 0 }.map { ($0.key.rawValue, $0.value) })
    }

    // MARK: - Redacting

    public func redact(_ text: String) -> String {
        guard !text.isEmpty else { return text }
        if let analysis = cached(text) { return render(analysis) }
        let analysis = analyse(text)
        store(text, analysis)
        assignPseudonyms(analysis.names.map { ($0.name, $0.surname) })
        return render(analysis)
    }

    private func cached(_ text: String) -> Analysis? {
        cache[text.utf8.count]?.first { $0.0.utf8.elementsEqual(text.utf8) }?.1
    }

    private func store(_ text: String, _ analysis: Analysis) {
        if cached(text) == nil { cache[text.utf8.count, default: []].append((text, analysis)) }
    }

    /// The party's address field: down to its county, nil when nothing of it may be shown.
    public func redactAddress(_ address: String) -> String? {
        guard let kept = AddressFinder.countyPart(address) else {
            counts[.address, default: 0] += 1
            return nil
        }
        if kept != address { counts[.address, default: 0] += 1 }
        return kept
    }

    /// 王　强 and 王 强 are 王强: spaces between two Chinese characters are padding.
    static func unpad(_ text: [UInt32]) -> [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(text.count)
        for (i, s) in text.enumerated() {
            if Chars.isSpace(s), s != 0x0A, let last = out.last, Chars.isHan(last) {
                var next = i + 1
                while next < text.count, Chars.isSpace(text[next]), text[next] != 0x0A { next += 1 }
                if next < text.count, Chars.isHan(text[next]) { continue }
            }
            out.append(s)
        }
        return out
    }

    private func analyse(_ raw: String) -> Analysis {
        let text = Self.unpad(Chars.scalars(raw))
        var removals: [Finding] = []
        var protected: [Range<Int>] = []
        // Trade secrets first: what they cover is not read any further.
        for secret in tradeSecrets {
            var i = 0
            while i + secret.count <= text.count {
                if Chars.matches(text, at: i, secret) {
                    removals.append(Finding(range: i..<(i + secret.count), kind: .tradeSecret, replacement: Self.tradeSecretMarker))
                    i += secret.count
                } else {
                    i += 1
                }
            }
        }
        removals += scanner.findings(in: text)
        removals += AddressFinder.findings(in: text)
        removals += SensitiveInfo.findings(in: text)
        // Private names first: a longer private name wins over a public one inside it (the party
        // 赵明玉 is not the officer 赵明), and a public name followed by a further given-name
        // character that starts no word is the start of someone else's name.
        var names: [(range: Range<Int>, name: String, surname: String)] = []
        var uncertain: [Range<Int>] = []
        // The export's private names first, then the case's own: the order `people` had as one list.
        if let privateNames {
            for (index, ranges) in privateNames.search.occurrences(in: text) where !privateSkipped.contains(index) {
                let name = Chars.string(privateNames.search.words[index])
                for range in ranges { names.append((range, name, Self.surname(of: name))) }
            }
        }
        let occurring = searchedNames.occurrences(in: text)
        for (index, ranges) in occurring where index < people.count {
            let name = Chars.string(people[index])
            for range in ranges { names.append((range, name, Self.surname(of: name))) }
        }
        if let index {
            for match in index.matches(in: text) {
                if match.kind == .name {
                    let name = Chars.string(CanonicalText(Array(text[match.range])).scalars)
                    names.append((match.range, name, Self.surname(of: Chars.string(text[match.range]))))
                } else {
                    removals.append(Finding(range: match.range, kind: Self.kind(of: match.kind)))
                }
            }
        }
        for (index, ranges) in occurring where index >= people.count {
            for range in ranges where !continuesAsName(text, range) {
                if names.contains(where: { $0.range.count > range.count && $0.range.overlaps(range) }) { continue }
                protected.append(range)
            }
        }
        names.removeAll { name in protected.contains { $0.overlaps(name.range) && $0.count >= name.range.count } }
        let taken = names.map(\.range) + protected
        for found in finder.names(in: text, excluding: taken) {
            if found.kind == .latin {
                // A Latin name wins over the identifiers inside it: John SMITH becomes J某, not a marker.
                removals.removeAll { $0.kind != .tradeSecret && found.range.contains($0.range.lowerBound) && $0.range.upperBound <= found.range.upperBound }
            }
            names.append((found.range, found.name, found.surname))
            if found.uncertain { uncertain.append(found.range) }
        }
        for range in finder.halfMasked(in: text) { removals.append(Finding(range: range, kind: .personName, silent: true)) }
        // A removal wins over a name it overlaps.
        names = names.filter { name in !removals.contains { $0.range.overlaps(name.range) } }
        names.sort { $0.range.lowerBound < $1.range.lowerBound }
        var kept: [(range: Range<Int>, name: String, surname: String)] = []
        for name in names where !kept.contains(where: { $0.range.overlaps(name.range) }) { kept.append(name) }
        return Analysis(text: text, findings: merge(removals), names: kept, uncertain: uncertain.filter { range in kept.contains { $0.range == range } })
    }

    /// Does a further given-name character follow the name, one that starts no word with the
    /// character after it (赵明玉, not 赵明在场 or 赵明家中)?
    private func continuesAsName(_ text: [UInt32], _ range: Range<Int>) -> Bool {
        let end = range.upperBound
        guard end < text.count, Chars.isHan(text[end]), !NameFinder.notGiven.contains(text[end]), lexicon.givenNames[text[end]] != nil else { return false }
        if end + 2 <= text.count, lexicon.word(text[end..<(end + 2)]) != nil { return false }
        return range.count < 3
    }

    /// Overlapping removals become one; a trade secret's replacement wins.
    private func merge(_ findings: [Finding]) -> [Finding] {
        let sorted = findings.sorted { ($0.range.lowerBound, -$0.range.count) < ($1.range.lowerBound, -$1.range.count) }
        var out: [Finding] = []
        for finding in sorted {
            if var last = out.last, finding.range.lowerBound < last.range.upperBound {
                last.range = last.range.lowerBound..<max(last.range.upperBound, finding.range.upperBound)
                if finding.kind == .tradeSecret { last.replacement = finding.replacement; last.kind = .tradeSecret }
                last.silent = last.silent && finding.silent
                out[out.count - 1] = last
                continue
            }
            out.append(finding)
        }
        return out
    }

    private static let markerScalar: UInt32 = 0xE000

    private func render(_ analysis: Analysis) -> String {
        let text = analysis.text
        var out: [UInt32] = []
        out.reserveCapacity(text.count + 16)
        var removals = analysis.findings[...]
        var names = analysis.names[...]
        var i = 0
        while i < text.count {
            if let removal = removals.first, removal.range.lowerBound == i {
                counts[removal.kind, default: 0] += 1
                if let replacement = removal.replacement {
                    out += Chars.scalars(replacement)
                } else if !removal.silent {
                    out.append(Self.markerScalar)
                }
                i = max(i + 1, removal.range.upperBound)
                removals = removals.dropFirst()
                while let next = names.first, next.range.lowerBound < i { names = names.dropFirst() }
                continue
            }
            if let name = names.first, name.range.lowerBound == i {
                counts[.personName, default: 0] += 1
                out += Chars.scalars(pseudonyms[name.name] ?? (name.surname + "某"))
                i = name.range.upperBound
                names = names.dropFirst()
                continue
            }
            out.append(text[i])
            i += 1
        }
        return Chars.string(Self.tidy(out))
    }

    // MARK: - Readable results

    /// Labels that only introduced what was removed (身份证号码, 联系电话, 住): they go with it.
    private static let labels: [[UInt32]] = [
        "公民身份号码", "身份证件号码", "身份证号码", "身份证号", "身份证", "证件号码", "证件号", "联系电话", "联系方式", "电话号码", "手机号码", "手机号",
        "移动电话", "固定电话", "手机", "电话", "座机", "传真", "微信号", "微信", "QQ号码", "QQ号", "QQ", "qq号", "电子邮箱", "邮箱地址", "邮箱",
        "电子邮件", "车牌号码", "车牌号", "车牌", "号牌号码", "号牌", "银行账号", "银行卡号", "开户账号", "账号", "帐号", "卡号", "护照号码", "护照号",
        "护照", "通行证号码", "通行证号", "通行证", "家庭住址", "住址", "家住", "现住", "暂住", "住所地", "住所", "居住于", "居住在", "住在", "住",
        "户籍地", "户籍", "抖音号", "抖音", "支付宝账号", "支付宝", "快手号", "微博", "车架号", "车辆识别代号", "发动机号码", "发动机号", "IP地址",
        "IP", "地址", "号码", "编号",
    ].map(Chars.scalars).sorted { $0.count > $1.count }
    private static let connectors: ScalarSet = ScalarSet("：: 为是系".unicodeScalars.map(\.value))
    private static let listSeparators: ScalarSet = ScalarSet("，、；,; 和及与或".unicodeScalars.map(\.value))
    private static let commas: ScalarSet = ScalarSet("，、；,;".unicodeScalars.map(\.value))
    private static let stops: ScalarSet = ScalarSet("。！？".unicodeScalars.map(\.value))
    private static let markerScalars = Chars.scalars(marker)

    static func tidy(_ input: [UInt32]) -> [UInt32] {
        var text = input
        // 1. A label (and its 为/：) right before a marker goes: 联系电话：M → M.
        var i = 0
        while i < text.count {
            if text[i] == markerScalar {
                var start = i
                while true {
                    var probe = start
                    while probe > 0, connectors.contains(text[probe - 1]) { probe -= 1 }
                    guard let label = labels.first(where: { Chars.endsWith(text, before: probe, $0) }) else { break }
                    start = probe - label.count
                }
                if start < i {
                    text.removeSubrange(start..<i)
                    i = start
                }
            }
            i += 1
        }
        // 2. Markers in a row (M，M、M) are one; a marker alone in brackets loses the brackets.
        var out: [UInt32] = []
        out.reserveCapacity(text.count)
        i = 0
        while i < text.count {
            let s = text[i]
            if s == markerScalar {
                var j = i + 1
                while true {
                    var k = j
                    while k < text.count, listSeparators.contains(text[k]), k - j < 3 { k += 1 }
                    guard k < text.count, text[k] == markerScalar else { break }
                    j = k + 1
                }
                if let last = out.last, last == 0xFF08 || last == 0x28, j < text.count, text[j] == 0xFF09 || text[j] == 0x29 {
                    out.removeLast()
                    j += 1
                }
                out.append(markerScalar)
                i = j
                continue
            }
            out.append(s)
            i += 1
        }
        // 3. Empty brackets and doubled punctuation that removals leave behind.
        var clean: [UInt32] = []
        clean.reserveCapacity(out.count + 16)
        for s in out {
            if (s == 0xFF09 || s == 0x29), let last = clean.last, last == 0xFF08 || last == 0x28 { clean.removeLast(); continue }
            if commas.contains(s), let last = clean.last, commas.contains(last) || last == 0xFF08 || last == 0x28 { continue }
            if commas.contains(s), clean.isEmpty { continue }
            if stops.contains(s), let last = clean.last, commas.contains(last) { clean.removeLast() }
            clean.append(s)
        }
        var rendered: [UInt32] = []
        rendered.reserveCapacity(clean.count + 32)
        for s in clean { if s == markerScalar { rendered += markerScalars } else { rendered.append(s) } }
        return rendered
    }

    // MARK: - Pseudonyms

    /// 张三 → 张某; two people named 张 → 张某甲, 张某乙; in order of first appearance.
    private func assignPseudonyms(_ found: [(name: String, surname: String)]) {
        let ordinals = Array("甲乙丙丁戊己庚辛壬癸")
        // Names that have a pseudonym keep their ordinal: ordered by it (then by name), never by the
        // dictionary's order, which differs from process to process (郑某甲 and 郑某乙 would swap
        // between nights and rewrite the page).
        func rank(_ name: String) -> Int {
            guard let last = pseudonyms[name]?.last, let index = ordinals.firstIndex(of: last) else { return -1 }
            return index
        }
        var order = pseudonyms.keys.sorted { (rank($0), $0) < (rank($1), $1) }
        for entry in found where pseudonyms[entry.name] == nil && !order.contains(entry.name) { order.append(entry.name) }
        var surnames: [String: String] = [:]
        for entry in found { surnames[entry.name] = entry.surname }
        for name in pseudonyms.keys where surnames[name] == nil { surnames[name] = Self.surname(of: name) }
        var bySurname: [String: [String]] = [:]
        var surnameOrder: [String] = []
        for name in order {
            let surname = surnames[name] ?? Self.surname(of: name)
            if bySurname[surname] == nil { surnameOrder.append(surname) }
            bySurname[surname, default: []].append(name)
        }
        // Names already given a pseudonym keep their place; new ones come after them.
        var result: [String: String] = [:]
        for surname in surnameOrder {
            let group = bySurname[surname] ?? []
            for (position, name) in group.enumerated() {
                result[name] = surname + "某" + (group.count > 1 ? String(ordinals[min(position, ordinals.count - 1)]) : "")
            }
        }
        pseudonyms = result
    }

    static func surname(of name: String) -> String {
        let scalars = Chars.scalars(name)
        guard let first = scalars.first else { return "" }
        if first < 0x80 { return Chars.string([first]).uppercased() }
        if scalars.count > 2, Surnames.compoundEnding(scalars, before: 2) { return Chars.string(scalars[0..<2]) }
        return Chars.string([first])
    }

    static func kind(of kind: PersonalValueKind) -> RedactedKind {
        switch kind {
        case .name: return .personName
        case .idNumber: return .idNumber
        case .phone: return .phone
        case .address: return .address
        case .bankAccount: return .bankAccount
        case .other: return .identifier
        }
    }
}

/// Words looked for in a text all at once. Scanning the text once per word was 5 % of
/// redaction (perf, bench redact), and an export's minors (a thousand names in 20,000 cases)
/// are looked for in every case: one pass skips each position whose scalar starts none of the
/// words and compares only the words that start with it.
struct WordSearch: Sendable {
    let words: [[UInt32]]
    private let starts: ScalarSet
    private let byFirst: [UInt32: [Int]]

    init(_ words: [[UInt32]]) {
        self.words = words
        var byFirst: [UInt32: [Int]] = [:]
        for (index, word) in words.enumerated() { if let first = word.first { byFirst[first, default: []].append(index) } }
        starts = ScalarSet(byFirst.keys)
        self.byFirst = byFirst
    }

    /// Where the words occur: for each word that does, by its index in ascending order, its
    /// occurrences left to right, each after the word's previous one.
    func occurrences(in text: [UInt32]) -> [(word: Int, ranges: [Range<Int>])] {
        var found: [Int: [Range<Int>]] = [:]
        for index in text.indices where starts.contains(text[index]) {
            for w in byFirst[text[index]] ?? [] where Chars.matches(text, at: index, words[w]) {
                if let last = found[w]?.last, last.upperBound > index { continue }
                found[w, default: []].append(index..<(index + words[w].count))
            }
        }
        return found.keys.sorted().map { ($0, found[$0] ?? []) }
    }
}

/// The export's private names (its minors), made ready once per run for every case's
/// redactor (per case, turning a thousand names into scalars was 6 % of redaction).
struct PrivateNames: Sendable {
    /// The names as given, and as the redactor compares them (`TextRedactor.unpad`).
    let names: [String]
    let search: WordSearch
    private let byName: [String: [Int]]
    private let byUnpadded: [String: [Int]]

    init(_ names: [String]) {
        self.names = names
        let unpadded = names.map { TextRedactor.unpad(Chars.scalars($0)) }
        search = WordSearch(unpadded)
        var byName: [String: [Int]] = [:], byUnpadded: [String: [Int]] = [:]
        for (index, name) in names.enumerated() {
            byName[name, default: []].append(index)
            byUnpadded[Chars.string(unpadded[index]), default: []].append(index)
        }
        self.byName = byName
        self.byUnpadded = byUnpadded
    }

    /// Indices of the names a case does not look for: the party itself (named as the party) and
    /// names that stay public in it, or that are too short to tell from text.
    func skipped(party: String, kept: Set<String>) -> Set<Int> {
        var out = Set(byName[party] ?? [])
        for name in kept { out.formUnion(byUnpadded[name] ?? []) }
        for (index, word) in search.words.enumerated() where word.count < 2 { out.insert(index) }
        return out
    }
}
