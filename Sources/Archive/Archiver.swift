import Crypto
import Dispatch
import Foundation

/// A file as found on disk.
public struct FileDigest: Equatable, Sendable {
    public var sha256: String
    public var size: Int
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
    /// Output files this run read and hashed (those it wrote, or found changed) …
    public var hashed: Int = 0
    /// … and those whose logged hash it reused because the file is the one it was (same inode, size and time).
    public var reused: Int = 0

    enum CodingKeys: String, CodingKey {
        case run, added, changed, removed, treeSize = "tree_size", rootHash = "root_hash", keyFingerprint = "key_fingerprint",
             keyWarning = "key_warning", hashed, reused
    }
}

public enum Archiver {
    /// Every regular file under `root` that the head does not exclude, hashed on all cores (what `verify` reads).
    public static func scan(root: URL, isExcluded: (String) -> Bool) throws -> [String: FileDigest] {
        let listed = try FileWalker.list(root: root, isExcluded: isExcluded)
        return try digests(of: listed.map(\.path), root: root)
    }

    /// The digests of `paths` (relative to `root`), read on all cores; a file that cannot be read whole is an error.
    static func digests(of paths: [String], root: URL) throws -> [String: FileDigest] {
        let base = root.standardizedFileURL.path + "/"
        var out: [String: FileDigest] = [:]
        out.reserveCapacity(paths.count)
        for (path, digest) in zip(paths, hashFiles(paths.map { base + $0 })) {
            // A file that cannot be read whole must not enter the ledger with the hash of a part, nor as "removed".
            guard let digest else { throw ArchiveError(path: base + path, reason: "文件无法完整读取，未能登记到归档账本") }
            out[path] = digest
        }
        return out
    }

    /// SHA-256 of each file (nil when unreadable), streaming, on every core.
    public static func hashFiles(_ paths: [String]) -> [FileDigest?] {
        EveryCore.map(count: paths.count, block: 1) { range in range.map { hashFile(paths[$0]) } }.map { $0 ?? nil }
    }

    /// SHA-256 of a whole file; nil when it cannot be opened or a read fails part-way
    /// (never the digest of the part that was read).
    public static func hashFile(_ path: String) -> FileDigest? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size = 0
        while true {
            let chunk: Data
            do {
                guard let read = try handle.read(upToCount: 1 << 20), !read.isEmpty else { break }
                chunk = read
            } catch {
                return nil
            }
            hasher.update(data: chunk)
            size += chunk.count
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
    /// `listed` receives the files the record describes (what `FileWalker.list` finds with the head's exclusions),
    /// so a caller that needs the same listing right after does not walk the output again.
    public static func record(root: URL, excluded: [String], media: [MediaItem], asOf: String, input: String,
                              key: SigningKey, listed listing: (([ListedFile]) -> Void)? = nil) throws -> ArchiveSummary {
        var state: LoggedState
        let listed: [ListedFile]
        var files: [String: FileDigest]
        let hashed: Int, reused: Int
        let template: TreeHead
        // The last index and the reused digests are let go once merged: with the listing, the logged state
        // and the new index, each is a table of every output file (about 600,000 at 100,000 cases).
        do {
            let previousIndex = FileIndex.load(root: root)
            state = try LoggedState.load(root: root, index: previousIndex)
            template = TreeHead(run: state.nextRun, asOf: asOf, input: input, treeSize: 0, rootHash: "", excluded: excluded,
                                publicKey: "", signature: "")
            listed = try FileWalker.list(root: root, isExcluded: template.isExcluded)
            let known = reusable(listed, index: previousIndex ?? FileIndex(), state: state.outputs)
            files = try digests(of: listed.map(\.path).filter { known[$0] == nil }, root: root)
            hashed = files.count
            reused = known.count
            files.merge(known) { fresh, _ in fresh }
        }
        let run = state.nextRun
        let entries = changes(state: state, files: files, inOrder: listed.lazy.map(\.path), media: media, run: run)
        files = [:]
        let firstNewLeaf = state.frontier.size
        let head = try Ledger.append(entries, to: &state.frontier, head: { size, rootHash in
            var head = template
            head.treeSize = size
            head.rootHash = rootHash
            return try key.sign(head)
        }, root: root)
        // After the ledger: an index ahead of its leaves would vouch for hashes never logged.
        let index = makeIndex(listed, state: state, entries: entries, firstNewLeaf: firstNewLeaf,
                              ledgerBytes: try Ledger.ledgerBytes(root: root), rootHash: head.rootHash)
        try index.write(root: root, sortedPaths: listed.lazy.map(\.path))
        listing?(listed)
        let fingerprint = fingerprint(Array(key.privateKey.publicKey.rawRepresentation)).prefix(16)
        return ArchiveSummary(run: run, added: entries.filter { $0.event == .added }.count,
                              changed: entries.filter { $0.event == .changed }.count,
                              removed: entries.filter { $0.event == .removed }.count,
                              treeSize: state.frontier.size, rootHash: head.rootHash,
                              keyFingerprint: String(fingerprint), hashed: hashed, reused: reused)
    }

    /// The files whose ledger hash still describes them: stamped as when that leaf was logged.
    static func reusable(_ listed: [ListedFile], index: FileIndex, state: [String: LoggedState.Logged]) -> [String: FileDigest] {
        var out: [String: FileDigest] = [:]
        for file in listed {
            guard let indexed = index.entries[file.path], indexed.stamp == file.stamp,
                  let logged = state[file.path], logged.leaf == indexed.leaf, logged.size == file.stamp.size else { continue }
            out[file.path] = FileDigest(sha256: logged.sha256, size: logged.size)
        }
        return out
    }

    /// Each listed file's stamp with the leaf that now holds its hash (its new leaf when this run
    /// logged it, else the leaf it already had), and the ledger as this run left it.
    static func makeIndex(_ listed: [ListedFile], state: LoggedState, entries: [LedgerEntry], firstNewLeaf: Int,
                          ledgerBytes: Int, rootHash: String) -> FileIndex {
        var outputs = state.outputs
        var media = state.media
        for (offset, entry) in entries.enumerated() {
            let logged = LoggedState.Logged(leaf: firstNewLeaf + offset, sha256: entry.sha256, size: entry.size)
            switch (entry.kind, entry.event) {
            case (.output, .removed): outputs[entry.path] = nil
            case (.output, _): outputs[entry.path] = logged
            case (.media, _): media[entry.path] = logged
            }
        }
        var index = FileIndex()
        index.entries.reserveCapacity(listed.count)
        for file in listed {
            guard let logged = outputs[file.path] else { continue }
            index.entries[file.path] = FileIndex.Entry(stamp: file.stamp, leaf: logged.leaf, sha256: logged.sha256)
        }
        index.checkpoint = LedgerCheckpoint(ledgerBytes: ledgerBytes, frontier: state.frontier, rootHash: rootHash,
                                            media: media.mapValues { LedgerCheckpoint.LoggedMedia(leaf: $0.leaf, sha256: $0.sha256) })
        return index
    }

    /// Leaves for every output or media file that is new, different or gone, in path order.
    /// `inOrder`: the files' paths in path order (the listing, already sorted: sorting the table's keys
    /// again cost as much as the lookups at 600,000 files).
    static func changes<Paths: Sequence>(state: LoggedState, files: [String: FileDigest], inOrder paths: Paths, media: [MediaItem],
                                         run: Int) -> [LedgerEntry] where Paths.Element == String {
        var entries: [LedgerEntry] = []
        func event(for last: LoggedState.Logged?, sha256: String) -> LedgerEntry.Event? {
            guard let last else { return .added }
            return last.sha256 == sha256 ? nil : .changed
        }
        for path in paths {
            guard let digest = files[path] else { continue }
            if let kind = event(for: state.outputs[path], sha256: digest.sha256) {
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
        for path in state.outputs.keys.filter({ files[$0] == nil }).sorted() {
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

    /// Output path → its latest leaf.
    var outputs: [String: Logged]
    /// "media/<file>" → its latest leaf.
    var media: [String: Logged]
    var frontier: MerkleFrontier
    var nextRun: Int

    static func load(root: URL, index: FileIndex?) throws -> LoggedState {
        let heads = try Ledger.readHeads(root: root).heads
        let nextRun = Ledger.nextRun(after: heads)
        if let index, let checkpoint = index.checkpoint, let last = heads.last, last.treeSize == checkpoint.frontier.size,
           last.rootHash == checkpoint.rootHash, checkpoint.frontier.root.hex == checkpoint.rootHash,
           try Ledger.ledgerBytes(root: root) == checkpoint.ledgerBytes {
            return LoggedState(outputs: index.entries.mapValues { Logged(leaf: $0.leaf, sha256: $0.sha256, size: $0.stamp.size) },
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
        return LoggedState(outputs: outputs, media: media, frontier: ledger.frontier(), nextRun: nextRun)
    }
}
