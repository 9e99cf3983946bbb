import CaseModel

/// Identifiers in free text by allow-list: every run of five or more digits (any
/// separators, full-width digits, Chinese numerals) and every Latin token of four or
/// more characters goes, unless it has a public shape (`PublicShapes`). A deny-list
/// leaks every form it has not seen; this leaks only what looks like an amount, a date,
/// a quantity, an article or document number or a listed public value.
struct IdentifierScanner {
    /// The allow-list's general shapes (units, amount words, standard prefixes, Latin words, domains)
    /// in the form the scanner reads them. They are the same for every case of a run, so the caller
    /// builds them once: built per case they cost 4 % of redaction (perf, bench redact).
    struct General: Sendable {
        let amountSuffixes: [[UInt32]]
        let amountPrefixes: [[UInt32]]
        let units: [[UInt32]]
        let latinWords: Set<String>
        let standardPrefixes: [String]
        let publicDomains: [String]

        init(_ shapes: PublicShapes) {
            amountSuffixes = shapes.amountSuffixes.map(Chars.scalars).sorted { $0.count > $1.count }
            amountPrefixes = shapes.amountPrefixes.map(Chars.scalars).sorted { $0.count > $1.count }
            units = shapes.units.map(Chars.scalars).sorted { $0.count > $1.count }
            latinWords = Set(shapes.latinWords.map { $0.uppercased() })
            standardPrefixes = shapes.standardPrefixes
            publicDomains = shapes.publicDomains
        }
    }

    private let general: General
    private let publicPhones: [String]
    private let publicIdentifiers: Set<String>
    private let publicIdentifierTexts: [String]
    private let organisationCodes: Set<String>

    init(shapes: PublicShapes) { self.init(general: General(shapes), shapes: shapes) }

    /// `general` must have been built from the same general shapes as `shapes`; only the case's
    /// own values (public phones, identifiers, organisation codes) are read from `shapes`.
    init(general: General, shapes: PublicShapes) {
        self.general = general
        publicPhones = shapes.publicPhones.map(PublicShapes.digits).filter { $0.count >= 5 }
        publicIdentifiers = Set(shapes.publicIdentifiers.map(PublicShapes.compact).filter { !$0.isEmpty })
        publicIdentifierTexts = publicIdentifiers.filter { $0.count >= 5 }.sorted()
        organisationCodes = Set(shapes.organisationCodes.map(PublicShapes.compact))
    }

    /// Between Chinese numerals these make a list or a fraction (三/四, 一·二), not a number.
    private static let listMarks: ScalarSet = ScalarSet("/／·•・()（）[]［］".unicodeScalars.map(\.value))
    private static let joiners: ScalarSet = Chars.separators.union("@＠#＃")

    @inline(__always)
    private static func isAlnum(_ s: UInt32) -> Bool { Chars.isLatin(s) || Chars.digit(s) != nil }

    func findings(in text: [UInt32]) -> [Finding] {
        var found: [Finding] = []
        var index = 0
        let count = text.count
        while index < count {
            guard Self.isAlnum(text[index]) else { index += 1; continue }
            var end = index + 1
            while end < count {
                if Self.isAlnum(text[end]) { end += 1; continue }
                // A run of separators joins two alphanumerics, except whitespace between two
                // letters (Latin words stay words) and list marks between Chinese numerals (三/四).
                var next = end
                while next < count, next - end < 3, Self.joiners.contains(text[next]) { next += 1 }
                guard next < count, next > end, Self.isAlnum(text[next]) else { break }
                let left = text[end - 1], right = text[next]
                let gap = text[end..<next]
                let hasSpace = gap.contains { Chars.isSpace($0) }
                if hasSpace, Chars.isLatin(left), Chars.isLatin(right) { break }
                if Chars.isChineseDigit(left) || Chars.isChineseDigit(right), gap.contains(where: { Self.listMarks.contains($0) }) { break }
                end = next + 1
            }
            if let finding = classify(text, index..<end) { found.append(finding) }
            index = end
        }
        // Overlaps (an account after its cue and the run inside it) are joined by the redactor's merge.
        return found + handles(in: text) + cuedAccounts(in: text)
    }

    /// @雪山飞狐2019: an @-handle names an account whatever it is written in. An @ after a letter
    /// or digit belongs to an e-mail address, read with the runs above.
    private func handles(in text: [UInt32]) -> [Finding] {
        var found: [Finding] = []
        for index in text.indices where text[index] == 0x40 || text[index] == 0xFF20 {
            if index > 0, Self.isAlnum(text[index - 1]) { continue }
            let end = Self.tokenEnd(text, from: index + 1)
            if end - index >= 3 { found.append(Finding(range: index..<end, kind: .messagingID)) }
        }
        return found
    }

    /// 微博账号为雪山飞狐2019, 抖音号：小鱼儿_88: after a messaging cue and an account word, the
    /// token up to the next punctuation or space is the account, when it holds a letter or digit
    /// (a Han-only token may be a nickname or an ordinary word: 微信号为其本人所有).
    private func cuedAccounts(in text: [UInt32]) -> [Finding] {
        var found: [Finding] = []
        let cues = Self.messagingCues
        for index in text.indices where cues.first.contains(text[index]) {
            guard let cue = cues.byFirst[text[index]]?.first(where: { Chars.matches(text, at: index, $0) }) else { continue }
            var probe = index + cue.count
            guard let word = Self.accountWords.first(where: { Chars.matches(text, at: probe, $0) }) else { continue }
            probe += word.count
            if let link = Self.linkWords.first(where: { Chars.matches(text, at: probe, $0) }) { probe += link.count }
            while probe < text.count, Chars.isSpace(text[probe]) { probe += 1 }
            let end = Self.tokenEnd(text, from: probe)
            guard end > probe, text[probe..<end].contains(where: Self.isAlnum) else { continue }
            found.append(Finding(range: probe..<end, kind: .messagingID))
        }
        return found
    }

    /// An account token runs over letters, digits, Han and _ - . up to 24 characters.
    private static func tokenEnd(_ text: [UInt32], from start: Int) -> Int {
        var end = start
        while end < text.count, end - start < 24, isAlnum(text[end]) || Chars.isHan(text[end]) || [0x5F, 0x2D, 0x2E].contains(text[end]) {
            end += 1
        }
        // A sentence's full stop is no part of the handle.
        while end > start, text[end - 1] == 0x2E { end -= 1 }
        return end
    }

    // MARK: - Classification

    private func classify(_ text: [UInt32], _ run: Range<Int>) -> Finding? {
        let scalars = text[run]
        var digits = 0, letters = 0, arabic = 0, longest = 0, current = 0
        for s in scalars {
            if Chars.digit(s) != nil {
                digits += 1
                if Chars.isArabicDigit(s) { arabic += 1 }
                current += 1
            } else if Chars.isLatin(s) {
                letters += 1
                current += 1
            } else {
                current = 0
            }
            longest = max(longest, current)
        }
        // Short runs (2025, 50元, 第3条) are the common case: decided before any String is made.
        let separators = run.count - digits - letters
        let mayBeMail = separators > 0 && letters > 0
        let mayBeIP = separators == 3 && letters == 0 && digits >= 4
        guard digits >= 5 || (longest >= 4 && letters > 0) || mayBeMail || mayBeIP else { return nil }
        let folded = String(String.UnicodeScalarView(scalars.compactMap { Unicode.Scalar(Chars.fold($0)) }))
        if mayBeMail, isEmail(folded) { return finding(text, run, .email) }
        if mayBeIP, isIPv4(folded), digits >= 7 || precededBy(text, run.lowerBound, Self.ipCues) { return finding(text, run, .ipAddress) }
        guard digits >= 5 || (longest >= 4 && letters > 0) else { return nil }
        // Chinese numerals count only in runs of them: 一二三 alone is ordinary text.
        if arabic == 0 && letters == 0 && digits < 5 { return nil }
        let compact = PublicShapes.compact(folded)
        if isPublic(text, run, folded: folded, compact: compact, digits: digits, letters: letters) { return nil }
        return finding(text, run, kind(text, run, compact: compact, letters: letters))
    }

    private func finding(_ text: [UInt32], _ run: Range<Int>, _ kind: RedactedKind) -> Finding {
        var lower = run.lowerBound, upper = run.upperBound
        // A leading + or opening bracket and a closing bracket left over belong to the number.
        let opens = text[run].filter { $0 == 0x28 || $0 == 0xFF08 }.count
        let closes = text[run].filter { $0 == 0x29 || $0 == 0xFF09 }.count
        if lower > 0, text[lower - 1] == 0x2B || text[lower - 1] == 0xFF0B { lower -= 1 }
        if lower > 0, (text[lower - 1] == 0x28 || text[lower - 1] == 0xFF08), closes > opens { lower -= 1 }
        if upper < text.count, (text[upper] == 0x29 || text[upper] == 0xFF09), opens > closes { upper += 1 }
        // A plate keeps no part: 云A·12345 loses the province and the letter too.
        var kind = kind
        var probe = lower
        while probe > 0, probe > lower - 3, Chars.isLatin(text[probe - 1]) || text[probe - 1] == 0xB7 || Chars.isSpace(text[probe - 1]) { probe -= 1 }
        if probe > 0, Self.provinces.contains(text[probe - 1]), probe < lower || Chars.isLatin(text[lower]) {
            lower = probe - 1
            kind = .plate
        }
        return Finding(range: lower..<upper, kind: kind)
    }

    private static let provinces: ScalarSet = ScalarSet("京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领".unicodeScalars.map(\.value))

    private func kind(_ text: [UInt32], _ run: Range<Int>, compact: String, letters: Int) -> RedactedKind {
        let digitsOnly = PublicShapes.digits(compact)
        if precededBy(text, run.lowerBound, Self.messagingCues) { return .messagingID }
        if precededBy(text, run.lowerBound, Self.travelCues) { return .travelDocument }
        if precededBy(text, run.lowerBound, Self.vehicleCues) { return .vehicleNumber }
        if precededBy(text, run.lowerBound, Self.accountCues) { return .bankAccount }
        if (compact.count == 18 || compact.count == 15), ResidentIDNumber.validate(compact) == nil || ResidentIDNumber.birthDate(of: compact) != nil {
            return .idNumber
        }
        if letters == 0 {
            let national = digitsOnly.hasPrefix("0086") ? String(digitsOnly.dropFirst(4)) : digitsOnly.hasPrefix("86") ? String(digitsOnly.dropFirst(2)) : digitsOnly
            if national.count == 11, national.hasPrefix("1") { return .phone }
            if (10...12).contains(national.count), national.hasPrefix("0") { return .phone }
            if (13...19).contains(digitsOnly.count), Self.luhn(digitsOnly) { return .bankAccount }
            if (7...8).contains(digitsOnly.count) { return .phone }
        }
        if compact.count == 17, letters > 0 { return .vehicleNumber }
        if letters > 0, letters <= 2, (8...10).contains(compact.count) { return .travelDocument }
        return .identifier
    }

    // MARK: - Public shapes

    private func isPublic(_ text: [UInt32], _ run: Range<Int>, folded: String, compact: String, digits: Int, letters: Int) -> Bool {
        if publicIdentifiers.contains(compact) { return true }
        if compact.count >= 5, letters == 0, publicIdentifierTexts.contains(where: { $0.contains(compact) }) { return true }
        if letters > 0, folded.unicodeScalars.allSatisfy(\.isASCII), isLatinWords(folded) { return true }
        if isPublicDomain(folded) { return true }
        if isStandardNumber(folded) { return true }
        if compact.count == 18, UnifiedSocialCreditCode.validate(compact) == nil,
           organisationCodes.contains(compact) || ResidentIDNumber.validate(compact) != nil { return true }
        let phone = PublicShapes.digits(compact)
        if letters == 0, phone.count >= 5, publicPhones.contains(where: { $0 == phone || ($0.hasSuffix(phone) && phone.count >= 7) || (phone.hasSuffix($0) && phone.count - $0.count <= 4) }) {
            return true
        }
        // Numbers with a unit written in Latin letters right after them: 12345m², 20000kg.
        var numberEnd = run.upperBound
        if letters > 0 {
            var probe = run.upperBound
            while probe > run.lowerBound, Chars.isLatin(text[probe - 1]) || text[probe - 1] == 0x2F { probe -= 1 }
            let suffix = Chars.string(text[probe..<run.upperBound]).split(separator: "/").first.map(String.init) ?? ""
            guard probe > run.lowerBound, general.units.contains(Chars.scalars(suffix)),
                  text[run.lowerBound..<probe].allSatisfy({ !Chars.isLatin($0) }) else { return false }
            numberEnd = probe
        }
        let number = run.lowerBound..<numberEnd
        if followed(text, number.upperBound, by: general.amountSuffixes) || preceded(text, number.lowerBound, by: general.amountPrefixes) { return isPlainNumber(text[number]) }
        if followed(text, number.upperBound, by: general.units) || numberEnd < run.upperBound { return isPlainNumber(text[number]) }
        if isDate(text[number]) { return true }
        if isArticleOrDocumentNumber(text, number) { return true }
        if isDecimal(text[number]) { return true }
        return false
    }

    /// Digits with thousands separators and one decimal point: 50,000.00 or 50 000.
    private func isPlainNumber(_ scalars: ArraySlice<UInt32>) -> Bool {
        var points = 0
        for s in scalars {
            let f = Chars.fold(s)
            if Chars.digit(s) != nil { continue }
            if f == 0x2E { points += 1; continue }
            if f == 0x2C || f == 0x20 { continue }
            return false
        }
        return points <= 1
    }

    /// 0.12345 or 1234.5678: a measured value; identifiers are not written with one decimal point.
    private func isDecimal(_ scalars: ArraySlice<UInt32>) -> Bool {
        let parts = Chars.string(scalars.map(Chars.fold)[...]).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else { return false }
        return parts[0].count <= 6 && parts[1].count <= 4
    }

    /// 2025-03-14, 2025.3.14, 2025/03/14, 20250314, with an hour after a space.
    private func isDate(_ scalars: ArraySlice<UInt32>) -> Bool {
        var groups: [String] = []
        var current = ""
        var separatorsSeen: [UInt32] = []
        for s in scalars {
            let f = Chars.fold(s)
            if let d = Chars.digit(f), (0x30...0x39).contains(f) {
                current.append(Character(String(d)))
            } else {
                guard !current.isEmpty else { return false }
                groups.append(current)
                current = ""
                separatorsSeen.append(f)
            }
        }
        if !current.isEmpty { groups.append(current) }
        func valid(_ y: String, _ m: String, _ d: String) -> Bool {
            guard let year = Int(y), let month = Int(m), let day = Int(d) else { return false }
            return (1900...2100).contains(year) && (1...12).contains(month) && (1...31).contains(day)
        }
        if groups.count == 1, groups[0].count == 8 {
            let g = Array(groups[0])
            return valid(String(g[0..<4]), String(g[4..<6]), String(g[6..<8]))
        }
        guard groups.count >= 3, groups[0].count == 4, groups[1].count <= 2, groups[2].count <= 2,
              separatorsSeen.prefix(2).allSatisfy({ [0x2D, 0x2E, 0x2F].contains($0) }) else { return false }
        if groups.count == 4 { return groups[3].count <= 2 && separatorsSeen.count >= 3 && Chars.isSpace(separatorsSeen[2]) && valid(groups[0], groups[1], groups[2]) }
        return groups.count == 3 && valid(groups[0], groups[1], groups[2])
    }

    /// 第12345条, 〔2025〕00012号, [2025]第10001号.
    private func isArticleOrDocumentNumber(_ text: [UInt32], _ run: Range<Int>) -> Bool {
        guard isPlainNumber(text[run]) else { return false }
        let after = run.upperBound < text.count ? text[run.upperBound] : 0
        let before = previousNonSpace(text, run.lowerBound)
        // 第…号 of a 令 or 公告 is short (令第51号); a long 第0012345号 is a certificate's number
        // (云（2021）红塔区不动产权第0012345号), which the bracketed-year rule below also refuses.
        if let before, text[before] == 0x7B2C, "条款项号章节期批次届卷辑".unicodeScalars.contains(where: { $0.value == after }), // 第
           after != 0x53F7 || run.count <= 4 { return true }
        guard after == 0x53F7 else { return false } // 号
        var probe = before.map { $0 + 1 } ?? run.lowerBound
        if let b = before, text[b] == 0x7B2C { probe = b } // 第
        guard probe >= 6, !Chars.containsAny(text, max(0, probe - 16)..<probe, Self.certificateCues) else { return false }
        let close = text[probe - 1]
        guard [0x3015, 0x5D, 0xFF3D, 0x29, 0xFF09, 0x3011].contains(close) else { return false }
        let year = text[(probe - 5)..<(probe - 1)]
        return year.allSatisfy { Chars.isArabicDigit($0) }
    }

    private func isStandardNumber(_ folded: String) -> Bool {
        for prefix in general.standardPrefixes where folded.hasPrefix(prefix) {
            var rest = folded.dropFirst(prefix.count)
            if rest.hasPrefix("/T") || rest.hasPrefix("/Z") { rest = rest.dropFirst(2) }
            rest = rest.drop { $0 == " " }
            while let first = rest.first, first.isASCII, first.isNumber { rest = rest.dropFirst() }
            guard rest.count < folded.count - prefix.count else { continue }
            let tail = rest.filter { !"0123456789.-–—".contains($0) }
            if tail.isEmpty { return true }
        }
        return false
    }

    private func isLatinWords(_ folded: String) -> Bool {
        let words = folded.uppercased().split { !($0.isASCII && ($0.isLetter || $0.isNumber || $0 == ".")) }
        guard !words.isEmpty else { return false }
        return words.allSatisfy { word in general.latinWords.contains(String(word)) || word.count < 4 }
    }

    private func isPublicDomain(_ folded: String) -> Bool {
        let lower = folded.lowercased()
        guard lower.contains(".") else { return false }
        return general.publicDomains.contains { lower.hasSuffix($0.lowercased()) }
    }

    private func isEmail(_ folded: String) -> Bool {
        let lower = folded.lowercased()
        let markers = ["@", "(at)", "[at]", "#", "（at）", "［at］", "(@)", "[@]"]
        for marker in markers {
            guard let range = lower.range(of: marker) else { continue }
            let local = lower[..<range.lowerBound], domain = lower[range.upperBound...]
            if !local.isEmpty, domain.contains("."), domain.split(separator: ".").count >= 2 { return true }
        }
        return false
    }

    private func isIPv4(_ folded: String) -> Bool {
        let parts = folded.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in part.count <= 3 && !part.isEmpty && part.allSatisfy(\.isNumber) && (Int(part) ?? 999) <= 255 }
    }

    // MARK: - Context

    private func previousNonSpace(_ text: [UInt32], _ index: Int) -> Int? {
        var probe = index - 1
        while probe >= 0, Chars.isSpace(text[probe]) { probe -= 1 }
        return probe >= 0 ? probe : nil
    }

    private func followed(_ text: [UInt32], _ index: Int, by words: [[UInt32]]) -> Bool {
        var probe = index
        while probe < text.count, Chars.isSpace(text[probe]) { probe += 1 }
        return words.contains { Chars.matches(text, at: probe, $0) }
    }

    private func preceded(_ text: [UInt32], _ index: Int, by words: [[UInt32]]) -> Bool {
        var probe = index
        while probe > 0, Chars.isSpace(text[probe - 1]) || text[probe - 1] == 0x3A || text[probe - 1] == 0xFF1A { probe -= 1 }
        return words.contains { Chars.endsWith(text, before: probe, $0) }
    }

    /// A cue within the eight characters before the run (QQ号为…, 护照号码：…).
    private func precededBy(_ text: [UInt32], _ index: Int, _ cues: WordSet) -> Bool {
        Chars.containsAny(text, max(0, index - 8)..<index, cues)
    }

    private static let messagingCues = WordSet(["QQ", "qq", "ＱＱ", "微信", "抖音", "快手", "微博", "支付宝", "wechat", "WeChat", "vx", "VX"])
    private static let travelCues = WordSet(["护照", "通行证", "回乡证", "台胞证", "居留证", "签证"])
    private static let vehicleCues = WordSet(["车架号", "车辆识别代号", "识别代码", "VIN", "发动机号", "电机号"])
    private static let accountCues = WordSet(["账号", "帐号", "卡号", "账户", "帐户", "银行卡", "存折"])
    private static let ipCues = WordSet(["IP", "ip", "地址"])
    /// Property and licence certificates are numbered like documents (云（2021）红塔区不动产权第0012345号)
    /// but are a person's (最高法 法释〔2016〕19号 第十条: 动产、不动产权属证书编号).
    private static let certificateCues = WordSet(["不动产权", "不动产证", "产权证", "房产证", "房权证", "土地证", "林权证", "权属证", "房屋所有权"])
    /// Words after a messaging cue that make the next token an account (微信号为…, 微博账号：…);
    /// without one (微信支付200元) the cue is only a word.
    private static let accountWords: [[UInt32]] = ["号码", "账号", "帐号", "号", "ID", "id", "昵称", "用户名"].map(Chars.scalars)
    private static let linkWords: [[UInt32]] = ["为", "是", "：", ":"].map(Chars.scalars)

    /// Bank card numbers carry a Luhn check digit (ISO/IEC 7812).
    static func luhn(_ digits: String) -> Bool {
        guard (13...19).contains(digits.count) else { return false }
        var sum = 0
        for (index, character) in digits.reversed().enumerated() {
            guard let value = character.wholeNumberValue else { return false }
            if index % 2 == 1 {
                let doubled = value * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += value
            }
        }
        return sum % 10 == 0
    }
}
