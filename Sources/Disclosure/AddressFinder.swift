/// Street-level parts of personal addresses in free text.
///
/// What counts: a place name followed by a house number (174号, 3栋2单元501室,
/// 聚福园B座1602, 石桥村六组66号). What goes:
/// - every such address after a residence cue (住, 家住, 住址, 户籍地, 暂住 …);
/// - every address that reaches a room (室, 户, 单元, a room number after 座/栋/楼):
///   a flat is someone's home, whoever lives there;
/// - the party's own address field, cut back to its county.
/// What stays: a numbered place without a residence cue and without a room, such as
/// the site of the violation (泰丰小区一期工程3号楼施工现场) or a shop's premises
/// (北苑路174号经营): the public needs where the violation was. The party's own
/// address is still removed there, by the export-wide index of personal values.
/// The province, city and county before an address stay (SPC 法释〔2016〕19号 第十一条).
enum AddressFinder {
    private static let anchorUnits: [[UInt32]] = ["号院", "号楼", "单元", "号", "栋", "幢", "座", "室", "组", "弄", "排", "户"].map(Chars.scalars)
    private static let chainUnits: [[UInt32]] = ["号院", "号楼", "单元", "号房", "号", "栋", "幢", "座", "室", "层", "楼", "户", "房", "组", "区", "期"].map(Chars.scalars)
    private static let roomUnits: Set<String> = ["室", "户", "单元", "房", "号房"]
    /// Characters that end the name of a street, village or estate before a number.
    private static let placeEnds: ScalarSet = ScalarSet("路街道巷弄里坊村社区园苑庄城厦湾镇乡寨屯院府居宅楼座栋幢期庭轩阁邸场岛墅寓苑元舍组队场站口桥湖山门会".unicodeScalars.map(\.value))
    private static let residenceCues = WordSet(["住", "户籍", "家庭住址", "地址", "寓所", "家中", "住宅", "家属院"])
    private static let hao = Chars.scalars("号")
    private static let buildings: [[UInt32]] = ["座", "栋", "幢"].map(Chars.scalars)
    private static let roomUnitScalars: [[UInt32]] = roomUnits.map(Chars.scalars)
    private static let notAfterHao: ScalarSet = ScalarSet("线令文码机牌".unicodeScalars.map(\.value))
    /// Administrative units that stay: province, city, prefecture, county, district, banner.
    private static let adminEnds: ScalarSet = ScalarSet("省市州盟县区旗".unicodeScalars.map(\.value))
    /// Characters before 区/市 that make a place, not an administrative unit: 小区, 社区, 超市.
    private static let notAdminBeforeDistrict: ScalarSet = ScalarSet("小社园景校厂营港发矿库片辖城街商军营校院".unicodeScalars.map(\.value))
    private static let notAdminBeforeCity: ScalarSet = ScalarSet("超菜集夜门城股".unicodeScalars.map(\.value))
    private static let clauseEnds: ScalarSet = ScalarSet("，。；！？\n,;!?".unicodeScalars.map(\.value))
    /// Characters a place name never runs back across.
    /// (Not 和, 与, 经, 至: they occur in place names, 中和村, 经开区.)
    private static let leftStops: ScalarSet = ScalarSet("住在于的为是称其系位址之往".unicodeScalars.map(\.value))

    @inline(__always)
    static func isAdminEnd(_ text: [UInt32], _ index: Int) -> Bool {
        guard index > 0, adminEnds.contains(text[index]) else { return false }
        let previous = text[index - 1]
        guard Chars.isHan(previous) else { return false }
        if text[index] == 0x533A { return !notAdminBeforeDistrict.contains(previous) } // 区
        if text[index] == 0x5E02 { return !notAdminBeforeCity.contains(previous) }      // 市
        return true
    }

    /// Length of a house number at `index`: 174, B, 3A, 六, 十二; 0 when there is none.
    private static func numberLength(_ text: [UInt32], _ index: Int) -> Int {
        var end = index
        var arabic = false, chinese = false, letters = 0
        while end < text.count, end - index < 6 {
            let s = text[end]
            if Chars.isArabicDigit(s) { arabic = true } else if Chars.isChineseDigit(s) || s == 0x5341 { chinese = true } // 十
            else if Chars.isLatin(s), letters < 2 { letters += 1 } else { break }
            end += 1
        }
        guard end > index else { return 0 }
        if arabic { return end - index }
        // A building letter alone (B座), a Chinese number only for a village group or a house (六组, 十二号).
        let next = unit(text, end, anchorUnits) ?? []
        if !chinese, letters > 0, letterUnits.contains(next) { return end - index }
        if chinese, letters == 0, chineseUnits.contains(next) { return end - index }
        return 0
    }

    private static let letterUnits: [[UInt32]] = ["座", "栋", "幢", "单元"].map(Chars.scalars)
    private static let chineseUnits: [[UInt32]] = ["组", "号", "栋", "幢", "单元"].map(Chars.scalars)

    private static func unit(_ text: [UInt32], _ index: Int, _ units: [[UInt32]]) -> [UInt32]? {
        units.first { Chars.matches(text, at: index, $0) }
    }

    /// Addresses to cut out of free text.
    static func findings(in text: [UInt32]) -> [Finding] {
        var out: [Finding] = []
        var index = 0
        while index < text.count {
            guard index > 0, placeEnds.contains(text[index - 1]) || (Chars.isLatin(text[index]) && index > 0 && Chars.isHan(text[index - 1])) else { index += 1; continue }
            let length = numberLength(text, index)
            guard length > 0, let first = unit(text, index + length, anchorUnits) else { index += 1; continue }
            // 〔2025〕2号, 第3号, 5号线 and 号码 are not addresses.
            if first == hao, index + length + 1 < text.count, notAfterHao.contains(text[index + length + 1]) {
                index += 1
                continue
            }
            // The house number and what follows it: 3栋2单元501室, B座1602.
            var end = index + length + first.count
            var reachesRoom = roomUnitScalars.contains(first)
            while end < text.count {
                let more = numberLength(text, end)
                guard more > 0 else { break }
                if let next = unit(text, end + more, chainUnits) {
                    end += more + next.count
                    if roomUnitScalars.contains(next) { reachesRoom = true }
                } else if more >= 3 || (more >= 2 && first != hao) {
                    end += more
                    reachesRoom = true
                    break
                } else {
                    break
                }
            }
            if buildings.contains(first) {
                // 聚福园B座 alone is a building; with a room number after it, a home.
                reachesRoom = reachesRoom || end > index + length + first.count
            }
            // Back over the place name to the county, a cue or punctuation.
            var start = index
            var silent = false
            while start > 0, index - start < 24, Chars.isHan(text[start - 1]) || Chars.isLatin(text[start - 1]) || Chars.digit(text[start - 1]) != nil {
                if isAdminEnd(text, start - 1) { silent = true; break }
                if leftStops.contains(text[start - 1]) { break }
                start -= 1
            }
            // The cue may stand before the province: look back to the start of the clause.
            var clause = start
            while clause > 0, start - clause < 30, !clauseEnds.contains(text[clause - 1]) { clause -= 1 }
            let afterCue = Chars.containsAny(text, clause..<start, residenceCues)
            if (afterCue || reachesRoom), end > start {
                out.append(Finding(range: start..<end, kind: .address, silent: silent))
            }
            index = end
        }
        return out
    }

    /// The part of an address below the county: 云南省玉溪市红塔区北苑路174号 → 北苑路174号.
    static func belowCounty(_ address: String) -> String {
        let text = Chars.scalars(address)
        var cut = 0
        for index in 0..<text.count {
            if Chars.digit(text[index]) != nil, Chars.isArabicDigit(text[index]) { break }
            if isAdminEnd(text, index) { cut = index + 1 }
        }
        return Chars.string(text[cut...])
    }

    /// What the party's address field publishes: the address down to its county, or nil.
    static func countyPart(_ address: String) -> String? {
        let text = Chars.scalars(address)
        let below = belowCounty(address)
        let kept = Chars.string(text.prefix(text.count - below.unicodeScalars.count))
        return kept.isEmpty ? nil : kept
    }

    /// 北苑路174号3栋 → 北苑路174号.
    static func firstNumberedPart(_ text: String) -> String? {
        let scalars = Chars.scalars(text)
        var index = 0
        while index < scalars.count {
            if Chars.digit(scalars[index]) != nil {
                var end = index
                while end < scalars.count, Chars.digit(scalars[end]) != nil { end += 1 }
                if let unit = unit(scalars, end, anchorUnits) {
                    let part = Chars.string(scalars[0..<(end + unit.count)])
                    return part.count < text.count ? part : nil
                }
                index = end
            }
            index += 1
        }
        return nil
    }
}
