import CaseModel
import Disclosure
import Documents
import Review
import Foundation
import Typesetting
import Yams

/// Reads pipeline.yml. Every key is known, every value checked; a mistake
/// names the key and its line, so nobody runs with a setting silently ignored.
public enum ConfigLoader {
    public static func load(file: URL) throws -> PipelineConfig {
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw ConfigError(file: file.path, line: nil, key: "-", problem: "无法读取该文件。")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: file.path, line: nil, key: "-", problem: "文件不是 UTF-8 编码。")
        }
        return try parse(text, file: file.lastPathComponent, baseFolder: file.deletingLastPathComponent())
    }

    public static func parse(_ text: String, file: String, baseFolder: URL) throws -> PipelineConfig {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw configError(error, file: file)
        }
        var config = PipelineConfig(baseFolder: baseFolder)
        config.sourceName = file
        guard let root = node else { return config }
        let reader = NodeReader(file: file)
        for (key, value) in try reader.mapping(root, key: "(根)") {
            switch key.string ?? "" {
            case "input": config.input = try reader.path(value, key: "input")
            case "output": config.output = try reader.path(value, key: "output")
            case "state_store":
                let text = try reader.path(value, key: "state_store")
                if let problem = stateStoreAddressProblem(text) {
                    throw reader.error(value, key: "state_store", problem)
                }
                if isPostgresURL(text) { config.shardQueue = text } else { config.stateStore = text }
            case "fonts": config.fonts = try reader.path(value, key: "fonts")
            case "calendar": config.calendar = try reader.path(value, key: "calendar")
            case "templates": config.templates = try reader.path(value, key: "templates")
            case "feed_schema": config.feedSchema = try reader.path(value, key: "feed_schema")
            case "documents": config.documentRules = try documentRules(value, reader)
            case "stages": config.stages = try stages(value, reader)
            case "agencies": try agencies(value, reader, into: &config)
            case "printing": config.printing = try printing(value, reader)
            case "legal_review": config.legalReview = try legalReview(value, reader)
            case "archive": config.archive = try archive(value, reader)
            case "onsite_numbers": config.onsiteNumbers = try numberBlocks(value, reader)
            case "disclosure": try disclosure(value, reader, into: &config)
            case "portal": try portal(value, reader, into: &config)
            case "onsite_number_store": config.onsiteNumberStore = try reader.path(value, key: "onsite_number_store")
            case "field_form": config.fieldForm = try fieldForm(value, reader)
            case "render_processes": config.renderProcesses = try reader.integer(value, key: "render_processes", range: 0...256)
            default: throw reader.unknown(key, in: "(根)", allowed: ["input", "output", "state_store", "fonts", "calendar", "templates", "documents",
                                                                         "stages", "printing", "agencies", "legal_review", "archive",
                                                                         "onsite_numbers", "onsite_number_store", "field_form", "disclosure", "portal",
                                                                         "feed_schema", "render_processes"])
            }
        }
        return config
    }

    private static func stages(_ node: Node, _ reader: NodeReader) throws -> [StageName] {
        let items = try reader.sequence(node, key: "stages")
        var stages: [StageName] = []
        for item in items {
            let name = try reader.string(item, key: "stages")
            guard let stage = StageName(rawValue: name) else {
                throw reader.error(item, key: "stages",
                                   "未知的阶段“\(name)”（可用：\(StageName.allCases.map(\.rawValue).joined(separator: "、"))）。")
            }
            guard !stages.contains(stage) else { throw reader.error(item, key: "stages", "阶段“\(name)”重复。") }
            if let last = stages.last, last.order > stage.order {
                throw reader.error(item, key: "stages", "阶段“\(name)”必须排在“\(last.rawValue)”之前。")
            }
            stages.append(stage)
        }
        guard stages.first == .ingest else {
            throw reader.error(node, key: "stages", "第一个阶段必须是 ingest（读取导出数据）。")
        }
        return stages
    }

    private static func printing(_ node: Node, _ reader: NodeReader) throws -> PrintSettings {
        var settings = PrintSettings()
        for (key, value) in try reader.mapping(node, key: "printing") {
            let name = key.string ?? ""
            switch name {
            case "format":
                switch try reader.string(value, key: "printing.format") {
                case "pdf": settings.format = .pdf
                case "ps", "postscript": settings.format = .postscript
                default: throw reader.error(value, key: "printing.format", "应为 pdf 或 ps。")
                }
            case "printer":
                settings.printer = try reader.string(value, key: "printing.printer")
            case "printable_area_mm":
                var margins: [String: Double] = [:]
                for (side, amount) in try reader.mapping(value, key: "printing.printable_area_mm") {
                    let sideName = try reader.string(side, key: "printing.printable_area_mm")
                    guard ["top", "right", "bottom", "left"].contains(sideName) else {
                        throw reader.unknown(side, in: "printing.printable_area_mm", allowed: ["top", "right", "bottom", "left"])
                    }
                    margins[sideName] = Double(try reader.integer(amount, key: "printing.printable_area_mm.\(sideName)", range: 0...60))
                }
                settings.printableArea = PrintableArea(top: margins["top"] ?? 5, right: margins["right"] ?? 5,
                                                       bottom: margins["bottom"] ?? 5, left: margins["left"] ?? 5)
            default:
                throw reader.unknown(key, in: "printing", allowed: ["format", "printer", "printable_area_mm"])
            }
        }
        return settings
    }

    /// `documents:` maps each kind to the conditions a case must meet to get it.
    private static func documentRules(_ node: Node, _ reader: NodeReader) throws -> [DocumentRule] {
        var rules: [DocumentRule] = []
        for (key, value) in try reader.mapping(node, key: "documents") {
            let kind = try reader.string(key, key: "documents")
            var rule = DocumentRule(kind: kind)
            let section = "documents.\(kind)"
            for (conditionKey, condition) in try reader.mapping(value, key: section) {
                let name = conditionKey.string ?? ""
                let path = "\(section).\(name)"
                switch name {
                case "action_type":
                    rule.actionTypes = try reader.terms(condition, key: path, what: "执法类别")
                case "procedure":
                    rule.procedures = try reader.terms(condition, key: path, what: "程序")
                case "status":
                    rule.statuses = try reader.terms(condition, key: path, what: "状态")
                case "penalized": rule.penalized = try reader.boolean(condition, key: path)
                case "title_contains": rule.titleContains = try reader.strings(condition, key: path)
                case "decision_contains": rule.decisionContains = try reader.strings(condition, key: path)
                case "decision_lacks": rule.decisionLacks = try reader.strings(condition, key: path)
                case "served": rule.served = try reader.boolean(condition, key: path)
                case "reviewed": rule.reviewed = try reader.boolean(condition, key: path)
                case "has": rule.has = try reader.terms(condition, key: path, what: "案件事实")
                default:
                    throw reader.unknown(conditionKey, in: section,
                                         allowed: ["action_type", "procedure", "status", "penalized", "title_contains", "decision_contains",
                                                   "decision_lacks", "served", "reviewed", "has"])
                }
            }
            rules.append(rule)
        }
        return rules
    }

    private static func legalReview(_ node: Node, _ reader: NodeReader) throws -> LegalReviewSettings {
        var settings = LegalReviewSettings()
        for (key, value) in try reader.mapping(node, key: "legal_review") {
            let name = key.string ?? ""
            let path = "legal_review.\(name)"
            switch name {
            case "major_decisions": settings.catalogue = try catalogue(value, reader, base: settings.catalogue)
            case "hearing":
                settings.catalogue = try hearingThresholds(value, reader, base: settings.catalogue)
            case "recheck_request_working_days": settings.recheck.requestWorkingDays = try reader.integer(value, key: path, range: 1...30)
            case "recheck_answer_working_days": settings.recheck.answerWorkingDays = try reader.integer(value, key: path, range: 1...30)
            default:
                throw reader.unknown(key, in: "legal_review",
                                     allowed: ["major_decisions", "hearing", "recheck_request_working_days", "recheck_answer_working_days"])
            }
        }
        return settings
    }

    /// `legal_review.hearing`: 行政处罚法 第六十三条's 较大数额 per party type (the hearing right), apart
    /// from the catalogue's amounts. Read into the catalogue, which answers `hearingEligible`.
    private static func hearingThresholds(_ node: Node, _ reader: NodeReader,
                                          base: MajorDecisionCatalogue) throws -> MajorDecisionCatalogue {
        var catalogue = base
        let section = "legal_review.hearing"
        for (key, value) in try reader.mapping(node, key: section) {
            let name = key.string ?? ""
            let path = "\(section).\(name)"
            switch name {
            case "fine_at_least":
                catalogue.hearingFineAtLeast = try amounts(value, reader, key: path, base: catalogue.hearingFineAtLeast)
            case "confiscation_at_least":
                catalogue.hearingConfiscationAtLeast = try amounts(value, reader, key: path, base: catalogue.hearingConfiscationAtLeast)
            default:
                throw reader.unknown(key, in: section, allowed: ["fine_at_least", "confiscation_at_least"])
            }
        }
        return catalogue
    }

    private static func catalogue(_ node: Node, _ reader: NodeReader, base: MajorDecisionCatalogue) throws -> MajorDecisionCatalogue {
        var catalogue = base
        let section = "legal_review.major_decisions"
        for (key, value) in try reader.mapping(node, key: section) {
            let name = key.string ?? ""
            let path = "\(section).\(name)"
            switch name {
            case "action_types":
                catalogue.actionTypes = try reader.terms(value, key: path, what: "执法类别")
            case "penalty_kinds":
                catalogue.penaltyKinds = try reader.terms(value, key: path, what: "处罚种类")
            case "fine_at_least": catalogue.fineAtLeast = try amounts(value, reader, key: path, base: catalogue.fineAtLeast)
            case "confiscation_at_least":
                catalogue.confiscationAtLeast = try amounts(value, reader, key: path, base: catalogue.confiscationAtLeast)
            case "hearing_held": catalogue.hearingHeld = try reader.boolean(value, key: path)
            case "case_ids": catalogue.caseIDs = Set(try reader.strings(value, key: path))
            case "titles_containing": catalogue.titlesContaining = try reader.strings(value, key: path)
            default:
                throw reader.unknown(key, in: section, allowed: ["action_types", "penalty_kinds", "fine_at_least",
                                                                 "confiscation_at_least", "hearing_held", "case_ids",
                                                                 "titles_containing"])
            }
        }
        return catalogue
    }

    /// Yuan per party type, e.g. `自然人: 10000`.
    private static func amounts(_ node: Node, _ reader: NodeReader, key: String,
                                base: [PartyType: Yuan]) throws -> [PartyType: Yuan] {
        var out = base
        for (typeKey, amount) in try reader.mapping(node, key: key) {
            let typeName = try reader.string(typeKey, key: key)
            guard let type = PartyType(rawValue: typeName) else {
                throw reader.error(typeKey, key: "\(key).\(typeName)",
                                   "不是当事人类型（可用：\(PartyType.allCases.map(\.rawValue).joined(separator: "、"))）。")
            }
            guard let yuan = Yuan(decimal: try reader.string(amount, key: "\(key).\(typeName)")), yuan >= .zero else {
                throw reader.error(amount, key: "\(key).\(typeName)", "应为以元为单位的金额，如 10000。")
            }
            out[type] = yuan
        }
        return out
    }

    /// `onsite_numbers:` officer certificate → {prefix, first, last}.
    private static func numberBlocks(_ node: Node, _ reader: NodeReader) throws -> [String: NumberBlock] {
        var blocks: [String: NumberBlock] = [:]
        for (key, value) in try reader.mapping(node, key: "onsite_numbers") {
            let cert = try reader.string(key, key: "onsite_numbers")
            let section = "onsite_numbers.\(cert)"
            var prefix: String?, first: Int?, last: Int?
            for (field, fieldValue) in try reader.mapping(value, key: section) {
                switch field.string ?? "" {
                case "prefix": prefix = try reader.string(fieldValue, key: "\(section).prefix")
                case "first": first = try reader.integer(fieldValue, key: "\(section).first", range: 1...9_999_999)
                case "last": last = try reader.integer(fieldValue, key: "\(section).last", range: 1...9_999_999)
                default: throw reader.unknown(field, in: section, allowed: ["prefix", "first", "last"])
                }
            }
            guard let prefix, let first, let last, first <= last else {
                throw reader.error(value, key: section, "应写明 prefix（如“玉水当罚〔{year}〕”）和 first ≤ last 的起止号。")
            }
            // A year written into the prefix would put one year's number on another year's decision.
            guard prefix.components(separatedBy: NumberBlock.yearPlaceholder).count == 2 else {
                throw reader.error(value, key: "\(section).prefix",
                                   "前缀应含且只含一处 {year}（发出时换成决定日期的年份），如“玉水当罚〔{year}〕”；不要写死年份。")
            }
            blocks[cert] = NumberBlock(prefix: prefix, first: first, last: last)
        }
        let sorted = blocks.sorted { $0.key < $1.key }
        for (index, (cert, block)) in sorted.enumerated() {
            for (other, otherBlock) in sorted[(index + 1)...] where otherBlock.prefix == block.prefix
                && otherBlock.first <= block.last && block.first <= otherBlock.last {
                throw reader.error(node, key: "onsite_numbers", "执法证号 \(cert) 和 \(other) 的号段重叠，同一号码可能发出两次。")
            }
        }
        return blocks
    }

    /// `disclosure: {fields: {field: publish|transform|drop}}`; an unlisted field is dropped.
    private static func disclosure(_ node: Node, _ reader: NodeReader, into config: inout PipelineConfig) throws {
        var policy = FieldPolicy.defaults
        for (key, value) in try reader.mapping(node, key: "disclosure") {
            switch key.string ?? "" {
            case "fields": break
            case "history":
                config.publicationHistory = try reader.path(value, key: "disclosure.history")
                continue
            case "go_live":
                config.goLive = try reader.date(value, key: "disclosure.go_live")
                continue
            case "require_approval":
                config.requireApproval = try reader.boolean(value, key: "disclosure.require_approval")
                continue
            case "approvals":
                config.approvals = try reader.path(value, key: "disclosure.approvals")
                continue
            case "public_shapes":
                config.publicShapes = try publicShapes(value, reader)
                continue
            default:
                throw reader.unknown(key, in: "disclosure",
                                     allowed: ["fields", "history", "go_live", "require_approval", "approvals", "public_shapes"])
            }
            var fields: [String: FieldTreatment] = [:]
            for (fieldKey, treatmentNode) in try reader.mapping(value, key: "disclosure.fields") {
                let field = try reader.string(fieldKey, key: "disclosure.fields")
                let path = "disclosure.fields.\(field)"
                guard let treatment = FieldTreatment(rawValue: try reader.string(treatmentNode, key: path)) else {
                    throw reader.error(treatmentNode, key: path, "应为 publish、transform 或 drop。")
                }
                if let problem = FieldPolicy.problem(field: field, treatment: treatment) {
                    throw reader.error(fieldKey, key: path, problem + "。")
                }
                fields[field] = treatment
            }
            for field in FieldPolicy.structural where fields[field] == nil {
                throw reader.error(value, key: "disclosure.fields", "必须列出 \(field)（门户依赖该字段）。")
            }
            policy = FieldPolicy(fields: fields)
        }
        config.disclosurePolicy = policy
    }

    /// `disclosure.public_shapes`: words and shapes added to the redactor's allow-list of
    /// identifiers in public text (units, amount words, standard prefixes, Latin words, public
    /// domains). Each list adds to the built-in one: an agency names what its cases use
    /// (e.g. a local unit) without copying, or losing, the defaults.
    private static func publicShapes(_ node: Node, _ reader: NodeReader) throws -> PublicShapes {
        var shapes = PublicShapes.defaults
        for (key, value) in try reader.mapping(node, key: "disclosure.public_shapes") {
            let name = key.string ?? ""
            let path = "disclosure.public_shapes.\(name)"
            let words = try reader.strings(value, key: path).map { $0.trimmingCharacters(in: .whitespaces) }
            // A word with digits would allow-list numbers themselves (an ID's first digits, a phone prefix).
            if let bad = words.first(where: { $0.isEmpty || $0.contains(where: \.isNumber) }) {
                throw reader.error(value, key: path, "“\(bad)”不能为空，也不能含数字：数字本身不能列为可公开的形式。")
            }
            switch name {
            case "units": shapes.units += words
            case "amount_suffixes": shapes.amountSuffixes += words
            case "amount_prefixes": shapes.amountPrefixes += words
            case "standard_prefixes": shapes.standardPrefixes += words
            case "latin_words": shapes.latinWords += words.map { $0.uppercased() }
            case "public_domains": shapes.publicDomains += words
            default:
                throw reader.unknown(key, in: "disclosure.public_shapes",
                                     allowed: ["units", "amount_suffixes", "amount_prefixes", "standard_prefixes", "latin_words", "public_domains"])
            }
        }
        return shapes
    }

    private static func archive(_ node: Node, _ reader: NodeReader) throws -> ArchiveSettings {
        var settings = ArchiveSettings()
        for (key, value) in try reader.mapping(node, key: "archive") {
            switch key.string ?? "" {
            case "signing_key": settings.signingKey = try reader.path(value, key: "archive.signing_key")
            default: throw reader.unknown(key, in: "archive", allowed: ["signing_key"])
            }
        }
        return settings
    }

    private static func agencies(_ node: Node, _ reader: NodeReader, into config: inout PipelineConfig) throws {
        var overrides: [(String, Node)] = []
        for (key, value) in try reader.mapping(node, key: "agencies") {
            let name = try reader.string(key, key: "agencies")
            if name == "defaults" {
                config.agencyDefaults = try settings(value, base: config.agencyDefaults, path: "agencies.defaults", reader)
            } else {
                guard UnifiedSocialCreditCode.validate(name) == nil else {
                    throw reader.error(key, key: "agencies.\(name)", "应为 defaults 或执法主体的统一社会信用代码（18位，校验码正确）。")
                }
                overrides.append((name, value))
            }
        }
        // Overrides start from the defaults wherever they stand in the file.
        for (code, value) in overrides {
            config.agencyOverrides[code] = try settings(value, base: config.agencyDefaults, path: "agencies.\(code)", reader)
        }
    }

    private static func settings(_ node: Node, base: AgencySettings, path: String, _ reader: NodeReader) throws -> AgencySettings {
        var settings = base
        for (key, value) in try reader.mapping(node, key: path) {
            let name = key.string ?? ""
            let keyPath = "\(path).\(name)"
            switch name {
            case "annual_report_deadline":
                let text = try reader.string(value, key: keyPath)
                guard let deadline = MonthDay(text) else { throw reader.error(value, key: keyPath, "应为“月-日”，如 \"01-20\"。") }
                settings.annualReportDeadline = deadline
            case "disclosure_working_days":
                for (typeKey, days) in try reader.mapping(value, key: keyPath) {
                    let typeName = try reader.string(typeKey, key: keyPath)
                    guard let type = ActionType(rawValue: typeName) else {
                        throw reader.error(typeKey, key: "\(keyPath).\(typeName)",
                                           "不是执法类别（可用：\(ActionType.allCases.map(\.rawValue).joined(separator: "、"))）。")
                    }
                    settings.disclosureWorkingDays[type] = try reader.integer(days, key: "\(keyPath).\(typeName)", range: 1...60)
                }
            case "annual_report_warning_days":
                settings.annualReportWarningDays = try reader.integer(value, key: keyPath, range: 0...31)
            case "withdrawal_working_days":
                settings.withdrawalWorkingDays = try reader.integer(value, key: keyPath, range: 1...30)
            case "go_live":
                settings.goLive = try reader.date(value, key: keyPath)
            default:
                throw reader.unknown(key, in: path,
                                     allowed: ["annual_report_deadline", "annual_report_warning_days", "disclosure_working_days",
                                               "withdrawal_working_days", "go_live"])
            }
        }
        return settings
    }

    private static func configError(_ error: YamlError, file: String) -> ConfigError {
        switch error {
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigError(file: file, line: context.mark.line, key: duplicates.first ?? "-",
                               problem: "重复出现（此处为第一次出现）。")
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
             .composer(_, let problem, let mark, _):
            return ConfigError(file: file, line: mark.line, key: "-", problem: "YAML 语法错误（\(problem)）。")
        default:
            return ConfigError(file: file, line: nil, key: "-", problem: "YAML 语法错误。")
        }
    }
}

/// Typed access to YAML nodes with errors that carry the line.
struct NodeReader {
    let file: String

    func error(_ node: Node, key: String, _ problem: String) -> ConfigError {
        ConfigError(file: file, line: node.mark?.line, key: key, problem: problem)
    }

    func unknown(_ keyNode: Node, in section: String, allowed: [String]) -> ConfigError {
        let name = keyNode.string ?? "?"
        return error(keyNode, key: name, "\(section) 下没有这个设置项（可用：\(allowed.joined(separator: "、"))）。")
    }

    func mapping(_ node: Node, key: String) throws -> [(Node, Node)] {
        guard case .mapping(let mapping) = node else { throw error(node, key: key, "应为键值映射。") }
        var seen = Set<String>()
        for (k, _) in mapping {
            let name = k.string ?? ""
            guard seen.insert(name).inserted else { throw error(k, key: name, "重复出现。") }
        }
        return Array(mapping)
    }

    func sequence(_ node: Node, key: String) throws -> [Node] {
        guard case .sequence(let sequence) = node else { throw error(node, key: key, "应为列表。") }
        return Array(sequence)
    }

    func string(_ node: Node, key: String) throws -> String {
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty else { throw error(node, key: key, "应为非空文字。") }
        return scalar.string
    }

    /// A date written YYYY-MM-DD.
    func date(_ node: Node, key: String) throws -> CivilDate {
        let text = try string(node, key: key)
        guard let date = CivilDate(iso: text) else { throw error(node, key: key, "应为 YYYY-MM-DD 格式的日期，如 \"2026-01-01\"。") }
        return date
    }

    func path(_ node: Node, key: String) throws -> String {
        let text = try string(node, key: key)
        guard !text.contains("\0") else { throw error(node, key: key, "不是有效路径。") }
        return text
    }

    /// A list of texts; an empty list `[]` is allowed.
    func strings(_ node: Node, key: String) throws -> [String] {
        try sequence(node, key: key).map { try string($0, key: key) }
    }

    /// A list of terms of one of the contract's vocabularies, e.g. [行政处罚, 行政强制].
    func terms<T: RawRepresentable & CaseIterable & Hashable>(_ node: Node, key: String, what: String) throws -> Set<T>
        where T.RawValue == String {
        Set(try strings(node, key: key).map { text in
            guard let term = T(rawValue: text) else {
                throw error(node, key: key, "“\(text)”不是\(what)（可用：\(T.allCases.map(\.rawValue).joined(separator: "、"))）。")
            }
            return term
        })
    }

    func boolean(_ node: Node, key: String) throws -> Bool {
        guard case .scalar(let scalar) = node else { throw error(node, key: key, "应为 true 或 false。") }
        switch scalar.string.lowercased() {
        case "true", "yes", "是": return true
        case "false", "no", "否": return false
        default: throw error(node, key: key, "应为 true 或 false。")
        }
    }

    func integer(_ node: Node, key: String, range: ClosedRange<Int>) throws -> Int {
        guard case .scalar(let scalar) = node, let value = Int(scalar.string), range.contains(value) else {
            throw error(node, key: key, "应为 \(range.lowerBound) 到 \(range.upperBound) 之间的整数。")
        }
        return value
    }
}
