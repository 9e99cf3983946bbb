import CaseModel
@testable import Disclosure
import XCTest

final class RedactionTests: XCTestCase {
    private func redactor(_ texts: [String] = [], people: [String] = [], kept: Set<String> = [], keepPhones: [String] = [],
                          codes: [String] = [], secrets: [String] = []) -> TextRedactor {
        TextRedactor(texts: texts, people: people, kept: kept, keep: KeepList(phones: keepPhones, codes: codes), tradeSecrets: secrets)
    }

    func testAllPatternsCompile() {
        XCTAssertTrue(PIIScanner.patterns.allSatisfy { $0 != nil })
    }

    /// Every form an identifier takes in real documents is removed, not masked.
    func testIdentifiersInEveryFormAreRemoved() {
        let planted: [(String, String)] = [
            ("身份证号码530402199702042895。", "530402199702042895"),
            ("身份证号53040219970204289x，", "53040219970204289x"),
            ("身份证 530402 19970204 2895 在案", "530402 19970204 2895"),
            ("身份证530402-19970204-2895在案", "530402-19970204-2895"),
            ("身份证号码５３０４０２１９９７０２０４２８９５。", "５３０４０２１９９７０２０４２８９５"),
            ("旧身份证号530402970204289，", "530402970204289"),
            ("联系电话13812345678。", "13812345678"),
            ("手机+86 138 1234 5678。", "+86 138 1234 5678"),
            ("手机138-1234-5678。", "138-1234-5678"),
            ("电话（0877）2058123。", "（0877）2058123"),
            ("电话0877-2058123转8。", "0877-2058123转8"),
            ("电话08772058124。", "08772058124"),
            ("手机１３９１２３４５６７８，", "１３９１２３４５６７８"),
            ("卡号6222 0202 0000 0000 006，", "6222 0202 0000 0000 006"),
            ("银行账号5301 0000 0000 1234 567。", "5301 0000 0000 1234 567"),
            ("对公账户2504 0190 0910 0123 456。", "2504 0190 0910 0123 456"),
            ("邮箱zhang.san@example.com。", "zhang.san@example.com"),
            ("车牌号云A·12345的货车", "云A·12345"),
            ("驾驶新能源车辆粤B D12345，", "粤B D12345"),
            ("护照号码E12345678。", "E12345678"),
            ("港澳通行证C12345678。", "C12345678"),
            ("QQ号123456789。", "123456789"),
            ("证件号5304 0219 9702 0428 95已核实", "5304 0219 9702 0428 95"),
            ("手机(+86)13812345678。", "13812345678"),
            ("联系电话：63123456。", "63123456"),
            ("电话 (0871) 6312 3456。", "6312 3456"),
            ("港澳通行证号码 C 1234 5678。", "C 1234 5678"),
            ("联系电话138****5678。", "138****5678"),
            ("身份证530402********2895。", "530402********2895"),
            ("微信号 zhangsan_2024，", "zhangsan_2024"),
        ]
        for (text, secret) in planted {
            let result = redactor().redact(text)
            XCTAssertFalse(result.contains(secret), "\(text) → \(result)")
            let digits = secret.filter { $0.isNumber && $0.isASCII }
            if digits.count >= 6 { XCTAssertFalse(result.filter { $0.isNumber && $0.isASCII }.contains(digits), "\(text) → \(result)") }
        }
    }

    func testWhatMustStayStays() {
        let text = "依据《中华人民共和国水法》第四十八条第一款，玉水罚〔2025〕17号，罚款人民币50000元，2025年3月14日，"
            + "本局电话0877-2058123，执法证号53040021671，统一社会信用代码91530400MA6K1234X5，云南省玉溪市红塔区。"
        let result = redactor(keepPhones: ["0877-2058123"], codes: ["53040021671", "91530400MA6K1234X5"]).redact(text)
        XCTAssertEqual(result, text)
    }

    func testStreetLevelAddressesAreCutToTheCounty() {
        let r = redactor()
        XCTAssertEqual(r.redact("当事人住云南省玉溪市峨山彝族自治县北苑路174号。"), "当事人住云南省玉溪市峨山彝族自治县。")
        XCTAssertEqual(r.redact("家住湖南省益阳市赫山区泉交河镇石桥村委会六组66号，"), "家住湖南省益阳市赫山区，")
        XCTAssertEqual(r.redact("居住于建设路110号3栋2单元501室。"), "居住于。")
        XCTAssertEqual(r.redactAddress("新疆维吾尔自治区克拉玛依市克拉玛依区昆仑路183号"), "新疆维吾尔自治区克拉玛依市克拉玛依区")
        // A place where the violation happened, without a house number, is not a home address.
        XCTAssertEqual(r.redact("在九溪河澄江市龙街街道段河道管理范围内修筑围堰"), "在九溪河澄江市龙街街道段河道管理范围内修筑围堰")
    }

    func testNamesBecomeSurnameMouWithOrdinalsWhenTheyCollide() {
        let facts = "证人孔明证实：当事人张三在场。证人张伟证实其雇请工人欧阳春芳作业，驾驶员司马光（联系电话13912345678）运输。"
            + "执法人员李强出示了证件。当事人张三的妻子王丽签字。"
        let r = redactor([facts], people: ["张三"], kept: ["李强"])
        let result = r.redact(facts)
        for name in ["孔明", "张三", "张伟", "欧阳春芳", "司马光", "王丽", "13912345678"] { XCTAssertFalse(result.contains(name), "\(name): \(result)") }
        XCTAssertTrue(result.contains("李强"), "officers are public")
        XCTAssertTrue(result.contains("孔某") && result.contains("欧阳某") && result.contains("司马某") && result.contains("王某"), result)
        XCTAssertTrue(result.contains("张某甲") && result.contains("张某乙"), "two 张 collide: \(result)")
        XCTAssertEqual(r.redact("证人崔某瑶证实"), "证人崔某证实", "a half-masked name still loses its given name")
        let kin = redactor(["经查其妻子欧阳秘密在场，其子李小明（15岁）未在场。"])
        XCTAssertEqual(kin.redact("经查其妻子欧阳秘密在场，其子李小明（15岁）未在场。"), "经查其妻子欧阳某在场，其子李某（15岁）未在场。")
        XCTAssertGreaterThanOrEqual(r.removedByKind["个人姓名"] ?? 0, 6)
        XCTAssertEqual(r.removedByKind["电话号码"], 1)
    }

    func testTradeSecretPassagesAreRemoved() {
        let secret = "其核心配方为硫酸铜12%、石灰88%"
        let r = redactor(secrets: [secret])
        let result = r.redact("经查，\(secret)，产品已销售。")
        XCTAssertFalse(result.contains("硫酸铜12%"))
        XCTAssertTrue(result.contains("涉及商业秘密"))
        XCTAssertEqual(r.removedByKind["商业秘密"], 1)
    }

    func testLuhnAgainstKnownCardNumbers() {
        XCTAssertTrue(PIIScanner.luhn("4111111111111111"))
        XCTAssertTrue(PIIScanner.luhn("6222020200000000006"))
        XCTAssertFalse(PIIScanner.luhn("6222020200000000007"))
    }
}
