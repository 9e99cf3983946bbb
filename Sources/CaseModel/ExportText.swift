/// Where a night keeps the export's long free texts instead of memory (`ExportText`): a store that takes a text's
/// UTF-8 bytes and gives them back by place. The one the pipeline uses is a file with no name (`Native.TextSpillFile`),
/// so the texts cost the page cache, which the kernel may drop, not the process's own memory.
public protocol TextStore: AnyObject, Sendable {
    /// Keeps the bytes; their offset, or nil when the store cannot take them (then the text stays in memory).
    func keep(_ bytes: UnsafeBufferPointer<UInt8>) -> Int?
    /// The text kept at `offset`, `length` bytes long. A store that cannot read it back gives an empty text and
    /// counts the failure (`failedReads`): the run checks the count before it commits anything, so a text that
    /// could not be read never reaches the output.
    func text(at offset: Int, length: Int) -> String
    /// Reads that failed since the store was made.
    var failedReads: Int { get }
    /// Drops every text kept: nothing reads them any more. A text read after this is a failed read.
    func discard()
}

/// One of the export's long free texts (违法事实, 处理决定, 办案经过), held in memory or in a `TextStore`.
///
/// The three are about 2 KB of a case's 2.9 KB row of cases.csv, most of them distinct, and were about 200 MB of the
/// ≈ 480 MB the export held at 100,000 cases, from the ingest to the commit, at the peak of every night. A night reads
/// them whole only for the cases it changes (the documents, the redaction) and to key every case once (validate,
/// supervision); in between they need not be in memory. Equal, hashed and encoded as the text itself, wherever it is
/// kept, so a value means the same in memory or stored.
public struct ExportText: Sendable {
    private enum Storage: Sendable {
        case held(String)
        case stored(any TextStore, offset: Int, length: Int)
    }

    /// Texts shorter than this stay in memory: a place in a store costs about as much as a short String.
    public static let minimumStoredBytes = 48

    private var storage: Storage

    public init(_ text: String) { storage = .held(text) }

    /// The text, read back from its store when it is kept in one.
    public var string: String {
        switch storage {
        case .held(let text): return text
        case .stored(let store, let offset, let length): return store.text(at: offset, length: length)
        }
    }

    /// Whether the text lies in a store, not in memory.
    public var isStored: Bool {
        if case .stored = storage { return true }
        return false
    }

    /// Moves the text into `store` when it is long enough and the store takes it; otherwise (or when it is stored
    /// already) it stays where it is.
    public mutating func store(in store: any TextStore) {
        guard case .held(var text) = storage, text.utf8.count >= Self.minimumStoredBytes else { return }
        let length = text.utf8.count
        guard let offset = text.withUTF8({ store.keep($0) }) else { return }
        storage = .stored(store, offset: offset, length: length)
    }
}

extension ExportText: Hashable {
    public static func == (left: ExportText, right: ExportText) -> Bool { left.string == right.string }
    public func hash(into hasher: inout Hasher) { hasher.combine(string) }
}

extension ExportText: Codable {
    public init(from decoder: Decoder) throws { self.init(try decoder.singleValueContainer().decode(String.self)) }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(string)
    }
}
