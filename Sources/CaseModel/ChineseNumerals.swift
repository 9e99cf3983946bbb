extension Yuan {
    /// The amount in Chinese uppercase as financial documents write it:
    /// 人民币伍万元整, 人民币壹拾伍万零叁佰元伍角 …
    public var chineseUppercase: String { "人民币" + Self.uppercase(fen: fen) }

    /// `伍万元整` without the 人民币 prefix.
    public var chineseUppercaseWithoutCurrency: String { Self.uppercase(fen: fen) }

    private static let digits: [Character] = ["零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"]
    private static let smallUnits = ["", "拾", "佰", "仟"]
    private static let bigUnits = ["", "万", "亿", "万亿"]

    private static func uppercase(fen: Int64) -> String {
        let magnitude = fen.magnitude
        let yuan = magnitude / 100, jiao = Int(magnitude / 10 % 10), cent = Int(magnitude % 10)
        var text = fen < 0 ? "负" : ""
        text += yuan == 0 ? (jiao == 0 && cent == 0 ? "零元" : "") : integer(yuan) + "元"
        switch (jiao, cent) {
        case (0, 0): text += "整"
        case (0, _): text += (yuan == 0 ? "" : "零") + String(digits[cent]) + "分"
        // 支付结算办法 附一: 整 after 元, none after 分, and the example ¥1409.50 → 壹仟肆佰零玖元伍角.
        case (_, 0): text += String(digits[jiao]) + "角"
        default: text += String(digits[jiao]) + "角" + String(digits[cent]) + "分"
        }
        return text
    }

    /// Groups of four digits with 万/亿; a zero between non-zero digits is read once (壹万零伍佰).
    private static func integer(_ value: UInt64) -> String {
        var groups: [Int] = []
        var rest = value
        while rest > 0 {
            groups.append(Int(rest % 10000))
            rest /= 10000
        }
        var text = ""
        var pendingZero = false
        for index in stride(from: groups.count - 1, through: 0, by: -1) {
            let group = groups[index]
            if group == 0 {
                pendingZero = !text.isEmpty
                continue
            }
            if !text.isEmpty && (pendingZero || group < 1000) { text += "零" }
            text += groupText(group) + bigUnits[index]
            pendingZero = false
        }
        return text
    }

    private static func groupText(_ group: Int) -> String {
        var text = ""
        var zero = false
        for position in stride(from: 3, through: 0, by: -1) {
            let digit = group / Int(pow10(position)) % 10
            if digit == 0 {
                zero = !text.isEmpty
                continue
            }
            if zero { text += "零" }
            text += String(digits[digit]) + smallUnits[position]
            zero = false
        }
        return text
    }

    private static func pow10(_ exponent: Int) -> Int { [1, 10, 100, 1000][exponent] }
}
