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
    /// `publicPhones`: phones published as such (the agencies' own): a person's phone found only inside one is no hit.
    /// `textNames`: each case's `TextNames`, in case order, when the caller has them (last night's for
    /// unchanged cases); worked out here when nil.
    public static func export(cases: [EnforcementCase], officers: [Officer] = [], otherPeople: [String] = [], accounts: [String] = [],
                              publicSeats: [String] = [], publicPhones: [String] = [],
                              namesInText: Bool = false, textNames: [TextNames]? = nil,
                              lexicon: Lexicon? = try? Lexicon.standard.get()) -> PersonalValueIndex {
        let index = PersonalValueIndex(lexicon: lexicon)
        // What each case's party is, worked out once on every core (each check validates an ID number).
        let natural = concurrentMap(cases, chunkSize: 512) { PartyNature.isNaturalPerson($0.party) }
        // Names that are public in this export (officers; legal representatives of organisations,
        // SPC 法释〔2016〕19号 第十一条) are not indexed, even when a private person has the same name:
        // the gate could not tell the two apart and would withhold every case the public one signs.
        // Agencies' abbreviations in 文书编号 are no names either (红林草 of 红林草许〔2024〕2号).
        var publicNames = Set(officers.map(\.name))
        let publicInCases = concurrentMap(Array(cases.indices), chunkSize: 512) { position -> [String] in
            let item = cases[position]
            var names = Array(DocumentNumbers.issuerAbbreviations(item.docNo))
            if !natural[position], CaseRedaction.withheldReason(item) == nil { names.append(item.party.legalRepresentative) }
            return names
        }
        for names in publicInCases { publicNames.formUnion(names) }
        let officerNames = publicNames
        func name(_ value: String) -> PersonalValueIndex.Prepared? {
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.count >= 2 && !officerNames.contains(trimmed) ? .name(trimmed) : nil
        }
        // Organisations' seats are public: a person's street number that is also one is not indexed on its own.
        var seats: Set<String> = []
        let organisations = cases.indices.lazy.filter { !natural[$0] }.map { cases[$0].party.address }
        for address in Array(organisations) + publicSeats where !address.isEmpty {
            let below = AddressFinder.belowCounty(address)
            seats.insert(Chars.string(CanonicalText.canonical(below)))
            if let numbered = AddressFinder.firstNumberedPart(below) { seats.insert(Chars.string(CanonicalText.canonical(numbered))) }
            index.addPublicSeat(address)
        }
        let seatsFound = seats
        for phone in publicPhones where !phone.isEmpty { index.addPublicPhone(phone) }
        // Each case's values are prepared on every core and added in case order on this one.
        let prepared = concurrentMap(Array(cases.indices), chunkSize: 256) { position -> [PersonalValueIndex.Prepared] in
            let item = cases[position]
            let party = item.party
            var values: [PersonalValueIndex.Prepared?] = []
            if natural[position] || CaseRedaction.withheldReason(item) != nil {
                if natural[position] { values.append(name(party.name)) }
                values.append(name(party.legalRepresentative))
                if !party.idNumber.isEmpty { values.append(.idNumber(party.idNumber)) }
                if !party.phone.isEmpty { values.append(.phone(party.phone)) }
                if !party.address.isEmpty { values.append(.address(party.address, withoutFirstPart: seatsFound)) }
            } else {
                let mobile = PublicShapes.digits(party.phone)
                if mobile.count >= 11, mobile.suffix(11).hasPrefix("1") { values.append(.phone(party.phone)) }
                if PartyNature.publicCreditCode(party) == nil, !party.idNumber.isEmpty { values.append(.idNumber(party.idNumber)) }
            }
            return values.compactMap { $0 }
        }
        for values in prepared { for value in values { index.add(value) } }
        for person in otherPeople { if let value = name(person) { index.add(value) } }
        if namesInText, let lexicon {
            let unkept = textNames.flatMap { $0.count == cases.count ? $0 : nil } ?? Self.textNames(of: cases, lexicon: lexicon)
            for found in namesInTexts(of: cases, unkept: unkept, finder: NameFinder(lexicon: lexicon, kept: publicNames)) {
                if let value = name(found) { index.add(value) }
            }
        }
        for account in accounts { index.addBankAccount(account) }
        return index
    }

    /// The names of three or more characters the finder that keeps `finder.kept` reads in every case's
    /// free text, in case order, from each case's names read with nothing kept (`unkept`). A kept name
    /// changes what the finder reads in only two ways: it is not reported (and `export` leaves out every
    /// kept name anyway), and a minority name that is kept is read again as ordinary words, which may
    /// hold other names. Only a case with such a minority name is read again, with `finder`.
    static func namesInTexts(of cases: [EnforcementCase], unkept: [TextNames], finder: NameFinder) -> [String] {
        concurrentMap(Array(cases.indices), chunkSize: 512) { position -> [String] in
            let names = unkept[position].names
            guard names.contains(where: { $0.minority && finder.kept.contains($0.text) }) else { return names.map(\.text) }
            return found(in: cases[position], finder: finder).map(\.text)
        }.flatMap { $0 }
    }

    /// Each case's `TextNames`, in case order, read on every core (one core took as long as the portal's
    /// redaction of the export on two); `known` gives those already known (last night's), nil for the rest.
    public static func textNames(of cases: [EnforcementCase], lexicon: Lexicon,
                                 known: (Int) -> TextNames? = { _ in nil }) -> [TextNames] {
        let finder = NameFinder(lexicon: lexicon, kept: [])
        return concurrentMap(Array(cases.indices), chunkSize: 128) { position in
            known(position) ?? TextNames(names: found(in: cases[position], finder: finder))
        }
    }

    private static func found(in item: EnforcementCase, finder: NameFinder) -> [TextNames.Name] {
        ([item.title, item.facts, item.discretion, item.decision, item.statusReason] + item.evidence).filter { !$0.isEmpty }.flatMap { text in
            finder.names(in: TextRedactor.unpad(Chars.scalars(text))).filter { $0.kind != .latin && $0.name.count >= 3 }
                .map { TextNames.Name(text: $0.name, minority: $0.kind == .minority) }
        }
    }
}

/// The names of three or more characters (not Latin-script ones) the name finder reads in one case's
/// free text with no name kept, in the order it reads them. They depend only on the case's texts, the
/// word model and the program, so a night may take an unchanged case's from the night before.
public struct TextNames: Equatable, Sendable {
    public struct Name: Equatable, Sendable {
        public var text: String
        /// Read as a minority name (阿依古丽·买买提): the one kind a kept name makes the finder read otherwise.
        public var minority: Bool

        public init(text: String, minority: Bool) {
            self.text = text
            self.minority = minority
        }
    }

    public var names: [Name]

    public init(names: [Name]) {
        self.names = names
    }
}
