import CaseModel
import Foundation

extension PersonalValueIndex {
    /// The index of every personal value of an export, for the redactor and the gate:
    /// natural persons' names (parties, operators of 个体工商户 who are persons, every
    /// party of a withheld or minor's case), their ID numbers, phones, street-level
    /// addresses, and every mobile phone of any party. `otherPeople` are names the
    /// pipeline knows from elsewhere (witnesses, guardians, recipients); `accounts` bank
    /// accounts. Officers' names are public and never indexed.
    /// Build it once per run, then share it: reading it from several threads is safe,
    /// adding to it while others read is not.
    /// `namesInText`: also every name of three or more characters the name finder reads in the
    /// export's free text, so a witness named after a cue in one case is found without one in
    /// another (costs about as much as redacting the export once more).
    /// `publicSeats`: addresses published as such (the agencies' own), treated like organisations' seats.
    public static func export(cases: [EnforcementCase], officers: [Officer] = [], otherPeople: [String] = [], accounts: [String] = [],
                              publicSeats: [String] = [],
                              namesInText: Bool = false, lexicon: Lexicon? = try? Lexicon.standard.get()) -> PersonalValueIndex {
        let index = PersonalValueIndex(lexicon: lexicon)
        // Names that are public in this export (officers; legal representatives of organisations,
        // SPC 法释〔2016〕19号 第十一条) are not indexed, even when a private person has the same name:
        // the gate could not tell the two apart and would withhold every case the public one signs.
        var publicNames = Set(officers.map(\.name))
        for item in cases where !PartyNature.isNaturalPerson(item.party) && CaseRedaction.withheldReason(item) == nil {
            publicNames.insert(item.party.legalRepresentative)
        }
        // Agencies' abbreviations in 文书编号 are no names either (红林草 of 红林草许〔2024〕2号).
        for item in cases { publicNames.formUnion(DocumentNumbers.issuerAbbreviations(item.docNo)) }
        let officerNames = publicNames
        func name(_ value: String) {
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.count >= 2, !officerNames.contains(trimmed) { index.addName(trimmed) }
        }
        // Organisations' seats are public: a person's street number that is also one is not indexed on its own.
        var seats: Set<String> = []
        let organisations = cases.filter { !PartyNature.isNaturalPerson($0.party) }.map(\.party.address)
        for address in organisations + publicSeats where !address.isEmpty {
            let below = AddressFinder.belowCounty(address)
            seats.insert(Chars.string(CanonicalText.canonical(below)))
            if let numbered = AddressFinder.firstNumberedPart(below) { seats.insert(Chars.string(CanonicalText.canonical(numbered))) }
            index.addPublicSeat(address)
        }
        for item in cases {
            let party = item.party
            let person = PartyNature.isNaturalPerson(party)
            let hidden = CaseRedaction.withheldReason(item) != nil
            if person || hidden {
                if person { name(party.name) }
                name(party.legalRepresentative)
                if !party.idNumber.isEmpty { index.addIDNumber(party.idNumber) }
                if !party.phone.isEmpty { index.addPhone(party.phone) }
                if !party.address.isEmpty { index.addAddress(party.address, withoutFirstPart: seats) }
            } else {
                let mobile = PublicShapes.digits(party.phone)
                if mobile.count >= 11, mobile.suffix(11).hasPrefix("1") { index.addPhone(party.phone) }
                if PartyNature.publicCreditCode(party) == nil, !party.idNumber.isEmpty { index.addIDNumber(party.idNumber) }
            }
        }
        for person in otherPeople { name(person) }
        if namesInText, let lexicon {
            for found in namesInTexts(of: cases, finder: NameFinder(lexicon: lexicon, kept: publicNames)) { name(found) }
        }
        for account in accounts { index.addBankAccount(account) }
        return index
    }

    /// The names of three or more characters the finder reads in every case's free text, in case order,
    /// read on every core (one core took as long as the portal's redaction of the export on two).
    static func namesInTexts(of cases: [EnforcementCase], finder: NameFinder) -> [String] {
        concurrentMap(cases, chunkSize: 128) { item in
            ([item.title, item.facts, item.discretion, item.decision, item.statusReason] + item.evidence).filter { !$0.isEmpty }.flatMap { text in
                finder.names(in: TextRedactor.unpad(Chars.scalars(text))).filter { $0.kind != .latin && $0.name.count >= 3 }.map(\.name)
            }
        }.flatMap { $0 }
    }
}
