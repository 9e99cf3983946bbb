import CaseModel
import Foundation

/// People's names in free text: found from context cues (证人, 驾驶员, 妻子,
/// 邻居, 股东, 负责人 …) and the surname list, and replaced by 张某 / 欧阳某,
/// with 某甲, 某乙 … where two people share a surname.
struct NameFinder {
    static let cues = [
        "证人", "见证人", "驾驶员", "驾驶人", "司机", "邻居", "股东", "负责人", "实际负责人", "经营者", "实际经营者", "员工", "职工",
        "工人", "雇员", "店员", "营业员", "收银员", "销售员", "厨师", "保安", "会计", "出纳", "经理", "主管", "联系人", "代理人",
        "委托代理人", "举报人", "投诉人", "报案人", "受害人", "被害人", "村民", "居民", "配偶", "丈夫", "妻子", "之妻", "之夫", "儿子",
        "女儿", "之子", "之女", "其子", "其女", "其妻", "其夫", "其父", "其母", "孙子", "孙女", "子女", "父亲", "母亲", "哥哥", "弟弟", "姐姐", "妹妹", "亲属", "家属", "同事", "合伙人", "监护人", "承租人",
        "出租人", "租户", "业主", "买受人", "购买人", "购买者", "顾客", "消费者", "患者", "学生", "未成年人", "现场人员", "在场人员",
        "工作人员", "施工人员", "作业人员", "承包人", "雇请", "雇佣", "名叫", "姓名为", "名为",
    ]

    /// Characters that end a name: verbs and particles that follow one in the documents.
    static let stops: Set<Character> = Set("证称说讲的在于等系是和与及向对被把将已到从为了也都就均所以并因曾现又即且则经未无不有来去给让叫作做到达"
        // Verbs that follow a name in the documents; characters common in given names (建, 开, 运, 进 …) are not here.
        + "签拒提出确认陈述告指驾销购买卖报打负擅负责驶乘骑搬挖砍伐抽倒拆"
        + "（(，,。；;：:、“”\"' 　某")

    /// Distinct names in order of appearance.
    static func names(in text: String, known: [String], kept: Set<String>) -> [String] {
        var found: [String] = []
        func add(_ name: String) {
            if !name.isEmpty, !kept.contains(name), !found.contains(name) { found.append(name) }
        }
        for name in known { if text.contains(name) { add(name) } }
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            // Every cue starting here, longest first; a cue with no name after it (其妻子…) lets a
            // later cue (妻子) have its turn.
            var found: (name: String, end: Int)?
            for cue in cuesByFirst[characters[index]] ?? [] where found == nil && matches(cue, characters, at: index) {
                var start = index + cue.count
                while start < characters.count, "：: 　".contains(characters[start]) { start += 1 }
                if let name = name(characters, at: start) { found = (name, start + name.count) }
            }
            if let found {
                add(found.name)
                index = found.end
                continue
            }
            index += 1
        }
        // 王某某、张某 and 崔某瑶 forms are already anonymous or half so: normalised by `replace`.
        return found
    }

    /// Cues by their first character, longest first, as character arrays: the scan runs over every character.
    private static let cuesByFirst: [Character: [[Character]]] = {
        var out: [Character: [[Character]]] = [:]
        for cue in cues.sorted(by: { $0.count > $1.count }) {
            let characters = Array(cue)
            if let first = characters.first { out[first, default: []].append(characters) }
        }
        return out
    }()

    private static let compoundSurnames: [[Character]] = Surnames.compound.map(Array.init)

    private static func matches(_ cue: [Character], _ characters: [Character], at index: Int) -> Bool {
        guard index + cue.count <= characters.count else { return false }
        for offset in 0..<cue.count where characters[index + offset] != cue[offset] { return false }
        return true
    }

    /// A surname (compound first) and one or two given-name characters, stopping at a particle.
    static func name(_ characters: [Character], at start: Int) -> String? {
        guard start < characters.count else { return nil }
        var surnameLength = 0
        for compound in compoundSurnames where matches(compound, characters, at: start) {
            surnameLength = compound.count
            break
        }
        if surnameLength == 0, Surnames.single.contains(characters[start]) { surnameLength = 1 }
        guard surnameLength > 0 else { return nil }
        var end = start + surnameLength
        var given = 0
        while end < characters.count, given < 2, isNameCharacter(characters[end]) {
            end += 1
            given += 1
        }
        guard given > 0, characters[start + surnameLength] != "某" else { return nil }
        return String(characters[start..<end])
    }

    private static func isNameCharacter(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1 else { return false }
        return (0x4E00...0x9FFF).contains(scalar.value) && !stops.contains(character)
    }

    /// 张三 → 张某; two people named 张 → 张某甲, 张某乙.
    static func replacements(for names: [String]) -> [String: String] {
        var bySurname: [String: [String]] = [:]
        var order: [String] = []
        for name in names {
            let surname = self.surname(of: name)
            if bySurname[surname] == nil { order.append(surname) }
            bySurname[surname, default: []].append(name)
        }
        let ordinals = Array("甲乙丙丁戊己庚辛壬癸")
        var out: [String: String] = [:]
        for surname in order {
            let group = bySurname[surname] ?? []
            for (index, name) in group.enumerated() {
                out[name] = surname + "某" + (group.count > 1 ? String(ordinals[min(index, ordinals.count - 1)]) : "")
            }
        }
        return out
    }

    static func surname(of name: String) -> String {
        Surnames.compound.first { name.hasPrefix($0) } ?? String(name.prefix(1))
    }
}

/// One case's redaction: what it removed, by kind and count (never the values).
public struct RedactionReport: Codable, Equatable, Sendable {
    public var caseID: String
    public var removed: [String: Int]
    /// Why the case is not published at all, when it is not.
    public var withheld: String?

    enum CodingKeys: String, CodingKey { case caseID = "case_id", removed, withheld }
}

/// Redacts one case's free text: identifiers removed, street-level address parts
/// removed, trade-secret passages removed, people's names anonymised — the same
/// person the same way in every field of the case.
public final class TextRedactor {
    let keep: KeepList
    let tradeSecrets: [String]
    let nameMap: [String: String]
    public private(set) var counts: [RedactedKind: Int] = [:]

    /// `people`: names known to be private (the party when a natural person); `kept`: names that are
    /// public (officers, legal representatives); `texts`: every free-text field, to find names across them.
    public init(texts: [String], people: [String], kept: Set<String>, keep: KeepList, tradeSecrets: [String]) {
        self.keep = keep
        self.tradeSecrets = tradeSecrets.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
        let joined = texts.joined(separator: "\n")
        nameMap = NameFinder.replacements(for: NameFinder.names(in: joined, known: people, kept: kept))
    }

    public func redact(_ text: String) -> String {
        var result = text
        for secret in tradeSecrets where result.contains(secret) {
            counts[.tradeSecret, default: 0] += result.components(separatedBy: secret).count - 1
            result = result.replacingOccurrences(of: secret, with: "（涉及商业秘密，不予公开）")
        }
        result = removeIdentifiers(result)
        result = completeHalfMaskedNames(result)
        result = anonymiseNames(result)
        return result
    }

    /// The party's address cut back to the county.
    public func redactAddress(_ address: String) -> String {
        let folded = PIIScanner.fold(address)
        let keepLength = AddressFinder.keptPrefixLength(folded)
        guard keepLength < (folded as NSString).length else { return address }
        counts[.address, default: 0] += 1
        return (address as NSString).substring(to: keepLength)
    }

    private func removeIdentifiers(_ text: String) -> String {
        let folded = PIIScanner.fold(text)
        var findings = PIIScanner.findings(in: text, keep: keep)
        findings += AddressFinder.ranges(in: folded).map { PIIScanner.Finding(range: $0, kind: .address) }
        // Earliest first, longest first; a finding inside another is dropped.
        findings.sort { ($0.range.location, -$0.range.length) < ($1.range.location, -$1.range.length) }
        var kept: [PIIScanner.Finding] = []
        for finding in findings {
            if let last = kept.last, finding.range.location < last.range.location + last.range.length {
                let end = max(last.range.location + last.range.length, finding.range.location + finding.range.length)
                kept[kept.count - 1].range = NSRange(location: last.range.location, length: end - last.range.location)
                continue
            }
            kept.append(finding)
        }
        let result = NSMutableString(string: text)
        for finding in kept.reversed() {
            counts[finding.kind, default: 0] += 1
            result.replaceCharacters(in: finding.range, with: "")
        }
        return result as String
    }

    private func anonymiseNames(_ text: String) -> String {
        var result = text
        for (name, replacement) in nameMap.sorted(by: { $0.key.count > $1.key.count }) where result.contains(name) {
            counts[.personName, default: 0] += result.components(separatedBy: name).count - 1
            result = result.replacingOccurrences(of: name, with: replacement)
        }
        return result
    }

    /// 崔某瑶 still shows part of a name: it becomes 崔某. Runs before names are replaced, so 张某甲 stays whole.
    private func completeHalfMaskedNames(_ text: String) -> String {
        guard let halfMasked = PIIScanner.regex(#"([\u4e00-\u9fa5]{1,2})某([\u4e00-\u9fa5])(?=[（(，,。；：:、证称说等系在]|$)"#) else { return text }
        let range = NSRange(location: 0, length: (text as NSString).length)
        let matches = halfMasked.matches(in: text, range: range).filter { match in
            let before = (text as NSString).substring(with: match.range(at: 1))
            let given = (text as NSString).substring(with: match.range(at: 2))
            let isSurname = Surnames.compound.contains(before) || before.last.map(Surnames.single.contains) == true
            return isSurname && !"甲乙丙丁戊己庚辛壬癸某".contains(given)
        }
        let result = NSMutableString(string: text)
        for match in matches.reversed() {
            result.replaceCharacters(in: match.range(at: 2), with: "")
            counts[.personName, default: 0] += 1
        }
        return result as String
    }

    public var removedByKind: [String: Int] {
        Dictionary(uniqueKeysWithValues: counts.filter { $0.value > 0 }.map { ($0.key.rawValue, $0.value) })
    }
}
