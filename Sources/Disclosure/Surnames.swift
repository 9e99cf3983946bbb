/// Chinese surnames for finding people's names in free text: the 百家姓 single
/// surnames and the common surnames of today, with the compound ones (复姓), each with
/// a rough share of the population: the first hundred of the national rankings carry
/// most people, the next two hundred fewer, the rest of the 百家姓 few.
enum Surnames {
    static let compound: [String] = [
        "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "轩辕",
        "令狐", "钟离", "闾丘", "端木", "南宫", "西门", "独孤", "百里", "呼延", "澹台", "公冶", "宗政", "濮阳", "淳于",
        "单于", "太叔", "申屠", "公羊", "赫连", "羊舌", "微生", "梁丘", "左丘", "东郭", "第五", "万俟", "拓跋", "完颜",
        "司空", "亓官", "司寇", "仉督", "子车", "颛孙", "巫马", "公西", "漆雕", "乐正", "壤驷", "公良", "谷梁", "宰父",
        "段干", "东门", "公伯", "南门", "叱干", "纳兰", "爱新", "觉罗", "达奚", "乌孙",
    ]

    static let single: Set<Character> = Set(
        "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎鲁韦昌马苗凤花方"
        + "俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常乐于时傅皮卞齐康伍余元卜顾孟平黄和穆萧尹姚邵湛汪祁毛禹狄米贝明臧"
        + "计伏成戴谈宋茅庞熊纪舒屈项祝董梁杜阮蓝闵席季麻强贾路娄危江童颜郭梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍虞万支柯昝管卢莫"
        + "经房裘缪干解应宗丁宣贲邓郁单杭洪包诸左石崔吉钮龚程嵇邢滑裴陆荣翁荀羊於惠甄曲家封芮羿储靳汲邴糜松井段富巫乌焦巴弓"
        + "牧隗山谷车侯宓蓬全郗班仰秋仲伊宫宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟薄印宿白怀蒲邰从鄂索咸籍赖卓蔺屠蒙"
        + "池乔阴郁胥能苍双闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍却璩桑桂濮牛寿通边扈燕冀郏浦尚农温别庄晏柴瞿阎充慕连茹习宦艾鱼容"
        + "向古易慎戈廖庾终暨居衡步都耿满弘匡国文寇广禄阙东欧殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶空曾毋沙乜养鞠须丰"
        + "巢关蒯相查后荆红游竺权逯盖益桓公仉督岳帅缑亢况郈有琴归海晋楚闫法汝鄢涂钦商牟佘佴伯赏墨哈谯笪年爱阳佟言福覃付岩杞普"
        + "代肖")

    /// The hundred commonest surnames (national rankings), then the next two hundred.
    static let common: [Character] = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
    static let frequent: [Character] = Array("常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝")
    /// Characters that are surnames but far more often words of their own (于是, 和, 经查, 时): they need more evidence.
    static let ambiguous: Set<Character> = Set("于和经时都能通有法公国应相后东双那成安全向从文明平车强门山水云白金花方高")

    private static let tiers: ScalarTable = {
        var out: [UInt32: Float] = [:]
        for character in single { if let s = character.unicodeScalars.first { out[s.value] = -10.5 } }
        for character in frequent { if let s = character.unicodeScalars.first { out[s.value] = -6.5 } }
        for character in common { if let s = character.unicodeScalars.first { out[s.value] = -4.2 } }
        for character in ambiguous { if let s = character.unicodeScalars.first, let v = out[s.value] { out[s.value] = v - 2.5 } }
        // 于 opens most clauses of case text as a preposition (执法人员于2025年…, 于泰丰小区…).
        out[0x4E8E] = (out[0x4E8E] ?? -9) - 1.5
        return ScalarTable(out)
    }()

    private static let ambiguousCompound: Set<ArraySlice<UInt32>> = Set(["东方", "第五", "百里", "东门", "南门", "西门", "长孙", "司空", "乐正", "公西",
        "公良", "段干", "太叔", "单于", "左丘", "东郭", "爱新", "觉罗", "公伯", "谷梁"].map { $0.unicodeScalars.map(\.value)[...] })
    private static let compoundScalars: [[UInt32]] = compound.map { $0.unicodeScalars.map(\.value) }

    /// Log share of a single surname, nil when the character is no surname.
    static func tier(of scalar: UInt32) -> Float? { tiers[scalar] }

    /// Surnames starting at `index`: the compound one (length 2) and the single one, with their log shares.
    @inline(__always)
    static func candidates(_ text: [UInt32], _ index: Int, limit: Int) -> (compound: Float?, single: Float?) {
        var compound: Float?
        if index + 2 <= limit, compoundFirsts.contains(text[index]) {
            for candidate in compoundScalars where text[index] == candidate[0] && text[index + 1] == candidate[1] {
                // Two characters that make a compound surname are a surname almost whenever they
                // stand together, except those that are also ordinary words (东方, 第五, 西门).
                compound = ambiguousCompound.contains(candidate[...]) ? -8.0 : -3.0
                break
            }
        }
        return (compound, tiers[text[index]])
    }

    private static let compoundFirsts: ScalarSet = ScalarSet(compoundScalars.map { $0[0] })

    static func compoundEnding(_ text: [UInt32], before index: Int) -> Bool {
        compoundScalars.contains { Chars.endsWith(text, before: index, $0) }
    }
}
