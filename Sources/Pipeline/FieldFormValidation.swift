import CaseModel
import Documents
import ErrorReporting
import Foundation
import Ingest

/// One thing wrong with what was entered, naming the field.
public struct FieldFormProblem: Equatable, Sendable {
    public var field: FieldFormField?
    public var message: String

    public init(field: FieldFormField?, message: String) {
        self.field = field
        self.message = message
    }

    public var text: String { (field.map { "\($0.label)：" } ?? "") + message }
}

/// The form is not printed and no number is issued: every problem is listed at once.
public struct FieldFormError: SanxiangError, Equatable, Sendable {
    public var problems: [FieldFormProblem]

    public init(problems: [FieldFormProblem]) { self.problems = problems }

    public var message: String {
        guard problems.count > 1 else { return "未出具当场行政处罚决定书：" + (problems.first?.text ?? "") }
        return "未出具当场行政处罚决定书，录入内容有 \(problems.count) 处问题：\n"
            + problems.map { "  · " + $0.text }.joined(separator: "\n")
    }
}

/// Checks a field case against 行政处罚法 第五十一条 (only 警告 or a fine of at most
/// 200 yuan for a citizen, 3,000 yuan for an organisation), two officers with
/// certificates valid and in force on the day (officers.csv of the last export), and the
/// party's ID (GB 11643, GB 32100); gives the case unnumbered, ready to be issued a number.
public struct FieldFormValidator {
    public var reference: ReferenceData
    public var blocks: [String: NumberBlock]
    /// The decision date when none is entered, and the latest one allowed.
    public var today: CivilDate

    public init(reference: ReferenceData, blocks: [String: NumberBlock], today: CivilDate) {
        self.reference = reference
        self.blocks = blocks
        self.today = today
    }

    private struct Checked {
        var problems: [FieldFormProblem] = []
        mutating func fail(_ field: FieldFormField?, _ message: String) { problems.append(FieldFormProblem(field: field, message: message)) }
    }

    public func validate(_ input: FieldFormInput) throws -> FieldCaseRecord {
        var checked = Checked()
        for field in [FieldFormField.partyName, .partyAddress, .title, .place, .facts, .violatedProvisions, .penaltyProvisions]
        where input.text(field).isEmpty {
            checked.fail(field, "必须填写。")
        }
        let party = self.party(input, &checked)
        let date = decisionDate(input, &checked)
        let occurred = occurredAt(input, decisionDate: date, &checked)
        let (kinds, fine) = penalties(input, party: party, &checked)
        let payment = self.payment(input, fine: fine, &checked)
        let officers = self.officers(input, on: date ?? today, &checked)
        if let type = party?.type, type == .naturalPerson, let birth = ResidentIDNumber.birthDate(of: input.text(.partyIDNumber)),
           party?.idType == .residentID, ResidentIDNumber.age(birth: birth, on: date ?? today) < 14 {
            checked.fail(.partyIDNumber, "当事人不满十四周岁，不予行政处罚（行政处罚法第三十条），不能出具处罚决定书。")
        }
        guard checked.problems.isEmpty, let party, let date, let occurred, let officers else {
            throw FieldFormError(problems: checked.problems)
        }
        return record(input, party: party, date: date, occurred: occurred, kinds: kinds, fine: fine, payment: payment,
                      officers: officers)
    }

    // MARK: The party

    private func party(_ input: FieldFormInput, _ checked: inout Checked) -> Party? {
        let typeText = input.text(.partyType)
        guard let type = PartyType(rawValue: typeText) else {
            checked.fail(.partyType, typeText.isEmpty ? "必须填写（自然人、法人、非法人组织或个体工商户）。"
                                                      : "“\(typeText.prefix(20))”不是当事人类型（自然人、法人、非法人组织或个体工商户）。")
            return nil
        }
        let idTypeText = input.text(.partyIDType)
        let idType: PartyIDType
        if idTypeText.isEmpty {
            idType = type == .naturalPerson ? .residentID : .creditCode
        } else if let given = PartyIDType(rawValue: idTypeText) {
            idType = given
        } else {
            checked.fail(.partyIDType, "“\(idTypeText.prefix(20))”不是证件类型（\(PartyIDType.allCases.map(\.rawValue).joined(separator: "、"))）。")
            return nil
        }
        if (type == .legalPerson || type == .unincorporated) && idType != .creditCode {
            checked.fail(.partyIDType, "\(type.rawValue)应以统一社会信用代码标识。")
        }
        let number = Normalize.code(input.text(.partyIDNumber)).uppercased()
        checkIdentifier(number, type: idType, &checked)
        return Party(type: type, name: input.text(.partyName), idType: idType, idNumber: number,
                     legalRepresentative: input.text(.legalRep), address: input.text(.partyAddress),
                     phone: input.text(.partyPhone), isMinor: false)
    }

    private func checkIdentifier(_ number: String, type: PartyIDType, _ checked: inout Checked) {
        guard !number.isEmpty else { return checked.fail(.partyIDNumber, "必须填写。") }
        switch type {
        case .residentID:
            switch ResidentIDNumber.validate(number) {
            case nil: break
            case .badLength?: checked.fail(.partyIDNumber, "居民身份证号码应为18位。")
            case .badCharacter?: checked.fail(.partyIDNumber, "居民身份证号码只能由数字和末位的X组成。")
            case .badBirthDate?: checked.fail(.partyIDNumber, "居民身份证号码中的出生日期不存在。")
            case .badCheckDigit?: checked.fail(.partyIDNumber, "居民身份证号码的校验码不符（GB 11643），请核对号码。")
            }
        case .creditCode:
            switch UnifiedSocialCreditCode.validate(number) {
            case nil: break
            case .badLength?: checked.fail(.partyIDNumber, "统一社会信用代码应为18位。")
            case .badCharacter?: checked.fail(.partyIDNumber, "统一社会信用代码含有不允许的字符（不用 I、O、Z、S、V）。")
            case .badCheckCharacter?: checked.fail(.partyIDNumber, "统一社会信用代码的校验码不符（GB 32100），请核对代码。")
            }
        default:
            break
        }
    }

    // MARK: Dates

    private func decisionDate(_ input: FieldFormInput, _ checked: inout Checked) -> CivilDate? {
        let text = input.text(.decisionDate)
        guard !text.isEmpty else { return today }
        guard let date = Normalize.date(text) else {
            checked.fail(.decisionDate, "“\(text.prefix(20))”不是日期（如 2026-03-14）。")
            return nil
        }
        if date > today { checked.fail(.decisionDate, "\(date.chinese)晚于今天（\(today.chinese)）。") }
        return date
    }

    private func occurredAt(_ input: FieldFormInput, decisionDate: CivilDate?, _ checked: inout Checked) -> CivilDateTime? {
        let text = input.text(.occurredAt)
        guard !text.isEmpty else {
            checked.fail(.occurredAt, "必须填写（行政处罚法第五十二条：违法行为的时间、地点）。")
            return nil
        }
        guard let time = Normalize.dateTime(text) else {
            checked.fail(.occurredAt, "“\(text.prefix(20))”不是日期时间（如 2026-03-14 10:20）。")
            return nil
        }
        if let decisionDate, time.date > decisionDate {
            checked.fail(.occurredAt, "\(time.date.chinese)晚于决定日期\(decisionDate.chinese)。")
        }
        return time
    }

    // MARK: Penalties (第五十一条, 第六十八条)

    private func penalties(_ input: FieldFormInput, party: Party?, _ checked: inout Checked) -> ([PenaltyKind], Yuan?) {
        var kinds: [PenaltyKind] = []
        for text in input.list(.penaltyKinds) {
            guard let kind = PenaltyKind(rawValue: text), kind == .warning || kind == .fine else {
                checked.fail(.penaltyKinds, "当场处罚只能给予警告或者罚款，不能给予“\(text.prefix(20))”（行政处罚法第五十一条）。")
                continue
            }
            if !kinds.contains(kind) { kinds.append(kind) }
        }
        if input.list(.penaltyKinds).isEmpty { checked.fail(.penaltyKinds, "必须填写（警告、罚款）。") }
        let fineText = input.text(.fine)
        guard !fineText.isEmpty else {
            if kinds.contains(.fine) { checked.fail(.fine, "处罚种类含罚款，必须填写罚款金额。") }
            return (kinds, nil)
        }
        guard case .some(.some(let fine)) = Normalize.amount(fineText), fine > .zero else {
            checked.fail(.fine, "“\(fineText.prefix(20))”不是有效金额（单位元，如 200）。")
            return (kinds, nil)
        }
        if !kinds.contains(.fine) && !input.list(.penaltyKinds).isEmpty {
            checked.fail(.penaltyKinds, "填写了罚款金额，处罚种类应含罚款。")
        }
        if let party {
            let cap = party.type.isOrganisation ? Yuan(yuan: 3000) : Yuan(yuan: 200)
            let who = party.type.isOrganisation ? "法人或者其他组织" : "公民"
            if fine > cap {
                checked.fail(.fine, "当场处罚对\(who)罚款不得超过\(cap.decimalString)元，本案为\(fine.decimalString)元（行政处罚法第五十一条）；"
                    + "超过的应适用普通程序。")
            }
        }
        return (kinds, fine)
    }

    private func payment(_ input: FieldFormInput, fine: Yuan?, _ checked: inout Checked) -> String {
        let text = input.text(.payment)
        switch text {
        case "", "银行缴纳", "银行":
            return "银行缴纳"
        case "当场收缴":
            if let fine, fine > Yuan(yuan: 100) {
                checked.fail(.payment, "罚款超过一百元的不得当场收缴（行政处罚法第六十八条第一项），应由当事人到银行缴纳。")
            }
            return "当场收缴"
        default:
            checked.fail(.payment, "应为“银行缴纳”或“当场收缴”。")
            return text
        }
    }

    // MARK: Officers (第四十二条, 第五十二条)

    private func officers(_ input: FieldFormInput, on date: CivilDate, _ checked: inout Checked) -> [Officer]? {
        var certs: [String] = []
        for cert in input.list(.officers).map(Normalize.code) where !certs.contains(cert) { certs.append(cert) }
        guard certs.count >= 2 else {
            checked.fail(.officers, certs.isEmpty ? "必须填写两名执法人员的执法证号。"
                : "只填写了一名执法人员；执法人员不得少于两人（行政处罚法第四十二条），请填写两名执法人员的执法证号。")
            return nil
        }
        let index = Dictionary(reference.officers.map { ($0.certNo, $0) }, uniquingKeysWith: { first, _ in first })
        var found: [Officer] = []
        for cert in certs {
            guard let officer = index[cert] else {
                checked.fail(.officers, "执法证号 \(cert) 不在最近一次导出的 officers.csv 中（或该行有问题），不能执法。")
                continue
            }
            if officer.status != .active {
                checked.fail(.officers, "\(officer.name)（执法证号 \(cert)）的执法证状态为“\(officer.status.rawValue)”，不能执法。")
            } else if officer.validUntil < date {
                checked.fail(.officers, "\(officer.name)（执法证号 \(cert)）的执法证已于\(officer.validUntil.chinese)到期，\(date.chinese)不能执法。")
            }
            found.append(officer)
        }
        guard found.count == certs.count else { return nil }
        if Set(found.map(\.agencyCode)).count > 1 {
            checked.fail(.officers, "执法人员应属于同一执法主体。")
        } else if !reference.agencies.contains(where: { $0.code == found[0].agencyCode }) {
            checked.fail(.officers, "执法人员所属的执法主体 \(found[0].agencyCode) 不在 agencies.csv 中。")
        }
        if blocks[certs[0]] == nil {
            checked.fail(.officers, "pipeline.yml 的 onsite_numbers 没有为执法证号 \(certs[0]) 预留号段，不能出具编号的当场处罚决定书。")
        }
        return found
    }
}

extension FieldFormValidator {
    /// 2026年3月14日10时20分.
    public static func chinese(_ time: CivilDateTime) -> String {
        time.date.chinese + "\(time.hour)时" + String(format: "%02d分", time.minute)
    }

    fileprivate func record(_ input: FieldFormInput, party: Party, date: CivilDate, occurred: CivilDateTime, kinds: [PenaltyKind],
                            fine: Yuan?, payment: String, officers: [Officer]) -> FieldCaseRecord {
        let agencyCode = officers[0].agencyCode
        let agency = reference.agencies.first { $0.code == agencyCode }
        let details = reference.agencyDetails[agencyCode]
        let penalties = kinds.enumerated().map { index, kind in
            ContractPenalty(caseID: "", seq: index + 1, kind: kind.rawValue,
                            amount: kind == .fine ? (fine?.decimalString ?? "") : "")
        }
        let decided = kinds.map { $0 == .fine ? "罚款" + LegalText.amount(fine ?? .zero) : $0.rawValue }.joined(separator: "、")
        let place = input.text(.place), facts = input.text(.facts)
        let minor = party.idType == .residentID && ResidentIDNumber.birthDate(of: party.idNumber)
            .map { ResidentIDNumber.age(birth: $0, on: date) < 18 } == true
        let contract = ContractCase(
            caseID: "", agencyCode: agencyCode, docNo: "", title: input.text(.title), partyType: party.type.rawValue,
            partyName: party.name, partyIDType: party.idType?.rawValue ?? "", partyIDNumber: party.idNumber,
            legalRep: party.legalRepresentative, partyAddress: party.address, partyPhone: party.phone, partyMinor: minor ? "是" : "否",
            facts: "\(Self.chinese(occurred))，在\(place)，\(facts)", evidence: input.list(.evidence),
            violatedProvisions: input.text(.violatedProvisions), penaltyProvisions: input.text(.penaltyProvisions),
            decision: "依据\(input.text(.penaltyProvisions))的规定，当场决定给予当事人\(decided)的行政处罚。",
            penaltyKinds: kinds.map(\.rawValue), fineAmount: fine?.decimalString ?? "", decisionDate: date.iso, notifiedOn: date.iso,
            officers: officers.map(\.certNo), updatedAt: date.iso + "T00:00:00")
        let fieldAgency = FieldAgency(
            code: agencyCode, name: agency?.name ?? "", reconsiderationBody: agency?.reconsiderationBody ?? "",
            court: agency?.court ?? "", paymentBank: details?.paymentBank ?? "",
            paymentAccountName: details?.paymentAccountName ?? "", paymentAccount: details?.paymentAccount ?? "")
        let occurredText = occurred.date.iso + String(format: "T%02d:%02d", occurred.hour, occurred.minute)
        return FieldCaseRecord(
            status: NumberStatus.issued.rawValue, statusNote: "", number: "", numberOfficer: officers[0].certNo, issuedAt: "",
            case: contract, penalties: penalties,
            field: FieldFacts(occurredAt: occurredText, place: place, facts: facts, payment: payment),
            agency: fieldAgency, officerNames: Dictionary(officers.map { ($0.certNo, $0.name) }, uniquingKeysWith: { first, _ in first }))
    }
}
