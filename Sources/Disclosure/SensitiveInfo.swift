/// 敏感个人信息 (个人信息保护法 第二十八条) in free text: health, criminal records,
/// religion, biometrics, financial accounts, whereabouts, minors. Such a statement is
/// removed as a whole clause (up to the next ，。；), since what it says about the person
/// is the secret, not one word of it. Law titles in 《》 are not read, so a citation
/// of 《传染病防治法》 or 《宗教事务条例》 stays.
///
/// A minor described by age loses the age (其子（15岁）林森 → 其子林某), not the clause:
/// the clause often carries the violation itself (向15岁的学生销售香烟).
enum SensitiveInfo {
    /// Words that say something about a person, not about a business: 存款 alone would take
    /// 非法吸收公众存款 and 基因 would take 转基因种子, so the lists name personal forms.
    static let families: [(RedactedKind, [String])] = [
        (.sensitive, [ // health
            "患有", "身患", "患病", "病史", "确诊", "诊断为", "住院治疗", "残疾", "精神病", "精神疾病", "精神障碍", "精神分裂", "抑郁症",
            "焦虑症", "智力障碍", "艾滋病病毒", "艾滋病患者", "HIV", "乙肝病毒", "癫痫", "怀孕", "孕期", "流产", "不孕", "病情", "体检结果",
            "瘫痪", "失明", "聋哑", "残疾人证", "身体状况", "健康状况",
        ]),
        (.sensitive, [ // criminal records
            "前科", "犯罪记录", "刑满释放", "有期徒刑", "无期徒刑", "拘役", "服刑", "刑事拘留", "被判处", "缓刑", "假释", "劳动教养", "劳教",
            "吸毒", "戒毒", "因犯", "犯有", "在逃", "通缉", "取保候审", "监视居住", "刑事处罚",
        ]),
        (.sensitive, [ // religion
            "宗教信仰", "信仰", "信奉", "信教", "基督徒", "基督教徒", "天主教徒", "佛教徒", "伊斯兰教徒", "穆斯林", "道教徒", "受洗", "皈依",
        ]),
        (.sensitive, [ // biometrics
            "指纹", "人脸信息", "人脸识别", "人脸图像", "面部特征", "面部识别", "虹膜", "声纹", "掌纹", "DNA", "基因信息", "基因检测", "步态",
        ]),
        (.sensitive, [ // financial accounts
            // Account numbers themselves go by the identifier allow-list; the clause goes only when it
            // tells about the person's money (存款, 流水, 征信), not when it says where a payment went.
            "个人存款", "账户余额", "银行流水", "账户流水", "征信", "信用卡欠款", "信用卡逾期", "名下财产", "名下房产",
            "名下车辆", "名下存款", "工资收入", "月收入", "年收入", "个人负债", "个人贷款",
        ]),
        (.sensitive, [ // whereabouts
            "行踪", "行程轨迹", "行动轨迹", "活动轨迹", "出行记录", "开房记录", "住宿记录", "入住记录", "定位信息", "乘车记录", "航班信息",
            "出入境记录",
        ]),
        (.minor, ["未成年子女", "未满十四周岁", "未满十八周岁", "未满14周岁", "未满18周岁", "在校学生", "小学生", "初中生", "高中生"]),
    ]

    private static let clauseEnds: ScalarSet = ScalarSet("，。；！？\n,;!?".unicodeScalars.map(\.value))

    static func findings(in text: [UInt32]) -> [Finding] {
        var out: [Finding] = []
        var start = 0
        var index = 0
        while index <= text.count {
            if index == text.count || clauseEnds.contains(text[index]) {
                if index > start, let kind = sensitiveKind(text[start..<index]) {
                    out.append(Finding(range: start..<index, kind: kind))
                }
                start = index + 1
            }
            index += 1
        }
        out += minorAges(in: text)
        return out
    }

    private static let allWords = WordSet(families.flatMap(\.1))
    private static let kindOf: [[UInt32]: RedactedKind] = {
        var out: [[UInt32]: RedactedKind] = [:]
        for (kind, words) in families { for word in words { out[Chars.scalars(word)] = kind } }
        return out
    }()

    /// The clause's family, reading it without its 《law titles》.
    private static func sensitiveKind(_ clause: ArraySlice<UInt32>) -> RedactedKind? {
        // A statement about the business (销售的药品用于治疗高血压) names no person's condition,
        // but telling them apart needs more than words: the clause goes either way.
        var depth = 0
        for index in clause.indices {
            let s = clause[index]
            if s == 0x300A { depth += 1; continue }                     // 《
            if s == 0x300B { depth = max(0, depth - 1); continue }      // 》
            guard depth == 0, allWords.first.contains(s), let words = allWords.byFirst[s] else { continue }
            for word in words where index + word.count <= clause.endIndex {
                var equal = true
                for offset in 0..<word.count where clause[index + offset] != word[offset] { equal = false; break }
                if equal { return kindOf[word] }
            }
        }
        return nil
    }

    /// （15岁）, 15岁的, 年仅十五岁, 15周岁: ages under 18, with their brackets.
    static func minorAges(in text: [UInt32]) -> [Finding] {
        var out: [Finding] = []
        let sui: UInt32 = 0x5C81  // 岁
        for index in 0..<text.count where text[index] == sui {
            var numberEnd = index
            if numberEnd > 0, text[numberEnd - 1] == 0x5468 { numberEnd -= 1 } // 周
            var start = numberEnd
            var value = 0, digits = 0
            var chinese: [UInt32] = []
            while start > 0, let d = Chars.digit(text[start - 1]) ?? (text[start - 1] == 0x5341 ? 10 : nil), digits < 3 {
                if Chars.isArabicDigit(text[start - 1]) { value += d * Int(pow10(digits)) } else { chinese.insert(text[start - 1], at: 0) }
                digits += 1
                start -= 1
            }
            guard digits > 0 else { continue }
            if !chinese.isEmpty { value = chineseNumber(chinese) }
            guard value < 18 else { continue }
            var lower = start, upper = index + 1
            if lower > 0, text[lower - 1] == 0xFF08 || text[lower - 1] == 0x28, upper < text.count, text[upper] == 0xFF09 || text[upper] == 0x29 {
                lower -= 1
                upper += 1
            } else if upper < text.count, text[upper] == 0x7684 { // 的
                upper += 1
            }
            for cue in ageCues where Chars.endsWith(text, before: lower, cue) {
                lower -= cue.count
                break
            }
            out.append(Finding(range: lower..<upper, kind: .minor, silent: true))
        }
        return out
    }

    private static let ageCues: [[UInt32]] = ["年仅", "年龄", "仅", "年满", "现年", "未满"].map(Chars.scalars)

    private static func pow10(_ n: Int) -> Int { n == 0 ? 1 : n == 1 ? 10 : 100 }

    /// 十五 → 15, 七 → 7, 十 → 10, 二十 → 20.
    private static func chineseNumber(_ scalars: [UInt32]) -> Int {
        var total = 0, current = 0
        for s in scalars {
            if s == 0x5341 { total += (current == 0 ? 1 : current) * 10; current = 0 } else if let d = Chars.digit(s) { current = d }
        }
        return total + current
    }
}
