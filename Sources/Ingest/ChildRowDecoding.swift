import CaseModel

/// The v2 files that hang off a case: penalties.csv, items.csv, deliveries.csv.
/// Each row is read on its own here; whether its case exists is a cross-check.
extension RowDecoding {
    static func penalty(_ row: RawRow) -> (Penalty?, [Problem]) {
        var reader = FieldReader(row: row, layout: TableLayout(.penalties))
        let caseID = reader.code("case_id", required: true)
        reader.caseID = caseID
        let seq = reader.positiveInteger("seq", required: true)
        let kind = reader.choice("kind", PenaltyKind.self, required: true)
        let amount = reader.amount("amount")
        let from = reader.optionalDate("period_from")
        let to = reader.optionalDate("period_to")
        let days = reader.optionalInteger("period_days")
        guard let caseID, let seq, let kind, let amount, from.ok, to.ok, days.ok, reader.problems.isEmpty else {
            return (nil, reader.problems)
        }
        if let start = from.value, let end = to.value, end < start {
            reader.report(.periodEndBeforeStart, "period_to", "期限止（\(end.iso)）早于期限起（\(start.iso)）。")
        }
        let penalty = Penalty(caseID: caseID, seq: seq, kind: kind, amount: amount, periodFrom: from.value,
                              periodTo: to.value, periodDays: days.value, detail: reader.text("detail"),
                              extra: row.extra, source: row.source)
        return (reader.problems.isEmpty ? penalty : nil, reader.problems)
    }

    static func seizedItem(_ row: RawRow) -> (SeizedItem?, [Problem]) {
        var reader = FieldReader(row: row, layout: TableLayout(.items))
        let caseID = reader.code("case_id", required: true)
        reader.caseID = caseID
        let purpose = reader.choice("purpose", ItemPurpose.self, required: true)
        let seq = reader.positiveInteger("seq", required: true)
        let name = reader.required("name")
        let unit = reader.required("unit")
        var quantity: Quantity?
        let rawQuantity = reader.text("quantity")
        if rawQuantity.isEmpty {
            reader.report(.missingRequiredField, "quantity", "必填项为空。")
        } else if let value = Normalize.quantity(rawQuantity) {
            quantity = value
        } else {
            // The value may be prose (见现场笔录); it is not quoted.
            reader.report(.itemBadQuantity, "quantity",
                          "不是数字：清单的数量须写明确的数目（如 12、1,200、3.50），不能写估计数、范围或文字说明；请按现场笔录补正后重新导出。")
        }
        guard let caseID, let purpose, let seq, let name, let unit, let quantity, reader.problems.isEmpty else {
            return (nil, reader.problems)
        }
        return (SeizedItem(caseID: caseID, purpose: purpose, seq: seq, name: name, spec: reader.text("spec"),
                           quantity: quantity, unit: unit, features: reader.text("features"),
                           storage: reader.text("storage"), extra: row.extra, source: row.source), reader.problems)
    }

    static func delivery(_ row: RawRow) -> (Delivery?, [Problem]) {
        var reader = FieldReader(row: row, layout: TableLayout(.deliveries))
        let caseID = reader.code("case_id", required: true)
        reader.caseID = caseID
        let document = reader.required("document").map(Normalize.withoutSpaces)
        let docNo = reader.required("doc_no").map(Normalize.halfWidthDigits)
        let method = reader.choice("method", DeliveryMethod.self, required: true)
        let servedAt = reader.dateTimeToTheMinute("served_at", required: true)
        let recipient = reader.required("recipient")
        let witnesses = reader.list("witnesses", separators: .items).map(Normalize.personName)
        if method == .lien && witnesses.isEmpty {
            // 民事诉讼法 第八十九条: 留置 needs 见证人 (or a record by photo or video) to take effect.
            reader.report(.deliveryLienWithoutWitness, "witnesses",
                          "送达方式为留置，但未填写见证人：留置送达应有见证人在送达回证上签名或盖章，否则不发生送达效力。")
        }
        guard let caseID, let document, let docNo, let method, let servedAt, let recipient,
              reader.problems.isEmpty else { return (nil, reader.problems) }
        let delivery = Delivery(caseID: caseID, document: document, docNo: docNo, method: method, servedAt: servedAt,
                                recipient: Normalize.partyName(recipient), receiver: Normalize.partyName(reader.text("receiver")),
                                relation: reader.text("relation"), witnesses: witnesses, place: reader.text("place"),
                                servers: reader.list("servers", separators: .items).map(Normalize.code),
                                note: reader.text("note"), extra: row.extra, source: row.source)
        return (delivery, reader.problems)
    }
}

extension Normalize {
    /// A recipient may be a person (王　芳 → 王芳) or an organisation whose
    /// Latin name keeps its spaces.
    static func partyName(_ text: String) -> String {
        text.unicodeScalars.contains { $0.isASCII && $0.properties.isAlphabetic } ? trim(text) : personName(text)
    }
}

extension FieldReader {
    /// Tells an absent optional whole number from an unreadable one.
    mutating func optionalInteger(_ key: String) -> (value: Int?, ok: Bool) {
        let before = problems.count
        let value = positiveInteger(key, required: false)
        return (value, problems.count == before)
    }
}
