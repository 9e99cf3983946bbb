/// 居民身份证号码 (GB 11643-1999): 6-digit area, 8-digit birth date,
/// 3-digit sequence, and an ISO 7064 MOD 11-2 check character.
public enum ResidentIDNumber {
    public enum Problem: Equatable, Sendable {
        case badLength
        case badCharacter
        case badBirthDate
        /// The check character does not match; `expected` is the right one.
        case badCheckDigit(expected: Character)
    }

    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    /// The check character for the first 17 digits.
    public static func checkCharacter(for body: String) -> Character? {
        let digits = body.compactMap { $0.wholeNumberValue }
        guard digits.count == 17, body.count == 17, body.allSatisfy({ $0.isASCII }) else { return nil }
        let sum = zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return checkCharacters[sum % 11]
    }

    /// Validates an 18-digit number (lowercase x accepted) or a legacy
    /// 15-digit one, which has no check character.
    public static func validate(_ raw: String) -> Problem? {
        let number = raw.uppercased()
        switch number.count {
        case 18:
            let body = String(number.prefix(17))
            guard body.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let last = number.last, last.isASCII, last.isNumber || last == "X" else { return .badCharacter }
            guard birthDate(of: number) != nil else { return .badBirthDate }
            guard let expected = checkCharacter(for: body) else { return .badCharacter }
            return expected == last ? nil : .badCheckDigit(expected: expected)
        case 15:
            guard number.allSatisfy({ $0.isASCII && $0.isNumber }) else { return .badCharacter }
            return birthDate(of: number) == nil ? .badBirthDate : nil
        default:
            return .badLength
        }
    }

    /// The birth date coded in the number (15-digit numbers are 19xx).
    public static func birthDate(of raw: String) -> CivilDate? {
        let chars = Array(raw)
        func number(_ range: Range<Int>) -> Int? { Int(String(chars[range])) }
        switch chars.count {
        case 18:
            guard let y = number(6..<10), let m = number(10..<12), let d = number(12..<14), y >= 1800 else { return nil }
            return CivilDate(year: y, month: m, day: d)
        case 15:
            guard let y = number(6..<8), let m = number(8..<10), let d = number(10..<12) else { return nil }
            return CivilDate(year: 1900 + y, month: m, day: d)
        default:
            return nil
        }
    }

    /// Whole years of age on `date`.
    public static func age(birth: CivilDate, on date: CivilDate) -> Int {
        let hadBirthday = (date.month, date.day) >= (birth.month, birth.day)
        return date.year - birth.year - (hadBirthday ? 0 : 1)
    }
}

/// 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-symbol
/// alphabet (no I, O, Z, S, V), the last a MOD 31 check character.
public enum UnifiedSocialCreditCode {
    public enum Problem: Equatable, Sendable {
        case badLength
        case badCharacter
        case badCheckCharacter(expected: Character)
    }

    static let alphabet: [Character] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    public static func checkCharacter(for body: String) -> Character? {
        guard body.count == 17 else { return nil }
        var sum = 0
        for (char, weight) in zip(body, weights) {
            guard let value = alphabet.firstIndex(of: char) else { return nil }
            sum += value * weight
        }
        let check = (31 - sum % 31) % 31
        return alphabet[check]
    }

    public static func validate(_ raw: String) -> Problem? {
        let code = raw.uppercased()
        guard code.count == 18 else { return .badLength }
        guard code.allSatisfy({ alphabet.contains($0) }) else { return .badCharacter }
        guard let expected = checkCharacter(for: String(code.prefix(17))) else { return .badCharacter }
        return code.last == expected ? nil : .badCheckCharacter(expected: expected)
    }
}
