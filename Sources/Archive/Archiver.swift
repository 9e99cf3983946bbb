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

    enum CodingKeys: String, CodingKey {
        case run, added, changed, removed, treeSize = "tree_size", rootHash = "root_hash", keyFingerprint = "key_fingerprint",
             keyWarning = "key_warning"
    }
}

public enum Archiver {
    /// Every regular file under `root` that the head does not exclude, hashed on all cores.
    public static func scan(root: URL, isExcluded: (String) -> Bool) throws -> [String: FileDigest] {
        let base = root.standardizedFileURL.path + "/"
        var paths: [String] = []
        guard let walker = FileManager.default.enumerator(atPath: root.path) else {
            throw ArchiveError(path: root.path, reason: "无法读取输出文件夹")
        }
        while let relative = walker.nextObject() as? String {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: base + relative, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            if !isExcluded(relative) { paths.append(relative) }
        }
        paths.sort()
        let digests = hashFiles(paths.map { base + $0 })
        var out: [String: FileDigest] = [:]
        for (path, digest) in zip(paths, digests) {
            // A file that cannot be read whole must not enter the ledger with the hash of a part, nor as "removed".
            guard let digest else { throw ArchiveError(path: base + path, reason: "文件无法完整读取，未能登记到归档账本") }
            out[path] = digest
        }
        return out
    }

    /// SHA-256 of each file (nil when unreadable), streaming, on every core.
    public static func hashFiles(_ paths: [String]) -> [FileDigest?] {
        final class Box: @unchecked Sendable { var values: [FileDigest?]; init(_ n: Int) { values = Array(repeating: nil, count: n) } }
        let box = Box(paths.count)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            let digest = hashFile(paths[index])
            lock.lock()
            box.values[index] = digest
            lock.unlock()
        }
        return box.values
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

    /// Logs what changed since the last run and signs a new tree head.
    public static func record(root: URL, excluded: [String], media: [MediaItem], asOf: String, input: String,
                              key: SigningKey) throws -> ArchiveSummary {
        var ledger = try Ledger(root: root)
        let run = ledger.nextRun
        let template = TreeHead(run: run, asOf: asOf, input: input, treeSize: 0, rootHash: "", excluded: excluded,
                                publicKey: "", signature: "")
        let files = try scan(root: root, isExcluded: template.isExcluded)
        let entries = changes(state: ledger.state(), files: files, media: media, run: run)
        try ledger.append(entries, head: { size, rootHash in
            var head = template
            head.treeSize = size
            head.rootHash = rootHash
            return try key.sign(head)
        }, root: root)
        let fingerprint = fingerprint(Array(key.privateKey.publicKey.rawRepresentation)).prefix(16)
        return ArchiveSummary(run: run, added: entries.filter { $0.event == .added }.count,
                              changed: entries.filter { $0.event == .changed }.count,
                              removed: entries.filter { $0.event == .removed }.count,
                              treeSize: ledger.lines.count, rootHash: ledger.heads.last?.rootHash ?? "",
                              keyFingerprint: String(fingerprint))
    }

    /// Leaves for every output or media file that is new, different or gone, in path order.
    static func changes(state: [String: (index: Int, entry: LedgerEntry)], files: [String: FileDigest], media: [MediaItem],
                        run: Int) -> [LedgerEntry] {
        var entries: [LedgerEntry] = []
        func event(for key: String, sha256: String) -> LedgerEntry.Event? {
            guard let last = state[key]?.entry, last.event != .removed else { return .added }
            return last.sha256 == sha256 ? nil : .changed
        }
        for path in files.keys.sorted() {
            guard let digest = files[path] else { continue }
            if let kind = event(for: "output:" + path, sha256: digest.sha256) {
                entries.append(LedgerEntry(run: run, kind: .output, path: path, event: kind, sha256: digest.sha256,
                                           size: digest.size, caseID: caseID(ofOutput: path)))
            }
        }
        for item in media.sorted(by: { $0.file < $1.file }) {
            if let kind = event(for: "media:media/" + item.file, sha256: item.sha256) {
                entries.append(LedgerEntry(run: run, kind: .media, path: "media/" + item.file, event: kind, sha256: item.sha256,
                                           size: item.size, caseID: item.caseID, declaredSHA256: item.declaredSHA256))
            }
        }
        // An output the run no longer writes is logged as removed, so its absence is accounted for.
        let logged: [LedgerEntry] = state.values.map(\.entry)
        let gone = logged.filter { entry in entry.kind == .output && entry.event != .removed && files[entry.path] == nil }
            .sorted { $0.path < $1.path }
        for entry in gone {
            entries.append(LedgerEntry(run: run, kind: .output, path: entry.path, event: .removed, sha256: "", size: 0,
                                       caseID: entry.caseID))
        }
        return entries
    }
}
