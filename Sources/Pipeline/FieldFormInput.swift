import Foundation
import Yams

/// The fields an officer enters for a field form, each with its export-contract key
/// (cases.csv where the contract has one) and the Chinese name used in prompts,
/// files and messages.
public enum FieldFormField: String, CaseIterable, Sendable {
    case partyType = "party_type"
    case partyName = "party_name"
    case partyIDType = "party_id_type"
    case partyIDNumber = "party_id_no"
    case legalRep = "legal_rep"
    case partyAddress = "party_address"
    case partyPhone = "party_phone"
    case title
    case occurredAt = "occurred_at"
    case place
    case facts
    case evidence
    case violatedProvisions = "violated_provisions"
    case penaltyProvisions = "penalty_provisions"
    case penaltyKinds = "penalty_kinds"
    case fine = "fine_amount"
    case payment
    case officers
    case decisionDate = "decision_date"

    public var label: String {
        switch self {
        case .partyType: return "当事人类型"
        case .partyName: return "当事人"
        case .partyIDType: return "证件类型"
        case .partyIDNumber: return "证件号码"
        case .legalRep: return "法定代表人"
        case .partyAddress: return "住所"
        case .partyPhone: return "联系电话"
        case .title: return "案由"
        case .occurredAt: return "违法时间"
        case .place: return "违法地点"
        case .facts: return "违法事实"
        case .evidence: return "证据"
        case .violatedProvisions: return "违法依据"
        case .penaltyProvisions: return "处罚依据"
        case .penaltyKinds: return "处罚种类"
        case .fine: return "罚款金额"
        case .payment: return "缴款方式"
        case .officers: return "执法人员"
        case .decisionDate: return "决定日期"
        }
    }

    /// What the interactive prompt says after the name.
    public var hint: String {
        switch self {
        case .partyType: return "自然人、法人、非法人组织或个体工商户"
        case .partyIDType: return "居民身份证、统一社会信用代码、护照等；可不填，按当事人类型默认"
        case .legalRep: return "单位填写；自然人可不填"
        case .partyPhone: return "可不填"
        case .occurredAt: return "如 2026-03-14 10:20"
        case .evidence: return "多项用分号分隔；可不填"
        case .penaltyKinds: return "警告、罚款，多项用分号分隔"
        case .fine: return "元，如 200；只处警告的不填"
        case .payment: return "银行缴纳（默认）或当场收缴"
        case .officers: return "两名执法人员的执法证号，用分号分隔；第一位的号段出号"
        case .decisionDate: return "YYYY-MM-DD，默认今天"
        default: return ""
        }
    }

    public var isList: Bool { self == .evidence || self == .penaltyKinds || self == .officers }

    /// By contract key or Chinese name.
    public init?(name: String) {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard let field = Self.allCases.first(where: { $0.rawValue == trimmed || $0.label == trimmed }) else { return nil }
        self = field
    }
}

/// What an officer entered, as text, before any check.
public struct FieldFormInput: Equatable, Sendable {
    public var values: [FieldFormField: [String]] = [:]

    public init() {}

    public func text(_ field: FieldFormField) -> String {
        (values[field] ?? []).joined(separator: "；").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public func list(_ field: FieldFormField) -> [String] {
        (values[field] ?? []).flatMap(Self.split).filter { !$0.isEmpty }
    }

    /// Sets a field from one line of text (a flag or a prompt); lists split at ；;、 and commas.
    public mutating func set(_ field: FieldFormField, text: String) {
        values[field] = field.isList ? Self.split(text) : [text]
    }

    /// `键=值` from the command line, the key by contract key or Chinese name.
    public mutating func set(assignment: String) throws {
        guard let equals = assignment.firstIndex(of: "=") ?? assignment.firstIndex(of: "＝"),
              let field = FieldFormField(name: String(assignment[..<equals])) else {
            throw FieldFormError(problems: [FieldFormProblem(field: nil,
                message: "“\(assignment.prefix(30))”应写成 名称=值，名称为：\(FieldFormField.allCases.map(\.label).joined(separator: "、"))。")])
        }
        set(field, text: String(assignment[assignment.index(after: equals)...]))
    }

    static func split(_ text: String) -> [String] {
        text.split(whereSeparator: { ";；、,，\n".contains($0) })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// A small YAML or JSON file: one mapping of field (contract key or Chinese name) to value;
    /// lists as YAML lists or separated text.
    public static func read(file url: URL) throws -> FieldFormInput {
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            throw FieldFormError(problems: [FieldFormProblem(field: nil, message: "无法读取现场录入文件 \(url.path)（应为 UTF-8 编码的 YAML 或 JSON）。")])
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw FieldFormError(problems: [FieldFormProblem(field: nil, message: "现场录入文件 \(url.lastPathComponent) 不是有效的 YAML 或 JSON。")])
        }
        guard case .mapping(let mapping)? = root else {
            throw FieldFormError(problems: [FieldFormProblem(field: nil, message: "现场录入文件 \(url.lastPathComponent) 应为“名称: 值”的映射。")])
        }
        var input = FieldFormInput()
        var problems: [FieldFormProblem] = []
        for (key, value) in mapping {
            guard let name = key.string, let field = FieldFormField(name: name) else {
                problems.append(FieldFormProblem(field: nil, message: "现场录入文件第\((key.mark?.line).map(String.init) ?? "?")行：不认识的名称“\(key.string ?? "")”"
                    + "（可用：\(FieldFormField.allCases.map(\.label).joined(separator: "、"))）。"))
                continue
            }
            switch value {
            case .scalar(let scalar): input.set(field, text: scalar.string)
            case .sequence(let items): input.values[field] = items.compactMap(\.string)
            default: problems.append(FieldFormProblem(field: field, message: "应为文字或列表。"))
            }
        }
        guard problems.isEmpty else { throw FieldFormError(problems: problems) }
        return input
    }
}
