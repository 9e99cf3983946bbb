import CaseModel
@testable import Ingest
import XCTest

/// One hand-written row per contract v2 rule: each test bends one field of a
/// valid v2 export (the v1 fixture plus a hearing, its penalties, a 清单 and services).
final class ContractV2RuleTests: XCTestCase {
    static let caseID = "YXSL-2025-000001"

    /// A valid 普通程序 case with a hearing, two penalties, an item and two services.
    static func fixture() -> ExportFixture {
        var fixture = ExportFixture()
        fixture.cases[0].merge([
            "处罚种类": "罚款;没收非法财物", "没收金额": "1200", "听证": "是",
            "立案日期": "2025/1/6", "办案经过": "2025年1月6日立案。", "告知日期": "2025年2月10日",
            "告知文书编号": "玉水罚告〔２０２５〕17号", "陈述申辩": "已提出", "陈述申辩处理": "不予采纳。",
            "听证申请日期": "20250212", "听证通知日期": "2025.02.14", "听证日期": "2025-02-26", "集体讨论日期": "2025-03-12",
            "改正期限": "2025-04-30", "改正内容": "限期安装取水计量设施", "改正依据": "《中华人民共和国水法》第四十九条",
            "改正文书编号": "玉水责改〔2025〕3号",
        ]) { _, new in new }
        fixture.penalties = [
            ["案件编号": caseID, "序号": "1", "处罚种类": "罚款", "金额": "5,000.00元", "期限起": "", "期限止": "", "期限（日）": "",
             "详情": ""],
            ["案件编号": "ＹＸＳＬ-2025-000001", "序号": "2", "处罚种类": "没收非法财物", "金额": "1200", "期限起": "", "期限止": "",
             "期限（日）": "", "详情": "没收抽水泵1台（详见没收物品清单）"],
        ]
        fixture.items = [
            ["案件编号": caseID, "用途": "没收", "序号": "1", "名称": "抽水泵", "规格": "QJ-200型", "数量": "1", "单位": "台",
             "特征": "编号0012", "存放地点": "玉溪市水利局涉案财物保管室"],
        ]
        fixture.deliveries = [
            ["案件编号": caseID, "文书种类": "行政处罚决定书", "文书编号": "玉水罚〔2025〕17号", "送达方式": "留置",
             "送达时间": "2025-03-15 09:30", "受送达人": "张　三", "代收人": "", "与受送达人关系": "", "见证人": "李四;王五",
             "送达地点": "当事人住所", "送达人": "A001;A002", "备注": "当事人拒绝签收"],
            ["案件编号": caseID, "文书种类": "行政处罚事先告知书", "文书编号": "玉水罚告〔2025〕17号", "送达方式": "直接",
             "送达时间": "2025/2/10 10:05", "受送达人": "张三", "代收人": "", "与受送达人关系": "", "见证人": "",
             "送达地点": "玉溪市水利局", "送达人": "A001;A002", "备注": ""],
        ]
        return fixture
    }

    private func read(_ change: (inout ExportFixture) -> Void) throws -> IngestResult {
        var fixture = Self.fixture()
        change(&fixture)
        return try fixture.read()
    }

    func testAValidV2ExportIsReadIntoTheCaseDetails() throws {
        let result = try read { _ in }
        XCTAssertEqual(result.errors, [])
        XCTAssertEqual(result.warnings, [])
        let item = try XCTUnwrap(result.cases.first)
        let details = result.details(of: item)
        XCTAssertEqual(details.procedure.filedOn?.iso, "2025-01-06")
        XCTAssertEqual(details.procedure.noticeDocNo, "玉水罚告〔2025〕17号")
        XCTAssertEqual(details.procedure.statement, .made)
        XCTAssertEqual(details.procedure.hearingRequestedOn?.iso, "2025-02-12")
        XCTAssertEqual(details.hearingHeldOn?.iso, "2025-02-26")
        XCTAssertEqual(details.rectification?.docNo, "玉水责改〔2025〕3号")
        XCTAssertNil(details.permit)
        XCTAssertNil(details.coercion)
        XCTAssertEqual(details.penalties.map(\.kind), [.fine, .confiscateIllegalProperty])
        XCTAssertEqual(details.penalty(.fine)?.amount, Yuan(yuan: 5000))
        XCTAssertEqual(details.items(for: .confiscate).map(\.quantity.decimalString), ["1"])
        // Services earliest first, names without the full-width space, time to the minute.
        XCTAssertEqual(details.deliveries.map(\.document), ["行政处罚事先告知书", "行政处罚决定书"])
        XCTAssertEqual(details.deliveries.last?.recipient, "张三")
        XCTAssertEqual(details.deliveries.last?.witnesses, ["李四", "王五"])
        XCTAssertEqual(details.deliveries.first?.servedAt.iso, "2025-02-10T10:05:00")
        XCTAssertEqual(details.deliveries(ofDocument: item.docNo).count, 1)
        XCTAssertTrue(details.childRowsComplete)
        XCTAssertEqual(result.balances.map(\.file), ["agencies.csv", "officers.csv", "cases.csv", "penalties.csv", "items.csv",
                                                     "deliveries.csv"])
    }

    func testEnglishHeadersAndHalfWidthParenthesesAreMapped() throws {
        let result = try read { fixture in
            fixture.penalties = fixture.penalties.map { row in
                var renamed: [String: String] = [:]
                for (header, value) in row {
                    let english = ["案件编号": "case_id", "序号": "SEQ", "处罚种类": "kind", "金额": "amount", "期限起": "period_from",
                                   "期限止": "period_to", "详情": "detail"][header]
                    renamed[english ?? (header == "期限（日）" ? "期限(日)" : header)] = value
                }
                return renamed
            }
            fixture.penalties[1]["期限(日)"] = "３０"
        }
        XCTAssertEqual(result.errors, [])
        XCTAssertEqual(result.penalties.map(\.periodDays), [nil, 30])
    }

    func testAHearingBeforeItsNoticeSetsTheCaseAside() throws {
        let result = try read { $0.cases[0]["听证日期"] = "2025-02-13" }
        let problem = try XCTUnwrap(result.errors.first)
        XCTAssertEqual(result.errors.count, 1)
        XCTAssertEqual(problem.kind, .hearingBeforeNotice)
        XCTAssertEqual(problem.field, "hearing_on")
        XCTAssertTrue(problem.message.contains("听证日期") && problem.message.contains("听证通知日期"), problem.message)
        XCTAssertEqual(result.cases.count, 0)
        XCTAssertEqual(result.details.count, 0)
        // Its child rows still belong to a case row, so they are not "unknown case".
        XCTAssertEqual(result.balances.first { $0.file == "penalties.csv" }?.setAside, 0)
    }

    func testAPermitValidityEndingBeforeItStartsSetsTheCaseAside() throws {
        let permit: [String: String] = [
            "执法类别": "行政许可", "程序": "", "处罚种类": "", "罚款金额": "", "没收金额": "", "听证": "否",
            "立案日期": "", "告知日期": "", "告知文书编号": "", "陈述申辩": "", "陈述申辩处理": "", "听证申请日期": "",
            "听证通知日期": "", "听证日期": "", "集体讨论日期": "", "改正期限": "", "改正内容": "", "改正依据": "", "改正文书编号": "",
            "申请日期": "2025-02-20", "受理日期": "2025-02-21", "许可事项": "取水许可", "许可依据": "《中华人民共和国水法》第四十八条第一款",
            "证件名称": "取水许可证", "证件编号": "取水（玉水）字〔2025〕第0012号", "有效期起": "2025-03-14", "有效期止": "2030-03-13",
            "不予许可理由": "",
        ]
        var fixture = Self.fixture()
        fixture.penalties = []
        fixture.items = []
        fixture.cases[0].merge(permit) { _, new in new }
        let valid = try fixture.read()
        XCTAssertEqual(valid.errors, [])
        let details = try XCTUnwrap(valid.details["YXSL-2025-000001"])
        XCTAssertEqual(details.permit?.outcome, .granted)
        XCTAssertEqual(details.permit?.validTo?.iso, "2030-03-13")
        fixture.cases[0]["有效期止"] = "2024年3月13日"
        let broken = try fixture.read()
        XCTAssertEqual(broken.errors.map(\.kind), [.permitValidToBeforeFrom])
        XCTAssertEqual(broken.errors.first?.field, "valid_to")
        XCTAssertEqual(broken.cases.count, 0)
        fixture.cases[0]["有效期止"] = ""
        fixture.cases[0]["受理日期"] = "2025-02-19"
        XCTAssertEqual(try fixture.read().errors.map(\.kind), [.procedureDatesInconsistent], "受理 before 申请")
    }

    func testProcedureDatesInAnImpossibleOrderAreSetAside() throws {
        let bends: [(header: String, value: String, field: String)] = [
            ("立案日期", "2025-03-20", "filed_on"),             // after the decision (2025-03-14)
            ("告知日期", "2025-01-05", "notified_on"),          // before 立案
            ("听证申请日期", "2025-02-09", "hearing_requested_on"), // before 告知
            ("集体讨论日期", "2025-03-15", "discussed_on"),      // after the decision
        ]
        for bend in bends {
            let result = try read { $0.cases[0][bend.header] = bend.value }
            XCTAssertTrue(result.errors.contains { $0.kind == .procedureDatesInconsistent && $0.field == bend.field },
                          "\(bend.header): \(result.errors.map(\.message))")
            XCTAssertEqual(result.cases.count, 0, bend.header)
        }
    }

    func testCoercionDatesAndValues() throws {
        let coercion: [String: String] = ["强制措施": "查封、扣押", "措施依据": "《中华人民共和国行政强制法》第九条",
                                          "措施期限起": "2025-03-14", "措施期限止": "2025-04-12", "延长至": "2025-05-12"]
        let valid = try read { $0.cases[0].merge(coercion) { _, new in new } }
        XCTAssertEqual(valid.errors, [])
        let details = try XCTUnwrap(valid.details["YXSL-2025-000001"])
        XCTAssertEqual(details.coercion?.measure?.measures, [.sealUp, .seize])
        XCTAssertEqual(details.coercion?.measureEnds?.iso, "2025-05-12")
        XCTAssertEqual(details.coercion?.isEnforcement, false)
        let backwards = try read { $0.cases[0].merge(coercion) { _, new in new }; $0.cases[0]["措施期限止"] = "2025-03-01" }
        XCTAssertTrue(backwards.errors.contains { $0.kind == .periodEndBeforeStart && $0.field == "measure_to" })
        let shortened = try read { $0.cases[0].merge(coercion) { _, new in new }; $0.cases[0]["延长至"] = "2025-04-01" }
        XCTAssertEqual(shortened.errors.map(\.field), ["measure_extended_to"])
        let unknownMeasure = try read { $0.cases[0]["强制措施"] = "冻结" }
        XCTAssertEqual(unknownMeasure.errors.map(\.kind), [.invalidValue])
        let unknownMethod = try read { $0.cases[0]["执行方式"] = "强制搬迁" }
        XCTAssertEqual(unknownMethod.errors.map(\.field), ["enforcement_method"])
        let demolition = try read { $0.cases[0]["执行方式"] = "强制拆除" }
        XCTAssertEqual(demolition.details["YXSL-2025-000001"]?.coercion?.isEnforcement, true)
    }

    func testUnreadableV2ValuesSetTheCaseAside() throws {
        for (header, field) in [("立案日期", "filed_on"), ("听证日期", "hearing_on"), ("有效期起", "valid_from"), ("催告日期", "demand_on")] {
            let result = try read { $0.cases[0][header] = "2025-02-30" }
            XCTAssertEqual(result.errors.map(\.kind), [.unparseableDate], header)
            XCTAssertEqual(result.errors.map(\.field), [field], header)
        }
        let statement = try read { $0.cases[0]["陈述申辩"] = "有" }
        XCTAssertEqual(statement.errors.map(\.field), ["statement"])
    }

    func testChildRowsOfAnUnknownCaseAreSetAsideAndTheCaseStays() throws {
        let result = try read { fixture in
            fixture.penalties[1]["案件编号"] = "YXSL-2025-949389"
            fixture.items[0]["案件编号"] = "YXSL-2025-949390"
            fixture.deliveries[1]["案件编号"] = "YXSL-2025-949391"
        }
        XCTAssertEqual(Set(result.errors.map(\.kind)), [.penaltyUnknownCase, .itemUnknownCase, .deliveryUnknownCase])
        XCTAssertEqual(Set(result.errors.map(\.field)), ["case_id"])
        XCTAssertEqual(result.errorKinds(file: "penalties.csv", row: 2), [.penaltyUnknownCase])
        XCTAssertTrue(result.errors.allSatisfy { $0.message.contains("不存在") }, "\(result.errors.map(\.message))")
        XCTAssertEqual(result.cases.count, 1)
        // The case's own rows: one penalty lost, so penalties.csv disagrees with 处罚种类 (a warning).
        XCTAssertEqual(result.warnings.map(\.kind), [.penaltiesDisagreeWithCase])
    }

    func testAChildRowSetAsideLeavesTheCaseWithItsListMarkedIncomplete() throws {
        let result = try read { $0.items[0]["数量"] = "若干" }
        XCTAssertEqual(result.errors.map(\.kind), [.itemBadQuantity])
        XCTAssertEqual(result.cases.count, 1)
        let details = try XCTUnwrap(result.details["YXSL-2025-000001"])
        XCTAssertEqual(details.items, [])
        XCTAssertEqual(details.setAsideChildRows, [SourceRef(file: "items.csv", row: 1)])
        XCTAssertFalse(details.childRowsComplete)
    }

    func testQuantitiesAreExactNumbersAndNothingElse() throws {
        let good = ["12": "12", "1,200": "1200", "3.50": "3.5", "12.0": "12", "１２": "12", "０.２５": "0.25", "12,345.5": "12345.5"]
        for (raw, expected) in good {
            let result = try read { $0.items[0]["数量"] = raw }
            XCTAssertEqual(result.errors, [], raw)
            XCTAssertEqual(result.items.first?.quantity.decimalString, expected, raw)
        }
        for raw in ["若干", "见现场笔录", "约5", "5-10", "一批", "1,2", "-3", "3.", ".5", "1.2.3"] {
            let result = try read { $0.items[0]["数量"] = raw }
            XCTAssertEqual(result.errors.map(\.kind), [.itemBadQuantity], raw)
            XCTAssertEqual(result.errors.first?.field, "quantity", raw)
        }
        // Prose in the cell is never quoted back.
        for raw in ["若干", "见现场笔录", "约5", "一批"] {
            XCTAssertFalse(try read { $0.items[0]["数量"] = raw }.errors.first?.message.contains(raw) ?? true, raw)
        }
        XCTAssertEqual(try read { $0.items[0]["数量"] = "" }.errors.map(\.kind), [.missingRequiredField])
        XCTAssertEqual(Quantity(decimal: "3.5"), Normalize.quantity("3.50"))
        XCTAssertLessThan(Quantity(decimal: "3.5")!, Quantity(decimal: "12")!)
    }

    func testALienServiceNeedsAWitness() throws {
        let result = try read { $0.deliveries[0]["见证人"] = "" }
        XCTAssertEqual(result.errors.map(\.kind), [.deliveryLienWithoutWitness])
        XCTAssertEqual(result.errors.first?.field, "witnesses")
        XCTAssertFalse(result.errors.first?.message.contains("张") ?? true, "never names the recipient")
        XCTAssertEqual(result.cases.count, 1)
        XCTAssertEqual(result.details["YXSL-2025-000001"]?.setAsideChildRows, [SourceRef(file: "deliveries.csv", row: 1)])
        let direct = try read { $0.deliveries[0]["见证人"] = ""; $0.deliveries[0]["送达方式"] = "直接" }
        XCTAssertEqual(direct.errors, [], "only 留置 needs a witness")
        let unknownMethod = try read { $0.deliveries[0]["送达方式"] = "短信" }
        XCTAssertEqual(unknownMethod.errors.map(\.kind), [.invalidValue])
    }

    func testAServiceTimeHasItsMinute() throws {
        let dateOnly = try read { $0.deliveries[0]["送达时间"] = "2025-03-15" }
        XCTAssertEqual(dateOnly.errors.map(\.kind), [.unparseableDate])
        XCTAssertEqual(dateOnly.errors.first?.field, "served_at")
        for raw in ["2025-03-15T09:30:00", "2025/3/15 09:30", "2025-03-15 09:30:15"] {
            XCTAssertEqual(try read { $0.deliveries[0]["送达时间"] = raw }.errors, [], raw)
        }
        for header in ["文书种类", "文书编号", "受送达人"] {
            XCTAssertEqual(try read { $0.deliveries[0][header] = "" }.errors.map(\.kind), [.missingRequiredField], header)
        }
    }

    func testAServedDateThatDisagreesWithItsServiceIsAWarning() throws {
        let agreeing = try read { _ in }
        let item = try XCTUnwrap(agreeing.cases.first)
        XCTAssertEqual(agreeing.details(of: item).firstServedAt(item.docNo)?.iso, "2025-03-15T09:30:00")
        let result = try read { $0.cases[0]["送达日期"] = "2025-03-16" }
        XCTAssertEqual(result.errors, [])
        XCTAssertEqual(result.warnings.map(\.kind), [.servedDateDisagreesWithDelivery])
        XCTAssertEqual(result.warnings.first?.field, "served_date")
        let unserved = try read { $0.deliveries.remove(at: 0) }
        XCTAssertEqual(unserved.warnings, [], "no service row of the decision: nothing to compare")
    }

    func testPenaltyRows() throws {
        let backwards = try read { $0.penalties[0]["期限起"] = "2025-04-01"; $0.penalties[0]["期限止"] = "2025-03-01" }
        XCTAssertEqual(backwards.errors.map(\.kind), [.periodEndBeforeStart])
        XCTAssertEqual(backwards.errors.first?.field, "period_to")
        XCTAssertEqual(try read { $0.penalties[0]["处罚种类"] = "罚金" }.errors.map(\.field), ["kind"])
        XCTAssertEqual(try read { $0.penalties[0]["金额"] = "五千元" }.errors.map(\.kind), [.invalidAmount])
        XCTAssertEqual(try read { $0.penalties[0]["序号"] = "0" }.errors.map(\.field), ["seq"])
        XCTAssertEqual(try read { $0.penalties[0]["期限（日）"] = "三十" }.errors.map(\.field), ["period_days"])
        let duplicate = try read { $0.penalties[1]["序号"] = "1" }
        XCTAssertEqual(duplicate.errors.map(\.kind), [.duplicateKey])
        XCTAssertEqual(duplicate.errors.first?.row, 2)
    }

    func testPenaltiesThatDisagreeWithTheCaseAreWarnings() throws {
        let fine = try read { $0.penalties[0]["金额"] = "6000" }
        XCTAssertEqual(fine.errors, [])
        XCTAssertEqual(fine.warnings.map(\.field), ["fine_amount"])
        let confiscation = try read { $0.cases[0]["没收金额"] = "1000" }
        XCTAssertEqual(confiscation.warnings.map(\.field), ["confiscation_amount"])
        let surplus = try read { $0.cases[0]["处罚种类"] = "罚款"; $0.cases[0]["没收金额"] = "" }
        XCTAssertEqual(surplus.warnings.map(\.kind), [.penaltiesDisagreeWithCase, .penaltiesDisagreeWithCase])
        XCTAssertEqual(Set(surplus.warnings.map(\.field)), ["penalty_kinds", "confiscation_amount"])
        XCTAssertEqual(surplus.cases.count, 1)
    }

    func testAgencyAndReviewV2Columns() throws {
        var fixture = Self.fixture()
        fixture.agencies[0].merge(["收缴银行": "中国农业银行股份有限公司玉溪红塔支行", "缴款账户名": "玉溪市财政局非税收入汇缴结算户",
                                   "缴款账号": "2435 0101 0400 12345", "法制机构": "玉溪市水利局政策法规科"]) { _, new in new }
        fixture.cases[0]["审核编号"] = "SH-1"
        var review = ExportFixture.validReview(id: "SH-1", caseID: Self.caseID)
        review["审核人员证号"] = "A20155304001234；A20165304005678"
        review["拟作出决定"] = "拟罚款人民币伍仟元。"
        fixture.reviews = [review]
        let result = try fixture.read()
        XCTAssertEqual(result.errors, [])
        let agency = try XCTUnwrap(result.agencyDetails[ExportFixture.agencyCode])
        XCTAssertEqual(agency.paymentAccount, "24350101040012345")
        XCTAssertEqual(agency.legalOffice, "玉溪市水利局政策法规科")
        XCTAssertEqual(result.reviewDetails["SH-1"]?.reviewerCerts, ["A20155304001234", "A20165304005678"])
        XCTAssertEqual(result.reviewDetails["SH-1"]?.proposedDecision, "拟罚款人民币伍仟元。")
    }

    func testTheV1FixtureGetsEmptyDetails() throws {
        let result = try ExportFixture().read()
        XCTAssertEqual(result.errors, [])
        let item = try XCTUnwrap(result.cases.first)
        XCTAssertEqual(result.details(of: item), CaseDetails(caseID: item.id))
        XCTAssertEqual(result.agencyDetails[ExportFixture.agencyCode], AgencyDetails(agencyCode: ExportFixture.agencyCode))
    }
}
