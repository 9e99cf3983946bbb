import CaseModel

extension RedactionBench {
    /// Deterministic cases for the benchmark when no export is at hand: a 个体工商户 or
    /// a company, facts of 500–900 characters with names, ID numbers, phones,
    /// addresses, witnesses, amounts, dates and law citations in the forms case files use.
    public static func syntheticCases(count: Int, seed: UInt64 = 7) -> (cases: [EnforcementCase], officers: [Officer], agencies: [String: Agency]) {
        var state = seed &* 6_364_136_223_846_793_005 &+ 1
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(max(1, bound)))
        }
        func pick<T>(_ items: [T]) -> T { items[next(items.count)] }
        let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范")
        let given = Array("德福建国秀英丽华志强明伟军红梅海燕春兰桂芳玉珍永胜小平文娟雪晓东立新家宝")
        func name() -> String { String(pick(surnames)) + String(pick(given)) + (next(4) == 0 ? "" : String(pick(given))) }
        func digits(_ n: Int) -> String { String((0..<n).map { _ in Character(String(next(10))) }) }
        let agency = Agency(code: "11530400MB0123456R", name: "玉溪市综合行政执法局", docPrefix: "玉综执罚", address: "云南省玉溪市红塔区聂耳路1号",
                            phone: "0877-2058123", reconsiderationBody: "玉溪市人民政府", court: "红塔区人民法院", portalURL: "https://www.yuxi.gov.cn",
                            extra: [:], source: SourceRef(file: "agencies.csv", row: 1))
        let validUntil = CivilDate(year: 2028, month: 12, day: 31) ?? CivilDate(dayNumber: 0)
        let officers = (0..<6).map { index in
            Officer(certNo: "530400216\(70 + index)", name: ["李振华", "赵明", "欧阳文", "钱进", "孙立", "周平"][index], agencyCode: agency.code,
                    field: "综合执法", validUntil: validUntil, status: .active, extra: [:], source: SourceRef(file: "officers.csv", row: index + 1))
        }
        var cases: [EnforcementCase] = []
        for number in 0..<count {
            let person = next(3) != 0
            let partyName = person ? name() : "\(pick(["玉溪", "红塔", "江川", "澄江"]))\(pick(["宏达", "顺发", "恒源", "金穗"]))\(pick(["商贸", "建材", "餐饮"]))有限公司"
            let id = "5304" + digits(2) + "19\(70 + next(30))0\(1 + next(9))1\(next(9))" + digits(3) + String(next(10))
            let witness = name(), operatorName = name(), neighbour = name()
            let phone = "1\(pick(["39", "58", "86", "37"]))" + digits(8)
            let address = "云南省玉溪市红塔区\(pick(["北苑路", "玉兴路", "东风南路", "凤凰路"]))\(1 + next(300))号\(1 + next(9))栋\(1 + next(4))单元\(1 + next(20))0\(1 + next(4))室"
            let facts = "经查，当事人\(partyName)（身份证号码\(id)，联系电话\(phone)）于2025年\(1 + next(12))月\(1 + next(28))日在"
                + "红塔区\(pick(["北苑路", "玉兴路"]))经营期间，未取得《食品经营许可证》从事食品经营活动，现场查获过期食品\(10 + next(200))件，"
                + "货值金额人民币\(1000 + next(90000))元。证人\(witness)证实，当事人自2024年起即在此经营；据\(neighbour)称，其经常夜间进货。"
                + "当事人之妻\(operatorName)（手机\(String(phone.reversed()))）签收了责令改正通知书。当事人住\(address)。"
                + "执法人员\(officers[0].name)（执法证号\(officers[0].certNo)）、\(officers[1].name)（执法证号\(officers[1].certNo)）出示了执法证件，"
                + "制作了现场检查笔录，并对\(witness)进行了询问。以上事实有现场检查笔录、询问笔录、照片\(2 + next(20))张等证据证实。"
                + "当事人的行为违反了《中华人民共和国食品安全法》第三十五条第一款的规定。"
            let party = Party(type: person ? .individualBusiness : .legalPerson, name: partyName, idType: person ? .residentID : .creditCode,
                              idNumber: person ? id : "91530400MA6K1234XL", legalRepresentative: person ? partyName : name(),
                              address: person ? address : "云南省玉溪市红塔区凤凰路\(next(100))号", phone: phone, isMinor: false)
            let item = EnforcementCase(
                id: "BENCH-\(number)", agencyCode: agency.code, actionType: .penalty, procedure: .ordinary, docNo: "玉综执罚〔2025〕\(number + 1)号",
                title: "\(partyName)未取得食品经营许可从事食品经营案", party: party, facts: facts,
                evidence: ["现场检查笔录", "对\(witness)的询问笔录", "照片\(2 + next(20))张", "\(partyName)的身份证复印件"],
                violatedProvisions: "《中华人民共和国食品安全法》第三十五条第一款", penaltyProvisions: "《中华人民共和国食品安全法》第一百二十二条第一款",
                discretion: "当事人系初次违法，积极配合调查，依法从轻处罚。", decision: "没收违法所得并处罚款人民币\(5000 + next(50000))元。",
                penaltyKinds: [.fine], fine: Yuan(yuan: Int64(5000 + next(50000))), confiscation: nil,
                decisionDate: CivilDate(year: 2025, month: 1 + next(12), day: 1 + next(28)) ?? validUntil, servedDate: nil,
                officerCerts: [officers[0].certNo, officers[1].certNo], major: false, hearing: false, reviewID: nil, disclosure: .proactive,
                nondisclosureReason: nil, tradeSecretSpans: [], status: .inForce, statusDate: nil, statusReason: "", updatedAt: nil, extra: [:],
                source: SourceRef(file: "cases.csv", row: number + 1))
            cases.append(item)
        }
        return (cases, officers, [agency.code: agency])
    }
}
