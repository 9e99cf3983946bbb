import CaseModel
import Foundation

/// Kinds of personal or secret data the redaction removes, as the 法制科's report names them.
public enum RedactedKind: String, CaseIterable, Codable, Sendable {
    case idNumber = "身份证号码"
    case phone = "电话号码"
    case bankAccount = "银行卡号或账号"
    case email = "电子邮箱"
    case plate = "车牌号码"
    case travelDocument = "护照或通行证号码"
    case messagingID = "QQ号或微信号"
    case address = "详细地址"
    case personName = "个人姓名"
    case tradeSecret = "商业秘密"
}

/// What must stay although it looks like personal data: the agency's public
/// phone, credit codes, officers' certificate numbers, document numbers.
public struct KeepList: Sendable {
    public var phones: Set<String> = []
    public var codes: Set<String> = []

    public init(phones: [String] = [], codes: [String] = []) {
        self.phones = Set(phones.map(KeepList.digits).filter { !$0.isEmpty })
        self.codes = Set(codes.map { $0.uppercased() })
    }

    static func digits(_ text: String) -> String { String(text.filter { $0.isASCII && $0.isNumber }) }
}

/// Finds identifiers in free text in every form real documents use: full-width
/// digits, spaces and hyphens inside numbers, +86 and area codes in brackets.
struct PIIScanner {
    struct Finding {
        var range: NSRange
        var kind: RedactedKind
    }

    /// Full-width ASCII (U+FF01–U+FF5E) and the ideographic space map one UTF-16
    /// unit to one, so ranges found in the folded text apply to the original.
    static func fold(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar -> Unicode.Scalar in
            switch scalar.value {
            case 0xFF01...0xFF5E: return Unicode.Scalar(scalar.value - 0xFEE0) ?? scalar
            case 0x3000: return " "
            default: return scalar
            }
        }))
    }

    /// The patterns are constants of this file: `PIIScannerTests` fails if one does not compile.
    static func regex(_ pattern: String) -> NSRegularExpression? {
        try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
    }

    private static let sep = #"[ \-–—]?"#
    private static let idNumber18 = regex(#"(?<![0-9A-Za-z])[1-9]\d{5}"# + sep + #"(?:18|19|20)\d{2}"# + sep
        + #"(?:0[1-9]|1[0-2])"# + sep + #"(?:0[1-9]|[12]\d|3[01])"# + sep + #"\d{3}"# + sep + #"[0-9Xx](?![0-9A-Za-z])"#)
    private static let idNumber15 = regex(#"(?<![0-9A-Za-z])[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![0-9A-Za-z])"#)
    /// 18 or 15 characters grouped any way (5304 0219 9702 0428 95): removed when the check digit or birth date says ID.
    private static let idNumberGrouped = regex(#"(?<![0-9A-Za-z])\d(?:[ \-]?\d){13}(?:(?:[ \-]?\d){2}[ \-]?[0-9Xx])?(?![0-9A-Za-z])"#)
    private static let mobile = regex(#"(?<![0-9])(?:[(（]?(?:\+|00)?86[)）]?[ \-]?)?1[3-9]\d(?:[ \-]?\d){8}(?![0-9])"#)
    /// Any number written after a phone cue (电话 63123456), short local numbers included.
    private static let phoneCue = regex(#"(?:电话|手机|手机号|联系方式|联系号码|座机|传真|Tel|TEL|tel|Phone)(?:号码|号)?[：: ]*((?:\+?\d|[(（]0?\d)[\d \-()（）]{5,18}\d)"#)
    private static let landline = regex(#"(?<![0-9])(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}[ \-]|\+86[ \-]?0?\d{2,3}[ \-]?)\d{3,4}[ \-]?\d{4}(?:[ \-]?(?:转|ext\.?|-)[ ]?\d{1,5})?(?![0-9])"#)
    private static let landlineBare = regex(#"(?<![0-9])0\d{2,3}\d{7,8}(?![0-9])"#)
    private static let cardLike = regex(#"(?<![0-9])\d{4}(?:[ \-]?\d{4}){2,3}(?:[ \-]?\d{1,3})?(?![0-9])"#)
    private static let accountCue = regex(#"(?:账号|帐号|卡号|账户|帐户|银行卡|存折)[^0-9，。；]{0,12}?((?:\d[ \-]?){9,29}\d)"#)
    private static let email = regex(#"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}"#)
    private static let plate = regex(#"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][ ·•.\-]?[A-HJ-NP-Z0-9]{4,5}[A-HJ-NP-Z0-9挂学警港澳]?(?![A-Za-z0-9])"#)
    private static let travelCue = regex(#"(?:护照|通行证|回乡证|台胞证|居留证|签证)(?:号码|号)?[：:]?[ ]?([A-Za-z]{1,2}[ \-]?\d(?:[ \-]?\d){5,9})"#)
    /// Numbers someone already half-masked (138****5678): what is left still identifies, so it goes too.
    private static let premasked = regex(#"(?<![0-9A-Za-z])[0-9]{2,6}[*＊xX]{3,12}[0-9Xx]{2,4}(?![0-9A-Za-z])"#)
    private static let passport = regex(#"(?<![A-Za-z0-9])(?:[EGDSP][ \-]?\d{8}|E[A-Z]\d{7}|[CHMW]\d{8,10})(?![A-Za-z0-9])"#)
    private static let messaging = regex(#"(?:QQ|qq|ＱＱ|微信|wechat|WeChat|vx|VX)(?:号码|号|账号|帐号|ID|id)?[：: ]*([A-Za-z0-9_\-]{5,20})"#)

    /// Every pattern, for the test that they all compile.
    static var patterns: [NSRegularExpression?] {
        [idNumber18, idNumber15, idNumberGrouped, mobile, phoneCue, premasked, landline, landlineBare, cardLike, accountCue, email, plate, travelCue, passport, messaging,
         AddressFinder.span]
    }

    static func findings(in text: String, keep: KeepList) -> [Finding] {
        let folded = fold(text)
        let whole = NSRange(location: 0, length: (folded as NSString).length)
        var found: [Finding] = []
        func add(_ pattern: NSRegularExpression?, _ kind: RedactedKind, group: Int = 0, accept: (String) -> Bool = { _ in true }) {
            guard let pattern else { return }
            for match in pattern.matches(in: folded, range: whole) {
                let range = match.range(at: group)
                guard range.location != NSNotFound else { continue }
                let value = (folded as NSString).substring(with: range)
                if accept(value) { found.append(Finding(range: range, kind: kind)) }
            }
        }
        let notKeptCode = { (value: String) in !keep.codes.contains(value.filter { $0 != " " && $0 != "-" }.uppercased()) }
        let notKeptPhone = { (value: String) in !keep.phones.contains(KeepList.digits(value)) }
        add(email, .email)
        add(idNumber18, .idNumber) { value in
            let compact = value.filter { $0 != " " && $0 != "-" && $0 != "–" && $0 != "—" }.uppercased()
            if keep.codes.contains(compact) { return false }
            if ResidentIDNumber.validate(compact) == nil { return true }
            // An all-digit credit code can look like an ID number; organisations' codes are published.
            return UnifiedSocialCreditCode.validate(compact) != nil
        }
        add(idNumber15, .idNumber, accept: notKeptCode)
        add(idNumberGrouped, .idNumber) { value in
            let compact = value.filter { $0.isNumber || $0 == "X" || $0 == "x" }.uppercased()
            guard notKeptCode(compact) else { return false }
            if compact.count == 18 { return ResidentIDNumber.validate(compact) == nil }
            return compact.count == 15 && ResidentIDNumber.birthDate(of: compact) != nil
        }
        add(travelCue, .travelDocument, group: 1)
        add(passport, .travelDocument, accept: notKeptCode)
        add(messaging, .messagingID, group: 1)
        add(accountCue, .bankAccount, group: 1, accept: notKeptCode)
        add(cardLike, .bankAccount) { value in Self.luhn(KeepList.digits(value)) && notKeptCode(value) }
        add(mobile, .phone, accept: notKeptPhone)
        add(phoneCue, .phone, group: 1, accept: notKeptPhone)
        add(landline, .phone, accept: notKeptPhone)
        add(landlineBare, .phone, accept: notKeptPhone)
        add(plate, .plate, accept: notKeptCode)
        add(premasked, .phone) { value in value.contains("*") || value.contains("＊") }
        return found
    }

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

/// Street-level parts of addresses: a run ending in a house number (号, 栋, 室, 组 …).
/// What stands before it down to the county (县, 区, 旗) or city is kept.
enum AddressFinder {
    static let span = PIIScanner.regex(
        #"[\u4e00-\u9fa5A-Za-z0-9\-（）()]{2,60}?(?:\d+|[一二三四五六七八九十百零]+)(?:号院|号楼|号|栋|幢|单元|室|组|社|弄|排)(?:[\dA-Za-z\-]+(?:号院|号楼|号|栋|幢|单元|室|层|楼|户))*"#)
    private static let cues = ["住址为", "住所为", "住所地", "住址", "住所", "家住", "居住在", "居住于", "住在", "地址为", "地址", "位于", "住"]

    /// Ranges (in the folded text) to remove.
    static func ranges(in folded: String) -> [NSRange] {
        let text = folded as NSString
        guard let span else { return [] }
        return span.matches(in: folded, range: NSRange(location: 0, length: text.length)).compactMap { (match: NSTextCheckingResult) -> NSRange? in
            let value = text.substring(with: match.range)
            let keep = keptPrefixLength(value)
            guard keep < (value as NSString).length else { return nil }
            return NSRange(location: match.range.location + keep, length: match.range.length - keep)
        }
    }

    /// UTF-16 length of the part of an address to keep: up to the county-level name, or up to an address cue.
    static func keptPrefixLength(_ address: String) -> Int {
        let characters = Array(address)
        var keepCount = 0
        var offset = 0
        var lengths: [Int] = []
        for character in characters { lengths.append(character.utf16.count) }
        for (index, character) in characters.enumerated() {
            offset += lengths[index]
            if character.isNumber || "一二三四五六七八九十百零".contains(character) && index > 0 && isUnit(characters, after: index) { break }
            if isAdministrative(characters, at: index) { keepCount = offset }
        }
        if keepCount > 0 { return keepCount }
        for cue in cues {
            if let range = address.range(of: cue) { return address[..<range.upperBound].utf16.count }
        }
        return 0
    }

    private static func isUnit(_ characters: [Character], after index: Int) -> Bool {
        var next = index + 1
        while next < characters.count, "一二三四五六七八九十百零".contains(characters[next]) { next += 1 }
        return next < characters.count && "号栋幢单元室组社弄排".contains(characters[next])
    }

    /// 省, 自治区, 市, 州, 盟, 县, 区, 旗 ending a place name, not 小区, 社区, 园区, 超市 and the like.
    private static func isAdministrative(_ characters: [Character], at index: Int) -> Bool {
        let character = characters[index]
        guard "省市州盟县区旗".contains(character), index > 0 else { return false }
        let previous = characters[index - 1]
        switch character {
        case "区": return !"小社园景校厂营港发矿库片辖城街".contains(previous)
        case "市": return !"超菜集夜门城股".contains(previous)
        case "州": return true
        default: return true
        }
    }
}
