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

    static let format = "sanxiang-redaction-memo-v1"

    /// What decides a redaction besides the case and the export-wide values: the running program, the
    /// word model and the disclosure settings that shape every public case.
    static func settings(_ config: PipelineConfig) throws -> String {
        var bytes = Array("\(format)\n\(UnchangedRun.programStamp())\n\(try UnchangedRun.lexiconIdentity())\n".utf8)
        bytes += try KeyBytes.of(config.disclosurePolicy.fields)
        bytes += try KeyBytes.of(config.publicShapes)
        return StateStore.contentHash(bytes)
    }

    /// The memo as stored: a header, the settings, the minors' names (one JSON array), the forms
    /// (length-prefixed, as they are), then one line per case: id, key, uncertain names, removals
    /// (kind=count, comma-separated, in the order of their bytes).
    func fileBytes() throws -> Data {
        var out = Data("\(Self.format)\nsettings\t\(settings)\nminors\t".utf8)
        out += try JSONEncoder().encode(minors)
        out += Data("\nforms\t\(forms.count)\n".utf8)
        out += forms
        out += Data("cases\t\(cases.count)\n".utf8)
        for id in cases.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            guard let entry = cases[id] else { continue }
            let removed = entry.removed.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
                .map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            out += Data("\(id)\t\(entry.key)\t\(entry.uncertain)\t\(removed)\n".utf8)
        }
        return out
    }

    /// Nil for anything but a whole memo of this format: a night without a memo redacts every case.
    static func read(_ data: Data) -> RedactionMemo? {
        let bytes = [UInt8](data)
        var cursor = 0
        func line() -> String? {
            guard let end = bytes[cursor...].firstIndex(of: 0x0A) else { return nil }
            defer { cursor = end + 1 }
            return String(decoding: bytes[cursor..<end], as: UTF8.self)
        }
        func field(_ name: String) -> String? {
            guard let text = line(), text.hasPrefix(name + "\t") else { return nil }
            return String(text.dropFirst(name.count + 1))
        }
        guard line() == format, let settings = field("settings"), let minorsJSON = field("minors"),
              let minors = try? JSONDecoder().decode([String].self, from: Data(minorsJSON.utf8)),
              let formsCount = field("forms").flatMap(Int.init), formsCount >= 0, cursor + formsCount <= bytes.count else { return nil }
        let forms = Array(bytes[cursor..<(cursor + formsCount)])
        cursor += formsCount
        guard let count = field("cases").flatMap(Int.init) else { return nil }
        var cases: [String: Entry] = [:]
        cases.reserveCapacity(count)
        for _ in 0..<count {
            guard let text = line() else { return nil }
            let parts = text.split(separator: "\t", omittingEmptySubsequences: false)
            guard parts.count == 4, let uncertain = Int(parts[2]) else { return nil }
            var removed: [String: Int] = [:]
            for pair in parts[3].split(separator: ",") {
                let kindAndCount = pair.split(separator: "=")
                guard kindAndCount.count == 2, let number = Int(kindAndCount[1]) else { return nil }
                removed[String(kindAndCount[0])] = number
            }
            cases[String(parts[0])] = Entry(key: String(parts[1]), removed: removed, uncertain: uncertain)
        }
        guard cursor == bytes.count else { return nil }
        return RedactionMemo(settings: settings, forms: forms, minors: minors, cases: cases)
    }

    /// A case id the line format can carry (one without a tab or a line break); others are not memoised.
    static func canHold(_ id: String) -> Bool {
        !id.isEmpty && !id.utf8.contains(0x09) && !id.utf8.contains(0x0A)
    }
}
