/// The allow-list for identifiers in published free text: every run of five or more
/// digits and every Latin token of four or more characters is removed unless it has
/// one of these shapes. The general shapes (units, amount words, standard prefixes,
/// Latin words) can come from pipeline.yml (`disclosure.public_shapes`); the values
/// of a case (its officers' certificates, its document number, the agency's phone
/// and the organisations' credit codes) are added per case by `CaseRedaction`.
public struct PublicShapes: Codable, Equatable, Sendable {
    /// Words after a number that make it an amount: 50000元, 5.5万元.
    public var amountSuffixes: [String]
    /// Words before a number that make it an amount: 人民币50000, ￥50000.
    public var amountPrefixes: [String]
    /// Units after a number that make it a quantity: 12345平方米, 20000株.
    public var units: [String]
    /// Prefixes of standard numbers: GB 2760-2014, HJ 25.1-2019.
    public var standardPrefixes: [String]
    /// Latin words of four or more letters that are ordinary (WIFI, HDPE), upper case.
    public var latinWords: [String]
    /// Domain endings that are public (the agency's own site): www.yuxi.gov.cn.
    public var publicDomains: [String]
    /// Public phone numbers (the agency's), any spelling: compared digits only.
    public var publicPhones: [String]
    /// Exact identifiers that are public: officers' certificate numbers, 文书编号, the agency's code.
    public var publicIdentifiers: [String]
    /// 统一社会信用代码 of organisations: published when they also pass GB 32100.
    public var organisationCodes: [String]

    enum CodingKeys: String, CodingKey {
        case amountSuffixes = "amount_suffixes", amountPrefixes = "amount_prefixes", units, standardPrefixes = "standard_prefixes",
             latinWords = "latin_words", publicDomains = "public_domains", publicPhones = "public_phones",
             publicIdentifiers = "public_identifiers", organisationCodes = "organisation_codes"
    }

    public init(amountSuffixes: [String] = PublicShapes.defaults.amountSuffixes,
                amountPrefixes: [String] = PublicShapes.defaults.amountPrefixes,
                units: [String] = PublicShapes.defaults.units,
                standardPrefixes: [String] = PublicShapes.defaults.standardPrefixes,
                latinWords: [String] = PublicShapes.defaults.latinWords,
                publicDomains: [String] = PublicShapes.defaults.publicDomains,
                publicPhones: [String] = [], publicIdentifiers: [String] = [], organisationCodes: [String] = []) {
        self.amountSuffixes = amountSuffixes
        self.amountPrefixes = amountPrefixes
        self.units = units
        self.standardPrefixes = standardPrefixes
        self.latinWords = latinWords
        self.publicDomains = publicDomains
        self.publicPhones = publicPhones
        self.publicIdentifiers = publicIdentifiers
        self.organisationCodes = organisationCodes
    }

    /// pipeline.yml may list only the keys it changes; the others keep their defaults.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = PublicShapes.defaults
        amountSuffixes = try container.decodeIfPresent([String].self, forKey: .amountSuffixes) ?? defaults.amountSuffixes
        amountPrefixes = try container.decodeIfPresent([String].self, forKey: .amountPrefixes) ?? defaults.amountPrefixes
        units = try container.decodeIfPresent([String].self, forKey: .units) ?? defaults.units
        standardPrefixes = try container.decodeIfPresent([String].self, forKey: .standardPrefixes) ?? defaults.standardPrefixes
        latinWords = try container.decodeIfPresent([String].self, forKey: .latinWords) ?? defaults.latinWords
        publicDomains = try container.decodeIfPresent([String].self, forKey: .publicDomains) ?? defaults.publicDomains
        publicPhones = try container.decodeIfPresent([String].self, forKey: .publicPhones) ?? []
        publicIdentifiers = try container.decodeIfPresent([String].self, forKey: .publicIdentifiers) ?? []
        organisationCodes = try container.decodeIfPresent([String].self, forKey: .organisationCodes) ?? []
    }

    private init(raw amountSuffixes: [String], _ amountPrefixes: [String], _ units: [String], _ standardPrefixes: [String],
                 _ latinWords: [String], _ publicDomains: [String]) {
        self.amountSuffixes = amountSuffixes
        self.amountPrefixes = amountPrefixes
        self.units = units
        self.standardPrefixes = standardPrefixes
        self.latinWords = latinWords
        self.publicDomains = publicDomains
        publicPhones = []
        publicIdentifiers = []
        organisationCodes = []
    }

    public static let defaults = PublicShapes(
        raw: ["元", "万元", "亿元", "余元", "多元", "万余元", "角", "美元", "港元", "港币", "欧元"],
        ["人民币", "￥", "¥", "RMB", "罚款", "罚金", "金额", "货值", "违法所得"],
        ["平方米", "平方公里", "平方千米", "立方米", "立方", "米", "千米", "公里", "厘米", "毫米", "公顷", "亩", "吨", "公斤", "千克", "克",
         "毫克", "斤", "升", "毫升", "株", "棵", "头", "只", "羽", "尾", "件", "个", "台", "辆", "艘", "套", "箱", "瓶", "袋", "包", "盒",
         "桶", "罐", "支", "条", "张", "份", "册", "本", "块", "根", "片", "粒", "组", "批", "户", "人", "人次", "次", "家", "处", "座",
         "间", "层", "栋", "幢", "千瓦", "千瓦时", "度", "兆瓦", "伏", "安", "赫兹", "分贝", "小时", "天", "日", "个月", "年", "分钟", "秒",
         "%", "％", "‰", "°", "℃", "m²", "㎡", "m³", "kg", "KG", "t", "m", "km", "mg", "ml", "L", "kW", "kWh", "dB"],
        ["GB/T", "GB/Z", "GB", "HJ", "JGJ", "JTG", "CJJ", "TSG", "AQ", "WS", "NY", "QB", "SB", "SN", "YY", "MT", "NB", "DL", "HG", "JB",
         "YB", "GA", "DB", "SL", "JC", "JT", "CECS", "ISO", "IEC"],
        ["WIFI", "HDPE", "LDPE", "HDMI", "CCTV", "IPHONE", "IPAD", "HTTP", "HTTPS", "BOD5", "CODCR", "PM10", "PM2.5", "LED", "APP", "POS",
         "GPS", "USB", "NOTE", "WORD", "EXCEL", "EMAIL"],
        [".gov.cn", ".gov"])

    /// Digits only, as phones are compared.
    static func digits(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.compactMap { scalar in
            Chars.digit(scalar.value).flatMap { Unicode.Scalar(UInt32(0x30 + $0)) }
        }))
    }

    /// Letters and digits only, upper case, as identifiers are compared.
    static func compact(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.compactMap { scalar -> Unicode.Scalar? in
            let value = Chars.fold(scalar.value)
            if let digit = Chars.digit(value) { return Unicode.Scalar(UInt32(0x30 + digit)) }
            if (0x61...0x7A).contains(value) { return Unicode.Scalar(value - 0x20) }
            if (0x41...0x5A).contains(value) { return Unicode.Scalar(value) }
            if value == 0xD7 { return "X" }
            return nil
        }))
    }
}

/// What a 文书编号 says about its issuer.
public enum DocumentNumbers {
    /// The leading Han characters of a number's issuer part, 2 to 4 long: 红林草许〔2024〕2号 gives
    /// 红林, 红林草 and 红林草许. They abbreviate the agency (a place and an office), and the same
    /// abbreviation opens the agency's other numbers in free text (红林草林地审字〔2024〕1号), where
    /// the name finder would otherwise read 红林草 as a person's name.
    public static func issuerAbbreviations(_ docNo: String) -> [String] {
        let issuer = docNo.prefix { !"〔[【(（".contains($0) }
        // Without the bracketed year it is no 文书编号, and its start says nothing.
        guard issuer.count < docNo.count else { return [] }
        let han = Array(issuer.unicodeScalars.prefix { Chars.isHan($0.value) })
        guard han.count >= 2 else { return [] }
        return (2...min(4, han.count)).map { String(String.UnicodeScalarView(han.prefix($0))) }
    }
}
