import CaseModel
import Disclosure
import Foundation
import Web
import WorkingDays

/// Last night's redaction of a case, standing for tonight's.
struct ReusedRedaction {
    var report: RedactionReport
    /// The public case as the publication log holds it: last night's JSON of it.
    var publicJSON: [UInt8]
    /// Its section of last night's review page (internal/redaction/queue.html), when it had removals.
    var section: ReviewQueue.Section?
}

/// Decides, case by case, whether last night's redaction stands (see `RedactionMemo`): the case was
/// published as redacted then, nothing its redaction read has changed, and what last night left of it on
/// disk — its redaction report, its section of the review page — is still as that night left it.
struct RedactionReuse {
    private let last: RedactionMemo
    private let inputKeys: [String: String]
    private let changes: RedactionChanges
    private let redaction: CaseRedaction
    private let lastPage: ReviewQueue.LastPage?
    private let writer: OutputWriter
    private let calendar: WorkingCalendar
    private let config: PipelineConfig

    /// What changed since the night `last` was made: the gate index's forms (`forms`: tonight's
    /// `formLines()`) and the minors' names (`redaction` carries tonight's index and names).
    static func changes(since last: RedactionMemo, forms: [UInt8], redaction: CaseRedaction) -> RedactionChanges? {
        guard let index = redaction.index else { return nil }
        let minors = Set(last.minors).symmetricDifference(redaction.privateNames).sorted()
        return RedactionChanges(forms: index.changedForms(since: last.forms, tonight: forms), names: minors)
    }

    /// Nil when the last run left no memo, or its program, word model or disclosure settings differ.
    /// `changes`: what changed since that night (`changes(since:forms:redaction:)`).
    init?(last: RedactionMemo?, settings: String, inputKeys: [String: String], changes: RedactionChanges?, redaction: CaseRedaction,
          writer: OutputWriter, calendar: WorkingCalendar, config: PipelineConfig) {
        guard let last, last.settings == settings, let changes else { return nil }
        self.last = last
        self.inputKeys = inputKeys
        self.changes = changes
        self.redaction = redaction
        // A review page changed or replaced since that run is not read: its cases' sections are made again.
        lastPage = writer.canKeep(ReviewQueue.path) ? ReviewQueue.LastPage(path: writer.path(of: ReviewQueue.path)) : nil
        self.writer = writer
        self.calendar = calendar
        self.config = config
    }

    /// Where a case's redaction report lies.
    static func reportPath(_ item: EnforcementCase) -> String { "internal/redaction/\(item.agencyCode)/\(item.id).json" }

    /// The case's redaction of last night, its report kept in place; nil when it must be redacted again.
    /// `row`: the case's row of the last run's log, its public case and all (nil: none).
    func lastNight(_ item: EnforcementCase, row: PublicationRow?) -> ReusedRedaction? {
        guard let entry = last.cases[item.id], let key = inputKeys[item.id], entry.key == key, item.status != .withdrawn,
              let row, row.withdrawnOn == nil, row.holdsPublicCase, CaseRedaction.withheldReason(item) == nil else { return nil }
        let reportPath = Self.reportPath(item)
        guard writer.canKeep(reportPath) else { return nil }
        var section: ReviewQueue.Section?
        if !entry.removed.isEmpty || entry.uncertain > 0 {
            // The section prints the deadline: with another one (a new calendar, other settings) it is made again.
            // A deadline that cannot be worked out here is worked out, and reported, by the full redaction path.
            let deadline = try? calendar.date(workingDays: config.disclosureWorkingDays(agency: item.agencyCode, type: item.actionType),
                                              after: item.decisionDate)
            guard deadline == row.deadline, let found = lastPage?.section(HTML.escape(item.id)) else { return nil }
            section = found
        }
        if !changes.isEmpty {
            guard !redaction.mentions(changes, in: item), !changes.found(inPublished: row.publicCase) else { return nil }
        }
        // Kept as it is, like a report whose bytes are the same; a report that cannot be kept is written again.
        guard (try? writer.preserve(reportPath)) != nil else { return nil }
        var report = RedactionReport(caseID: item.id, removed: entry.removed, withheld: nil)
        report.uncertain = entry.uncertain > 0 ? entry.uncertain : nil
        return ReusedRedaction(report: report, publicJSON: row.publicCase, section: section)
    }
}

