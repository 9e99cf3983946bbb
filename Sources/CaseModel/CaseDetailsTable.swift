/// The contract v2 data of many cases, by case id, as every stage of a night reads it.
///
/// A `[String: CaseDetails]` of 100,000 cases kept each value (about 340 bytes) in its hash table's slots, and a
/// table sized for 100,000 entries has 262,144 of them: 92 MB, most of it empty slots, from the ingest to the
/// commit. Here the values lie once, in insertion order, and the table's slots hold their positions.
public struct CaseDetailsTable: Sendable, Equatable {
    private var rows: [CaseDetails] = []
    /// The id each row is filed under (a row's own `caseID` need not be it).
    private var ids: [String] = []
    private var positions: [String: Int32] = [:]

    public init() {}

    /// One entry per case id; of two with the same id the later one stands, as a dictionary's assignment leaves it.
    public init<S: Sequence>(_ entries: S) where S.Element == CaseDetails {
        let entries = Array(entries)
        rows.reserveCapacity(entries.count)
        ids.reserveCapacity(entries.count)
        positions.reserveCapacity(entries.count)
        for entry in entries { self[entry.caseID] = entry }
    }

    public subscript(caseID: String) -> CaseDetails? {
        get { positions[caseID].map { rows[Int($0)] } }
        set {
            if let position = positions[caseID] {
                guard let newValue else { return remove(at: Int(position), caseID: caseID) }
                rows[Int(position)] = newValue
            } else if let newValue {
                positions[caseID] = Int32(rows.count)
                rows.append(newValue)
                ids.append(caseID)
            }
        }
    }

    public var count: Int { rows.count }
    public var isEmpty: Bool { rows.isEmpty }
    /// Every entry, in the order first added.
    public var values: [CaseDetails] { rows }

    /// Removes an entry; the last one takes its place (the order of `values` is not kept across a removal).
    private mutating func remove(at position: Int, caseID: String) {
        positions[caseID] = nil
        let last = rows.count - 1
        if position != last {
            rows[position] = rows[last]
            ids[position] = ids[last]
            positions[ids[position]] = Int32(position)
        }
        rows.removeLast()
        ids.removeLast()
    }

    /// Equal when they hold the same entries under the same ids, whatever their order.
    public static func == (left: CaseDetailsTable, right: CaseDetailsTable) -> Bool {
        left.count == right.count && left.positions.allSatisfy { right[$0.key] == left.rows[Int($0.value)] }
    }
}

extension CaseDetailsTable: ExpressibleByDictionaryLiteral {
    /// For tests and small inputs: each value is filed under its key.
    public init(dictionaryLiteral elements: (String, CaseDetails)...) {
        self.init()
        for (caseID, details) in elements { self[caseID] = details }
    }
}
