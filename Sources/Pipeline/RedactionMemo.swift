import Disclosure
import Foundation

/// The portal's memo of the night's redactions, kept in the state store for the next night (key
/// `redaction` of its memo table). Redacting every case again was the larger part of a night on which
/// few cases changed. A case may reuse its last redaction when everything that redaction read is as it
/// was: the case itself, its agency and officers (the render stage's input key, which holds all three),
/// the program, the word model and the disclosure settings (`settings`), and the export-wide values
/// every case's redactor and the gate look for — the gate index's forms and the minors' names — in so far
/// as the case's texts hold any of those that changed (`RedactionChanges`).
///
/// Only cases published as they were redacted are listed (not withheld, held, withdrawn or stopped by
/// the gate): their public JSON is the publication log's, their report the file under internal/redaction/.
struct RedactionMemo: Equatable {
    struct Entry: Equatable {
        /// The case's render input key on the night it was redacted.
        var key: String
        /// Its redaction report's counts (`RedactionReport.removed`, `uncertain`).
        var removed: [String: Int]
        var uncertain: Int
    }

    /// Program, word model and disclosure settings (`RedactionMemo.settings`).
    var settings: String
    /// The gate index's `formLines()` of that night.
    var forms: [UInt8]
    /// The minors' names every redactor looked for that night (`CaseRedaction.privateNames`).
    var minors: [String]
    var cases: [String: Entry]
    /// The names read in each case's free text (`TextNames`; every case with an input key, published or not),
    /// for the gate index of the next night: reading the export's texts again was most of the index's time.
    var textNames: [String: CaseTextNames] = [:]

    struct CaseTextNames: Equatable {
        /// The case's render input key on the night its texts were read.
        var key: String
        var names: TextNames
    }

    static let format = "sanxiang-redaction-memo 3"
    /// The format before the texts' names were kept: read, with none.
    static let formatWithoutTextNames = "sanxiang-redaction-memo 2"
    /// The first line of the format of 68c1550–46f4501 (its own line syntax): such a memo is not read, only
    /// recognised, so that a commit journal holding one is finished without it (the next night redacts every case).
    static let earlierFormat = "sanxiang-redaction-memo-v1"

    /// What decides a redaction besides the case and the export-wide values: the running program, the
    /// word model and the disclosure settings that shape every public case.
    static func settings(_ config: PipelineConfig) throws -> String {
        var bytes = Array("\(format)\n\(UnchangedRun.programStamp())\n\(try UnchangedRun.lexiconIdentity())\n".utf8)
        bytes += try KeyBytes.of(config.disclosurePolicy.fields)
        bytes += try KeyBytes.of(config.publicShapes)
        return StateStore.contentHash(bytes)
    }

    /// The memo as stored, in the render memo's line format (`MemoLine`): a header, the settings, the
    /// minors' names (a table), the forms (their byte count, then the bytes as they are: `formLines()`
    /// is lines already), then a table of cases: id, key, uncertain names, then each kind of removal and
    /// its count, in the order of the kinds' bytes.
    func fileBytes() throws -> Data { try MemoLine.collect(write) }

    /// The memo as stored, handed to `emit` a piece at a time (`MemoLine.Pieces`).
    func write(_ emit: ([UInt8]) throws -> Void) throws {
        try MemoLine.pieces(emit) { out in
            MemoLine.write([Self.format], into: &out.bytes)
            MemoLine.write(["settings", settings], into: &out.bytes)
            try MemoLine.table("minors", Dictionary(minors.map { ($0, []) }, uniquingKeysWith: { first, _ in first }), into: &out)
            MemoLine.write(["forms", String(forms.count)], into: &out.bytes)
            out.bytes += forms
            try out.rowDone()
            // Each row's fields written from the entry itself: an array of its fields for each of 100,000 cases was made first.
            try MemoLine.table("cases", cases, into: &out) { entry, out in
                MemoLine.field(entry.key.utf8, into: &out)
                MemoLine.field(String(entry.uncertain).utf8, into: &out)
                for (kind, count) in entry.removed.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                    MemoLine.field(kind.utf8, into: &out)
                    MemoLine.field(String(count).utf8, into: &out)
                }
            }
            // id, key, the kinds of the names in one field (c: ordinary, m: minority), then the names in the order read.
            try MemoLine.table("names", textNames, into: &out) { entry, out in
                MemoLine.field(entry.key.utf8, into: &out)
                MemoLine.field(entry.names.names.map { $0.minority ? UInt8(ascii: "m") : UInt8(ascii: "c") }, into: &out)
                for name in entry.names.names { MemoLine.field(name.text.utf8, into: &out) }
            }
        }
    }

    /// Nil for anything but a whole memo of this format: a night without a memo redacts every case.
    static func read(_ data: Data) -> RedactionMemo? {
        var lines = MemoLines([UInt8](data))
        guard let header = lines.next(), header == [format] || header == [formatWithoutTextNames],
              let settings = lines.next(), settings.count == 2, settings[0] == "settings",
              let minors = lines.table("minors"), let formsHeader = lines.next(), formsHeader.count == 2, formsHeader[0] == "forms",
              let forms = Int(formsHeader[1]).flatMap({ lines.block($0) }), let rows = lines.table("cases") else { return nil }
        var textNames: [String: CaseTextNames] = [:]
        if header == [format] {
            guard let read = lines.table("names").flatMap(Self.textNames) else { return nil }
            textNames = read
        }
        guard lines.atEnd else { return nil }
        var cases: [String: Entry] = [:]
        cases.reserveCapacity(rows.count)
        for (id, fields) in rows {
            guard fields.count >= 2, fields.count % 2 == 0, let uncertain = Int(fields[1]) else { return nil }
            var removed: [String: Int] = [:]
            for pair in stride(from: 2, to: fields.count, by: 2) {
                guard let count = Int(fields[pair + 1]) else { return nil }
                removed[fields[pair]] = count
            }
            cases[id] = Entry(key: fields[0], removed: removed, uncertain: uncertain)
        }
        return RedactionMemo(settings: settings[1], forms: forms, minors: minors.keys.sorted(), cases: cases, textNames: textNames)
    }

    private static func textNames(_ rows: [String: [String]]) -> [String: CaseTextNames]? {
        var out: [String: CaseTextNames] = [:]
        out.reserveCapacity(rows.count)
        for (id, fields) in rows {
            guard fields.count >= 2 else { return nil }
            let kinds = Array(fields[1].utf8)
            guard kinds.count == fields.count - 2, kinds.allSatisfy({ $0 == UInt8(ascii: "c") || $0 == UInt8(ascii: "m") }) else { return nil }
            let names = zip(fields.dropFirst(2), kinds).map { TextNames.Name(text: $0, minority: $1 == UInt8(ascii: "m")) }
            out[id] = CaseTextNames(key: fields[0], names: TextNames(names: names))
        }
        return out
    }
}
