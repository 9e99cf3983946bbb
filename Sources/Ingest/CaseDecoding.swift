import CaseModel

extension RowDecoding {
    /// cases.csv rows and cases.json objects, after the same normalisation.
    static func enforcementCase(_ row: RawRow) -> (EnforcementCase?, [Problem]) {
        var reader = FieldReader(row: row, layout: TableLayout(.casesCSV))
        guard row.isWellFormed else {
            reader.report(.malformedRow, nil, "该元素不是 JSON 对象，无法读取。")
            return (nil, reader.problems)
        }
        let id = caseID(&reader)
        reader.caseID = reader.code("case_id").flatMap(\.nonEmpty)
        let agency = reader.code("agency_code", required: true)
        let action = reader.choice("action_type", ActionType.self, required: true)
        let procedure = reader.choice("procedure", Procedure.self, required: action == .penalty)
        let docNo = reader.required("doc_no").map(Normalize.halfWidthDigits)
        let title = reader.required("title")
        let party = self.party(&reader)
        let kinds = penaltyKinds(&reader)
        let fine = reader.amount("fine_amount")
        let confiscation = reader.amount("confiscation_amount")
        let decisionDate = reader.date("decision_date", required: true)
        let served = reader.optionalDate("served_date")
        let officers = reader.list("officers", separators: .items).map(Normalize.code)
        if officers.isEmpty { reader.report(.missingRequiredField, "officers", "必填项为空。") }
        let major = reader.flag("major")
        let hearing = reader.flag("hearing")
        let disclosure = reader.choice("disclosure", DisclosureMode.self, required: true)
        let reason = reader.choice("nondisclosure_reason", NondisclosureReason.self, required: false)
        if disclosure == .withheld && reason == nil && reader.text("nondisclosure_reason").isEmpty {
            reader.report(.nondisclosureReasonMissing, "nondisclosure_reason", "公开方式为不予公开时必须填写不公开理由。")
        }
        let status = reader.choice("status", CaseStatus.self, required: true)
        let statusDate = reader.optionalDate("status_date")
        let updatedAt = reader.dateTime("updated_at", required: false)
        guard let id, let agency, let action, let docNo, let title, let party, let kinds, let fine, let confiscation,
              let decisionDate, served.ok, !officers.isEmpty, let major, let hearing, let disclosure, let status,
              statusDate.ok, reader.problems.isEmpty else {
            return (nil, reader.problems)
        }
        var result = EnforcementCase(
            id: id, agencyCode: agency, actionType: action, procedure: procedure, docNo: docNo, title: title,
            party: party, facts: reader.text("facts"),
            evidence: reader.list("evidence", separators: .evidence),
            violatedProvisions: reader.text("violated_provisions"), penaltyProvisions: reader.text("penalty_provisions"),
            discretion: reader.text("discretion"), decision: reader.text("decision"), penaltyKinds: kinds,
            fine: fine, confiscation: confiscation, decisionDate: decisionDate, servedDate: served.value,
            officerCerts: officers, major: major, hearing: hearing,
            reviewID: Normalize.code(reader.text("review_id")).nonEmpty, disclosure: disclosure,
            nondisclosureReason: reason,
            tradeSecretSpans: reader.list("trade_secret_spans", separators: .evidence),
            status: status, statusDate: statusDate.value, statusReason: reader.text("status_reason"),
            updatedAt: updatedAt, extra: row.extra, source: row.source)
        checkParty(&result, &reader)
        checkDates(result, &reader)
        checkPenalty(result, &reader)
        return (reader.problems.contains { $0.severity == .error } ? nil : result, reader.problems)
    }

    /// The case id, or nil with a problem when it is empty or not a safe file
    /// name: later stages name folders and files after it.
    private static func caseID(_ reader: inout FieldReader) -> String? {
        guard let id = reader.code("case_id", required: true) else { return nil }
        guard let problem = CaseIDRules.validate(id) else { return id }
        reader.report(.unsafeCaseID, "case_id", unsafeCaseIDMessage(problem))
        return nil
    }

    static func unsafeCaseIDMessage(_ problem: CaseIDRules.Problem) -> String {
        let reason: String
        switch problem {
        case .empty: reason = "为空"
        case .dotName: reason = "是“.”或“..”"
        case .containsDotDot: reason = "含有“..”"
        case .pathSeparator: reason = "含有“/”或“\\”"
        case .tooLong: reason = "超过\(CaseIDRules.maxBytes)字节"
        case .forbiddenCharacter: reason = "含有控制字符或 : * ? \" < > | 等字符"
        case .badEdge: reason = "以“.”或“-”开头，或以“.”或空格结尾"
        case .reservedName: reason = "是 CON、NUL、COM1 等系统保留的设备名"
        }
        return "案件编号\(reason)，不能用作文件名（文书和公示页面按案件编号存放），该行已暂存。"
    }

    private static func party(_ reader: inout FieldReader) -> Party? {
        let type = reader.choice("party_type", PartyType.self, required: true)
        let rawName = reader.required("party_name")
        let idType = reader.choice("party_id_type", PartyIDType.self, required: false)
        let idNumber = Normalize.withoutSpaces(Normalize.code(reader.text("party_id_no")))
        let minor = reader.flag("party_minor")
        guard let type, let rawName, let minor else { return nil }
        let name = type == .naturalPerson ? Normalize.personName(rawName) : rawName
        return Party(type: type, name: name, idType: idType, idNumber: idNumber,
                     legalRepresentative: Normalize.personName(reader.text("legal_rep")),
                     address: reader.text("party_address"), phone: Normalize.code(reader.text("party_phone")),
                     isMinor: minor)
    }

    private static func penaltyKinds(_ reader: inout FieldReader) -> [PenaltyKind]? {
        var kinds: [PenaltyKind] = []
        var ok = true
        for item in reader.list("penalty_kinds", separators: .items) {
            if let kind = PenaltyKind(rawValue: Normalize.code(item)) {
                if !kinds.contains(kind) { kinds.append(kind) }
            } else {
                reader.report(.invalidValue, "penalty_kinds", "“\(Excerpt.of(item))”不是法定的处罚种类。")
                ok = false
            }
        }
        return ok ? kinds : nil
    }

    /// ID checks: the check character, the coded birth date, and whether the
    /// party was a minor on the decision date.
    private static func checkParty(_ result: inout EnforcementCase, _ reader: inout FieldReader) {
        let number = result.party.idNumber
        guard !number.isEmpty else { return }
        switch result.party.idType {
        case .residentID:
            if let problem = ResidentIDNumber.validate(number) {
                switch problem {
                case .badCheckDigit:
                    reader.report(.badIDCheckDigit, "party_id_no", "居民身份证号码校验码错误（GB 11643）。")
                case .badBirthDate:
                    reader.report(.badIDNumber, "party_id_no", "居民身份证号码中的出生日期无效。")
                case .badLength, .badCharacter:
                    reader.report(.badIDNumber, "party_id_no", "居民身份证号码应为18位（末位可为X）或15位数字。")
                }
                return
            }
            guard let birth = ResidentIDNumber.birthDate(of: number) else { return }
            if birth > result.decisionDate {
                reader.report(.badIDNumber, "party_id_no", "居民身份证号码中的出生日期晚于决定日期。")
                return
            }
            let minorByID = ResidentIDNumber.age(birth: birth, on: result.decisionDate) < 18
            if minorByID != result.party.isMinor {
                reader.report(.minorFlagMismatch, "party_minor",
                              minorByID ? "按身份证号码，当事人在决定日期未满18周岁，已按未成年人处理。"
                                        : "标为未成年人，但按身份证号码当事人在决定日期已满18周岁；仍按未成年人处理。",
                              severity: .warning)
            }
            result.party.isMinor = result.party.isMinor || minorByID
        case .creditCode:
            if let problem = UnifiedSocialCreditCode.validate(number) {
                reader.report(.badCreditCode, "party_id_no", creditCodeMessage(problem))
            }
        default:
            break
        }
    }

    private static func checkDates(_ result: EnforcementCase, _ reader: inout FieldReader) {
        if let served = result.servedDate, served < result.decisionDate {
            reader.report(.servedBeforeDecision, "served_date", "送达日期（\(served.iso)）早于决定日期（\(result.decisionDate.iso)）。")
        }
        switch (result.status, result.statusDate) {
        case (.withdrawn, nil):
            reader.report(.withdrawnWithoutStatusDate, "status_date", "状态为已撤销，但未填写状态日期。")
        case (.changed, nil):
            reader.report(.changedWithoutStatusDate, "status_date", "状态为已变更，但未填写状态日期。")
        case (_, let date?) where date < result.decisionDate:
            reader.report(.statusDateBeforeDecision, "status_date", "状态日期（\(date.iso)）早于决定日期（\(result.decisionDate.iso)）。")
        default:
            break
        }
    }

    /// 行政处罚法 第五十一条: on the spot only a warning, or a fine of at most
    /// 200 yuan for a citizen and 3000 yuan for an organisation.
    private static func checkPenalty(_ result: EnforcementCase, _ reader: inout FieldReader) {
        let fine = result.fine ?? .zero
        if result.penaltyKinds.contains(.fine) && fine.isZero {
            reader.report(.missingRequiredField, "fine_amount", "处罚种类含罚款，但罚款金额为空。")
        } else if !fine.isZero && !result.penaltyKinds.contains(.fine) {
            reader.report(.fineWithoutFineKind, "fine_amount", "填写了罚款金额，但处罚种类不含罚款。", severity: .warning)
        }
        guard result.procedure == .simple else { return }
        let cap = result.party.type.isOrganisation ? Yuan(yuan: 3000) : Yuan(yuan: 200)
        if fine > cap {
            let who = result.party.type.isOrganisation ? "法人或者其他组织" : "公民"
            reader.report(.simpleProcedureOverCap, "fine_amount",
                          "简易程序（当场处罚）对\(who)罚款不得超过\(cap.decimalString)元，本案为\(fine.decimalString)元（行政处罚法第五十一条）。")
        }
        let allowed: Set<PenaltyKind> = [.warning, .fine]
        if let other = result.penaltyKinds.first(where: { !allowed.contains($0) }) {
            reader.report(.simpleProcedurePenaltyKind, "penalty_kinds",
                          "简易程序只能给予警告或罚款，不能给予“\(other.rawValue)”（行政处罚法第五十一条）。")
        }
    }
}

extension Normalize {
    /// Document numbers keep their Chinese and brackets but not full-width digits.
    static func halfWidthDigits(_ text: String) -> String { withoutSpaces(halfWidth(text)) }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
