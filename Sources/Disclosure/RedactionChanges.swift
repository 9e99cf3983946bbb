import CaseModel

/// What changed since the night a case's redaction was made, in what lies outside the case itself: the
/// export-wide personal values (`PersonalValueIndex.changedForms`) and the export's minors' names, which
/// every case's redactor looks for. A case whose own data did not change and whose texts hold none of
/// these redacts as it did that night (see `CaseRedaction.mentions`).
public struct RedactionChanges: Sendable {
    /// Forms added to, removed from or re-kinded in the index, and seats added or removed.
    public let forms: PersonalValueIndex
    /// Minors' names in exactly one of the two nights' lists, as the redactor searches them.
    let names: WordSearch
    public let isEmpty: Bool

    public init(forms: PersonalValueIndex, names: [String]) {
        self.forms = forms
        self.names = WordSearch(names.map { TextRedactor.unpad(Chars.scalars($0)) }.filter { !$0.isEmpty })
        isEmpty = forms.isEmpty && self.names.words.isEmpty
    }

    /// Whether the public form of a case (its JSON as published, which the gate reads) holds any changed form.
    public func found(inPublished json: [UInt8]) -> Bool {
        !forms.isEmpty && !forms.hits(inMarkup: String(decoding: json, as: UTF8.self)).isEmpty
    }
}

extension RedactionChanges {
    /// Whether any of the texts holds a changed form or a changed minor's name. Looked for as a redactor
    /// looks (the same unpadded text, the same matching), but without its exceptions (the party's own name,
    /// public names, the word check of two-character names): it may say yes where nothing would change,
    /// never no where something would.
    public func found(in texts: [String]) -> Bool {
        guard !isEmpty else { return false }
        for text in texts where !text.isEmpty {
            let scalars = TextRedactor.unpad(Chars.scalars(text))
            if !forms.isEmpty, !forms.matches(in: scalars).isEmpty { return true }
            if !names.words.isEmpty, !names.occurrences(in: scalars).isEmpty { return true }
        }
        return false
    }
}

extension CaseRedaction {
    /// Whether any text the case's redactor reads (its free-text fields, evidence and the party's name)
    /// holds a changed form or a changed minor's name (`RedactionChanges.found(in:)`).
    public func mentions(_ changes: RedactionChanges, in item: EnforcementCase) -> Bool {
        changes.found(in: [item.title, item.facts, item.discretion, item.decision, item.statusReason, item.party.name] + item.evidence)
    }
}
