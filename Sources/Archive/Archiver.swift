import Crypto
import Dispatch
import Foundation

/// A file as found on disk.
public struct FileDigest: Equatable, Sendable {
    public var sha256: String
    public var size: Int

    public init(sha256: String, size: Int) {
        self.sha256 = sha256
        self.size = size
    }
}

/// A media file of records.csv whose digest ingest has checked.
public struct MediaItem: Sendable {
    public var file: String
    public var caseID: String
    public var sha256: String
    public var declaredSHA256: String
    public var size: Int

    public init(file: String, caseID: String, sha256: String, declaredSHA256: String, size: Int) {
        self.file = file
        self.caseID = caseID
        self.sha256 = sha256
        self.declaredSHA256 = declaredSHA256
        self.size = size
    }
}

/// What one run added to the archive.
public struct ArchiveSummary: Codable, Sendable {
    public var run: Int
    public var added: Int
    public var changed: Int
    public var removed: Int
    public var treeSize: Int
    public var rootHash: String
    /// The first 16 hex digits of SHA-256 of the public key, for comparing with a published copy.
    public var keyFingerprint: String
    /// Set when the key file is readable by others.
    public var keyWarning: String?
    /// Output files this run read and hashed (found changed, or written without a digest) …
    public var hashed: Int = 0
    /// … those the run's writer hashed as it wrote them, not read again (see `Archiver.record`'s `written`) …
    public var hashedAsWritten: Int = 0
    /// … and those whose logged hash it reused because the file is the one it was (same inode, size and time).
    public var reused: Int = 0

    enum CodingKeys: String, CodingKey {
        case run, added, changed, removed, treeSize = "tree_size", rootHash = "root_hash", keyFingerprint = "key_fingerprint",
             keyWarning = "key_warning", hashed, hashedAsWritten = "hashed_as_written", reused
    }
}

public enum Archiver {
    /// Every regular file under `root` that the head does not exclude, hashed on all cores (what `verify` reads).
    public static func scan(root: URL, isExcluded: (String) -> Bool) throws -> [String: FileDigest] {
        let paths = try FileWalker.list(root: root, isExcluded: isExcluded).map(\.path)
        return Dictionary(zip(paths, try readDigests(of: paths, root: root)), uniquingKeysWith: { first, _ in first })
    }

    /// The digests of `paths` (relative to `root`), in their order, read on all cores; a file that cannot
    /// be read whole is an error.
    static func readDigests(of paths: [String], root: URL) throws -> [FileDigest] {
        let base = root.standardizedFileURL.path + "/"
        return try zip(paths, hashFiles(paths.map { base + $0 })).map { path, digest in
            // A file that cannot be read whole must not enter the ledger with the hash of a part, nor as "removed".
            guard let digest else { throw ArchiveError(path: base + path, reason: "文件无法完整读取，未能登记到归档账本") }
            return digest
        }
    }

    /// SHA-256 of each file (nil when unreadable), streaming, on every core.
    public static func hashFiles(_ paths: [String]) -> [FileDigest?] {
        EveryCore.map(count: paths.count, block: 1) { range in range.map { hashFile(paths[$0]) } }.map { $0 ?? nil }
    }

    /// SHA-256 of a whole file; nil when it cannot be opened or a read fails part-way
    /// (never the digest of the part that was read).
    public static func hashFile(_ path: String) -> FileDigest? {
        var hasher = SHA256()
        var size = 0
        do {
            try FilePieces.forEach(in: path) { piece in
                hasher.update(data: piece)
                size += piece.count
            }
        } catch {
            return nil
        }
        return FileDigest(sha256: Array(hasher.finalize()).hex, size: size)
    }

    /// SHA-256 of a public key, hex: what a person compares with the published fingerprint.
    public static func fingerprint(_ publicKey: [UInt8]) -> String { Array(SHA256.hash(data: publicKey)).hex }

    /// The case a document belongs to, from its place under internal/documents/<agency>/<case>/.
    public static func caseID(ofOutput path: String) -> String? {
        let parts = path.split(separator: "/")
        guard parts.count >= 5, parts[0] == "internal", parts[1] == "documents" else { return nil }
        return String(parts[3])
    }

    /// Logs what changed since the last run and signs a new tree head. Only files whose stamp differs
    /// from the file index's are read (what this run wrote, or anything else that changed); a file the
    /// committer carried forward keeps the hash of its ledger leaf. The ledger itself is read only when
    /// it is not as the index's checkpoint says (see `LoggedState`).
    /// `known`: folders whose files the caller knows without a walk (see `FileWalker.list(root:isExcluded:known:)`), made
    /// when the listing needs them and let go of once it is made (≈ 100 MB at 100,000 cases, which stood to the new index).
    /// `listed` receives the files the record describes (what `FileWalker.list` finds with the head's exclusions),
    /// so a caller that needs the same listing right after does not walk the output again.
    /// `written`: the SHA-256 of a listed file as the run wrote it, when the file is still stamped as it was right
    /// after (nil: read it). A first night writes the whole output (≈ 44 GB at 100,000 cases), more than the page
    /// cache holds, and reading it all back from the disk was most of the commit's time; the bytes were in memory once.
    public static func record(root: URL, excluded: [String], media: [MediaItem], asOf: String, input: String,
                              key: SigningKey, known knownFolders: () -> [FileWalker.KnownFolder] = { [] },
                              written: ((ListedFile) -> FileDigest?)? = nil,
                              listed listing: (([ListedFile]) -> Void)? = nil) throws -> ArchiveSummary {
        var state: LoggedState
        let listed: [ListedFile]
        // Tables in the order of the listing, one row per listed file: the output's 600,000 files went
        // through five dictionaries keyed by path (what could be reused, the digests, their merge, the
        // new index), each insert and lookup hashing a path, and that was most of the archive's time.
        let join: Join
        let current: [FileDigest]
        let template: TreeHead
        do {
            // The last run's index and ledger are read while the output is walked: neither needs the other.
            let known = knownFolders()
            let exclusion = TreeHead(run: 0, asOf: asOf, input: input, treeSize: 0, rootHash: "", excluded: excluded, publicKey: "", signature: "")
            let ((previousIndex, loaded), walked) = try EveryCore.both({ () throws -> (FileIndex?, LoggedState) in
                let index = FileIndex.load(root: root)
                return (index, try LoggedState.load(root: root, index: index))
            }, {
                try FileWalker.list(root: root, isExcluded: exclusion.isExcluded, known: known)
            })
            state = loaded
            listed = walked
            template = TreeHead(run: state.nextRun, asOf: asOf, input: input, treeSize: 0, rootHash: "", excluded: excluded,
                                publicKey: "", signature: "")
            join = Self.joined(listed, rows: state.indexRows) ?? Self.lookedUp(listed, indexed: previousIndex?.entries ?? [:], state: state)
        }
        // Each listed file's `Known` holds what it needs of its logged output: the logged outputs themselves (the
        // index's rows, ≈ 140 MB at 100,000 cases) would otherwise stand through the hashing, the ledger and the new index.
        state.forgetOutputs()
        let known = join.known
        let toHash = listed.indices.filter { !known[$0].reusable }
        // Every file hashed again is filled in below; a reused one is as its leaf logged it.
        var digests = known.map { known in known.logged.map { FileDigest(sha256: $0.sha256, size: $0.size) } ?? FileDigest(sha256: "", size: 0) }
        var toRead: [Int] = []
        for position in toHash {
            if let digest = written?(listed[position]) { digests[position] = digest } else { toRead.append(position) }
        }
        for (position, digest) in zip(toRead, try readDigests(of: toRead.map { listed[$0].path }, root: root)) { digests[position] = digest }
        current = digests
        let run = state.nextRun
        let entries = changes(state: state, listed: listed, known: known, gone: join.gone, current: current, media: media, run: run)
        let firstNewLeaf = state.frontier.size
        let head = try Ledger.append(entries, to: &state.frontier, head: { size, rootHash in
            var head = template
            head.treeSize = size
            head.rootHash = rootHash
            return try key.sign(head)
        }, root: root)
        // After the ledger: an index ahead of its leaves would vouch for hashes never logged.
        let checkpoint = LedgerCheckpoint(ledgerBytes: try Ledger.ledgerBytes(root: root), frontier: state.frontier, rootHash: head.rootHash,
                                          media: loggedMedia(state: state, entries: entries, firstNewLeaf: firstNewLeaf)
                                              .mapValues { LedgerCheckpoint.LoggedMedia(leaf: $0.leaf, sha256: $0.sha256) })
        try FileIndex.write(root: root, checkpoint: checkpoint,
                            rows: indexRows(listed, known: known, entries: entries, firstNewLeaf: firstNewLeaf))
        listing?(listed)
        let fingerprint = fingerprint(Array(key.privateKey.publicKey.rawRepresentation)).prefix(16)
        return ArchiveSummary(run: run, added: entries.filter { $0.event == .added }.count,
                              changed: entries.filter { $0.event == .changed }.count,
                              removed: entries.filter { $0.event == .removed }.count,
                              treeSize: state.frontier.size, rootHash: head.rootHash,
                              keyFingerprint: String(fingerprint), hashed: toRead.count, hashedAsWritten: toHash.count - toRead.count,
                              reused: listed.count - toHash.count)
    }

    /// What the ledger logged last of one listed file (nil: never, or logged as removed) and whether
    /// that hash still describes it: the file is stamped as when that leaf was logged.
    struct Known {
        var logged: LoggedState.Logged?
        var reusable: Bool
    }

    /// `Known` for each listed file, in the listing's order, looked up on every core (the tables are only read).
    static func known(_ listed: [ListedFile], indexed: [String: FileIndex.Entry], state: [String: LoggedState.Logged]) -> [Known] {
        EveryCore.map(count: listed.count, block: 4096) { range in
            range.map { position -> Known in
                let file = listed[position]
                guard let logged = state[file.path] else { return Known(logged: nil, reusable: false) }
                guard let indexed = indexed[file.path] else { return Known(logged: logged, reusable: false) }
                return Known(logged: logged, reusable: indexed.stamp == file.stamp && logged.leaf == indexed.leaf && logged.size == file.stamp.size)
            }
        }.map { $0 ?? Known(logged: nil, reusable: false) }
    }

    /// Each listed file's `Known`, in the listing's order, and the logged outputs no longer listed (to be logged as
    /// removed), in the order of String's `<`.
    struct Join {
        var known: [Known]
        var gone: [String]
    }

    /// `Join` through the tables: each listed file looked up by path, and the logged paths not listed gathered only when
    /// some logged output was not found (most nights none is gone).
    static func lookedUp(_ listed: [ListedFile], indexed: [String: FileIndex.Entry], state: LoggedState) -> Join {
        let known = known(listed, indexed: indexed, state: state.outputTable())
        let stillThere = known.reduce(0) { $0 + ($1.logged == nil ? 0 : 1) }
        guard stillThere < state.outputCount else { return Join(known: known, gone: []) }
        let listedPaths = Set(listed.map(\.path))
        return Join(known: known, gone: Set(state.outputPaths).filter { !listedPaths.contains($0) }.sorted())
    }

    /// `Join` when the logged state is the index's (`LoggedState.indexRows`): the index's rows are read beside the
    /// listing, path by path, both in the order of their paths' bytes — what the archive wrote them in; a row the
    /// listing passes by is an output no longer there. Looking 650,000 paths up in tables of that size (and filling
    /// the index's table first) was most of the archive's CPU. Nil, and the tables are used, when either is not in
    /// that order (an index written otherwise, a path held twice) or a path is not plainly composed (String's
    /// equality, which the tables use, is not that of the bytes for such names; for plainly composed paths the
    /// bytes' order is `<`'s, so the rows passed by come out as `lookedUp` sorts them).
    static func joined(_ listed: [ListedFile], rows: [FileIndex.Row]?) -> Join? {
        guard let rows, isInByteOrder(listed.lazy.map(\.path)), isInByteOrder(rows.lazy.map(\.path)) else { return nil }
        var out: [Known] = []
        out.reserveCapacity(listed.count)
        var gone: [String] = []
        var next = 0
        for file in listed {
            var found: FileIndex.Entry?
            while next < rows.count {
                let order = PathBytes.order(rows[next].path, file.path)
                if order > 0 { break }
                next += 1
                if order == 0 {
                    found = rows[next - 1].entry
                    break
                }
                gone.append(rows[next - 1].path)
            }
            guard let found else {
                out.append(Known(logged: nil, reusable: false))
                continue
            }
            // As `known` finds it: the logged state is the index's, so its leaf is the entry's.
            out.append(Known(logged: LoggedState.Logged(leaf: found.leaf, sha256: found.sha256, size: found.stamp.size),
                             reusable: found.stamp == file.stamp))
        }
        gone += rows[next...].map(\.path)
        return Join(known: out, gone: gone)
    }

    /// True when every path is plainly composed and each one's bytes come strictly after the one before.
    private static func isInByteOrder<Paths: Collection>(_ paths: Paths) -> Bool where Paths.Element == String {
        var previous: String?
        for path in paths {
            guard FileWalker.isPlainlyComposed(path) else { return false }
            if let previous, PathBytes.order(previous, path) >= 0 { return false }
            previous = path
        }
        return true
    }

    /// The new index's rows, in the listing's order: each listed file's stamp with the leaf that now holds
    /// its hash (its new leaf when this run logged it, else the leaf it already had).
    static func indexRows(_ listed: [ListedFile], known: [Known], entries: [LedgerEntry], firstNewLeaf: Int) -> [(String, FileIndex.Entry)] {
        var rows: [(String, FileIndex.Entry)] = []
        rows.reserveCapacity(listed.count)
        // The run's added and changed outputs lead `entries`, in the listing's order: one cursor finds each.
        var cursor = 0
        for (file, known) in zip(listed, known) {
            var logged = known.logged
            if cursor < entries.count, entries[cursor].kind == .output, entries[cursor].event != .removed, entries[cursor].path == file.path {
                logged = LoggedState.Logged(leaf: firstNewLeaf + cursor, sha256: entries[cursor].sha256, size: entries[cursor].size)
                cursor += 1
            }
            guard let logged else { continue }
            rows.append((file.path, FileIndex.Entry(stamp: file.stamp, leaf: logged.leaf, sha256: logged.sha256)))
        }
        return rows
    }

    /// Each media file's latest leaf once this run's entries are logged.
    static func loggedMedia(state: LoggedState, entries: [LedgerEntry], firstNewLeaf: Int) -> [String: LoggedState.Logged] {
        var media = state.media
        for (offset, entry) in entries.enumerated() where entry.kind == .media {
            media[entry.path] = LoggedState.Logged(leaf: firstNewLeaf + offset, sha256: entry.sha256, size: entry.size)
        }
        return media
    }

    /// Leaves for every output or media file that is new, different or gone, in path order: the listed
    /// outputs (in the listing's order, already sorted), the media, then the outputs no longer there (`gone`).
    /// A reused file is as logged, so only the files read again are compared.
    static func changes(state: LoggedState, listed: [ListedFile], known: [Known], gone: [String], current: [FileDigest],
                        media: [MediaItem], run: Int) -> [LedgerEntry] {
        var entries: [LedgerEntry] = []
        func event(for last: LoggedState.Logged?, sha256: String) -> LedgerEntry.Event? {
            guard let last else { return .added }
            return last.sha256 == sha256 ? nil : .changed
        }
        for position in listed.indices where !known[position].reusable {
            let (path, digest) = (listed[position].path, current[position])
            if let kind = event(for: known[position].logged, sha256: digest.sha256) {
                entries.append(LedgerEntry(run: run, kind: .output, path: path, event: kind, sha256: digest.sha256,
                                           size: digest.size, caseID: caseID(ofOutput: path)))
            }
        }
        for item in media.sorted(by: { $0.file < $1.file }) {
            if let kind = event(for: state.media["media/" + item.file], sha256: item.sha256) {
                entries.append(LedgerEntry(run: run, kind: .media, path: "media/" + item.file, event: kind, sha256: item.sha256,
                                           size: item.size, caseID: item.caseID, declaredSHA256: item.declaredSHA256))
            }
        }
        // An output the run no longer writes is logged as removed, so its absence is accounted for.
        for path in gone {
            entries.append(LedgerEntry(run: run, kind: .output, path: path, event: .removed, sha256: "", size: 0,
                                       caseID: caseID(ofOutput: path)))
        }
        return entries
    }
}

/// What the ledger logged last of each output and media file still there (a removed file is as good
/// as never logged: it comes back as added), where its tree stands and the next run's number.
///
/// Read from the file index's checkpoint when the ledger is as that index says: its length in bytes is
/// the checkpoint's and its last signed head has the checkpoint's size and root. Otherwise (no index,
/// an index of v1, a ledger appended to or cut since, a crash between the ledger and the index) from
/// the whole ledger. The index is a cache, never evidence: `verify` reads the ledger and every file.
struct LoggedState {
    struct Logged: Equatable {
        var leaf: Int
        var sha256: String
        var size: Int
    }

    /// Output path → its latest leaf (read from the ledger; empty when `indexRows` holds the outputs).
    var outputs: [String: Logged]
    /// When read from the file index (its checkpoint is the ledger's): the index's rows, each output's latest
    /// leaf, hash and size as the index holds them, in its order.
    var indexRows: [FileIndex.Row]?
    /// "media/<file>" → its latest leaf.
    var media: [String: Logged]
    var frontier: MerkleFrontier
    var nextRun: Int

    var outputCount: Int { indexRows?.count ?? outputs.count }

    /// Every logged output's path (the index's, or the ledger's).
    var outputPaths: [String] { indexRows?.map(\.path) ?? Array(outputs.keys) }

    /// Lets go of the logged outputs once each listed file has been joined with its own (`Archiver.Join`).
    mutating func forgetOutputs() {
        outputs = [:]
        indexRows = nil
    }

    /// Output path → its latest leaf, whichever way it was read (of a path the index holds twice, the later row).
    func outputTable() -> [String: Logged] {
        guard let indexRows else { return outputs }
        return Dictionary(indexRows.map { ($0.path, Logged(leaf: $0.entry.leaf, sha256: $0.entry.sha256, size: $0.entry.stamp.size)) },
                          uniquingKeysWith: { _, later in later })
    }

    static func load(root: URL, index: FileIndex?) throws -> LoggedState {
        let heads = try Ledger.readHeads(root: root).heads
        let nextRun = Ledger.nextRun(after: heads)
        if let index, let checkpoint = index.checkpoint, let last = heads.last, last.treeSize == checkpoint.frontier.size,
           last.rootHash == checkpoint.rootHash, checkpoint.frontier.root.hex == checkpoint.rootHash,
           try Ledger.ledgerBytes(root: root) == checkpoint.ledgerBytes {
            return LoggedState(outputs: [:], indexRows: index.rows,
                               media: checkpoint.media.mapValues { Logged(leaf: $0.leaf, sha256: $0.sha256, size: 0) },
                               frontier: checkpoint.frontier, nextRun: nextRun)
        }
        let ledger = try Ledger(root: root)
        var outputs: [String: Logged] = [:]
        var media: [String: Logged] = [:]
        for logged in ledger.state().values where logged.entry.event != .removed {
            let entry = Logged(leaf: logged.index, sha256: logged.entry.sha256, size: logged.entry.size)
            switch logged.entry.kind {
            case .output: outputs[logged.entry.path] = entry
            case .media: media[logged.entry.path] = entry
            }
        }
        return LoggedState(outputs: outputs, indexRows: nil, media: media, frontier: ledger.frontier(), nextRun: nextRun)
    }
}
