import CaseModel

/// Writes the model as canonical JSON — keys sorted, no insignificant space,
/// only the characters JSON requires escaped — byte for byte what a sorted
/// JSONEncoder would produce for the synthesized Codable forms, and readable
/// back with JSONDecoder. Hand-written because JSONEncoder costs more than the
/// whole rest of an ingest of 100,000 cases.
struct CanonicalJSON {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 2048) { bytes.reserveCapacity(capacity) }

    private var needsComma = false

    mutating func object(_ body: (inout CanonicalJSON) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
        body(&self)
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    mutating func array(_ items: [String]) {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
        for item in items { string(item) }
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// A key; the caller writes keys in byte order.
    mutating func key(_ name: String) {
        separate()
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    mutating func string(_ value: String) {
        separate()
        appendQuoted(value)
        needsComma = true
    }

    mutating func int(_ value: Int) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
        needsComma = true
    }

    mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
        needsComma = true
    }

    /// Optional members are left out when nil, as synthesized Codable does.
    mutating func member(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    mutating func member(_ name: String, strings: [String]) {
        key(name)
        array(strings)
    }

    mutating func member(_ name: String, map: [String: String]) {
        key(name)
        object { json in
            for entry in map.sorted(by: { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }) {
                json.member(entry.key, entry.value)
            }
        }
    }

    mutating func member(_ name: String, source: SourceRef) {
        key(name)
        object { json in
            json.member("file", source.file)
            json.key("row")
            json.int(source.row)
        }
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func appendQuoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            // Copy runs that need no escaping in one go; escape the rest.
            var runStart = 0
            for i in 0..<utf8.count {
                let byte = utf8[i]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
                appendEscaped(byte)
                runStart = i + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscaped(_ byte: UInt8) {
        switch byte {
        case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
        case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
        case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
        case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
        default:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        }
    }
}

extension CanonicalJSON {
    /// A case without its source position: moving within the export does not change it.
    static func payload(of item: EnforcementCase) -> [UInt8] {
        var json = CanonicalJSON()
        json.object { json in
            json.member("actionType", item.actionType.rawValue)
            json.member("agencyCode", item.agencyCode)
            json.member("confiscation", item.confiscation?.decimalString)
            json.member("decision", item.decision)
            json.member("decisionDate", item.decisionDate.iso)
            json.member("disclosure", item.disclosure.rawValue)
            json.member("discretion", item.discretion)
            json.member("docNo", item.docNo)
            json.member("evidence", strings: item.evidence)
            json.member("extra", map: item.extra)
            json.member("facts", item.facts)
            json.member("fine", item.fine?.decimalString)
            json.key("hearing")
            json.bool(item.hearing)
            json.member("id", item.id)
            json.key("major")
            json.bool(item.major)
            json.member("nondisclosureReason", item.nondisclosureReason?.rawValue)
            json.member("officerCerts", strings: item.officerCerts)
            json.key("party")
            json.party(item.party)
            json.member("penaltyKinds", strings: item.penaltyKinds.map(\.rawValue))
            json.member("penaltyProvisions", item.penaltyProvisions)
            json.member("procedure", item.procedure?.rawValue)
            json.member("reviewID", item.reviewID)
            json.member("servedDate", item.servedDate?.iso)
            json.member("source", source: SourceRef(file: "", row: 0))
            json.member("status", item.status.rawValue)
            json.member("statusDate", item.statusDate?.iso)
            json.member("statusReason", item.statusReason)
            json.member("title", item.title)
            json.member("tradeSecretSpans", strings: item.tradeSecretSpans)
            json.member("updatedAt", item.updatedAt?.iso)
            json.member("violatedProvisions", item.violatedProvisions)
        }
        return json.bytes
    }

    private mutating func party(_ party: Party) {
        object { json in
            json.member("address", party.address)
            json.member("idNumber", party.idNumber)
            json.member("idType", party.idType?.rawValue)
            json.key("isMinor")
            json.bool(party.isMinor)
            json.member("legalRepresentative", party.legalRepresentative)
            json.member("name", party.name)
            json.member("phone", party.phone)
            json.member("type", party.type.rawValue)
        }
    }

    static func payload(of agency: Agency) -> [UInt8] {
        var json = CanonicalJSON(capacity: 512)
        json.object { json in
            json.member("address", agency.address)
            json.member("code", agency.code)
            json.member("court", agency.court)
            json.member("docPrefix", agency.docPrefix)
            json.member("extra", map: agency.extra)
            json.member("name", agency.name)
            json.member("phone", agency.phone)
            json.member("portalURL", agency.portalURL)
            json.member("reconsiderationBody", agency.reconsiderationBody)
            json.member("source", source: agency.source)
        }
        return json.bytes
    }

    static func payload(of officer: Officer) -> [UInt8] {
        var json = CanonicalJSON(capacity: 256)
        json.object { json in
            json.member("agencyCode", officer.agencyCode)
            json.member("certNo", officer.certNo)
            json.member("extra", map: officer.extra)
            json.member("field", officer.field)
            json.member("name", officer.name)
            json.member("source", source: officer.source)
            json.member("status", officer.status.rawValue)
            json.member("validUntil", officer.validUntil.iso)
        }
        return json.bytes
    }

    static func payload(of review: Review) -> [UInt8] {
        var json = CanonicalJSON(capacity: 1024)
        json.object { json in
            json.member("caseID", review.caseID)
            json.member("conclusion", review.conclusion.rawValue)
            json.member("criminalReferral", review.criminalReferral.rawValue)
            json.member("extra", map: review.extra)
            json.member("id", review.id)
            json.member("items", map: Dictionary(uniqueKeysWithValues: review.items.map { ($0.key.rawValue, $0.value.rawValue) }))
            json.member("opinion", review.opinion)
            json.member("recheckConclusion", review.recheckConclusion)
            json.member("recheckRequestedOn", review.recheckRequestedOn?.iso)
            json.member("recheckedOn", review.recheckedOn?.iso)
            json.member("reviewedOn", review.reviewedOn.iso)
            json.member("reviewers", strings: review.reviewers)
            json.member("source", source: review.source)
            json.member("submittedOn", review.submittedOn.iso)
        }
        return json.bytes
    }

    static func payload(of record: ProcessRecord) -> [UInt8] {
        var json = CanonicalJSON(capacity: 512)
        json.object { json in
            json.member("caseID", record.caseID)
            json.member("extra", map: record.extra)
            json.member("file", record.file)
            json.member("id", record.id)
            json.member("kind", record.kind.rawValue)
            json.key("mediaVerified")
            json.bool(record.mediaVerified)
            json.member("officerCert", record.officerCert)
            json.member("recordedAt", record.recordedAt.iso)
            json.member("sha256", record.sha256)
            json.member("source", source: record.source)
            json.member("stage", record.stage.rawValue)
        }
        return json.bytes
    }
}
