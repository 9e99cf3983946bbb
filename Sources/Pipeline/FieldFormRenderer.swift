import CaseModel
import Documents
import Foundation
import Typesetting

/// Draws the pre-formatted 当场行政处罚决定书 (预定格式, 行政处罚法 第五十二条) of a
/// numbered field case: one sheet per copy — 存根 (kept by the agency) and 交当事人
/// (given to the party) — with the same content and number, on the configured paper,
/// in the largest type at which each copy fits on its sheet.
public final class FieldFormRenderer {
    public static let copies: [(label: String, stub: Bool)] = [
        ("第一联　存根（本机关留存备案）", true), ("第二联　交当事人", false),
    ]
    /// Body sizes tried, largest first: 4号, 小四, 5号, 小5号, 8 pt.
    static let bodySizes: [Double] = [14, 12, 10.5, 9, 8]

    let fonts: FontSet
    let template: Template
    let paper: FormPaper
    let profile: OutputProfile

    public init(config: PipelineConfig, fonts: FontSet) throws {
        let url = config.fieldFormTemplateURL
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw FieldPrintError(message: "预定格式的当场行政处罚决定书模板 \(url.path) 不存在或无法读取（pipeline.yml 的 field_form.template）。")
        }
        template = try Template(String(decoding: data, as: UTF8.self), file: url.path)
        self.fonts = fonts
        paper = config.fieldForm.paper
        profile = config.printing.profile
    }

    public func render(_ record: FieldCaseRecord) throws -> RenderedDocument {
        let prepared = try DocumentMarkup.read(template.render(Self.data(record)), file: template.file)
        let missing = prepared.elements.filter { !$0.isPresent }
        guard missing.isEmpty else { throw MissingStatutoryElements(kind: "当场行政处罚决定书", elements: missing) }
        let area: PrintableArea
        if case .print(let printable) = profile.kind { area = printable } else { area = PrintableArea(top: 0, right: 0, bottom: 0, left: 0) }
        let sizes = Self.bodySizes.filter { $0 <= 14 * paper.widthMM / 210 + 1 }
        var rendered: RenderedDocument?
        for size in sizes.isEmpty ? [8] : sizes {
            let typesetter = Typesetter(fonts: fonts, geometry: Self.geometry(paper, area: area, body: size))
            let attempt = try typesetter.render(prepared.document, profile: profile)
            rendered = attempt
            if attempt.pageCount <= Self.copies.count { break }
        }
        guard let rendered else { throw FieldPrintError(message: "当场行政处罚决定书排版失败。") }
        return rendered
    }

    /// The paper with margins clear of the printer's unprintable edges, a character
    /// grid at `body` points and lines 1.6 times as high.
    static func geometry(_ paper: FormPaper, area: PrintableArea, body: Double) -> PageGeometry {
        let mm = PageGeometry.millimetre
        let least = paper.widthMM < 180 ? 10.0 : 15.0
        let top = max(area.top + 2, least) * mm, bottom = max(area.bottom + 2, least) * mm
        let left = max(area.left + 2, least) * mm, right = max(area.right + 2, least) * mm
        var geometry = PageGeometry.gbt9704
        geometry.pageWidth = paper.widthMM * mm
        geometry.pageHeight = paper.heightMM * mm
        geometry.top = top
        geometry.left = left
        geometry.blockWidth = geometry.pageWidth - left - right
        geometry.blockHeight = geometry.pageHeight - top - bottom
        geometry.charactersPerLine = max(8, Int(geometry.blockWidth / body))
        geometry.linesPerPage = max(8, Int(geometry.blockHeight / (body * 1.6)))
        geometry.bodySize = body
        geometry.titleSize = body * 1.4
        // No page numbers: the form is one sheet per copy.
        geometry.pageNumberSize = 0.1
        geometry.pageNumberDrop = 0
        return geometry
    }
}

extension FieldFormRenderer {
    /// The ordinary documents' data (party lines, penalties with uppercase amounts, the
    /// basis sentence, relief) plus what only the field form prints.
    static func data(_ record: FieldCaseRecord) -> TemplateValue {
        let item = record.enforcementCase
        let agency = Agency(code: record.agency.code, name: record.agency.name, docPrefix: "", address: "", phone: "",
                            reconsiderationBody: record.agency.reconsiderationBody, court: record.agency.court, portalURL: "",
                            source: item.source)
        let officers = Dictionary(record.officerNames.map { cert, name in
            (cert, Officer(certNo: cert, name: name, agencyCode: agency.code, field: "", validUntil: item.decisionDate,
                           status: .active, source: item.source))
        }, uniquingKeysWith: { first, _ in first })
        let details = AgencyDetails(agencyCode: agency.code, paymentBank: record.agency.paymentBank,
                                    paymentAccountName: record.agency.paymentAccountName, paymentAccount: record.agency.paymentAccount)
        var data = DocumentData.context(for: item, context: CaseContext(agency: agency, officers: officers),
                                        onsiteNumber: record.number, agencyDetails: details)
        let occurred = CivilDateTime(iso: record.field.occurredAt + ":00").map(FieldFormValidator.chinese) ?? record.field.occurredAt
        data = data.replacing("field", with: .object([
            "occurred_at": .text(occurred), "place": .text(record.field.place), "facts": .text(record.field.facts),
            "payment": .text(paymentText(record)), "has_payment": .flag(!paymentText(record).isEmpty),
            "filing": .text("执法人员当场作出行政处罚决定的，应当报所属行政机关备案（行政处罚法第五十二条第三款）。"),
        ]))
        return data.replacing("copies", with: .list(copies.enumerated().map { index, copy in
            .object(["label": .text(copy.label), "first": .flag(index == 0), "stub": .flag(copy.stub)])
        }))
    }

    /// 行政处罚法 第六十七条第三款 (fifteen days, bank or electronic payment), 第七十二条
    /// (3 % a day, never more than the fine); 第六十八条、第七十条 for a fine taken on the spot.
    static func paymentText(_ record: FieldCaseRecord) -> String {
        guard !record.case.fineAmount.isEmpty else { return "" }
        if record.field.payment == "当场收缴" {
            return "本罚款由执法人员当场收缴，并向当事人出具财政部门统一制发的专用票据（《中华人民共和国行政处罚法》第六十八条第一项、第七十条）。"
        }
        let agency = record.agency
        let bank = agency.paymentBank.isEmpty ? "指定的银行" : agency.paymentBank
        let account = agency.paymentAccount.isEmpty ? ""
            : "（户名：\(agency.paymentAccountName)，账号：\(agency.paymentAccount)）"
        return "当事人应当自收到本决定书之日起十五日内，到\(bank)\(account)缴纳罚款，或者通过电子支付系统缴纳"
            + "（《中华人民共和国行政处罚法》第六十七条第三款）。到期不缴纳罚款的，本机关可以每日按罚款数额的百分之三加处罚款，"
            + "加处罚款的数额不超出罚款的数额（第七十二条第一款第一项）。"
    }
}
