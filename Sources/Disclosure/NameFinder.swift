/// People's names anywhere in free text, not only after cue words.
///
/// Every run of Chinese characters is segmented with a unigram word model (the
/// jieba dictionary's frequencies, as jieba does it), in which a possible name — a
/// surname (compound first) and one or two given-name characters — competes with the
/// ordinary words over the same characters. Its score is the surname's frequency tier
/// times the given-name characters' frequencies (ngender's name statistics), raised
/// by the context that surrounds names in case files (证人X, 经办人X, X称, X、Y二人,
/// 对X的询问笔录). So 安全帽, 林业主管部门, 用水高峰期 stay words, and 张德福, 王建国
/// and 李秀英 are names. Besides: names the export knows (the gazetteer) wherever
/// they occur; minority names with a middle dot (阿依古丽·买买提); Latin-script
/// names (John SMITH); half-masked names (崔某瑶 → 崔某).
struct NameFinder {
    let lexicon: Lexicon
    /// Names that stay (officers, legal representatives of organisations).
    let kept: Set<String>

    /// Tunables of the name score (natural logs); the test corpus is what they were set on.
    static let base: Float = -2.0
    static let oneGivenPrior: Float = -2.3
    static let twoGivenPrior: Float = -0.25
    static let strongContext: Float = 2.5
    static let weakContext: Float = 1.0
    static let compoundContext: Float = 3.0
    static let noContext: Float = -2.5
    /// Before an organisation word a surname-like start is a brand (何氏实业, 李宁体育).
    static let organisationPenalty: Float = -6

    struct Found {
        var range: Range<Int>
        var name: String
        /// Surname to keep (张, 欧阳; the first letter of a Latin name, the first character of a minority name).
        var surname: String
        var kind: Kind
        /// Found by the word model with no role word before it and no verb after it: the 法制科 should look.
        var uncertain = false
        enum Kind { case chinese, minority, latin, halfMasked }
    }

    func names(in text: [UInt32], excluding protected: [Range<Int>] = []) -> [Found] {
        var out: [Found] = []
        var index = 0
        while index < text.count {
            guard Chars.isHan(text[index]) else { index += 1; continue }
            var end = index
            while end < text.count, Chars.isHan(text[end]) { end += 1 }
            // A middle dot between two Han runs joins a minority name.
            if end < text.count, Self.middleDots.contains(text[end]), end + 1 < text.count, Chars.isHan(text[end + 1]) {
                var after = end + 1
                while after < text.count, Chars.isHan(text[after]), after - end <= 6 { after += 1 }
                if let minority = minorityName(text, index, end, after, protected) {
                    out += segment(text, index..<minority.range.lowerBound, protected)
                    out.append(minority)
                    index = minority.range.upperBound
                    continue
                }
            }
            out += segment(text, index..<end, protected)
            index = end
        }
        out += latinNames(in: text, protected)
        return out.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }

    private static let minorityStops: ScalarSet = ScalarSet("的了是在和与及等称说对被把将向从为于系即叫名".unicodeScalars.map(\.value))
    static let middleDots: ScalarSet = ScalarSet("·•・‧∙".unicodeScalars.map(\.value))

    // MARK: - Segmentation

    /// The best segmentation's score at each position of a run, and the step that reached it
    /// (one array per run: scores and steps apart were two allocations per run).
    private struct Lattice {
        struct Step {
            var score: Float = -.infinity
            var start = 0
            var name = false
            var surname = 0
        }

        var steps: [Step]

        init(count: Int) {
            steps = Array(repeating: Step(), count: count + 1)
            steps[0].score = 0
        }

        @inline(__always)
        mutating func offer(_ end: Int, from start: Int, adding score: Float, name: Bool = false, surname: Int = 0) {
            let total = steps[start].score + score
            if total > steps[end].score { steps[end] = Step(score: total, start: start, name: name, surname: surname) }
        }
    }

    private func segment(_ text: [UInt32], _ run: Range<Int>, _ protected: [Range<Int>]) -> [Found] {
        let n = run.count
        guard n >= 2 else { return [] }
        var lattice = Lattice(count: n)
        for i in 0..<n where lattice.steps[i].score > -.infinity {
            let at = run.lowerBound + i
            // Ordinary words of 1 to 4 characters.
            var single = false
            lexicon.words(in: text, from: at, limit: run.upperBound) { length, p in
                if length == 1 { single = true }
                lattice.offer(i + length, from: i, adding: p)
            }
            if !single { lattice.offer(i + 1, from: i, adding: lexicon.unknownCharacter) }
            // Names starting here, the compound surname first.
            let surnames = Surnames.candidates(text, at, limit: run.upperBound)
            if let compound = surnames.compound { offerNames(&lattice, text, i, run, surnameLength: 2, surnameScore: compound, protected) }
            if let single = surnames.single { offerNames(&lattice, text, i, run, surnameLength: 1, surnameScore: single, protected) }
        }
        let back = lattice.steps
        var out: [Found] = []
        var j = n
        while j > 0 {
            let step = back[j]
            if step.name {
                let range = (run.lowerBound + step.start)..<(run.lowerBound + j)
                let name = Chars.string(text[range])
                if !kept.contains(name) {
                    let uncertain = !Self.strongBefore.ends(text, before: range.lowerBound) && !Self.strongAfter.starts(text, at: range.upperBound)
                    out.append(Found(range: range, name: name, surname: Chars.string(text[range.lowerBound..<(range.lowerBound + step.surname)]), kind: .chinese,
                                     uncertain: uncertain))
                }
            }
            j = step.start
        }
        return out
    }

    /// A surname at run position `i` with one or two given-name characters after it.
    private func offerNames(_ lattice: inout Lattice, _ text: [UInt32], _ i: Int, _ run: Range<Int>, surnameLength: Int, surnameScore: Float,
                            _ protected: [Range<Int>]) {
        let at = run.lowerBound + i
        for given in 1...2 {
            let end = at + surnameLength + given
            guard end <= run.upperBound, let score = nameScore(text, at, surnameLength, given, surnameScore, run) else { continue }
            if protected.contains(where: { $0.overlaps(at..<end) }) { continue }
            lattice.offer(i + surnameLength + given, from: i, adding: score, name: true, surname: surnameLength)
        }
    }

    /// Characters that are never part of a given name here: particles, verbs that follow names, 某.
    static let notGiven: ScalarSet = ScalarSet(("的了是在和与及等称说对被把将向从为于已也都就均所以并因曾现又即且则经未无不有来去给让叫作做到某之其该此这那个们"
        + "证签拒提出确认陈述告指驾销购买卖报打负擅驶乘骑搬挖砍伐抽倒拆向系等"
        // Uppercase numerals of amounts (贰万捌仟): 万 is a surname, 捌仟 no given name.
        + "零壹贰叁肆伍陆柒捌玖拾佰仟亿整").unicodeScalars.map(\.value))
    /// A given name has no place word in it: 武潭镇, 石牛江镇, 石桥村 and 宁海路 are places.
    static let adminBefore: ScalarSet = ScalarSet("省市州县区旗镇乡".unicodeScalars.map(\.value))
    static let amountNumerals: ScalarSet = ScalarSet("零壹贰叁肆伍陆柒捌玖拾佰仟".unicodeScalars.map(\.value))
    static let amountUnits: ScalarSet = ScalarSet("万亿元角分整".unicodeScalars.map(\.value))
    private static let units = WordSet(PublicShapes.defaults.units.filter { $0.unicodeScalars.allSatisfy { Chars.isHan($0.value) } && $0 != "人" && $0 != "年" && $0 != "日" })
    static let placeEnds: ScalarSet = ScalarSet("镇乡村县区市省州路街巷寨屯庄苑".unicodeScalars.map(\.value))

    private static let strongAfter = WordSet(["称", "说", "证实", "证明", "反映", "陈述", "供述", "承认", "表示", "介绍", "交代", "签字", "签名",
        "签收", "捺印", "二人", "两人", "三人", "等人", "夫妇", "的询问", "的调查", "的陈述", "的证言", "的笔录", "询问笔录", "调查笔录", "在场", "到场",
        "之子", "之女", "之妻", "之夫", "（", "(", "、", "系", "未", "经营", "驾驶", "均", "都", "也", "亦", "分别", "各自", "共同", "本人", "当场", "拒绝", "要求", "提出", "提供", "负责", "出具", "出示", "提交",
        "签署", "办理", "代为", "代理", "持有", "名下", "所有", "承包", "租用"])
    private static let weakAfter = WordSet(["的", "在", "于", "与", "和", "及", "将", "把", "向", "对", "被", "曾", "已", "为", "是", "从", "等", "，", "。", "；", "："])
    /// Words before a name: roles and relations (…人, …员, 股东, 妻子), and 据, 对, 经, 由.
    private static let strongBefore = WordSet(["人", "员", "者", "股东", "房东", "员工", "职工", "民工", "亲属", "家属", "住户", "租户", "农户", "商户",
        "村民", "居民", "农民", "市民", "牧民", "渔民", "业主", "店主", "户主", "车主", "雇主", "村长", "组长", "队长", "店长", "厂长", "董事长",
        "妻", "夫", "之子", "其子", "儿子", "之女", "其女", "女儿", "孙子", "孙女", "父", "母", "哥", "姐", "弟", "妹", "经理", "主任", "主管", "老板娘", "医生", "学生", "先生", "女士", "老师", "律师", "护士", "保安", "同事", "同学", "邻居", "司机", "亲戚", "朋友", "嫂", "叔", "姨", "舅", "老板", "包工头", "会计", "出纳", "厨师", "师傅", "书记", "村长", "组长", "姓名", "名叫", "名为", "叫", "据", "对", "经查", "经查明", "由", "甥女", "侄女", "外甥", "侄子", "外孙", "孙女", "女婿", "儿媳", "、", "：", ":", "同", "与", "和", "及", "雇请", "雇佣", "委托", "会同",
        "）", ")"])
    /// Time words that open a clause whose subject follows (此后魏长生在…, 次日付海洋再次…). In case
    /// files that subject is mostly a person; ordinary subjects there (高温天气, 江水) are strong words
    /// that outscore a name anyway (the keep-set of the corpus has them).
    private static let timeBefore = WordSet(["此后", "随后", "之后", "其后", "后来", "然后", "事后", "当日", "次日", "当晚", "当天", "同日",
        "翌日", "上午", "下午", "晚上", "凌晨", "中午", "傍晚", "期间", "时许", "许"])
    /// 出租人：X, 证人:X, 被处罚人 X — a form's label before the value.
    private static let labelBefore = WordSet(["人：", "人:", "员：", "员:", "者：", "者:", "姓名：", "姓名:", "人 ", "人　"])
    private static let organisationAfter = WordSet(["有限", "公司", "集团", "实业", "商贸", "贸易", "科技", "股份", "合作社", "工作室", "事务所",
        "商行", "酒店", "宾馆", "餐厅", "饭店", "超市", "药店", "诊所", "医院", "学校", "幼儿园", "厂", "场", "店", "馆", "中心", "牌", "氏",
        // …and before a place word it is a place (泰丰小区, 金沙江大道).
        "小区", "花园", "大厦", "广场", "公寓", "家园", "新村", "村", "镇", "乡", "路", "街", "大道", "工程", "项目", "公园", "水库", "河", "湖",
        "山", "县", "区", "市", "省", "州"])

    private func nameScore(_ text: [UInt32], _ at: Int, _ surnameLength: Int, _ given: Int, _ surnameScore: Float, _ run: Range<Int>) -> Float? {
        var score = Self.base + surnameScore + (given == 1 ? Self.oneGivenPrior : Self.twoGivenPrior)
        for offset in 0..<given {
            let c = text[at + surnameLength + offset]
            guard !Self.notGiven.contains(c), let p = lexicon.givenNames[c] else { return nil }
            score += p
        }
        let end = at + surnameLength + given
        for offset in (at + surnameLength)..<end where Self.placeEnds.contains(text[offset]) { return nil }
        var cueAfter = true
        if Self.strongAfter.starts(text, at: end) {
            score += Self.strongContext
        } else if Self.weakAfter.starts(text, at: end) || (end < text.count && !Chars.isHan(text[end])) {
            score += Self.weakContext
        } else {
            cueAfter = false
        }
        // A compound surname that is no ordinary word (欧阳, 司马, 上官), closed by a cue, is a name
        // even when its given name is a word (上官秘密在场); 上官方网站 has no cue after it.
        if surnameLength == 2, surnameScore > -5, cueAfter { score += Self.compoundContext }
        var cueBefore = true
        if Self.labelBefore.ends(text, before: at) {
            score += Self.strongContext + Self.compoundContext
        } else if Self.strongBefore.ends(text, before: at) {
            score += Self.strongContext
        } else if Self.timeBefore.ends(text, before: at) {
            score += Self.strongContext
        } else if at > 0, !Chars.isHan(text[at - 1]) {
            score += Self.weakContext
        } else {
            cueBefore = false
        }
        // Nothing around it that names stand next to: 危化品仓库 is no person.
        if !cueBefore, !cueAfter { score += Self.noContext }
        // Right after a county or town, or with a place word one character on, it is a place
        // (赫山区欧江岔镇, 通海县杨广镇).
        if !cueBefore, at > 0, Self.adminBefore.contains(text[at - 1]) { score += Self.noContext }
        if !cueAfter, end + 1 < text.count, Self.placeEnds.contains(text[end + 1]) { score += Self.noContext }
        // 马尾松22株, 华山松23株: something counted in units is a thing, not a person.
        if end < text.count, Chars.isArabicDigit(text[end]) {
            var probe = end
            while probe < text.count, Chars.isArabicDigit(text[probe]) || text[probe] == 0x2E { probe += 1 }
            if Self.units.starts(text, at: probe) { return nil }
        }
        // 陆万壹仟, 伍万元: an amount in uppercase numerals, not 陆 and 伍 as surnames.
        if Self.amountNumerals.contains(text[at]), at + 1 < text.count, Self.amountNumerals.contains(text[at + 1]) || Self.amountUnits.contains(text[at + 1]) {
            return nil
        }
        if Self.organisationAfter.starts(text, at: end) { score += Self.organisationPenalty }
        return score
    }

    // MARK: - Minority and Latin names

    private func minorityName(_ text: [UInt32], _ runStart: Int, _ dot: Int, _ after: Int, _ protected: [Range<Int>]) -> Found? {
        // The part before the dot: up to six characters back, not across a particle or a role word
        // (员工阿依古丽·买买提). Transliterated names use characters Chinese given names rarely do
        // (提, 尔, 买), so the given-name model has no say here.
        var start = dot
        while start > runStart, dot - start < 6, !Self.minorityStops.contains(text[start - 1]), !Self.strongBefore.ends(text, before: start) {
            start -= 1
        }
        var end = after
        while end > dot + 2, Self.minorityStops.contains(text[end - 1]) || Self.strongAfter.ends(text, before: end) { end -= 1 }
        guard dot - start >= 1, end - dot >= 2, !protected.contains(where: { $0.overlaps(start..<end) }) else { return nil }
        let name = Chars.string(text[start..<end])
        guard !kept.contains(name) else { return nil }
        return Found(range: start..<end, name: name, surname: Chars.string(text[start..<(start + 1)]), kind: .minority)
    }

    /// Two to four capitalised Latin words (John Smith, ZHANG Wei, Nguyen Van An).
    private func latinNames(in text: [UInt32], _ protected: [Range<Int>]) -> [Found] {
        var out: [Found] = []
        var index = 0
        func isUpper(_ s: UInt32) -> Bool { (0x41...0x5A).contains(Chars.fold(s)) }
        func isLower(_ s: UInt32) -> Bool { (0x61...0x7A).contains(Chars.fold(s)) }
        while index < text.count {
            guard isUpper(text[index]), index == 0 || !Chars.isLatin(text[index - 1]) && !Chars.isArabicDigit(text[index - 1]) else { index += 1; continue }
            var words: [Range<Int>] = []
            var cursor = index
            while cursor < text.count, isUpper(text[cursor]) {
                var end = cursor + 1
                while end < text.count, isLower(text[end]) || isUpper(text[end]) || text[end] == 0x27 { end += 1 }
                guard end - cursor >= 2, end == text.count || !Chars.isArabicDigit(text[end]) else { break }
                words.append(cursor..<end)
                guard end + 1 < text.count, text[end] == 0x20 || text[end] == 0x2D || text[end] == 0x3000 || text[end] == 0xB7, isUpper(text[end + 1]) else { break }
                cursor = end + 1
                if words.count == 4 { break }
            }
            if words.count >= 2, let first = words.first, let last = words.last {
                let range = first.lowerBound..<last.upperBound
                let name = Chars.string(text[range])
                let upper = name.uppercased()
                let organisation = ["LTD", "INC", "CO", "CORP", "COMPANY", "GROUP", "LIMITED", "LLC", "GMBH", "BANK", "HOTEL"].contains { upper.hasSuffix($0) }
                if !organisation, !kept.contains(name), !protected.contains(where: { $0.overlaps(range) }) {
                    out.append(Found(range: range, name: name, surname: Chars.string(text[range.lowerBound..<(range.lowerBound + 1)]), kind: .latin))
                }
                index = range.upperBound
                continue
            }
            index += 1
        }
        return out
    }

    /// 崔某瑶 and 欧阳某芳: someone half-masked a name; what is left of the given name still identifies.
    func halfMasked(in text: [UInt32]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        let mou: UInt32 = 0x67D0 // 某
        for index in 1..<max(1, text.count - 1) where text[index] == mou {
            let next = text[index + 1]
            guard Chars.isHan(next), next != mou, !"甲乙丙丁戊己庚辛壬癸".unicodeScalars.contains(where: { $0.value == next }),
                  !Self.notGiven.contains(next), lexicon.givenNames[next] != nil else { continue }
            let surnameStart = Surnames.compoundEnding(text, before: index) ? index - 2 : index - 1
            guard surnameStart >= 0, Surnames.tier(of: text[surnameStart]) != nil || surnameStart == index - 2 else { continue }
            // 王某家中: 家中 is a word, 家 no given name.
            if index + 3 <= text.count, lexicon.word(text[(index + 1)..<(index + 3)]) != nil { continue }
            out.append((index + 1)..<(index + 2))
        }
        return out
    }
}
