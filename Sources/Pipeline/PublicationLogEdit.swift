/// Tonight's publication log, made from the last run's in place: one table of rows, beside which last night's row is kept
/// only for a case whose row tonight differs from it. The portal had the two logs as two dictionaries of every decision
/// (tonight's a copy of last night's once changed: ≈ 22 MB of hash table apiece at 100,000 cases, both held through the
/// stage's peak), though on most nights all but a few hundred rows are the same in both.
struct PublicationLogEdit {
    /// Tonight's rows, by case id.
    private(set) var rows: [String: PublicationRow]
    /// Last night's row of each case whose row tonight differs from it (and had one last night).
    private var changedLastNight: [String: PublicationRow] = [:]
    /// The cases that had no row last night and have one tonight (or had, until set back to none).
    private var absentLastNight: Set<String> = []

    /// Starts as the last run's log.
    init(lastNight: [String: PublicationRow]) {
        rows = lastNight
    }

    var count: Int { rows.count }
    /// The cases whose row tonight is not last night's: the only ones whose last night's row is held beside.
    var differing: Int { changedLastNight.count + absentLastNight.count }
    var values: Dictionary<String, PublicationRow>.Values { rows.values }

    /// Tonight's row of a case. Setting a row as last night's (again) forgets that it differed.
    subscript(caseID: String) -> PublicationRow? {
        get { rows[caseID] }
        set {
            if !isTouched(caseID) {
                let current = rows[caseID]
                guard newValue != current else { return }
                if let current { changedLastNight[caseID] = current } else { absentLastNight.insert(caseID) }
            }
            rows[caseID] = newValue
            if newValue == last(caseID) { forgetDifference(caseID) }
        }
    }

    /// Last night's row of a case (nil: it had none).
    func last(_ caseID: String) -> PublicationRow? {
        if absentLastNight.contains(caseID) { return nil }
        return changedLastNight[caseID] ?? rows[caseID]
    }

    /// Whether the case's row tonight is last night's (both none counts).
    func isAsLastNight(_ caseID: String) -> Bool {
        !isTouched(caseID) || rows[caseID] == last(caseID)
    }

    /// Last night's public case of a case, read back from the store, put into last night's row and into tonight's
    /// when that holds none: the two rows are the same while tonight has not touched it.
    mutating func fillLastNight(_ caseID: String, publicCase bytes: [UInt8]) {
        if var kept = changedLastNight[caseID] {
            kept.publicCase = bytes
            changedLastNight[caseID] = kept
            if rows[caseID]?.publicCase.isEmpty == true { rows[caseID]?.publicCase = bytes }
            if rows[caseID] == kept { forgetDifference(caseID) }
        } else if !absentLastNight.contains(caseID) {
            rows[caseID]?.publicCase = bytes
        }
    }

    /// Lets go of the public case of a row that is last night's (`isAsLastNight`), in both nights' rows alike, so that
    /// they still compare equal: the store keeps the bytes it has.
    mutating func releaseUnchanged(_ caseID: String) {
        guard isAsLastNight(caseID) else { return }
        forgetDifference(caseID)
        rows[caseID]?.publicCase = []
    }

    /// Tonight's public case of a case, set aside in the staging area (`TonightPublicCases`), replaced by `standIn` in
    /// tonight's row; last night's row held beside is given the same stand-in when it held the same bytes, another
    /// (`PublicationRow.otherStandIn`) when it held other bytes. So the rows compare as before, and neither night's bytes
    /// stay in memory (last night's are still in the store). Not through the subscript: nothing the rows say changes.
    mutating func setAside(_ caseID: String, standIn: [UInt8]) {
        guard let bytes = rows[caseID]?.publicCase, !standIn.isEmpty else { return }
        if var kept = changedLastNight[caseID], kept.holdsPublicCase {
            kept.publicCase = kept.publicCase == bytes ? standIn : PublicationRow.otherStandIn
            changedLastNight[caseID] = kept
        }
        rows[caseID]?.publicCase = standIn
    }

    /// Tonight's rows that differ from last night's (new ones included), sorted by case id: what the store saves. A row
    /// that let go of its public case is last night's in both; one that reaches here without it is a fault that must not
    /// blank the stored one, and stops the run. `kept`: whether a row's public case waits in the staging area
    /// (`TonightPublicCases`) rather than in the row.
    func changedRows(kept: (PublicationRow) -> Bool = { _ in false }) throws -> [PublicationRow] {
        let ids = Array(changedLastNight.keys) + Array(absentLastNight)
        let changed = ids.compactMap { id in rows[id].flatMap { $0 == last(id) ? nil : $0 } }.sorted { $0.caseID < $1.caseID }
        if let blank = changed.first(where: { !$0.holdsPublicCase && !kept($0) }) { throw PublicationRowWithoutCase(caseID: blank.caseID) }
        return changed
    }

    private func isTouched(_ caseID: String) -> Bool {
        absentLastNight.contains(caseID) || changedLastNight[caseID] != nil
    }

    private mutating func forgetDifference(_ caseID: String) {
        changedLastNight[caseID] = nil
        absentLastNight.remove(caseID)
    }
}
